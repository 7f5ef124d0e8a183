"""A signed-in person's session, as the signed cookie carries it, and the plain rules over it.

The cookie holds the random session id (the ledger keeps only its digest), who the person is as
last checked, when that was, and the moment of their last action. Idleness is counted from that
action, not from the requests pages make by themselves: a duty console refreshing every second
would otherwise keep an unattended tablet signed in for ever. Keeping the last action in the
cookie costs no write per request; the ledger's `last_active_at` is written at most once a minute
(NOTE_ACTIVITY_EVERY_S), for the audit and for a cookie that would claim otherwise.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from dashboard import roles
from dashboard.roles import Principal

USER_KEY = "person"  # the session cookie's entry for a signed-in person (tokens use "access")
CSRF_KEY = "csrf"
NOTE_ACTIVITY_EVERY_S = 60.0
DEFAULT_NEXT = "/duty"
# Properties that change without anyone touching the page: a timer's ticks, and stores, which
# callbacks (started by a timer or by a person, already counted then) or the browser fill in.
_NOT_ACTIONS = frozenset({"n_intervals", "data"})
SAFE_METHODS = roles.SAFE_METHODS


@dataclass(frozen=True)
class Held:
    """What the cookie says about a person's session."""

    session_id: str
    principal: Principal
    valid_at: float  # when the ledger last said the session is open, epoch seconds
    acted_at: float  # the person's last action
    noted_at: float  # when the last action was last written to the ledger


def to_cookie(held: Held) -> dict:
    p = held.principal
    return {"sid": held.session_id, "uid": p.user_id, "role": p.role, "user": p.username, "name": p.display_name,
            "schools": None if p.schools is None else sorted(p.schools),
            "ok": int(held.valid_at), "act": held.acted_at, "noted": held.noted_at}


def from_cookie(value: object) -> Held | None:
    """The session the cookie names; None when it names none (or in a shape this code never wrote)."""
    if not isinstance(value, dict):
        return None
    sid, uid, role, schools = value.get("sid"), value.get("uid"), value.get("role"), value.get("schools")
    times = [value.get(k) for k in ("ok", "act", "noted")]
    if not (isinstance(sid, str) and isinstance(uid, int) and role in roles.GRANTS
            and all(isinstance(t, (int, float)) for t in times)):
        return None
    if schools is not None and not (isinstance(schools, list) and all(isinstance(s, str) for s in schools)):
        return None
    principal = Principal(role=role, user_id=uid, username=str(value.get("user") or ""),
                          display_name=str(value.get("name") or ""),
                          schools=None if schools is None else frozenset(schools))
    return Held(sid, principal, *(float(t) for t in times))


def is_idle(held: Held, now: float, idle_s: float) -> bool:
    return now - held.acted_at >= idle_s


def is_action(method: str, kind: str | None, body: object) -> bool:
    """Whether a request is the person doing something: a page opened, a write, or a Dash callback
    set off by something other than a timer or a store (`kind`: roles.PAGE, roles.CALLBACK, or the
    route's permission)."""
    if kind == roles.CALLBACK:
        changed = body.get("changedPropIds") if isinstance(body, dict) else None
        if not isinstance(changed, list):
            return False
        # A callback fired because its components just appeared lists nothing: not an action.
        return any(isinstance(c, str) and c.rpartition(".")[2] not in _NOT_ACTIONS for c in changed)
    if kind == roles.PAGE:
        return method in ("GET", "HEAD")
    return method not in SAFE_METHODS


def safe_next(target: object, default: str = DEFAULT_NEXT) -> str:
    """Where to go after signing in: a path on this site only, never another site (open redirect)."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 32 or c == "\\" for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path in ("/login", "/logout"):
        return default
    return target


def same_site(method: str, host: str, origin: str | None, referer: str | None,
              also: Iterable[str] = ()) -> bool:
    """Whether a request that may change something comes from a page of this site. Browsers send
    Origin with every cross-site POST (and fetch); Referer is the fallback for older ones. A request
    with neither is no browser's form or script from another site (API clients send neither).
    `host` is the request's (behind trusted proxies, the one they forwarded); `also`: origins
    (scheme://host[:port], PUBLIC_URL's) that are this site whatever Host a proxy passed on."""
    if method in SAFE_METHODS:
        return True
    source = origin if origin else referer
    if not source:
        return True
    if source == "null":  # sandboxed frames, data: URLs, some redirects: no site to trust
        return False
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https"):
        return False
    return parts.netloc.lower() == host.lower() or f"{parts.scheme}://{parts.netloc.lower()}" in also
