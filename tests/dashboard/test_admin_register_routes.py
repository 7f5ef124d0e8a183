"""The register's Flask routes: the risk notice card (its QR code holds the point's report address)
and the spreadsheet upload, each refused outside the admin's scope or without its CSRF token."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import segno

from dashboard import import_jobs, risk_cards
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import devices, risk_points, users
from ledger.db import migrate
from ledger.grading import GradingRules
from tests.dashboard.conftest import PASSWORD, client_with, issue_token, now_ms, signed_in
from tests.ledger.import_support import risk_csv, risk_row
from tests.ledger.register_support import NOW, ROOT, school_with_buildings
from tests.ledger.test_register_admin import LAB
from tests.streams import events as ev


def ledger(settings) -> None:
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            school_with_buildings(db)
            form = LAB.__class__(**{**LAB.__dict__, "name": "化学实验室305 <script>x</script>"})
            risk_points.create_point(db, actor=ROOT, scope=None, school="s1", form=form, rules=GradingRules(),
                                     now=NOW)
            risk_points.create_point(db, actor=ROOT, scope=None, school="s2",
                                     form=LAB.__class__(**{**LAB.__dict__, "building": "gym", "zone": None,
                                                           "unit": None}), rules=GradingRules(), now=NOW)
            users.create_user(db, username="zhou", display_name="周主任", role="admin", password=PASSWORD,
                              unit="s1", now=datetime.now(timezone.utc))
    finally:
        engine.dispose()


def test_the_card_shows_the_point_and_its_qr_code_holds_the_points_report_address(app, app_settings):
    ledger(app_settings)
    client = signed_in(app, "zhou")
    page = client.get("/admin/risks/s1/R-305/card")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x" not in body  # text, never markup
    assert 'data-colour="orange"' in body and "较大风险" in body and "通风橱每日检查" in body
    url = risk_cards.report_url("http://localhost/", "s1", "R-305")
    assert url == "http://localhost/report?school=s1&point=R-305"
    drawn = re.search(r'<path[^>]* d="([^"]+)"', body).group(1)
    expected = segno.make(url, error="m", micro=False)
    assert drawn == re.search(r' d="([^"]+)"', expected.svg_inline(scale=4, border=2)).group(1)  # same modules
    assert risk_cards.qr_code("http://localhost/", "s1", "R-305").matrix == expected.matrix
    assert "Risk notice card" in client.get("/admin/risks/s1/R-305/card?lang=en").get_data(as_text=True)


def test_the_card_of_another_school_or_of_no_point_is_refused(app, app_settings):
    ledger(app_settings)
    client = signed_in(app, "zhou")
    assert client.get("/admin/risks/s2/R-305/card").status_code == 403
    assert client.get("/admin/risks/s1/R-999/card").status_code == 404
    wall = client_with(app, issue_token(app_settings))
    assert wall.get("/admin/risks/s1/R-305/card").status_code == 403
    assert app.server.test_client().get("/admin/risks/s1/R-305/card").status_code in (302, 303, 401)


def upload(client, *, school="s1", kind="risk_points", name="清单.csv", data=None, csrf=True):
    headers = {}
    if csrf:
        with client.session_transaction() as held:
            headers["X-CSRF-Token"] = held.setdefault("csrf", "test-csrf-token")
    form = {"school": school, "kind": kind, "file": (io.BytesIO(data or risk_csv([risk_row("RP-1")])), name)}
    return client.post("/admin/imports/upload", data=form, headers=headers, content_type="multipart/form-data")


def test_an_upload_needs_the_csrf_token_a_school_of_theirs_and_a_real_sheet(app, app_settings):
    ledger(app_settings)
    client = signed_in(app, "zhou")
    assert upload(client, csrf=False).status_code == 400
    refused = upload(client, school="s2")
    assert refused.status_code == 403 and "管理范围" in refused.get_json()["error"]
    fake = upload(client, name="清单.xlsx", data=b"<html>not a workbook</html>")
    assert fake.status_code == 400 and ".xlsx" in fake.get_json()["error"]
    assert upload(client, kind="users").status_code == 400
    with client.session_transaction() as held:
        token = held["csrf"]
    huge = client.post("/admin/imports/upload", headers={"X-CSRF-Token": token}, content_type="multipart/form-data",
                       data={"school": "s1", "kind": "risk_points",
                             "file": (io.BytesIO(b"1,2\n" * (import_jobs.MAX_UPLOAD_BYTES // 4 + 50_000)), "big.csv")})
    assert huge.status_code == 413 and "MB" in huge.get_json()["error"]
    started = upload(client)
    assert started.status_code == 200 and started.get_json()["job"]
    # Larger than the 2 MB every other route takes (dashboard/bad_input.py): this route takes it.
    big = upload(client, data=b"a,b\n" + b"1,2\n" * 800_000)
    assert big.status_code == 200 and big.get_json()["job"]


def test_a_wall_token_cannot_upload(app, app_settings):
    ledger(app_settings)
    wall = client_with(app, issue_token(app_settings))
    assert upload(wall, csrf=False).status_code in (401, 403)


def test_the_live_summary_places_an_alert_by_its_registered_device(app, app_settings, apply_events):
    """Through the app's Services (the wall's and the API's read): an alert whose event names no
    building is counted in its registered device's building."""
    ledger(app_settings)
    engine = sql_engine(app_settings)
    try:
        with sql_sessions(engine).begin() as db:
            devices.register_device(db, actor=ROOT, scope="s1", school="s1", now=NOW,
                                    form=devices.DeviceForm("smoke-canteen-2", "食堂二层烟感", "fire", "canteen"))
    finally:
        engine.dispose()
    apply_events([{**ev.smoke(now_ms() - 1000, id="a-1"), "source": "smoke-canteen-2"},
                  {**ev.smoke(now_ms() - 900, id="a-2"), "source": "unregistered"}])
    body = client_with(app, issue_token(app_settings)).get("/api/v1/schools/s1/summary").json
    assert body["alerts"]["by_building"] == {"canteen": {"open": 1, "top": "critical"}}
    assert {a["id"]: a["building"] for a in body["alerts"]["recent"]} == {"a-1": "canteen", "a-2": None}
