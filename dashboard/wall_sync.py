"""What each wall screen was last sent, so the next answer carries only what changed.

Every answer gets a fresh random tag; the screen keeps the tag of the answer it applied (a
dcc.Store written by that same answer) and sends it back with its next request. The model sent
under that tag is kept in Redis for a short while, so any web process (several gunicorn workers,
a restarted one) can diff against it. A tag per answer, not a counter, so that two requests in
flight never overwrite each other's record: whichever answer the screen applied, its tag names
exactly what it shows. A tag that is unknown or expired means "send everything".
"""
from __future__ import annotations

import json
import secrets
import time

import redis

from kernel import keys

SENT_TTL_S = 30  # a screen asks every half second; a tag older than this belongs to a dead tab
SCREENS_KEPT_MS = 600_000  # a screen silent this long is forgotten (the longest WALL_REFRESH_MS is 60 s)


def _key(screen: str, tag: str) -> str:
    return f"campus:wall:sent:{screen}:{tag}"


def new_screen_id() -> str:
    return secrets.token_hex(8)


def recall(client: redis.Redis, screen: str | None, tag: str | None) -> dict | None:
    """The model the screen says it shows, or None when it must be sent everything."""
    if not screen or not tag or not isinstance(screen, str) or not isinstance(tag, str):
        return None
    raw = client.get(_key(screen[:32], tag[:32]))
    return json.loads(raw) if raw else None


def remember(client: redis.Redis, screen: str, model: dict, now_ms: int | None = None) -> str:
    """Keep the model under a new tag and return the tag for the screen to send back. In the same
    round trip, note that the screen is open (/metrics counts the screens heard from lately) and
    forget screens silent for SCREENS_KEPT_MS, so the note stays as small as the wall is."""
    tag = secrets.token_hex(6)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    with client.pipeline(transaction=False) as pipe:
        text = json.dumps(model, ensure_ascii=False, separators=(",", ":"))
        pipe.set(_key(screen[:32], tag), text, ex=SENT_TTL_S)
        pipe.zadd(keys.WALL_SCREENS, {screen[:32]: now_ms})
        pipe.zremrangebyscore(keys.WALL_SCREENS, "-inf", now_ms - SCREENS_KEPT_MS)
        pipe.execute()
    return tag


def open_within_ms(refresh_ms: int) -> int:
    """A screen counts as open while it was heard from within three refreshes (at least 10 s)."""
    return max(10_000, 3 * refresh_ms)
