"""The audit page and its downloads on a real app (real Redis; the ledger on SQLite and PostgreSQL):
admins only, the signed-in admin's scope, and files that a spreadsheet cannot turn into formulas."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from dashboard import roles
from dashboard.app import create_app
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import audit
from ledger.commands.audit import Actor
from ledger.db import migrate
from tests.dashboard.conftest import make_user, signed_in
from tests.dashboard.test_access import _router

NOW = datetime.now(timezone.utc)


def record(settings, *entries) -> None:
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            for n, (actor, action, target, school, before, after) in enumerate(entries):
                audit.record(db, actor=Actor(actor, "admin", "192.0.2.1"), action=action, target=target,
                             school=school, before=before, after=after, now=NOW - timedelta(minutes=len(entries) - n))
    finally:
        engine.dispose()


@pytest.fixture
def audit_app(settings_factory, redis_client, ledger_settings, engine):
    settings = settings_factory(database_url=ledger_settings.database_url, secret_key="a" * 32)
    make_user(settings, "root", role="admin")  # the whole tree
    make_user(settings, "head", role="admin", schools=("s1",))  # one school
    make_user(settings, "leader", role="leader")
    record(settings,
           ("root", "org.create", "school:s1", "s1", None, {"name_zh": "第一中学"}),
           ("root", "org.create", "school:s2", "s2", None, {"name_zh": "第二中学"}),
           ("head", "org.update", "campus:s1-east", "s1", {"name_zh": "东区"}, {"name_zh": "东校区"}),
           ("root", "org.update", "=HYPERLINK(\"http://x\",\"y\")", "s1",
            {"name_zh": "@SUM(1+1)"}, {"name_zh": "-2+3\x1b[31m<b>red</b>"}))
    return create_app(settings)


def test_the_audit_routes_need_the_admin_permission():
    assert roles.PAGES["admin_audit"] == roles.ADMIN
    assert roles.ROUTES["audit_api.audit_xlsx"] == roles.ADMIN == roles.ROUTES["audit_api.audit_csv"]


def test_the_download_neutralises_formulas_and_pictures_control_characters(audit_app):
    client = signed_in(audit_app, "root")
    response = client.get("/admin/audit.xlsx?q=HYPERLINK")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    cells = {sheet.cell(row=1, column=c.column).value: c for c in rows[0]}
    target = cells["对象"]
    # The text as recorded, but a string marked as typed after an apostrophe: never a formula.
    assert target.value == "=HYPERLINK(\"http://x\",\"y\")" and target.data_type == "s" and target.quotePrefix
    before, after = cells["变更前"], cells["变更后"]
    assert before.data_type == "s" and after.data_type == "s"
    assert before.value == "name_zh: @SUM(1+1)"
    assert after.value == "name_zh: -2+3␛[31m<b>red</b>"  # the control pictured, the markup plain text

    text = client.get("/admin/audit.csv?q=HYPERLINK&lang=en").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:2] == ["When", "Who"] and len(table) == 2
    assert table[1][5] == "'=HYPERLINK(\"http://x\",\"y\")"  # CSV has no types: an apostrophe first
    assert table[1][9] == "name_zh: -2+3␛[31m<b>red</b>" and "\x1b" not in text


def test_every_cell_that_begins_like_a_formula_is_neutralised(audit_app):
    """Whatever column it is in: marked text in .xlsx."""
    client = signed_in(audit_app, "root")
    sheet = load_workbook(io.BytesIO(client.get("/admin/audit.xlsx?action=org").data)).active
    risky = [cell for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    assert risky and all(cell.data_type == "s" and cell.quotePrefix for cell in risky)


def test_a_scoped_admin_reads_their_school_and_their_own_entries_only(audit_app):
    head = signed_in(audit_app, "head")
    rows = list(csv.reader(io.StringIO(head.get("/admin/audit.csv").data.decode("utf-8-sig"))))[1:]
    assert sorted(r[5] for r in rows) == sorted(["school:s1", "campus:s1-east", "'=HYPERLINK(\"http://x\",\"y\")"])
    # Asking for another school by name reads nothing: the scope is the principal's, not the query's.
    assert len(list(csv.reader(io.StringIO(head.get("/admin/audit.csv?school=s2").data.decode("utf-8-sig"))))) == 1
    root = signed_in(audit_app, "root")
    assert len(list(csv.reader(io.StringIO(root.get("/admin/audit.csv").data.decode("utf-8-sig"))))) == 5


def test_only_admins_download_and_a_bad_filter_is_refused(audit_app):
    assert signed_in(audit_app, "leader").get("/admin/audit.csv").status_code == 403
    assert audit_app.server.test_client().get("/admin/audit.xlsx").status_code in (303, 401)
    response = signed_in(audit_app, "root").get("/admin/audit.csv?since=tomorrow")
    assert response.status_code == 400


def test_the_audit_page_has_no_callback_and_no_route_that_writes(audit_app):
    """Nothing on the page can edit or delete an entry: it registers no callback at all, and its
    only routes are the two downloads, for GET."""
    assert not [key for key in audit_app.callback_map if "admin-audit" in key]
    routes = [rule for rule in audit_app.server.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert sorted(r.rule for r in routes) == ["/admin/audit.csv", "/admin/audit.xlsx"]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in routes)


def test_the_last_day_python_has_and_an_id_past_the_ledgers_integer_are_answered(audit_app):
    """`until=9999-12-31`: its end is past Python's last day (it raised: a 500); it bounds nothing.
    `before=` of "²" (a digit to str.isdigit, not to int()) or past PostgreSQL's INTEGER (which made
    the page say the ledger could not be reached): the first page, as for any other odd value."""
    client = signed_in(audit_app, "root")
    for until in ("9999-12-31", "9999-12-31 23:59"):
        response = client.get("/admin/audit.csv?until=" + until)
        assert response.status_code == 200
        assert len(list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))) == 5  # the heading, 4 entries
        page = _router(client, "?until=" + until, "/admin/audit").get_data(as_text=True)
        assert "第一中学" in page and "无法" not in page
    for before in ("²", str(2**31), str(10**17)):
        page = _router(client, "?before=" + before, "/admin/audit")
        assert page.status_code == 200, page.get_data(as_text=True)
        assert "第一中学" in page.get_data(as_text=True) and "无法访问" not in page.get_data(as_text=True)
