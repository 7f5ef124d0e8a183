"""The publisher of pushed walls: each watched school's wall model, computed once per change.

Screens showing a school over the stream (dashboard/wall_stream.py) note in Redis that the school
is watched, in their language, for a short while (keys.WALL_WATCHED). Every PUBLISH_EVERY_S (100 ms)
the publisher of each web worker that serves streams walks that list. For each school and language
it holds the lease of (or can take: nobody else renewed it) and whose data moved since it last
looked (at most every 250 ms for a school whose data moves all the time), or once a second, it
reads the summary once, builds the model as the wall's callback does, and, when the model differs
from the last one published, publishes the changes on the school's channel and keeps the model in
Redis. One lease per school and language, in Redis, so a school is computed once whatever the
number of workers and screens; a worker that dies loses its leases within LEASE_MS and another
worker's publisher takes over
from the kept model, so the screens' sequence goes on unbroken.

The check "still the lease holder" and the publication are one Lua script: a publisher that
stalled past its lease (a long GC, a stopped VM) can never publish over its successor.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime

import redis

from dashboard import wall_push
from dashboard.pages.wall.model import changes, wall_model
from kernel import keys

log = logging.getLogger(__name__)
LEASE_MS = 3000  # renewed every cycle (100 ms): a dead publisher's schools move within 3 s
STATE_TTL_S = 3600  # the last model of a school nobody watches goes after an hour
STOP_SEEN_WITHIN_S = 0.5  # how long a wait between looks may keep `stop` unseen

# Take the lease when free, renew it when ours; 1 when it is ours afterwards.
_LEAD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
"""
# Publish only while the lease is ours: keep the model, then tell the channel.
_PUBLISH = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
"""


class Publisher:
    """One process's publisher. `cycle()` does one round; `run()` repeats it in a thread while
    `busy()` (something in this process streams, or did lately)."""

    def __init__(self, live, *, busy: Callable[[], bool], clock: Callable[[], float] = time.time):
        self.live = live  # dashboard.services.Services
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.busy, self.clock = busy, clock
        self.known: dict[tuple[str, str], tuple[int, dict]] = {}  # last published, for the schools we lead
        self.looked: dict[tuple[str, str], tuple[str, int, int]] = {}  # for wall_push.due
        self._lead = live.redis.register_script(_LEAD)
        self._publish = live.redis.register_script(_PUBLISH)
        self.published = 0  # publications so far (the benchmark reads it)

    def watched(self, now_ms: int) -> list[tuple[str, str]]:
        client = self.live.redis
        client.zremrangebyscore(keys.WALL_WATCHED, "-inf", now_ms)
        found = (wall_push.parse_watch_member(m) for m in client.zrangebyscore(keys.WALL_WATCHED, now_ms, "+inf"))
        return sorted(w for w in found if w is not None)

    def cycle(self, now_ms: int | None = None, only: set[str] | None = None) -> int:
        """Publish what changed for every watched school this process leads; how many publications.
        One round trip takes or renews every lease and reads every school's applied offsets (what
        tells that its data moved); a model is built only for the schools that are `due`. With
        `only` (schools whose data just moved), the same for those of them this process leads."""
        now_ms = int(self.clock() * 1000) if now_ms is None else now_ms
        if only is None:
            watched = self.watched(now_ms)
            for key in set(self.known) - set(watched):
                self.known.pop(key, None)
                self.looked.pop(key, None)
        else:
            watched = [key for key in self.known if key[0] in only]
            if not watched:
                return 0
        with self.live.redis.pipeline(transaction=False) as pipe:
            for school, lang in watched:
                self._lead(keys=[keys.wall_lease(school, lang)], args=[self.owner, LEASE_MS], client=pipe)
                pipe.hgetall(keys.offsets(school))
            answers = pipe.execute()
        done, summaries = 0, {}  # one summary per school and cycle, whatever the languages
        for (school, lang), led, offsets in zip(watched, answers[::2], answers[1::2]):
            if not led:  # another process leads it; when it is ours again, from Redis
                self.known.pop((school, lang), None)
                self.looked.pop((school, lang), None)
                continue
            fingerprint = repr(sorted(offsets.items()))
            last = self.looked.get((school, lang))
            if not wall_push.due(last, fingerprint, now_ms):
                continue
            self.looked[(school, lang)] = wall_push.looked(last, fingerprint, now_ms)
            if school not in summaries:
                summaries[school] = self.live.summary(school, now_ms=now_ms)
            done += self.publish(school, lang, now_ms, summaries[school])
        return done

    def publish(self, school: str, lang: str, now_ms: int, summary: dict | None) -> int:
        """Build the school's model from `summary` and publish it if it changed; 1 if published."""
        live = self.live
        plan = live.site_plan(school)
        model = wall_model(lang, school=school, summary=summary, plan=plan,
                           now=datetime.fromtimestamp(now_ms / 1000, live.settings.tz))
        known = self.known.get((school, lang))
        if known is None:
            kept = wall_push.read_state(live.redis.get(keys.wall_state(school, lang)))
            # Nothing kept: start numbering from the clock, so screens never mistake it for old news.
            known = (kept[0], kept[1]) if kept else (now_ms, None)
        seq, previous = known
        changed = changes(previous, model, lang=lang, plan=plan)
        if not changed:
            self.known[(school, lang)] = known
            return 0
        as_of = summary.get("as_of") if summary else None
        state = wall_push.kept_state(seq + 1, model, as_of)
        text = wall_push.publication(seq + 1, changed, full=previous is None, as_of=as_of)
        ok = self._publish(keys=[keys.wall_lease(school, lang), keys.wall_state(school, lang)],
                           args=[self.owner, state, STATE_TTL_S, keys.wall_channel(school, lang), text])
        if not ok:  # the lease went to another process meanwhile
            self.known.pop((school, lang), None)
            return 0
        # The model as JSON gives it back, so the next comparison is like for like (tuples are lists).
        kept_seq, kept_model, _ = wall_push.read_state(state)
        self.known[(school, lang)] = (kept_seq, kept_model)
        self.published += 1
        return 1

    def run(self, stop: threading.Event) -> None:
        """Cycle every PUBLISH_EVERY_S until `stop`, or until `busy()` says nothing streams here; in
        between, build at once the model of a school this process leads whose data moved
        (keys.WALL_MOVED): the look every 100 ms cost a screen 50 ms on average."""
        moved = None
        while not stop.is_set() and self.busy():
            started = time.monotonic()
            try:
                self.cycle()
                if moved is None:
                    moved = self.live.redis.pubsub(ignore_subscribe_messages=True)
                    moved.subscribe(keys.WALL_MOVED)
                self.between(stop, started + wall_push.PUBLISH_EVERY_S, moved)
                continue
            except redis.RedisError as exc:
                # The streams tell their screens (they read Redis too); try again in a second.
                log.warning("wall publisher: Redis unreachable (%s)", type(exc).__name__)
            except Exception:  # a bug for one school must not stop every school's wall
                log.exception("wall publisher: a cycle failed")
            self.known.clear()
            self.looked.clear()
            _close(moved)
            moved = None
            stop.wait(1.0)
        _close(moved)

    def between(self, stop: threading.Event, until: float, moved) -> None:
        """Until `until` (monotonic): each time schools' data moved, publish those this process
        leads (what arrived meanwhile taken together)."""
        while not stop.is_set() and (left := until - time.monotonic()) > 0:
            message = moved.get_message(timeout=min(left, STOP_SEEN_WITHIN_S))
            if message is None:
                continue
            schools = {message["data"]}
            while (message := moved.get_message(timeout=0)) is not None:
                schools.add(message["data"])
            self.cycle(only=schools)


def _close(pubsub) -> None:
    if pubsub is not None:
        try:
            pubsub.close()
        except Exception:  # noqa: BLE001 - already broken: nothing to give back
            pass
