"""What every request of the web app needs — settings, the live-data client, the SQL ledger — kept
on the app.

The factory installs one `Services` on the Flask app; API views and page callbacks resolve it per
request with `services()`, so tests build as many apps as they like, each against its own Redis
and database, and nothing connects at import time or in the factory: redis-py connects on its
first command, and the SQL engine is only created by the first request that reads the ledger.
The live figures never come from SQL: the wall reads the site plan at most once a minute (and keeps
the last one) and access checks are cached (dashboard/token_checks.py), so the wall keeps working
while the ledger is down.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property

import redis
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from kernel import proof
from kernel.connections import kafka_producer, redis_client, sql_engine, sql_sessions
from kernel.settings import Settings
from ledger.commands import alert_outbox
from ledger.escalation import Deadlines
from ledger.grading import GradingRules
from ledger.live_rules import LiveRules
from queries import summary as live
from queries import wall_summary
from queries.ledger import lookups, org, register

EXTENSION = "campus"
log = logging.getLogger(__name__)
# A dead PostgreSQL host must turn into a quick 503, not a request hanging for minutes.
PG_CONNECT_TIMEOUT_S = 3
# The wall draws its map from the ledger's site plan. Plans and risk colours change by an
# administrator's hand, not by events, so a plan read a minute ago is current enough, and the wall
# keeps the last plan it read while the ledger is down (retrying no more often than this either).
SITE_PLAN_TTL_S = 60.0
# The device register places events that name no building (queries/summary.py `placements`): a device
# registered on /admin/devices shows on the wall within this many seconds. While the ledger cannot be
# read the last register read is used, and asked again only after PLACEMENTS_RETRY_S, so a dead
# ledger does not slow every refresh of the wall.
PLACEMENTS_TTL_S = 5.0
PLACEMENTS_RETRY_S = 60.0
# A duty officer's step is in SQL before its events are sent; sending must not keep the officer
# waiting when Kafka is down (the recorder sends what is left), so every wait is short, and a
# producer that could not be made is not tried again for a while.
KAFKA_TIMEOUT_MS = 2000
KAFKA_RETRY_AFTER_S = 10.0
# POST /api/v1/events (issue 12): "accepted" means in Kafka, so its producer waits for the broker's
# acknowledgement (acks=all) and retries within EVENTS_KAFKA_DELIVERY_MS; a request waits for its
# events a little longer than that, so every one has its answer (in Kafka, or not) when it replies.
EVENTS_KAFKA_DELIVERY_MS = 10_000
EVENTS_KAFKA_WAIT_S = EVENTS_KAFKA_DELIVERY_MS / 1000 + 2
EVENTS_KAFKA_BATCH_BYTES = 256 * 1024  # a batch of 1,000 events in a few produce requests


class LazyLedger:
    """The SQL engine and session factory of one app, created on first use (once, under a lock:
    the threaded dev server and gunicorn's threads may ask at the same moment)."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._lock = threading.Lock()
        self._engine = None
        self._sessions = None
        self._reads = None

    @property
    def created(self) -> bool:
        return self._engine is not None

    def sessions(self):
        """Sessions that may write (on SQLite they queue for the write lock: connections.sql_engine)."""
        if self._sessions is None:
            with self._lock:
                if self._sessions is None:
                    overrides = {}
                    if self._settings.database_url.startswith("postgresql"):
                        overrides["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
                    self._engine = sql_engine(self._settings, **overrides)
                    self._reads = sql_sessions(self._engine, reads_only=True)
                    self._sessions = sql_sessions(self._engine)
        return self._sessions

    def reads(self):
        """Sessions that only read: they never queue behind a writer."""
        self.sessions()
        return self._reads

    @property
    def engine(self):
        self.sessions()
        return self._engine

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = self._sessions = self._reads = None


class LazyProducer:
    """A Kafka producer of one app made on first use, once, under a lock (never at import or in the
    factory: each gunicorn worker makes its own after the fork); while Kafka could not be reached
    (or took nothing) a moment ago, None without trying again for KAFKA_RETRY_AFTER_S."""

    def __init__(self, settings: Settings, purpose: str, **options):
        self._settings, self._purpose, self._options = settings, purpose, options
        self.retry_after_s = KAFKA_RETRY_AFTER_S
        self._producer = None
        self._failed_at: float | None = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            recent_failure = self._failed_at is not None and time.monotonic() - self._failed_at < self.retry_after_s
            if recent_failure:
                return None
            if self._producer is not None:
                return self._producer
            try:
                self._producer = kafka_producer(self._settings, **self._options)
                self._failed_at = None
            except Exception as exc:  # noqa: BLE001 - no broker, a timeout: answered as "not now"
                log.warning("Kafka unreachable for %s (%s)", self._purpose, exc)
                self._failed_at = time.monotonic()
            return self._producer

    def failed(self) -> None:
        """Kafka did not take what was sent: for `retry_after_s`, `get` answers None at once,
        so requests are told "not now" instead of each holding a web worker for the whole wait
        (the wall's requests need the workers too)."""
        with self._lock:
            self._failed_at = time.monotonic()

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=1)
                self._producer = None


class Services:
    def __init__(self, settings: Settings, client: redis.Redis):
        self.settings = settings
        self.redis = client
        self.ledger = LazyLedger(settings)
        self._plans: dict[str, tuple[float, dict | None]] = {}
        self._plans_lock = threading.Lock()
        self._placements: dict[str, tuple[float, dict]] = {}  # school -> (read until, register)
        self._names: tuple[float, dict[str, dict]] | None = None  # the schools' names, as site plans
        self._producer = None
        self._producer_failed_at: float | None = None
        self._producer_lock = threading.Lock()
        # Events that campus systems POST (dashboard/api_events.py): a producer of their own, which
        # retries and waits for every acknowledgement, where the console's must not keep an officer
        # waiting (the recorder sends what it did not).
        self.events_producer = LazyProducer(
            settings, "events sent over HTTP", linger_ms=5, batch_size=EVENTS_KAFKA_BATCH_BYTES,
            bootstrap_timeout_ms=5000, max_block_ms=5000, request_timeout_ms=5000,
            delivery_timeout_ms=EVENTS_KAFKA_DELIVERY_MS)

    # --- live figures (Redis only) ---

    def schools(self) -> list[str]:
        return live.list_schools(self.redis)

    def summary(self, school: str, *, now_ms: int | None = None) -> dict | None:
        """The live summary of a school (queries/summary.py) with the ledger's figures as the
        recorder keeps them in Redis (`ledger`, None when absent), or None if it sent no event."""
        s = self.settings
        return wall_summary.full_summary(
            self.redis, school, now_ms=clock_ms() if now_ms is None else now_ms, tz=s.tz,
            group=s.consumer_group, stale_after_s=s.stale_after_seconds, deadlines=self.deadlines,
            placements=self.placements(school),
        )

    def trend(self, school: str, *, minutes: int, now_ms: int | None = None) -> dict:
        """Events per minute per domain over the last `minutes`, oldest first."""
        now_ms = clock_ms() if now_ms is None else now_ms
        return live.minute_series(self.redis, school, now_ms=now_ms, minutes=minutes)

    # --- the SQL ledger ---

    @contextmanager
    def ledger_session(self) -> Iterator:
        """A session that may write; the caller commits what it means to keep."""
        with self.ledger.sessions()() as session:
            yield session

    @contextmanager
    def ledger_reads(self) -> Iterator:
        """A session for reading only (pages, reports): on SQLite it never waits for a writer."""
        with self.ledger.reads()() as session:
            yield session

    def ledger_schools(self) -> dict[str, dict] | None:
        """The ledger's schools by code with their names, or None when the ledger cannot be read:
        the school list is a live endpoint and answers from Redis alone then."""
        try:
            with self.ledger_reads() as session:
                return lookups.school_names(session)
        except SQLAlchemyError:
            return None

    def placements(self, school: str) -> dict[str, tuple[str, str | None]]:
        """The school's registered devices with a building (queries.ledger.register.placements),
        read at most every PLACEMENTS_TTL_S; the last read (or none) while the ledger is down."""
        with self._plans_lock:
            cached = self._placements.get(school)
        if cached is not None and time.monotonic() < cached[0]:
            return cached[1]
        try:
            with self.ledger_reads() as session:
                found, until = register.placements(session, school), time.monotonic() + PLACEMENTS_TTL_S
        except SQLAlchemyError:
            found, until = (cached[1] if cached is not None else {}), time.monotonic() + PLACEMENTS_RETRY_S
        with self._plans_lock:
            self._placements[school] = (until, found)
        return found

    def school_names(self) -> dict[str, dict]:
        """The ledger's schools' names by code, read at most once a minute (every wall asks at each
        refresh; a renamed school shows its new name within the minute); the last names read while
        the ledger cannot be reached; {} when they never could be (then the codes are shown)."""
        with self._plans_lock:
            cached = self._names
        if cached is not None and time.monotonic() - cached[0] < SITE_PLAN_TTL_S:
            return cached[1]
        found = self.ledger_schools()
        if found is None:
            found = cached[1] if cached is not None else {}
        with self._plans_lock:
            self._names = (time.monotonic(), found)
        return found

    def site_plan(self, school: str) -> dict | None:
        """The school's site plan (queries.ledger.lookups.site_plan), read at most once a minute;
        the last one read while the ledger cannot be reached; None when there never was one."""
        with self._plans_lock:
            cached = self._plans.get(school)
        if cached is not None and time.monotonic() - cached[0] < SITE_PLAN_TTL_S:
            return cached[1]
        try:
            with self.ledger_reads() as session:
                unit = org.find_school(session, school)
                plan = lookups.site_plan(session, unit) if unit is not None else None
        except SQLAlchemyError:
            plan = cached[1] if cached is not None else None
        with self._plans_lock:
            self._plans[school] = (time.monotonic(), plan)
        return plan

    # --- alert-handling events to Kafka ---

    def producer(self):
        """A Kafka producer made on first use (never at import or in the factory), or None while
        Kafka could not be reached a moment ago."""
        with self._producer_lock:
            if self._producer is not None:
                return self._producer
            failed = self._producer_failed_at
            if failed is not None and time.monotonic() - failed < KAFKA_RETRY_AFTER_S:
                return None
            try:
                self._producer = kafka_producer(
                    self.settings, linger_ms=0, retries=0, bootstrap_timeout_ms=KAFKA_TIMEOUT_MS,
                    max_block_ms=KAFKA_TIMEOUT_MS, request_timeout_ms=KAFKA_TIMEOUT_MS,
                    delivery_timeout_ms=KAFKA_TIMEOUT_MS)
                self._producer_failed_at = None
            except Exception as exc:  # noqa: BLE001 - no broker, a timeout: the recorder sends later
                log.warning("Kafka unreachable for alert-handling events (%s); the recorder sends them", exc)
                self._producer_failed_at = time.monotonic()
            return self._producer

    def publish_outbox(self, event_ids: list[str]) -> int:
        """Send a committed step's events from the outbox now; what Kafka does not take stays
        there for the recorder. Returns how many were sent. Never raises: the step is saved
        whatever happens here, and its answer must say so, not "failed"."""
        producer = self.producer()
        if producer is None or not event_ids:
            return 0
        try:
            with self.ledger.sessions()() as session:
                return alert_outbox.send(session, producer, self.settings.events_topic,
                                         timeout_s=KAFKA_TIMEOUT_MS / 1000, event_ids=event_ids,
                                         sign=lambda value: proof.headers_for_outbox(value, self.signing_keys))
        except Exception as exc:  # noqa: BLE001 - Kafka or the ledger: the recorder sends what is left
            log.warning("alert-handling events left in the outbox for the recorder (%s)", type(exc).__name__)
            return 0

    def close(self) -> None:
        if "live_deadlines" in self.__dict__:
            self.live_deadlines.stop()
        with self._producer_lock:
            if self._producer is not None:
                self._producer.close(timeout=1)
                self._producer = None
        self.events_producer.close()

    @cached_property
    def signing_keys(self) -> tuple[bytes, ...]:
        """EVENT_SIGNING_KEY's keys: the duty console's events are signed with the first."""
        return proof.keys_from(self.settings.event_signing_key)

    @cached_property
    def live_deadlines(self) -> LiveRules:
        """Acknowledgement deadlines per severity: the file, or the version an admin saved in the
        ledger (/admin/rules), checked every few seconds in a thread (ledger/live_rules.py)."""
        return LiveRules("alert_deadlines", self.settings.alert_deadlines_file,
                         lambda: self.ledger.reads()()).start()

    @property
    def deadlines(self) -> Deadlines:
        return self.live_deadlines.current()

    @cached_property
    def grading_rules(self) -> GradingRules:
        """The risk grading cut-offs (RISK_GRADING_FILE): the ones the ledger grades by on every save,
        so the grade a page shows as you type is the grade stored."""
        return GradingRules.load(self.settings.risk_grading_file)

    def now(self) -> datetime:
        """The current moment in the school's zone: what overdue, due soon and "today" mean."""
        return datetime.fromtimestamp(clock_ms() / 1000, self.settings.tz)

    @cached_property
    def assessment_rules(self):
        """Read once per app: the rules change with a deploy, not per request."""
        from ledger.scoring import Rules

        return Rules.load(self.settings.assessment_rules_file)

    @cached_property
    def rollup_memo(self):
        """The rollups' memo of the figures worked out period by period (queries/ledger/rollup.py)."""
        from queries.ledger.rollup import SlowFigures

        return SlowFigures()


def clock_ms() -> int:
    return int(time.time() * 1000)


def install(server: Flask, settings: Settings) -> Services:
    """Keep the settings, a lazily connecting Redis client and a lazy ledger on the Flask app."""
    found = Services(settings, redis_client(settings, fail_fast=True))
    server.extensions[EXTENSION] = found
    return found


def services() -> Services:
    """The services of the app serving the current request."""
    return current_app.extensions[EXTENSION]
