"""The reverse proxies in front of the web app: how many of them to believe (TRUSTED_PROXIES).

Behind nginx (the compose stack's `proxy` service, deploy/nginx/) every connection comes from the
proxy: without this, every person would share the proxy's address in the sign-in limits
(dashboard/login_limits.py), so one script guessing passwords would lock out a whole district,
the ledger would record the proxy as everyone's address, and a request would look like plain
http to a proxy's address whatever the browser used. werkzeug's ProxyFix takes the client's
address, scheme and host from X-Forwarded-For/-Proto/-Host, counting exactly that many proxies
from the right: a client's own X-Forwarded-For entries (it can send any) lie further left and are
never read. Trusting more proxies than there are would let a client choose its address; so the
default is 0 (`make run`: nothing in front) and the compose file sets 1.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def install(server: Flask, hops: int) -> None:
    """Believe the last `hops` proxies' X-Forwarded-For, -Proto and -Host (0: none, the default).
    X-Forwarded-Port and -Prefix are never read: the forwarded Host carries any port, and the app
    is served at the root."""
    if hops > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                   x_port=0, x_prefix=0)
