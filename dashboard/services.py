"""What every request of the web app needs — settings, the live-data client, the SQL ledger — kept
on the app.

The factory installs one `Services` on the Flask app; API views and page callbacks resolve it per
request with `services()`, so tests build as many apps as they like, each against its own Redis
and database, and nothing connects at import time or in the factory: redis-py connects on its
first command, and the SQL engine is only created by the first request that reads the ledger.
The live endpoints and the wall never touch SQL, so they keep working while the ledger is down.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property

import redis
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from dashboard.ledger_json import ledger_block
from queries import summary as live
from queries.connections import redis_client, sql_engine, sql_sessions
from queries.ledger import figures as ledger_figures
from queries.ledger import lookups
from queries.settings import Settings

EXTENSION = "campus"
# A dead PostgreSQL host must turn into a quick 503, not a request hanging for minutes.
PG_CONNECT_TIMEOUT_S = 3


class LazyLedger:
    """The SQL engine and session factory of one app, created on first use (once, under a lock:
    the threaded dev server and gunicorn's threads may ask at the same moment)."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._engine = None
        self._sessions = None

    @property
    def created(self) -> bool:
        return self._engine is not None

    def sessions(self):
        if self._sessions is None:
            with self._lock:
                if self._sessions is None:
                    overrides = {}
                    if self._settings.database_url.startswith("postgresql"):
                        overrides["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
                    self._engine = sql_engine(self._settings, **overrides)
                    self._sessions = sql_sessions(self._engine)
        return self._sessions

    @property
    def engine(self):
        self.sessions()
        return self._engine

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = self._sessions = None


class Services:
    def __init__(self, settings: Settings, client: redis.Redis):
        self.settings = settings
        self.redis = client
        self.ledger = LazyLedger(settings)

    # --- live figures (Redis only) ---

    def schools(self) -> list[str]:
        return live.list_schools(self.redis)

    def summary(self, school: str, *, now_ms: int | None = None) -> dict | None:
        """The live summary of a school (queries/summary.py) with the ledger's figures as the
        recorder keeps them in Redis (`ledger`, None when absent), or None if it sent no event."""
        s = self.settings
        found = live.school_summary(
            self.redis, school, now_ms=clock_ms() if now_ms is None else now_ms, tz=s.tz,
            group=s.consumer_group, stale_after_s=s.stale_after_seconds,
        )
        if found is None:
            return None
        block = ledger_block(ledger_figures.read(self.redis, school), s.tz)
        # Right after the event-derived hazard figures, which the ledger's figures refine.
        ordered = {}
        for key, value in found.items():
            ordered[key] = value
            if key == "hazards":
                ordered["ledger"] = block
        return ordered

    def trend(self, school: str, *, minutes: int, now_ms: int | None = None) -> dict:
        """Events per minute per domain over the last `minutes`, oldest first."""
        now_ms = clock_ms() if now_ms is None else now_ms
        return live.minute_series(self.redis, school, now_ms=now_ms, minutes=minutes)

    # --- the SQL ledger ---

    @contextmanager
    def ledger_session(self) -> Iterator:
        """A read session; the caller only reads, so closing it rolls back nothing of value."""
        with self.ledger.sessions()() as session:
            yield session

    def ledger_schools(self) -> dict[str, dict] | None:
        """The ledger's schools by code with their names, or None when the ledger cannot be read:
        the school list is a live endpoint and answers from Redis alone then."""
        try:
            with self.ledger_session() as session:
                return lookups.school_names(session)
        except SQLAlchemyError:
            return None

    def now(self) -> datetime:
        """The current moment in the school's zone: what overdue, due soon and "today" mean."""
        return datetime.fromtimestamp(clock_ms() / 1000, self.settings.tz)

    @cached_property
    def assessment_rules(self):
        """Read once per app: the rules change with a deploy, not per request."""
        from ledger.scoring import Rules

        return Rules.load(self.settings.assessment_rules_file)


def clock_ms() -> int:
    return int(time.time() * 1000)


def install(server: Flask, settings: Settings) -> Services:
    """Keep the settings, a lazily connecting Redis client and a lazy ledger on the Flask app."""
    found = Services(settings, redis_client(settings))
    server.extensions[EXTENSION] = found
    return found


def services() -> Services:
    """The services of the app serving the current request."""
    return current_app.extensions[EXTENSION]
