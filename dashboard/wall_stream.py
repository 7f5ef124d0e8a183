"""GET /wall/stream?school=&lang=: a school wall's changes, pushed as server-sent events.

The route is thin: it checks the caller exactly as the wall's callback does (the guard has
checked the token or session and the wall permission; here `readable_schools` picks the school
when none is named and `require_school` refuses one the caller may not read), then streams.
The stream (the protocol is in docs/api.md; framing in dashboard/wall_push.py):
- `retry`, then one `wall` event with the whole wall (the last published model, kept in Redis),
  or none yet when the school has just become watched (the first publication is whole);
- each publication of the school's publisher (dashboard/wall_publisher.py) as a `wall` event,
  in sequence; after a gap, the whole wall again;
- a `beat` event every second (the link watchdog in assets/wall.js, and the data's as_of);
- the caller checked again every RECHECK_S: a revoked token or ended session gets `end`
  (refused) and the stream closes; so does a Redis outage (`end`, store_down, with the banner);
  the screen then polls, as before there was a stream, and the poll says what is wrong.
Every STREAM_MAX_S the stream closes quietly and EventSource reconnects, so screens spread
again over the workers after a restart; so does every stream of a hub that is stopped.
"""
from __future__ import annotations

import queue
import time

import redis
from flask import Blueprint, Flask, Response, abort, current_app, request, stream_with_context

from dashboard import wall_push, wall_sync
from dashboard.access import readable_schools, require_school, still_reads
from dashboard.pages.wall.model import changes
from dashboard.services import clock_ms, services
from dashboard.wall_hub import DOWN, Hub, hub
from kernel import keys
from kernel.contract import SCHOOL_ID
from layouts.i18n import language, t

STREAM_MAX_S = 600.0
SPARE_THREADS = 16  # of a worker's WEB_THREADS, never held by streams: pages, polls and the API need them
wall_stream = Blueprint("wall_stream", __name__)


@wall_stream.get("/wall/stream")
def stream():
    lang = language(request.args.get("lang"))
    asked = request.args.get("school") or None
    if asked is not None and not SCHOOL_ID.fullmatch(asked):
        abort(400)
    live = services()
    if not live.settings.wall_push:
        abort(404)  # WALL_PUSH=off: screens poll
    relay = hub(current_app._get_current_object(), live)
    if relay.streams() >= live.settings.web_threads - SPARE_THREADS:
        abort(503)  # this worker's threads are for pages and polls now: this screen polls
    try:
        schools = readable_schools(live.schools())
    except redis.RedisError:
        abort(503)  # the screen polls, and its poll shows the banner
    school = asked or (schools[0] if schools else None)
    if school is None:
        abort(404)  # no school to show: the poll says so on the wall
    require_school(school)
    events = _events(relay, live, school, lang)
    response = Response(stream_with_context(events), mimetype="text/event-stream")
    # Never cached, never buffered by a proxy (nginx honours X-Accel-Buffering), never compressed.
    response.headers.update({"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    return response


def _events(relay: Hub, live, school: str, lang: str):
    listener = relay.listen(keys.wall_channel(school, lang))  # before reading the state: nothing falls between
    screen = wall_sync.new_screen_id()
    try:
        yield f"retry: {wall_push.RETRY_MS}\n\n"
        started = time.monotonic()
        next_beat = next_check = next_watch = started
        last_seq, as_of = None, None
        try:
            _watch(live, school, lang, screen)
            whole = _whole(live, school, lang)
        except redis.RedisError:
            yield _store_down(lang)
            return
        if whole is not None:
            last_seq, as_of, text = whole
            yield wall_push.sse("wall", text)
        while time.monotonic() - started < STREAM_MAX_S and not relay.stop.is_set():
            try:
                item = listener.queue.get(timeout=max(0.0, next_beat - time.monotonic()))
            except queue.Empty:
                item = None
            if item == DOWN:
                yield _store_down(lang)
                return
            try:
                if item is not None or listener.overflow:
                    action = "resync" if listener.overflow else None
                    if item is not None and action is None:
                        seq, full, item_as_of = wall_push.header(item)
                        action = wall_push.what_to_do(last_seq, seq, full)
                    if action == "send":
                        last_seq, as_of = seq, item_as_of
                        yield wall_push.sse("wall", item.decode() if isinstance(item, bytes) else item)
                    elif action == "resync":
                        listener.overflow = False
                        whole = _whole(live, school, lang)
                        if whole is not None:
                            last_seq, as_of, text = whole
                            yield wall_push.sse("wall", text)
                now = time.monotonic()
                if now >= next_watch:
                    _watch(live, school, lang, screen)
                    next_watch = now + wall_push.RENEW_WATCH_S
            except redis.RedisError:
                yield _store_down(lang)
                return
            if now >= next_check:
                if not still_reads(school, fresh_s=wall_push.RECHECK_S):
                    yield wall_push.end("refused")
                    return
                next_check = now + wall_push.RECHECK_S
            if now >= next_beat:
                yield wall_push.beat(clock_ms(), as_of, school)
                next_beat = now + wall_push.BEAT_EVERY_S
    finally:
        relay.close(listener)


def _watch(live, school: str, lang: str, screen: str) -> None:
    """Say this school's wall is watched in `lang` for a while yet (the publishers read it), and
    that this screen is open (/metrics counts the screens heard from lately, as for polling ones)."""
    now = clock_ms()
    with live.redis.pipeline(transaction=False) as pipe:
        pipe.zadd(keys.WALL_WATCHED, {wall_push.watch_member(school, lang): now + wall_push.WATCH_TTL_MS}, gt=True)
        pipe.zadd(keys.WALL_SCREENS, {screen: now})
        pipe.zremrangebyscore(keys.WALL_SCREENS, "-inf", now - wall_sync.SCREENS_KEPT_MS)
        pipe.execute()


_wholes: dict[tuple[str, str], tuple[int, str | None, str]] = {}  # the last whole wall built, per school and language


def _whole(live, school: str, lang: str) -> tuple[int, str | None, str] | None:
    """(seq, as_of, the `wall` event's data) of the whole wall as last published; None when
    nothing is kept yet. Built once per publication and process, however many screens connect."""
    kept = wall_push.read_state(live.redis.get(keys.wall_state(school, lang)))
    if kept is None:
        return None
    seq, model, as_of = kept
    cached = _wholes.get((school, lang))
    if cached is not None and cached[0] == seq:
        return cached
    plan = live.site_plan(school)
    text = wall_push.publication(seq, changes(None, model, lang=lang, plan=plan), full=True, as_of=as_of)
    found = _wholes[(school, lang)] = (seq, as_of, text)
    return found


def _store_down(lang: str) -> str:
    """Keep every number as it was, grey it out and say why (as the callback does), then end."""
    return wall_push.end("store_down", {"banner": t(lang, "store_down"), "wall_class": "wall is-stale"})


def register(server: Flask) -> None:
    server.register_blueprint(wall_stream)
