"""Signing in and out: GET/POST /login, POST /logout, GET /api/v1/me.

The sign-in page is a small server-rendered form (no Dash, no scripts, no CDN), every piece of text
escaped. A good password starts a new session: a new random id in the cookie, whatever the
cookie held before (a session fixed by someone else before the sign-in is worth nothing after it),
and the session's row in the ledger. Failures are counted per username and per address
(dashboard/login_limits.py); an unknown username and a wrong password get the same answer in the
same time (queries/ledger/users.authenticate).
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, request, session
from sqlalchemy.exc import SQLAlchemyError

from dashboard import access as guard
from dashboard import sessions
from dashboard.login import form
from dashboard.login.text import LOGIN_TEXT
from dashboard.metrics import signin_failed
from dashboard.principals import end_person_session, moment
from dashboard.refusals import LOGIN_PATH
from dashboard.roles import Principal, home_for
from dashboard.services import services
from ledger.commands import sign_ins, users

blueprint = Blueprint("auth", __name__)
MAX_FIELD = 1024  # longer usernames or passwords are no one's: cut before they cost anything


def register(server: Flask) -> None:
    server.register_blueprint(blueprint)


def _lang() -> str:
    return "en" if (request.values.get("lang") or "") == "en" else "zh"


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    lang = _lang()
    target = sessions.safe_next(request.values.get("next"))
    if request.method == "GET":
        note = LOGIN_TEXT[lang]["signed_out"] if request.args.get("out") == "1" else None
        return _page(lang, target, note=note, error=_cookie_problem(lang, cookie_lost=None))
    access: guard.Access = current_app.extensions[guard.EXTENSION]
    given = request.form.get("csrf", "")
    expected = session.get(sessions.CSRF_KEY)
    if not (isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())):
        signin_failed("form_expired")
        lost = current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
        problem = _cookie_problem(lang, cookie_lost=lost)
        return _page(lang, target, error=problem or LOGIN_TEXT[lang]["expired"], status=400)
    typed = request.form.get("username", "")[:MAX_FIELD]
    username = users.normal_username(typed)
    password = request.form.get("password", "")[:MAX_FIELD]
    address = request.remote_addr or "-"
    wait = access.logins.attempt(username, address)  # counted as a failure until handed back
    if wait is not None:
        signin_failed("rate_limited")
        response = _page(lang, target, error=LOGIN_TEXT[lang]["limited"].format(minutes=-(-wait // 60)),
                         status=429, username=typed)
        response.headers["Retry-After"] = str(wait)
        return response
    now = access.clock()
    try:
        with services().ledger_session() as db:
            user = users.authenticate(db, username=username, password=password, now=moment(now))
            started = None
            if user is not None:
                started = users.start_session(db, user=user, now=moment(now), ip=address,
                                              user_agent=request.headers.get("User-Agent"))
                principal = Principal(role=user.role, user_id=user.id, username=user.username,
                                            display_name=user.display_name, schools=user.school_codes)
            else:  # kept for admins to read (the limiter's counts are forgotten in 15 minutes)
                sign_ins.record_failure(db, username=username, ip=address, now=moment(now))
            db.commit()
    except SQLAlchemyError:
        access.logins.released(username, address)
        signin_failed("ledger_unavailable")
        return _page(lang, target, error=LOGIN_TEXT[lang]["unavailable"], status=503, username=typed)
    if started is None:
        signin_failed("bad_credentials")
        return _page(lang, target, error=LOGIN_TEXT[lang]["failed"].format(username=typed), status=401,
                     username=typed)
    access.logins.succeeded(username, address)
    session.clear()  # nothing of the cookie before the sign-in survives it
    session[sessions.USER_KEY] = sessions.to_cookie(sessions.Held(started.session_id, principal, now, now, now))
    session[sessions.CSRF_KEY] = secrets.token_urlsafe(24)
    # Not permanent: the cookie goes when the browser closes, and the idle timeout ends it sooner.
    session.permanent = False
    if not request.values.get("next"):  # no page asked: the first the person's role may open
        target = home_for(principal)
    return _no_store(redirect(target, code=303))


@blueprint.route("/logout", methods=["POST"])
def logout():
    access: guard.Access = current_app.extensions[guard.EXTENSION]
    held = sessions.from_cookie(session.get(sessions.USER_KEY))
    expected = session.get(sessions.CSRF_KEY)
    given = request.form.get("csrf", "")
    if held is None or not (isinstance(expected, str) and hmac.compare_digest(given.encode(), expected.encode())):
        return _no_store(Response("refused: sign out from this site's own page (CSRF token missing or wrong)",
                                  status=403, mimetype="text/plain"))
    end_person_session(access, held.session_id, "logout", access.clock())
    session.clear()
    return _no_store(redirect(f"{LOGIN_PATH}?out=1" + ("&lang=en" if _lang() == "en" else ""), code=303))


@blueprint.route("/api/v1/me")
def me():
    """Who is asking: a person (role, name, schools, the CSRF token their sign-out form needs) or
    a token (role, schools)."""
    p = guard.current()
    schools = None if p.schools is None else sorted(p.schools)
    if p.user_id is None:
        return _no_store(jsonify({"kind": "token", "role": p.role, "token_id": p.token_id, "schools": schools}))
    return _no_store(jsonify({"kind": "person", "role": p.role, "username": p.username,
                              "display_name": p.display_name, "schools": schools,
                              "csrf": guard.csrf_token(), "logout": "/logout"}))


def _cookie_problem(lang: str, *, cookie_lost: bool | None) -> str | None:
    """What to tell a person who cannot sign in because the cookie is HTTPS-only (COOKIE_SECURE=on)
    and this request came over plain http (as far as trusted proxies say, TRUSTED_PROXIES): the
    browser drops such a cookie, and the form's CSRF token with it. Said on the form before anyone
    types a password (`cookie_lost` None: not known yet), and after a POST whose cookie did not
    come back instead of "the page had expired". The form says nothing on loopback addresses,
    where Chromium and Firefox keep Secure cookies over http."""
    settings = services().settings
    if not settings.cookie_secure or request.is_secure or cookie_lost is False:
        return None
    # A proxy in front that says https but is not trusted: the browser is on https and keeps the
    # cookie (TRUSTED_PROXIES is wrong, but not for the person at the form to fix).
    if request.headers.get("X-Forwarded-Proto", "").strip().lower() == "https":
        return None
    try:
        host = urlsplit("//" + request.host).hostname or ""
    except ValueError:  # a Host header no browser sends ("[::1")
        host = ""
    if cookie_lost is None and host in _LOOPBACK:
        return None
    address = settings.public_url or "https://" + (f"[{host}]" if ":" in host else host)
    return LOGIN_TEXT[lang]["needs_https"].format(address=address.rstrip("/") + "/login")


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(lang: str, target: str, *, error: str | None = None, note: str | None = None, status: int = 200,
          username: str = "") -> Response:
    # The form carries `next` only when a page asked for it: else its sign-in lands where the person's
    # role does (roles.home_for; a reporter on their phone's work, not on the duty console they may not open).
    asked = target if request.values.get("next") else ""
    html = form.page(lang, target=asked, csrf=guard.csrf_token(), error=error, note=note, username=username)
    return _no_store(Response(html, status=status, mimetype="text/html"))
