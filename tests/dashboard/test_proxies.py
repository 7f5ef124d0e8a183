"""Behind a reverse proxy (dashboard/proxies.py, TRUSTED_PROXIES; PUBLIC_URL in the same-site
check; the sign-in page's word on HTTPS-only cookies), on a real app with the real Redis. Requests
are what arrives from a proxy: its own address as the peer, the client's in X-Forwarded-For."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from dashboard.access import ROUTER_OUTPUT
from dashboard.app import create_app
from dashboard.login.text import LOGIN_TEXT
from dashboard.login_limits import Limits
from dashboard.proxies import MOST_READ_UNASKED, ReadWholeBody
from kernel.connections import sql_engine, sql_sessions
from ledger.models import UserSession
from tests.dashboard.conftest import PASSWORD, login_form, make_user

PROXY = "10.0.0.2"  # the proxy's own address: the peer of every request it passes on


def via_proxy(app, *, client_address: str, host: str = "anquan.example.edu.cn", proto: str = "https",
              upstream_host: str = "web:8050", pass_host: bool = False, client_says: str | None = None):
    """A test client whose requests arrive as nginx passes them on: Host as the proxy was told to
    set it (its upstream's name unless `pass_host`), X-Forwarded-For with the client's address
    (after whatever the client itself sent, as a proxy that appends would), -Proto and -Host."""
    client = app.server.test_client()
    forwarded = f"{client_says}, {client_address}" if client_says else client_address
    client.environ_base.update({
        "REMOTE_ADDR": PROXY, "HTTP_HOST": host if pass_host else upstream_host,
        "HTTP_X_FORWARDED_FOR": forwarded, "HTTP_X_FORWARDED_PROTO": proto, "HTTP_X_FORWARDED_HOST": host,
    })
    return client


def router_body(path: str, search: str) -> dict:
    """The Dash callback a page's first render posts: the page router's, for a location."""
    return {"output": ROUTER_OUTPUT, "outputs": [{"id": "_pages_content", "property": "children"},
                                                 {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def post_sign_in(client, username: str, password: str, *, origin: str | None):
    csrf = login_form(client)
    headers = {"Origin": origin} if origin else {}
    return client.post("/login", data={"csrf": csrf, "username": username, "password": password}, headers=headers)


@pytest.fixture
def proxied(settings_factory, redis_client):
    def make(**overrides):
        settings = settings_factory(secret_key="p" * 32, cookie_secure=True, **overrides)
        make_user(settings, "zhang", role="duty")
        return settings, create_app(settings)
    return make


def test_behind_one_trusted_proxy_the_app_sees_the_client_and_https(proxied):
    settings, app = proxied(trusted_proxies=1)
    client = via_proxy(app, client_address="198.51.100.7", client_says="203.0.113.99")
    signed = post_sign_in(client, "zhang", PASSWORD, origin="https://anquan.example.edu.cn")
    assert signed.status_code == 303, signed.get_data(as_text=True)
    assert "Secure" in signed.headers["Set-Cookie"] and "HttpOnly" in signed.headers["Set-Cookie"]
    # A write from the page (a Dash callback), through the same proxy, passes the same-site check.
    update = client.post("/_dash-update-component", json=router_body("/duty", "?school=demo-univ"),
                         headers={"Origin": "https://anquan.example.edu.cn"})
    assert update.status_code == 200, update.get_data(as_text=True)
    # The ledger records the client, never the proxy nor what the client wrote in its own header.
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            assert db.scalars(select(UserSession.ip)).all() == ["198.51.100.7"]
    finally:
        engine.dispose()


def test_without_trusting_the_proxy_its_host_and_address_are_all_the_app_sees(proxied):
    _, app = proxied(trusted_proxies=0)
    client = via_proxy(app, client_address="198.51.100.7")
    # The browser's Origin names the public address; the Host the app sees is the proxy's upstream.
    refused = post_sign_in(client, "zhang", PASSWORD, origin="https://anquan.example.edu.cn")
    assert refused.status_code == 403


def test_public_url_lets_writes_through_a_proxy_that_passes_no_host(proxied):
    _, app = proxied(trusted_proxies=0, public_url="https://anquan.example.edu.cn")
    client = via_proxy(app, client_address="198.51.100.7")
    assert post_sign_in(client, "zhang", PASSWORD, origin="https://anquan.example.edu.cn").status_code == 303
    other = via_proxy(app, client_address="198.51.100.8")
    assert post_sign_in(other, "zhang", PASSWORD, origin="https://evil.example").status_code == 403
    # The scheme is part of the origin: a page on plain http is another origin.
    plain = via_proxy(app, client_address="198.51.100.9")
    assert post_sign_in(plain, "zhang", PASSWORD, origin="http://anquan.example.edu.cn").status_code == 403


def test_each_client_behind_the_proxy_has_its_own_sign_in_limit(proxied):
    _, app = proxied(trusted_proxies=1)
    origin = "https://anquan.example.edu.cn"
    script = via_proxy(app, client_address="198.51.100.66")
    for n in range(Limits().per_address):
        response = post_sign_in(script, f"guess{n}", "wrong password!", origin=origin)
        assert response.status_code == 401, (n, response.status_code)
    assert post_sign_in(script, "guess-more", "wrong password!", origin=origin).status_code == 429
    # The script cannot start afresh by writing another address in front of its own.
    spoofing = via_proxy(app, client_address="198.51.100.66", client_says="192.0.2.1")
    assert post_sign_in(spoofing, "guess-again", "wrong password!", origin=origin).status_code == 429
    # Everyone else in the district still signs in.
    colleague = via_proxy(app, client_address="198.51.100.7")
    assert post_sign_in(colleague, "zhang", PASSWORD, origin=origin).status_code == 303


def test_the_sign_in_page_says_when_an_https_only_cookie_cannot_work_over_http(proxied):
    _, app = proxied()
    plain = app.server.test_client()
    page = plain.get("/login", base_url="http://anquan.example.edu.cn")
    text = page.get_data(as_text=True)
    assert "COOKIE_SECURE=off" in text and "https://anquan.example.edu.cn/login" in text
    english = plain.get("/login?lang=en", base_url="http://10.1.2.3:8050").get_data(as_text=True)
    assert "Open the https:// address instead: https://10.1.2.3/login" in english
    # The browser dropped the cookie, so the form's token comes back without it: the answer says
    # why, not that the page had expired.
    csrf = login_form(plain)
    dropped = app.server.test_client().post("/login", base_url="http://anquan.example.edu.cn",
                                            data={"csrf": csrf, "username": "zhang", "password": PASSWORD})
    assert dropped.status_code == 400
    said = dropped.get_data(as_text=True)
    assert "COOKIE_SECURE" in said and LOGIN_TEXT["zh"]["expired"] not in said


def test_no_https_word_where_the_cookie_works(proxied):
    _, app = proxied(trusted_proxies=1, public_url="https://anquan.example.edu.cn")
    needs_https = LOGIN_TEXT["zh"]["needs_https"].split("：")[0]
    # Over https (as the trusted proxy says), and on this machine's own address (browsers keep
    # Secure cookies on loopback over http).
    assert needs_https not in via_proxy(app, client_address="198.51.100.7").get("/login").get_data(as_text=True)
    assert needs_https not in app.server.test_client().get("/login").get_data(as_text=True)
    # A page that really expired still says so.
    client = via_proxy(app, client_address="198.51.100.7")
    login_form(client)
    expired = client.post("/login", data={"csrf": "stale", "username": "zhang", "password": PASSWORD},
                          headers={"Origin": "https://anquan.example.edu.cn"})
    assert LOGIN_TEXT["zh"]["expired"] in expired.get_data(as_text=True)
    # Plain http with PUBLIC_URL set: the word names the public address.
    plain = via_proxy(app, client_address="198.51.100.7", proto="http").get("/login").get_data(as_text=True)
    assert needs_https in plain and "https://anquan.example.edu.cn/login" in plain


def test_with_cookies_allowed_over_http_nothing_is_said(settings_factory, redis_client):
    app = create_app(settings_factory(cookie_secure=False))
    page = app.server.test_client().get("/login", base_url="http://anquan.example.edu.cn")
    assert "COOKIE_SECURE" not in page.get_data(as_text=True)


def test_a_body_refused_unread_is_still_read_to_its_end(proxied):
    # gunicorn closing a socket with part of the body unread resets the connection under the
    # proxy, which then answers 502 instead of the app's refusal (test_proxy_https.py saw it).
    _, app = proxied()
    body = io.BytesIO(b"x" * 3_000_000)
    refused = app.server.test_client().post("/api/v1/alerts/1/acknowledge", input_stream=body,
                                            content_length=3_000_000, content_type="application/json")
    assert refused.status_code == 401 and body.tell() == 3_000_000
    # ... never past its end, nor when no length is said (a stream to the end of time), nor past
    # what any proxy in front would let through.
    def refuse(environ, start_response):
        return [b"refused"]

    for length, read in (("40", 40), ("", 0), ("x", 0), (str(MOST_READ_UNASKED + 1), 0)):
        stream = io.BytesIO(b"y" * 100)
        ReadWholeBody(refuse)({"CONTENT_LENGTH": length, "wsgi.input": stream}, None)
        assert stream.tell() == read, length
