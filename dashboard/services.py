"""What every request of the web app needs — settings and the live-data client — kept on the app.

The factory installs one `Services` on the Flask app; API views and page callbacks resolve it per
request with `services()`, so tests build as many apps as they like, each against its own Redis,
and nothing connects at import time. Later issues add the SQL engine and the role lookup here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import redis
from flask import Flask, current_app

from queries import summary as live
from queries.connections import redis_client
from queries.settings import Settings

EXTENSION = "campus"


@dataclass(frozen=True)
class Services:
    settings: Settings
    redis: redis.Redis

    def schools(self) -> list[str]:
        return live.list_schools(self.redis)

    def summary(self, school: str, *, now_ms: int | None = None) -> dict | None:
        """The live summary of a school (queries/summary.py), or None if it has sent no event."""
        s = self.settings
        return live.school_summary(
            self.redis, school, now_ms=clock_ms() if now_ms is None else now_ms, tz=s.tz,
            group=s.consumer_group, stale_after_s=s.stale_after_seconds,
        )

    def trend(self, school: str, *, minutes: int, now_ms: int | None = None) -> dict:
        """Events per minute per domain over the last `minutes`, oldest first."""
        now_ms = clock_ms() if now_ms is None else now_ms
        return live.minute_series(self.redis, school, now_ms=now_ms, minutes=minutes)


def clock_ms() -> int:
    return int(time.time() * 1000)


def install(server: Flask, settings: Settings) -> Services:
    """Keep the settings and a lazily connecting Redis client on the Flask app."""
    found = Services(settings=settings, redis=redis_client(settings))
    server.extensions[EXTENSION] = found
    return found


def services() -> Services:
    """The services of the app serving the current request."""
    return current_app.extensions[EXTENSION]
