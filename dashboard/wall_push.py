"""Pushed walls: what a school wall's publisher sends and how a screen's stream treats it. Pure.

A school's wall model (dashboard/pages/wall/model.py) is computed once per change per school and
language, not once per screen (dashboard/wall_publisher.py), and its changes go to every screen
showing that school over server-sent events (dashboard/wall_stream.py). What travels is what the
wall's callback returns today, already addressed: a list of [component id, {prop: value}], which
assets/wall.js hands to Dash's `dash_clientside.set_props` one by one (Patches included: Dash
applies them to the component's current props). The protocol is in docs/api.md.

Each publication has a sequence number per school and language. A screen applies a publication
only when it follows the one it applied last; after a gap (a lost message, a new publisher) or
on (re)connecting it is sent the whole wall instead, from the last published model kept in Redis.
"""
from __future__ import annotations

import json
from typing import Any

from dash._utils import to_json

from dashboard.pages.wall import ids
from kernel.catalogue import DOMAINS

# The publisher looks at each watched school this often, and builds its model again only when the
# school's data moved (its applied offsets changed) or RECOMPUTE_EVERY_MS passed (the wall has
# texts that age by themselves: the lag, "no data for N minutes", an alert's time since, and the
# ledger's figures the recorder refreshes). 100 ms, not more: the wait for the next look is most
# of event -> wall DOM (target p95 300 ms) once the consumer has applied the event.
PUBLISH_EVERY_S = 0.1
RECOMPUTE_EVERY_MS = 1000
# A school whose data moves all the time (hundreds of events a second) is built at most this often
# for its data: its screens get ~4 merged publications a second, not 10 smaller ones (bytes and CPU
# measured in docs/benchmarks.md), while a quiet school's first change goes out at the next look.
BUSY_GAP_MS = 250
WATCH_TTL_MS = 15_000  # a screen renews its interest every RENEW_WATCH_S; forgotten after this
RENEW_WATCH_S = 5.0
RECHECK_S = 4.0  # the caller is checked again this often: a revoked token's screens stop within 10 s
BEAT_EVERY_S = 1.0  # the heartbeat: the link watchdog (assets/wall.js) hears the stream is alive
RETRY_MS = 1000  # EventSource's reconnection delay after a dropped connection
LANGS = ("zh", "en")

# Where each output of `changes` goes: (component id, prop). The pattern-matching and per-domain
# outputs are addressed below, per figure or domain.
_SINGLE = {
    "alerts": (ids.ALERT_LIST, "children"),
    "listed": (ids.LISTED_HAZARDS, "children"),
    "gates": (ids.GATE_LIST, "children"),
    "hourly": (ids.HOURLY_CHART, "figure"),
    "map": (ids.RISK_MAP, "figure"),
    "map_note": (ids.MAP_NOTE, "children"),
    "lower_class": (ids.LOWER, "className"),
    "lower_style": (ids.LOWER, "style"),
    "as_of": (ids.AS_OF, "children"),
    "lag": (ids.LAG, "children"),
    "wall_class": (ids.WALL, "className"),
    "flash": (ids.FLASH, "data"),
}


def due(last: tuple[str, int, int] | None, fingerprint: str, now_ms: int) -> bool:
    """Whether to build a school's model again: `last` is (fingerprint, when built, when last
    built for moved data) of the last build, `fingerprint` what the school's data is now (its
    applied offsets)."""
    if last is None or now_ms - last[1] >= RECOMPUTE_EVERY_MS:
        return True
    return last[0] != fingerprint and now_ms - last[2] >= BUSY_GAP_MS


def looked(last: tuple[str, int, int] | None, fingerprint: str, now_ms: int) -> tuple[str, int, int]:
    """What to remember of a build made now (for `due`)."""
    moved = last is None or last[0] != fingerprint
    return (fingerprint, now_ms, now_ms if moved else last[2])


def watch_member(school: str, lang: str) -> str:
    """The member of keys.WALL_WATCHED for a school's wall in a language."""
    return f"{school}|{lang}"


def parse_watch_member(member: str | bytes) -> tuple[str, str] | None:
    text = member.decode() if isinstance(member, bytes) else member
    school, _, lang = text.rpartition("|")
    return (school, lang) if school and lang in LANGS else None


def updates(changed: dict) -> list[list]:
    """`changes(...)`'s outputs as [[component id, {prop: value}], ...], one entry per component,
    in the order the callback's outputs are declared (the figures first, the flash last)."""
    found: dict[str, tuple[Any, dict]] = {}

    def put(component, prop: str, value) -> None:
        key = json.dumps(component, sort_keys=True)
        found.setdefault(key, (component, {}))[1][prop] = value

    for name, prop in (("fig", "children"), ("cls", "className")):
        for dom_id, value in (changed.get(name) or {}).items():
            put(ids.figure(dom_id), prop, value)
    for domain in DOMAINS:
        if domain in (changed.get("bars") or {}):
            put(ids.sparkline(domain), "children", changed["bars"][domain])
    for name, (component, prop) in _SINGLE.items():
        if name in changed:
            put(component, prop, changed[name])
    if "banner" in changed:
        put(ids.STALE_BANNER, "children", changed["banner"] or "")
        put(ids.STALE_BANNER, "hidden", changed["banner"] is None)
    return [[component, props] for component, props in found.values()]


def publication(seq: int, changed: dict, *, full: bool, as_of: str | None) -> str:
    """The text published on the school's channel and sent to screens as one `wall` event:
    {"seq", "full", "as_of", "set": [[id, props], ...]}. `full`: the whole wall, applied whatever
    the screen showed before. Dash's encoder: components and Patches as the callback sends them."""
    return to_json({"seq": seq, "full": full, "as_of": as_of, "set": updates(changed)})


def header(text: str | bytes) -> tuple[int, bool, str | None]:
    """(seq, full, as_of) of a publication's text."""
    found = json.loads(text)
    return int(found["seq"]), bool(found["full"]), found.get("as_of")


def what_to_do(last_seq: int | None, seq: int, full: bool) -> str:
    """A screen that applied `last_seq` (None: nothing yet) receives publication `seq`:
    "skip" (already shown: sent in the whole wall it got), "send" it, or "resync": send the whole
    wall from the kept state, because something between is missing."""
    if full:  # a publisher starting afresh: its numbers may begin anywhere
        return "send"
    if last_seq is not None and seq <= last_seq:
        return "skip"
    if last_seq is not None and seq == last_seq + 1:
        return "send"
    return "resync"


def kept_state(seq: int, model: dict, as_of: str | None) -> str:
    """What Redis keeps of the last publication: the model itself, so a new publisher continues
    the diff where the last stopped and a connecting screen is sent the whole wall from it."""
    return json.dumps({"seq": seq, "model": model, "as_of": as_of}, ensure_ascii=False, separators=(",", ":"))


def read_state(text: str | bytes | None) -> tuple[int, dict, str | None] | None:
    """(seq, model, as_of) of what kept_state wrote; None for nothing kept."""
    if not text:
        return None
    found = json.loads(text)
    return int(found["seq"]), found["model"], found.get("as_of")


def sse(event: str, data: str, *, event_id: int | None = None) -> str:
    """One server-sent event. `data` is one line of JSON (json never writes a raw newline)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {data}\n\n"


def beat(now_ms: int, as_of: str | None, school: str) -> str:
    """The heartbeat event: the link watchdog's `at`, and the data's own time."""
    return sse("beat", json.dumps({"at": now_ms, "as_of": as_of, "school": school}))


def end(reason: str, changed: dict | None = None) -> str:
    """The last event of a stream: the screen goes back to polling (which says what is wrong,
    as it did before there was a stream). `reason`: refused, store_down, done."""
    return sse("end", to_json({"reason": reason, "set": updates(changed or {})}))
