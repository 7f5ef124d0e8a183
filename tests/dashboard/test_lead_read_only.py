"""A leader reads every leadership page and taps everything on it, and nothing they do writes to the
ledger or to Redis; the writes a leader might try (acknowledge an alert, comment on a hazard, the
duty console's action callback) are refused on the server before they run."""
from __future__ import annotations

import hashlib
import json

import pytest
import redis
from sqlalchemy import MetaData, select

from dashboard import roles
from dashboard.app import create_app
from kernel.connections import sql_engine
from layouts.lead_view import NAV
from tests.dashboard.conftest import signed_in
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    lead_served,
    no_horizontal_overflow,
    tablet,
)

# Written by signing in and by the idle clock of a session (dashboard/sessions.py): the account's
# own bookkeeping, not the campus's data.
BOOKKEEPING = {"user_sessions", "users", "alembic_version"}


def ledger_digest(settings) -> dict[str, str]:
    """A digest of every row of every table but the sign-in bookkeeping."""
    engine = sql_engine(settings)
    try:
        meta = MetaData()
        meta.reflect(engine)
        digests = {}
        with engine.connect() as connection:
            for name, table in sorted(meta.tables.items()):
                if name in BOOKKEEPING:
                    continue
                rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                digests[name] = hashlib.sha256(json.dumps([list(r) for r in rows], default=str).encode()).hexdigest()
        return digests
    finally:
        engine.dispose()


def redis_digest(settings) -> dict[str, str]:
    """Every Redis key's dump but the sign-in rate limits' (dashboard/login_limits.py)."""
    client = redis.Redis.from_url(settings.redis_url)
    try:
        return {key.decode(): hashlib.sha256(client.dump(key) or b"").hexdigest()
                for key in client.scan_iter(count=1000)
                if not key.startswith(b"campus:login-fail:")}
    finally:
        client.close()


def test_every_leadership_callback_needs_only_the_read_permission(demo_ledger):
    app = create_app(demo_ledger)
    from dashboard.access import EXTENSION

    access = app.server.extensions[EXTENSION]
    lead_pages = {name for name, _path, _key in NAV}
    lead_callbacks = [output for output, page in access.callback_pages.items() if page in lead_pages]
    assert lead_callbacks, "the leadership pages register callbacks"
    for output in lead_callbacks:
        assert access.callback_permission(output) == roles.LEAD_VIEW, output
    # And nothing a leadership page adds to the server takes anything but a read.
    for rule in app.server.url_map.iter_rules():
        if rule.endpoint.startswith("lead_api."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


@pytest.mark.browser
def test_a_leader_taps_through_every_page_and_nothing_is_written(lead_served, tablet, demo_ledger):
    page = tablet(lead_served, "/lead?school=demo-univ", username="leader")
    before = ledger_digest(demo_ledger), redis_digest(demo_ledger)
    visited = []
    for name, path, _key in NAV:
        page.goto(lead_served.url + path + "?school=demo-univ")
        page.wait_for_selector(".lead-body", timeout=15_000)
        page.wait_for_load_state("networkidle")
        # Tap everything that acts in the page's body (links would only leave the page).
        for selector in (".lead-body button", ".lead-body summary", ".lead-body .ag-row",
                         ".lead-body input[type=radio]", ".lead-body label"):
            for element in page.query_selector_all(selector)[:12]:
                if element.is_visible() and element.is_enabled():
                    try:
                        element.click(timeout=2_000)
                    except Exception:  # noqa: BLE001 - covered by an overlay that opened: tap on
                        continue
        page.wait_for_load_state("networkidle")
        assert page.query_selector(".lead-problem") is None, f"{path}: {page.inner_text('.lead-problem')}"
        visited.append(name)
    # The Excel download is a read too.
    response = page.request.get(lead_served.url + "/lead/hazards.xlsx?school=demo-univ")
    assert response.status == 200
    assert visited == [name for name, _p, _k in NAV]
    assert (ledger_digest(demo_ledger), redis_digest(demo_ledger)) == before


def test_the_writes_a_leader_might_try_are_refused(demo_ledger):
    app = create_app(demo_ledger)
    client = signed_in(app, "leader")
    csrf = client.get("/api/v1/me")  # any read: the session's CSRF token is in its page forms
    assert csrf.status_code == 200
    before = ledger_digest(demo_ledger)
    assert client.post("/api/v1/alerts/1/acknowledge", json={}).status_code == 403
    assert client.post("/api/v1/alerts/1/resolve", json={"outcome": "false_alarm", "note": "x"}).status_code == 403
    assert client.post("/api/v1/schools/demo-univ/hazards/HZ-DEMO-UNIV-001/comments",
                       json={"text": "领导批示"}).status_code == 403
    assert client.post("/lead/hazards.xlsx?school=demo-univ").status_code in (403, 405)
    assert ledger_digest(demo_ledger) == before
