"""Who is sending events: the source key of POST /api/v1/events, checked by the guard.

A campus system sends `Authorization: Bearer <source key>` (`python -m ledger source create`).
The route's kind in dashboard/roles.py is SOURCE, and dashboard/access.py's guard hands such a
request here before any view runs: a source key is the only thing it accepts. A wall token, a
person's session cookie, a wall's cookie or nothing at all is refused (401), and a source key is
accepted nowhere else (no role is granted anything for it), so the two kinds of credentials never
stand in for each other.

Keys are checked like tokens (dashboard/token_checks.py): the ledger is asked at most every
FRESH_S seconds per process, so a revoked key is refused within seconds, and a key found valid
within the last hour stays valid while the ledger cannot be reached (events keep flowing through
a database restart); a key never checked is answered 503 then, not 401.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, Response, current_app, g, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.services import services
from dashboard.token_checks import LedgerUnreachable, TokenChecks
from ledger.commands import event_sources
from ledger.models import utcnow

log = logging.getLogger(__name__)
EXTENSION = "campus.sources"
NOTE_USE_EVERY = timedelta(minutes=5)  # how often last_used_at is written, at most
RETRY_AFTER_S = 10  # when the ledger cannot be reached: about when it is worth asking again

NO_KEY = "a source key is needed: Authorization: Bearer <key> (python -m ledger source create)"
NOT_A_KEY = ("this is not a source key: wall tokens and people's sign-ins cannot send events; "
             "ask an administrator for a source key (python -m ledger source create)")
REFUSED_KEY = "the source key is not valid or has been revoked"
CANNOT_CHECK = "the source key cannot be checked now: safety ledger unavailable"


@dataclass(frozen=True)
class Source:
    """A campus system, proved by its key: which one, and the schools it may send events for."""

    id: int
    name: str
    schools: frozenset[str] | None  # None: every school (a district platform)

    def may_send_for(self, school: str) -> bool:
        return self.schools is None or school in self.schools


def install(server: Flask) -> TokenChecks:
    """Keep this app's memory of checked keys (one per app: tests build many apps)."""
    checks = TokenChecks()
    server.extensions[EXTENSION] = checks
    return checks


def current() -> Source:
    """The source of the current request (set by `guard`, which ran before the view)."""
    return g.source


def guard(now: float) -> Response | None:
    """For a SOURCE route: None with `g.source` set when a valid key is sent, else the refusal."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    key = credentials.strip() if scheme.lower() == "bearer" else ""
    if not key:
        return _refuse(401, NO_KEY)
    if not event_sources.looks_like_key(key):
        return _refuse(401, NOT_A_KEY, invalid=True)
    checks: TokenChecks = current_app.extensions[EXTENSION]
    try:
        check = checks.resolve(("source", event_sources.key_digest(key)), lambda: _load(key), now=now)
    except LedgerUnreachable:
        response = _refuse(503, CANNOT_CHECK)
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return response
    if check.principal is None:
        return _refuse(401, REFUSED_KEY, invalid=True)
    g.source = check.principal
    return None


def _load(key: str) -> Source | None:
    """Ask the ledger about a key and note its use, at most every few minutes (best effort: a web
    app whose database user may only read still checks keys)."""
    try:
        with services().ledger_session() as db:
            row = event_sources.active_source(db, key=key)
            if row is None:
                return None
            found = Source(row.id, row.name, row.school_codes)
            try:
                if event_sources.note_use(db, source_id=row.id, now=utcnow(), every=NOTE_USE_EVERY):
                    db.commit()
            except SQLAlchemyError as exc:
                log.warning("could not note the use of event source %d (%s)", row.id, type(exc).__name__)
            return found
    except SQLAlchemyError as exc:
        raise LedgerUnreachable(type(exc).__name__) from exc


def _refuse(status: int, message: str, *, invalid: bool = False) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="campus-events"' + (
            ', error="invalid_token"' if invalid else "")
    response.headers["Cache-Control"] = "no-store"
    return response
