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

import redis

SENT_TTL_S = 30  # a screen asks every half second; a tag older than this belongs to a dead tab


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


def remember(client: redis.Redis, screen: str, model: dict) -> str:
    """Keep the model under a new tag and return the tag for the screen to send back."""
    tag = secrets.token_hex(6)
    client.set(_key(screen[:32], tag), json.dumps(model, ensure_ascii=False, separators=(",", ":")), ex=SENT_TTL_S)
    return tag
