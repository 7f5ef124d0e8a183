"""GET /healthz: which part of the command centre is down, for load balancers, compose and people.

It answers 200 whenever this web process can answer at all, with each part's state in the body:
`status` is "ok" when every part is, else "degraded". Not 503 when Redis or the ledger is down:
every web process shares them, so a load balancer that took the web processes out of service
for it would turn a wall that says "data not current" (dashboard/pages/wall/) into no wall at
all, and the duty console's ledger pages would go with it. What a load balancer needs to know is
whether this process serves; what IT needs to know is in the body, and in /metrics.

Public, so it holds no secret and nothing a stranger could use: states, exception class names
and ages, never an address, a host name or a message.
"""
from __future__ import annotations

import time

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dashboard.services import Services
from kernel import keys

OK, DOWN, UNKNOWN = "ok", "down", "unknown"


def redis_state(live: Services) -> dict:
    try:
        live.redis.ping()
    except redis.RedisError as exc:
        return {"status": DOWN, "detail": type(exc).__name__}
    return {"status": OK}


def ledger_state(live: Services) -> dict:
    try:
        with live.ledger_session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return {"status": DOWN, "detail": type(exc).__name__}
    return {"status": OK}


def stream_states(live: Services, now_ms: int) -> dict[str, dict]:
    """The aggregator's and the recorder's state by their processes' heartbeats in Redis."""
    settings = live.settings
    groups = {"aggregator": settings.consumer_group, "recorder": settings.recorder_group}
    try:
        with live.redis.pipeline(transaction=False) as pipe:
            for group in groups.values():
                pipe.zrange(keys.heartbeats(group), 0, -1, withscores=True)
            beats = pipe.execute()
    except redis.RedisError:
        return {part: {"status": UNKNOWN, "detail": "redis down"} for part in groups}
    states = {}
    for part, heard in zip(groups, beats):
        ages = sorted(round(max(0.0, (now_ms - score) / 1000), 1) for _, score in heard)
        alive = [age for age in ages if age <= settings.heartbeat_stale_seconds]
        state = {"status": OK if alive else DOWN, "processes": len(alive), "heartbeat_age_s": alive}
        if not alive:
            state["last_heartbeat_age_s"] = ages[0] if ages else None
        states[part] = state
    return states


def report(live: Services, now_ms: int | None = None) -> dict:
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    parts = {"web": {"status": OK}, "redis": redis_state(live), "ledger": ledger_state(live)}
    parts.update(stream_states(live, now_ms))
    status = OK if all(part["status"] == OK for part in parts.values()) else "degraded"
    return {"status": status, "parts": parts}
