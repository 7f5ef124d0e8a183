"""Who is asking: every request of the web app is resolved to a principal, or refused.

A principal is a signed-in person (dashboard/login/, dashboard/sessions.py: a random session id
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

This module is the guard (installed before every view) and what views and callbacks ask of it;
dashboard/principals.py resolves the token or session to a principal, dashboard/refusals.py words
a refusal, dashboard/page_paths.py says which page a path shows.
"""
from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta
from urllib.parse import parse_qs

import dash
from flask import Flask, abort, current_app, g, request, session

from dashboard import callback_scope, metrics, roles, sessions, source_keys
from dashboard.callback_scope import BadCallback
from dashboard.login_limits import LoginCounter
from dashboard.page_paths import page_for
from dashboard.principals import RefusedToken, SessionEnded, principal_of, sign_in
from dashboard.refusals import bad_request, refuse
from dashboard.roles import Principal
from dashboard.token_checks import LedgerUnreachable, TokenChecks
from kernel.settings import Settings, SettingsError

log = logging.getLogger(__name__)
EXTENSION = "campus.access"
COOKIE = "campus_session"
# The cookie outlives browser restarts and is renewed whenever the token is checked again, so
# a wall that runs keeps it; the token's own validity is the ledger's, checked every FRESH_S.
SESSION_LIFETIME = timedelta(days=30)
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
        page = page_for(self.app.strip_relative_path(path) or "")
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
    from dashboard.login import views as login  # it uses this module's helpers

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


def still_reads(school: str, *, fresh_s: float) -> bool:
    """For a response that lasts (the wall's stream): whether its caller, resolved again as the
    guard resolves every request (token or session, from the ledger if the last answer is older
    than `fresh_s`), may still see the wall of `school`. False for a revoked token, an ended
    session, a narrowed scope, or a ledger that cannot vouch for the caller any more."""
    access: Access = current_app.extensions[EXTENSION]
    try:
        principal = principal_of(access, access.clock(), roles.WALL, fresh_s=fresh_s)
    except (RefusedToken, SessionEnded, LedgerUnreachable):
        return False
    return roles.verdict(principal, roles.WALL, school) == 200


# ---- the guard ----------------------------------------------------------------------------------

def _guard():
    access: Access = current_app.extensions[EXTENSION]
    if not sessions.same_site(request.method, request.host, request.headers.get("Origin"),
                              request.headers.get("Referer"), also=access.public_origins):
        return refuse(access, 403, False, cross_site=True)
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
            return sign_in(access, request.args["token"], now)
        principal = principal_of(access, now, needs)
    except LedgerUnreachable:
        return refuse(access, 503, page)
    except RefusedToken:
        return refuse(access, 401, page, revoked=True)
    except SessionEnded:
        return refuse(access, 401, html, ended=True)
    if principal is None:
        return refuse(access, 401, html, anonymous=True)
    g.principal = principal
    if endpoint is None:
        return None  # no such route: Flask answers 404 or 405 (JSON under /api/v1)
    if bad_body is not None:
        return bad_request(bad_body)
    needs, named = _what_is_asked(access, needs)
    status = roles.verdict(principal, needs)
    if status != 200:
        return refuse(access, status, page)
    try:
        for school in named():
            status = roles.verdict(principal, needs, school)
            if status != 200:
                return refuse(access, status, page, school=school)
    except BadCallback as exc:  # asked by someone allowed the callback: tell them what is wrong
        return bad_request(str(exc))
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
