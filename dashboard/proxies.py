"""The reverse proxies in front of the web app: how many of them to believe (TRUSTED_PROXIES), and
a refusal that reaches the client through them.

Behind nginx (the compose stack's `proxy` service, deploy/nginx/) every connection comes from the
proxy: without this, every person would share the proxy's address in the sign-in limits
(dashboard/login_limits.py), so one script guessing passwords would lock out a whole district,
the ledger would record the proxy as everyone's address, and every request would look like
plain http. werkzeug's ProxyFix takes the client's address, scheme and host from
X-Forwarded-For/-Proto/-Host, counting exactly that many proxies from the right: what a client
writes into its own X-Forwarded-For (it can send anything) lies further left and is never read.
Trusting more proxies than there are would let a client choose its address, so the default is 0
(`make run`: nothing in front) and the compose file sets 1.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import ClientDisconnected
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import LimitedStream

# Bodies up to this size are read to their end even when the app answered without them (see
# ReadWholeBody); nginx lets at most 17 MB through (POST /api/v1/events), everything else 2 MB.
MOST_READ_UNASKED = 32 * 1024 * 1024
_CHUNK = 256 * 1024


def install(server: Flask, hops: int) -> None:
    """Believe the last `hops` proxies' X-Forwarded-For, -Proto and -Host (0: none, the default).
    X-Forwarded-Port and -Prefix are never read: the forwarded Host carries any port, and the app
    is served at the root."""
    app = ReadWholeBody(server.wsgi_app)
    if hops > 0:
        app = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops, x_port=0, x_prefix=0)
    server.wsgi_app = app


class ReadWholeBody:
    """WSGI middleware: after the app answered, read and drop what it left unread of the request
    body. An answer given before the body was read (a 401 for a missing key, a 403 for another
    site) would otherwise be followed by gunicorn closing a socket with data still coming in: the
    connection is reset under the proxy, which is still sending, and the client gets nginx's 502
    instead of the app's answer (seen with a 16 MB batch to /api/v1/events)."""

    def __init__(self, app, most: int = MOST_READ_UNASKED):
        self.app, self.most = app, most

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if not 0 < length <= self.most:
            return self.app(environ, start_response)
        body = LimitedStream(environ["wsgi.input"], length)  # never reads past the body's end
        environ["wsgi.input"] = body
        answer = self.app(environ, start_response)
        try:
            while body.read(_CHUNK):
                pass
        except (ClientDisconnected, OSError):
            pass  # the client went away: nothing left to answer
        return answer
