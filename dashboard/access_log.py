"""gunicorn's access log, less the lines that would drown it (gunicorn.conf.py's `logger_class`).

A wall screen asks for changes every WALL_REFRESH_MS (500 ms): one line each would be 7,200 lines
an hour per screen, saying nothing. So successful answers to Dash's callback POSTs, to the
scripts, styles and fonts of a page, and to the health and metrics probes are not written; a
refusal or an error (status 400 and up) of any of them is. Every request's time is in /metrics
(campus_web_request_seconds) either way.
"""
from __future__ import annotations

from gunicorn.glogging import Logger

QUIET_ROUTES = frozenset({
    ("POST", "/_dash-update-component"),  # callbacks: the wall's refresh, a console's updates
    ("GET", "/healthz"), ("HEAD", "/healthz"),  # compose and load balancers, every few seconds
    ("GET", "/metrics"),  # the scraper, every 15 s or so
    ("GET", "/_favicon.ico"),
})
QUIET_PREFIXES = ("/assets/", "/_dash-component-suites/")  # files of a page, a dozen a page load


def quiet(method: str, path: str, status: int) -> bool:
    """Whether a request's line is left out of the access log."""
    if status >= 400:
        return False
    if (method, path) in QUIET_ROUTES:
        return True
    return method in ("GET", "HEAD") and path.startswith(QUIET_PREFIXES)


def _status(resp) -> int:
    status = getattr(resp, "status", None) or getattr(resp, "status_code", 0)
    try:
        return int(str(status).split(None, 1)[0])
    except ValueError:
        return 0


class QuietAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if quiet(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), _status(resp)):
            return
        super().access(resp, req, environ, request_time)
