"""Who a request comes from, resolved (the access guard, dashboard/access.py, asks): a bearer token,
else the session cookie — a signed-in person's (dashboard/sessions.py: ended when idle, checked with
the ledger every few seconds) or a wall token's (kept in the cookie after `/?token=…`) — else nobody.

Tokens and sessions are checked against the ledger at most every few seconds per process, and
honoured for a while when the ledger cannot be reached (dashboard/token_checks.py says how long and
why); a token's text is remembered only by its digest.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from flask import g, redirect, request, session
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles, sessions
from dashboard.roles import Principal
from dashboard.services import services
from dashboard.token_checks import FRESH_S, Check, LedgerUnreachable
from ledger import org_scope
from ledger.commands import access as tokens
from ledger.commands import users
from ledger.models import OrgUnit, utcnow

if TYPE_CHECKING:
    from dashboard.access import Access

log = logging.getLogger(__name__)
SESSION_KEY = "access"  # the session cookie's entry of a wall token's principal
NOTE_USE_EVERY = timedelta(minutes=5)  # how often last_used_at is written, at most


class RefusedToken(Exception):
    """The ledger knows no active token like the one given."""


class SessionEnded(Exception):
    """The person's session is over (signed out, idle, disabled, changed): they sign in again."""


def principal_of(access: Access, now: float, needs: str | None, *, fresh_s: float | None = None) -> Principal | None:
    """From the bearer token if one is sent (no falling back to the cookie: a client that sends a
    bad token must hear so), else from the session cookie (a person's or a wall's), else nobody.
    `fresh_s`: how old an answer of the ledger may be, when shorter than the usual (token_checks.py)."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        token = credentials.strip()
        check = _check_token(access, token, now, fresh_s=fresh_s)
        if check.principal is None:
            raise RefusedToken
        return check.principal
    person = sessions.from_cookie(session.get(sessions.USER_KEY))
    if person is not None:
        return _person(access, person, now, needs, fresh_s)
    remembered = _from_session(session.get(SESSION_KEY))
    if remembered is None:
        if SESSION_KEY in session or sessions.USER_KEY in session:
            session.clear()
        return None
    token_id = remembered.principal.token_id
    check = access.checks.resolve(("id", token_id), lambda: _load(token_id=token_id), now=now,
                                  remembered=remembered, fresh_s=fresh_s)
    if check.principal is None:
        session.clear()  # the session was this principal: nothing of it is left
        raise RefusedToken
    if check.principal != remembered.principal or check.valid_at - remembered.valid_at >= FRESH_S:
        _keep_in_session(check)  # renews the cookie too, at most every FRESH_S
    return check.principal


def _person(access: Access, held: sessions.Held, now: float, needs: str | None,
            fresh_s: float | None = None) -> Principal:
    """A signed-in person: ended when idle, checked with the ledger every few seconds, their last
    action kept in the cookie (and in the ledger at most once a minute)."""
    if sessions.is_idle(held, now, access.idle_s):
        end_person_session(access, held.session_id, "idle", now)
        session.clear()
        raise SessionEnded
    check = access.checks.resolve(_session_key(held.session_id),
                                  lambda: _load_person(held.session_id, now, access.idle_s), now=now,
                                  remembered=Check(held.principal, held.valid_at, held.valid_at), fresh_s=fresh_s)
    if check.principal is None:
        session.clear()
        raise SessionEnded
    kept = held
    if sessions.is_action(request.method, needs, g.get("callback_body") if needs == roles.CALLBACK else None):
        kept = replace(kept, acted_at=now)
        if now - held.noted_at >= sessions.NOTE_ACTIVITY_EVERY_S and _note_activity(held.session_id, now):
            kept = replace(kept, noted_at=now)
    if check.principal != held.principal or check.valid_at - held.valid_at >= FRESH_S:
        kept = replace(kept, principal=check.principal, valid_at=check.valid_at)
    if kept != held:
        session[sessions.USER_KEY] = sessions.to_cookie(kept)
    return check.principal


def _session_key(session_id: str) -> tuple[str, str]:
    return ("session", users.session_digest(session_id))


def moment(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, timezone.utc)


def _load_person(session_id: str, now: float, idle_s: float) -> Principal | None:
    """Ask the ledger whether the session is open and its user active; who they are now. A session
    whose last recorded action is older than the idle time (plus the minute it may lag) is ended
    here too, whatever a cookie says."""
    try:
        with services().ledger_session() as db:
            found = users.open_session(db, session_id=session_id)
            if found is None:
                return None
            row, user = found
            if (moment(now) - row.last_active_at).total_seconds() >= idle_s + sessions.NOTE_ACTIVITY_EVERY_S:
                users.end_session(db, session_id=session_id, reason="idle", now=moment(now))
                db.commit()
                return None
            return Principal(role=user.role, user_id=user.id, username=user.username,
                             display_name=user.display_name, schools=org_scope.readable_schools(db, user),
                             unit=user.unit.code if user.unit is not None else None)
    except SQLAlchemyError as exc:
        raise LedgerUnreachable(type(exc).__name__) from exc


def _note_activity(session_id: str, now: float) -> bool:
    """Best effort: a person's action is noted in the ledger; whether it was."""
    try:
        with services().ledger_session() as db:
            users.note_activity(db, session_id=session_id, at=moment(now))
            db.commit()
        return True
    except SQLAlchemyError as exc:
        log.warning("could not note a session's activity (%s)", type(exc).__name__)
        return False


def end_person_session(access: Access, session_id: str, reason: str, now: float) -> None:
    """End a session in the ledger (best effort: the cookie is dropped anyway) and forget it here,
    so this process refuses it at once; the others within their check period."""
    try:
        with services().ledger_session() as db:
            users.end_session(db, session_id=session_id, reason=reason, now=moment(now))
            db.commit()
    except SQLAlchemyError as exc:
        log.warning("could not end a session in the ledger (%s)", type(exc).__name__)
    access.checks.forget(_session_key(session_id))


def sign_in(access: Access, token: str, now: float):
    """A page opened with ?token=: keep the principal in the session, go on without the token.

    A token never touches a signed-in person's session: a link from anywhere can carry a token
    (someone else's wall token, or garbage), and following it must neither sign the person out
    nor swap their account for a wall's. A token that fails leaves any cookie as it was; a valid
    one replaces only a token's session (a kiosk given a new address) or an empty one."""
    check = _check_token(access, token, now)
    if check.principal is None:
        raise RefusedToken
    if sessions.from_cookie(session.get(sessions.USER_KEY)) is None:
        session.clear()  # whichever token the cookie named before, it is this one's now
        _keep_in_session(check)
    # The rest of the query as it was written (playlist=wall,map stays readable), less the token.
    query = request.query_string.decode("utf-8", "replace")
    rest = "&".join(part for part in query.split("&")
                    if part and unquote_plus(part.partition("=")[0]) != "token")
    response = redirect(request.path + (f"?{rest}" if rest else ""), code=302)
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_token(access: Access, token: str, now: float, fresh_s: float | None = None) -> Check:
    """A token given as text: remembered by its digest, so the text is kept nowhere."""
    return access.checks.resolve(("digest", tokens.token_digest(token)), lambda: _load(token=token), now=now,
                                 fresh_s=fresh_s)


def _load(**which) -> Principal | None:
    """Ask the ledger about a token (by its text or id) and note its use, at most every few minutes.
    The note is best effort: a web app whose database user may only read still checks tokens."""
    try:
        with services().ledger_session() as db:
            row = tokens.active_token(db, **which)
            if row is None:
                return None
            schools, unit = _token_scope(db, row.school)
            found = Principal(role=row.role, token_id=row.id, schools=schools, unit=unit)
            try:
                if tokens.note_use(db, token_id=row.id, now=utcnow(), every=NOTE_USE_EVERY):
                    db.commit()
            except SQLAlchemyError as exc:
                log.warning("could not note the use of access token %d (%s)", row.id, type(exc).__name__)
            return found
    except SQLAlchemyError as exc:
        raise LedgerUnreachable(type(exc).__name__) from exc


def _token_scope(db, code: str | None) -> tuple[frozenset[str] | None, str | None]:
    """(schools, unit) a token reads: every school (None) for no code; the one school it names (the
    school wall's); or, for a district, city or province (a district wall's, issue 17), every school
    under that unit, and the unit."""
    if code is None:
        return None, None
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or unit.kind not in ("province", "city", "district"):
        return frozenset({code}), None
    return frozenset({code}) | org_scope.schools_under(db, unit), unit.code


def _keep_in_session(check: Check) -> None:
    p = check.principal
    session[SESSION_KEY] = {"id": p.token_id, "role": p.role, "ok": int(check.valid_at),
                            "schools": None if p.schools is None else sorted(p.schools), "unit": p.unit}
    session.permanent = True


def _from_session(held: object) -> Check | None:
    """The principal the signed cookie names, as last found valid; None when there is none."""
    if not isinstance(held, dict):
        return None
    token_id, role, ok, schools = held.get("id"), held.get("role"), held.get("ok"), held.get("schools")
    if not isinstance(token_id, int) or role not in roles.GRANTS or not isinstance(ok, (int, float)):
        return None
    if schools is not None and not (isinstance(schools, list) and all(isinstance(s, str) for s in schools)):
        return None
    unit = held.get("unit") if isinstance(held.get("unit"), str) else None
    principal = Principal(role=role, token_id=token_id,
                          schools=None if schools is None else frozenset(schools), unit=unit)
    return Check(principal, float(ok), float(ok))


