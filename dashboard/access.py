"""Who is asking: every request of the web app is resolved to a principal, or refused.

A principal is a signed-in person (dashboard/login.py, dashboard/sessions.py: a random session id
in the signed cookie, the session's row in the ledger, an idle timeout counted from the person's
last action) or is proved by an access token (ledger.models.AccessToken, `python -m ledger token`):
- A wall opens `/?token=…` once. The token is checked, the principal goes into Flask's signed
  session cookie (HttpOnly, SameSite=Lax) and the browser is sent on to the same address without
  the token, so the wall's Dash callbacks carry the cookie, and the token does not stay in the
  address bar of a screen the whole room sees, in the browser's history, in Referer headers or
  in every later line of the access log. A kiosk restarted opens its configured URL, token and
  all, again.
- API clients send `Authorization: Bearer <token>` (or carry the same cookie).
Then dashboard/roles.py's table decides, and a token scoped to a school is held to it wherever a
request names a school: an API route's path, a page's ?school=, the page router's search, and,
inside the wall's callback, through `readable_schools` / `require_school`.

Tokens and sessions are checked against the ledger at most every few seconds per process, and
honoured for a while when the ledger cannot be reached (dashboard/token_checks.py says how long
and why). Every request that may change something must come from a page of this site (Origin,
else Referer); the sign-in and sign-out forms also carry a CSRF token bound to the session.
"""
from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import parse_qs, quote, unquote_plus

import dash
from dash._pages import _path_to_page  # the router's own resolver: the guard and it never disagree
from flask import Flask, Response, abort, current_app, g, jsonify, redirect, request, session
from sqlalchemy.exc import SQLAlchemyError

from dashboard import callback_scope, metrics, roles, sessions, source_keys
from dashboard.callback_scope import BadCallback
from dashboard.login_limits import LoginCounter
from dashboard.roles import Principal
from dashboard.services import services
from dashboard.token_checks import FRESH_S, Check, LedgerUnreachable, TokenChecks
from layouts import plain_page
from ledger.models import utcnow
from ledger.commands import access as tokens
from ledger.commands import users
from kernel.settings import Settings, SettingsError

log = logging.getLogger(__name__)
EXTENSION = "campus.access"
SESSION_KEY = "access"
COOKIE = "campus_session"
# The cookie outlives browser restarts and is renewed whenever the token is checked again, so
# a wall that runs keeps it; the token's own validity is the ledger's, checked every FRESH_S.
SESSION_LIFETIME = timedelta(days=30)
NOTE_USE_EVERY = timedelta(minutes=5)  # how often last_used_at is written, at most
MIN_SECRET_KEY = 16
# The output of Dash's page router (dash/dash.py enable_pages): the callback that builds a page's
# layout for the pathname and search it is given.
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."


class Access:
    """The access state of one app: which callbacks belong to which page, and the token checks."""

    def __init__(self, app: dash.Dash, callback_pages: Mapping[str, str], aliases: Mapping[str, str],
                 callback_permissions: Mapping[str, str] | None = None):
        self.app = app
        self.callback_pages = dict(callback_pages)  # callback output -> name of the page that registered it
        # Callbacks that need more than their page (the duty console's actions need alert.handle).
        self.callback_permissions = dict(callback_permissions or {})
        self.aliases = dict(aliases)  # path -> the page path it redirects to
        self.checks = TokenChecks()  # tokens and people's sessions alike
        self.clock = time.time  # tests turn it forward to see sessions go idle
        self.idle_s = 30 * 60.0
        self.logins: LoginCounter | None = None
        self.public_origins: tuple[str, ...] = ()  # PUBLIC_URL's: same-site whatever Host a proxy passes

    def callback_permission(self, output: str) -> str | None:
        """What a callback needs: its own entry, else its page's permission; None: refused."""
        if output in self.callback_permissions:
            return self.callback_permissions[output]
        page = self.callback_pages.get(output)
        return roles.PAGES.get(page) if page else None

    def page_name(self, path: str) -> str | None:
        """The registered page a path shows, as Dash's own router resolves it; None: no page."""
        path = self.aliases.get(path, path)
        page, _ = _path_to_page(self.app.strip_relative_path(path) or "")
        return page.get("name") if page else None


def install(app: dash.Dash, settings: Settings, *, callback_pages: Mapping[str, str],
            aliases: Mapping[str, str], callback_permissions: Mapping[str, str] | None = None) -> Access:
    """Sign sessions with SECRET_KEY and check every request before its view runs."""
    server = app.server
    _use_secret_key(server, settings.secret_key)
    server.config.update(
        SESSION_COOKIE_NAME=COOKIE, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # Sent again only when the session changes (a token checked again), not on every refresh.
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    found = Access(app, callback_pages, aliases, callback_permissions)
    found.idle_s = settings.session_idle_minutes * 60
    found.public_origins = (settings.public_origin,) if settings.public_origin else ()
    found.logins = LoginCounter(server.extensions["campus"].redis, clock=lambda: found.clock())
    server.extensions[EXTENSION] = found
    from dashboard import login  # it uses this module's helpers

    login.register(server)
    server.before_request(_guard)
    return found


def _use_secret_key(server: Flask, key: str) -> None:
    if key and len(key) < MIN_SECRET_KEY:
        raise SettingsError(f"SECRET_KEY must be at least {MIN_SECRET_KEY} characters (e.g. "
                            "python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if not key:
        log.warning("SECRET_KEY is not set: this process signs wall sessions with a random key, so they "
                    "end when it restarts and fail across several gunicorn workers; set SECRET_KEY (README)")
        key = secrets.token_urlsafe(32)
    server.secret_key = key


# ---- what views and callbacks ask -----------------------------------------------------------------

def current() -> Principal | None:
    """The principal of the current request (set by the guard before any view runs)."""
    return g.get("principal")


def readable_schools(codes: Iterable[str]) -> list[str]:
    """The schools of `codes` the current principal may read, in their order."""
    principal = current()
    return [] if principal is None else [code for code in codes if principal.may_read_school(code)]


def csrf_token() -> str:
    """The CSRF token of the current session, for a form that posts to /logout (made if missing)."""
    token = session.get(sessions.CSRF_KEY)
    if not isinstance(token, str):
        token = session[sessions.CSRF_KEY] = secrets.token_urlsafe(24)
    return token


def require_school(school: str | None) -> None:
    """Refuse (403) a request for a school the current principal may not read."""
    principal = current()
    if school is not None and (principal is None or not principal.may_read_school(school)):
        abort(403)


# ---- the guard ----------------------------------------------------------------------------------

class _RefusedToken(Exception):
    """The ledger knows no active token like the one given."""


class _SessionEnded(Exception):
    """The person's session is over (signed out, idle, disabled, changed): they sign in again."""


def _guard():
    access: Access = current_app.extensions[EXTENSION]
    if not sessions.same_site(request.method, request.host, request.headers.get("Origin"),
                              request.headers.get("Referer"), also=access.public_origins):
        return _refuse(403, False, cross_site=True)
    endpoint = request.endpoint
    needs = roles.route_permission(endpoint, request.method) if endpoint else None
    if needs == roles.PUBLIC:
        return None
    if needs == roles.SOURCE:  # POST /api/v1/events: a source key and nothing else (issue 12)
        return source_keys.guard(access.clock())
    if needs == roles.METRICS:  # a scraper: its token or its network, never a session or a wall token
        return metrics.refusal()
    page = needs == roles.PAGE
    bad_body = None
    if needs == roles.CALLBACK:  # read once, safely; refused below, once the caller is known
        try:
            g.callback_body = callback_scope.callback_body(request)
        except BadCallback as exc:
            bad_body = str(exc)
    # Signing out of a session that is already over still lands on the sign-in page.
    html = page or endpoint == "auth.logout"
    now = access.clock()
    try:
        if page and "token" in request.args:
            return _sign_in(access, request.args["token"], now)
        principal = _principal(access, now, needs)
    except LedgerUnreachable:
        return _refuse(503, page)
    except _RefusedToken:
        return _refuse(401, page, revoked=True)
    except _SessionEnded:
        return _refuse(401, html, ended=True)
    if principal is None:
        return _refuse(401, html, anonymous=True)
    g.principal = principal
    if endpoint is None:
        return None  # no such route: Flask answers 404 or 405 (JSON under /api/v1)
    if bad_body is not None:
        return _bad_request(bad_body)
    needs, named = _what_is_asked(access, needs)
    status = roles.verdict(principal, needs)
    if status != 200:
        return _refuse(status, page)
    try:
        for school in named():
            status = roles.verdict(principal, needs, school)
            if status != 200:
                return _refuse(status, page, school=school)
    except BadCallback as exc:  # asked by someone allowed the callback: tell them what is wrong
        return _bad_request(str(exc))
    return None


def _what_is_asked(access: Access, needs: str) -> tuple[str | None, Callable[[], tuple[str, ...]]]:
    """(permission, the schools named) of the request; the schools as a function, called once the
    caller is known to hold the permission. For a Dash callback, every school its inputs and state
    name (callback_scope.named_schools): a page's store is the browser's to edit, so a school in it
    is checked here like one in an address, whatever the callback does with it. That function
    raises BadCallback for a body no page of this app sends."""
    if needs == roles.PAGE:
        return roles.page_permission(access.page_name(request.path)), _these(request.args.get("school"))
    if needs != roles.CALLBACK:
        return needs, _these((request.view_args or {}).get("school"))
    body = g.callback_body
    output = body["output"]
    if output == ROUTER_OUTPUT:
        # The router builds the layout of the page its location names, with its query.
        values = {(i.get("id"), i.get("property")): i.get("value") for i in body["inputs"]
                  if isinstance(i, dict)}
        path, search = values.get(("_pages_location", "pathname")), values.get(("_pages_location", "search"))
        school = parse_qs(search.lstrip("?")).get("school", [None])[0] if isinstance(search, str) else None
        return roles.page_permission(access.page_name(path if isinstance(path, str) else "/")), _these(school)

    def named() -> tuple[str, ...]:
        spec = access.app.callback_map.get(output)
        if spec is None or "callback" not in spec:
            raise BadCallback("no such server callback (a clientside callback runs in the browser)")
        callback_scope.check_against(body, output, spec)
        return callback_scope.named_schools(body)

    return access.callback_permission(output), named


def _these(school: str | None) -> Callable[[], tuple[str, ...]]:
    return lambda: (school,) if school is not None else ()


def _principal(access: Access, now: float, needs: str | None) -> Principal | None:
    """From the bearer token if one is sent (no falling back to the cookie: a client that sends a
    bad token must hear so), else from the session cookie (a person's or a wall's), else nobody."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        token = credentials.strip()
        check = _check_token(access, token, now)
        if check.principal is None:
            raise _RefusedToken
        return check.principal
    person = sessions.from_cookie(session.get(sessions.USER_KEY))
    if person is not None:
        return _person(access, person, now, needs)
    remembered = _from_session(session.get(SESSION_KEY))
    if remembered is None:
        if SESSION_KEY in session or sessions.USER_KEY in session:
            session.clear()
        return None
    token_id = remembered.principal.token_id
    check = access.checks.resolve(("id", token_id), lambda: _load(token_id=token_id), now=now,
                                  remembered=remembered)
    if check.principal is None:
        session.clear()  # the session was this principal: nothing of it is left
        raise _RefusedToken
    if check.principal != remembered.principal or check.valid_at - remembered.valid_at >= FRESH_S:
        _keep_in_session(check)  # renews the cookie too, at most every FRESH_S
    return check.principal


def _person(access: Access, held: sessions.Held, now: float, needs: str | None) -> Principal:
    """A signed-in person: ended when idle, checked with the ledger every few seconds, their last
    action kept in the cookie (and in the ledger at most once a minute)."""
    if sessions.is_idle(held, now, access.idle_s):
        end_person_session(access, held.session_id, "idle", now)
        session.clear()
        raise _SessionEnded
    check = access.checks.resolve(_session_key(held.session_id),
                                  lambda: _load_person(held.session_id, now, access.idle_s), now=now,
                                  remembered=Check(held.principal, held.valid_at, held.valid_at))
    if check.principal is None:
        session.clear()
        raise _SessionEnded
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
                             display_name=user.display_name, schools=user.school_codes)
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


def _sign_in(access: Access, token: str, now: float):
    """A page opened with ?token=: keep the principal in the session, go on without the token.

    A token never touches a signed-in person's session: a link from anywhere can carry a token
    (someone else's wall token, or garbage), and following it must neither sign the person out
    nor swap their account for a wall's. A token that fails leaves any cookie as it was; a valid
    one replaces only a token's session (a kiosk given a new address) or an empty one."""
    check = _check_token(access, token, now)
    if check.principal is None:
        raise _RefusedToken
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


def _check_token(access: Access, token: str, now: float) -> Check:
    """A token given as text: remembered by its digest, so the text is kept nowhere."""
    return access.checks.resolve(("digest", tokens.token_digest(token)), lambda: _load(token=token), now=now)


def _load(**which) -> Principal | None:
    """Ask the ledger about a token (by its text or id) and note its use, at most every few minutes.
    The note is best effort: a web app whose database user may only read still checks tokens."""
    try:
        with services().ledger_session() as db:
            row = tokens.active_token(db, **which)
            if row is None:
                return None
            found = Principal(role=row.role, token_id=row.id,
                              schools=None if row.school is None else frozenset({row.school}))
            try:
                if tokens.note_use(db, token_id=row.id, now=utcnow(), every=NOTE_USE_EVERY):
                    db.commit()
            except SQLAlchemyError as exc:
                log.warning("could not note the use of access token %d (%s)", row.id, type(exc).__name__)
            return found
    except SQLAlchemyError as exc:
        raise LedgerUnreachable(type(exc).__name__) from exc


def _keep_in_session(check: Check) -> None:
    p = check.principal
    session[SESSION_KEY] = {"id": p.token_id, "role": p.role, "ok": int(check.valid_at),
                            "schools": None if p.schools is None else sorted(p.schools)}
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
    principal = Principal(role=role, token_id=token_id,
                          schools=None if schools is None else frozenset(schools))
    return Check(principal, float(ok), float(ok))


# ---- refusals -----------------------------------------------------------------------------------

# Simplified Chinese first: the people in front of a wall read it; the English is for vendors.
_PAGES = {
    401: ("需要大屏令牌", "请用带令牌的大屏地址打开本页：/?token=…（管理员用 python -m ledger token create 生成）。",
          "A wall token is needed", "Open this page with the wall address that carries its token: /?token=… "
          "(an administrator creates one with python -m ledger token create)."),
    "revoked": ("令牌无效或已被吊销", "请向管理员索取新的大屏地址。",
                "The token is not valid or has been revoked", "Ask an administrator for a new wall address."),
    403: ("此令牌无权查看", "此令牌的角色或学校范围不包括所请求的页面或学校。",
          "Not allowed with this token", "The token's role or school does not cover what was asked for."),
    503: ("暂时无法核验令牌", "安全台账数据库暂时无法访问，请稍后刷新本页。",
          "The token cannot be checked right now",
          "The safety ledger cannot be reached; reload in a moment."),
}
_JSON = {
    401: "an access token is needed: Authorization: Bearer <token>",
    "revoked": "the access token is not valid or has been revoked",
    "ended": "the session has ended: sign in again",
    403: "this access token may not read this",
    "cross_site": "refused: a request that changes something must come from this site's own pages",
    503: "access cannot be checked now: safety ledger unavailable",
}
LOGIN_PATH = "/login"


def _refuse(status: int, page: bool, *, revoked: bool = False, school: str | None = None,
            ended: bool = False, anonymous: bool = False, cross_site: bool = False) -> Response:
    """The refusal: a page of its own for the wall (a token's screen), the sign-in page for any
    other page when nobody or an ended session asks, JSON for the rest. JSON refusals a person can
    cure by signing in say where (`login`): assets/session.js takes the browser there."""
    key = "revoked" if revoked else "ended" if ended else "cross_site" if cross_site else status
    person = ended or anonymous
    if page and person and not _is_wall_request():
        return _to_login()
    if page and key == "ended":
        key = 401
    if page:
        title_zh, text_zh, title_en, text_en = _PAGES[key]
        response = Response(_PAGE.format(title_zh=escape(title_zh), text_zh=escape(text_zh),
                                         title_en=escape(title_en), text_en=escape(text_en),
                                         style=plain_page.STYLE),  # allowed by its hash (headers.py)
                            status=status, mimetype="text/html")
    else:
        body = {"error": _JSON[key], **({"school": school} if school is not None else {}),
                **({"login": LOGIN_PATH} if person else {})}
        response = jsonify(body)
        response.status_code = status
    if status == 401:
        challenge = 'Bearer realm="campus"' + (', error="invalid_token"' if revoked else "")
        response.headers["WWW-Authenticate"] = challenge
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad_request(message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


def _is_wall_request() -> bool:
    access: Access = current_app.extensions[EXTENSION]
    return request.endpoint != "auth.logout" and access.page_name(request.path) == "wall"


def _to_login() -> Response:
    """To the sign-in page, coming back here after it (a local path; dashboard/login.py checks)."""
    target = LOGIN_PATH
    if request.endpoint != "auth.logout":
        here = request.full_path.rstrip("?")
        target += "?next=" + quote(here, safe="")
        if request.args.get("lang") == "en":
            target += "&lang=en"
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>{title_zh} · {title_en}</title>
<style>{style}</style></head>
<body><main><h1>{title_zh}</h1><p>{text_zh}</p>
<h2 lang="en">{title_en}</h2><p lang="en">{text_en}</p></main></body></html>
"""
