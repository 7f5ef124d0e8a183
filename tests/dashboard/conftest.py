"""Apps on the real Redis, events put in through the real write path, served apps for browsers,
and the wall tokens every request of the app needs (dashboard/access.py)."""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from werkzeug.serving import make_server

from dashboard import wall_hub
from dashboard.app import _set_up_before_serving, create_app
from devstack import local_services
from kernel import contract
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import DEFAULT_ALERT_RULES, Settings
from ledger.commands import access, users
from ledger.db import migrate
from streams.aggregation import Planner
from streams.alert_rules import load_rules
from streams.store import SchoolStore
from tests.dashboard import csp_watch
from tests.streams import events as ev


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture(autouse=True)
def nothing_refused_by_the_csp():
    """A browser test fails when a page said the Content-Security-Policy refused it anything
    (tests/dashboard/csp_watch.py): every page kind and interaction the browser tests reach is
    checked against the policy."""
    csp_watch.REFUSALS.clear()
    yield
    refused, csp_watch.REFUSALS[:] = list(csp_watch.REFUSALS), []
    assert refused == [], "refused by the Content-Security-Policy (dashboard/headers.py, csp_styles.py)"


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's driver, started once per session (per xdist worker). Its sync API leaves its
    asyncio loop marked as running in this thread from here on, so a second sync_playwright() or an
    asyncio.run() in the main thread would fail: browsers are launched from this one driver, and
    asyncio in tests runs in a thread of its own (tests/secure_support.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """One headless Chromium for the session: a launch costs a second or two, the fresh context or
    page each test opens (and closes) costs milliseconds and shares no cookies or storage."""
    from tests.dashboard.test_wall_browser import CHROMIUM_ARGS

    launched = playwright_driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    csp_watch.watch(launched)  # a page refused anything by the CSP fails its test (above)
    yield launched
    launched.close()


@pytest.fixture
def app_settings(settings_factory, redis_client):
    return settings_factory()


@pytest.fixture
def app(app_settings):
    return create_app(app_settings)


def issue_token(settings: Settings, *, school: str | None = None, label: str = "测试大屏",
                role: str = "wall") -> str:
    """A token in the settings' ledger, migrated first as `make run` does: the app checks tokens there."""
    ledger = sql_engine(settings)
    try:
        migrate(ledger)
        with sql_sessions(ledger).begin() as db:
            return access.issue_token(db, role=role, label=label, school=school,
                                      now=datetime.now(timezone.utc)).token
    finally:
        ledger.dispose()


PASSWORD = "correct horse battery"  # every test user's; the policy wants 10 characters


def make_user(settings: Settings, username: str, *, role: str = "duty", schools: tuple[str, ...] = (),
              name: str | None = None, password: str = PASSWORD, unit: str | None = None) -> None:
    """A person in the settings' ledger (migrated first), as `python -m ledger user create` makes one."""
    ledger = sql_engine(settings)
    try:
        migrate(ledger)
        with sql_sessions(ledger).begin() as db:
            users.create_user(db, username=username, display_name=name or f"测试 {username}", role=role,
                              password=password, schools=schools, now=datetime.now(timezone.utc), unit=unit)
    finally:
        ledger.dispose()


def login_form(client, query: str = "") -> str:
    """Open the sign-in page; its CSRF token."""
    page = client.get(f"/login{query}")
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def sign_in(client, username: str, password: str = PASSWORD, *, next: str | None = None):
    """What a browser does: open /login, post the form. The response (303 on success)."""
    csrf = login_form(client)
    form = {"csrf": csrf, "username": username, "password": password, **({"next": next} if next else {})}
    return client.post("/login", data=form)


def signed_in(app, username: str, password: str = PASSWORD):
    """A test client of `app` with a person signed in."""
    client = app.server.test_client()
    response = sign_in(client, username, password)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def client_with(app, token: str):
    """A test client of `app` that sends the token as a bearer with every request."""
    client = app.server.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


@pytest.fixture
def wall_token(app_settings) -> str:
    return issue_token(app_settings)


@pytest.fixture
def client(app, wall_token):
    """A wall's test client of `app`."""
    return client_with(app, wall_token)


def event_applier(client, settings: Settings):
    """apply(docs): validate each event (a doc, or the raw bytes of a Kafka message) with
    kernel.contract and apply it with SchoolStore.apply, exactly as the consumer does after
    reading Kafka, with offsets that keep growing per school."""
    store = SchoolStore(client, Planner(load_rules(DEFAULT_ALERT_RULES), settings.tz))
    offsets: dict[str, int] = {}

    def apply(docs) -> None:
        by_school: dict[str, list] = {}
        for doc in docs:
            raw = doc if isinstance(doc, bytes) else ev.raw(doc)
            parsed = contract.validate(raw, now_ms=now_ms(), max_bytes=settings.max_event_bytes,
                                       max_future_ms=settings.max_future_seconds * 1000,
                                       max_age_ms=7 * 86_400_000)
            assert isinstance(parsed, contract.Event), parsed
            by_school.setdefault(parsed.school, []).append(parsed)
        for school, events in by_school.items():
            start = offsets.get(school, 0)
            offsets[school] = start + len(events)
            records = [(start + i, event) for i, event in enumerate(events)]
            store.apply(school, f"{settings.events_topic}/0", records, offsets[school])

    return apply


@pytest.fixture
def apply_events(redis_client, app_settings):
    return event_applier(redis_client, app_settings)


_served: dict[int, ServedApp] = {}  # by port: `authenticated` finds a URL's app


class ServedApp:
    """The app's Flask server in a thread on a free port (stop/start keep the port), with a wall
    token issued in its settings' ledger."""

    def __init__(self, settings: Settings):
        self.token = issue_token(settings, label="served app")
        self.app = create_app(settings)
        _set_up_before_serving(self.app)  # as create_server does: two first requests at once raced in Dash
        self.port = local_services.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        _served[self.port] = self
        self.start()

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self.app.server, threaded=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        wall_hub.stop(self.app.server)  # a server gone ends its walls' streams too (shutdown leaves them)

    def api(self, path: str):
        return client_with(self.app, self.token).get(path)


def authenticated(url: str) -> str:
    """A served app's URL with the app's wall token added: what a wall is told to open."""
    parts = urlsplit(url)
    token = urlencode({"token": _served[parts.port].token})
    return urlunsplit(parts._replace(query=f"{parts.query}&{token}" if parts.query else token))


@pytest.fixture
def serve():
    """serve(settings) -> ServedApp; every server started is stopped after the test."""
    started: list[ServedApp] = []

    def start(settings: Settings) -> ServedApp:
        served = ServedApp(settings)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()
        _served.pop(served.port, None)
