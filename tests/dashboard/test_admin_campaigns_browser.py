"""The campaigns page (/admin/campaigns) in a real Chromium: a district's administrator makes a
campaign for the district's primary schools (phase dates, items, the type), the audit log names them
and their address; a bad campaign file is refused with its reason and saves nothing; the leadership
page of a university of the district does not show the primary schools' campaign, the primary school's
shows it, in English on ?lang=en."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.models import AuditEntry, Campaign
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.lead_support import browser, tablet  # noqa: F401 (fixtures)
from tests.dashboard.test_wall_browser import screenshot_dir, wait_until

NOW = datetime.now(timezone.utc)
ROOT = Actor("cli:test", "admin")


def district(settings) -> None:
    """District d1 with a primary school and a university; its admin `officer`, a leader over it."""
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            org.create_unit(db, actor=ROOT, scope=None, kind="district", code="d1", name_zh="金水区", now=NOW)
            org.create_unit(db, actor=ROOT, scope=None, kind="school", code="p1", name_zh="金水小学", parent="d1",
                            school_type="primary", now=NOW)
            org.create_unit(db, actor=ROOT, scope=None, kind="school", code="u1", name_zh="金水大学", parent="d1",
                            school_type="university", now=NOW)
            users.create_user(db, username="officer", display_name="王科长", role="admin", password=PASSWORD,
                              unit="d1", now=NOW)
    finally:
        engine.dispose()


def read(settings, query):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return query(db)
    finally:
        engine.dispose()


def test_a_district_admin_makes_a_campaign_for_its_primary_schools(serve, app_settings, tablet,  # noqa: F811
                                                                  tmp_path):
    district(app_settings)
    served = serve(app_settings)
    page = tablet(served, "/admin/campaigns", username="officer", size="1366x1024")
    page.wait_for_selector("#admin-campaigns-save")
    assert "金水区" in page.inner_text("header")  # the unit they manage, by its name
    page.fill("#admin-campaigns-code", "d1-drowning")
    page.fill("#admin-campaigns-name", "金水区防溺水专项行动")
    page.locator("#admin-campaigns-types").get_by_text("小学").click()
    page.fill("#admin-campaigns-name-en", "Jinshui drowning prevention")
    page.fill("#admin-campaigns-items", "防溺水警示牌完好\n家长告知书签收\n")
    page.fill("#admin-campaigns-items-en", "Warning signs in good repair\n")
    page.fill("#admin-campaigns-inspect-starts", "2026-06-01")
    page.fill("#admin-campaigns-inspect-ends", "2026-08-31")
    page.click("#admin-campaigns-save")
    page.wait_for_selector("#admin-campaigns-message .tone-ok")
    assert page.inner_text("#admin-campaigns-message") == "已新建：金水区防溺水专项行动"
    listed = page.locator("#admin-campaigns-list [data-code='d1-drowning']").inner_text()
    assert "小学" in listed and "制定单位：金水区" in listed and "2 项检查" in listed
    # The saved campaign is now the one picked: its fields come back from the ledger, the English too.
    wait_until(lambda: page.input_value("#admin-campaigns-items-en") == "Warning signs in good repair",
               "the English items to come back")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-campaigns-1366x1024.png"), full_page=True)

    made = read(app_settings, lambda db: db.scalar(select(Campaign).where(Campaign.code == "d1-drowning")))
    assert made.owner_unit == "d1" and made.school_kinds == ["primary"]
    assert made.name_en == "Jinshui drowning prevention"
    entry = read(app_settings, lambda db: db.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.create")))
    assert entry.actor == "officer" and entry.ip == "127.0.0.1" and entry.after["phases"][0]["phase"] == "inspect"
    assert entry.after["items_en"] == ["Warning signs in good repair", ""]  # line 1 is item 1's English

    # A file with a type that does not exist: refused with its reason, nothing saved.
    page.set_input_files("#admin-campaigns-upload input[type=file]", files=[{
        "name": "winter.toml", "mimeType": "application/toml",
        "buffer": 'code = "winter"\nname_zh = "冬季安全"\nschool_types = ["nursery"]\nitems = ["取暖设备完好"]\n'
                  .encode()}])
    page.wait_for_selector("#admin-campaigns-message .tone-error")
    refused = page.inner_text("#admin-campaigns-message")
    assert refused.startswith("未保存：winter.toml：适用学校类型：'nursery' 不是"), refused  # the page's language
    assert read(app_settings, lambda db: db.scalar(select(Campaign).where(Campaign.code == "winter"))) is None

    # The university of the district does not see the primary schools' campaign; the primary school does.
    lead = tablet(served, "/lead/campaigns?school=u1", username="officer")
    lead.wait_for_selector(".lead-body")
    assert "金水区防溺水专项行动" not in lead.inner_text("body")
    lead.goto(served.url + "/lead/campaigns?school=p1")
    lead.wait_for_selector(".lead-body")
    assert "金水区防溺水专项行动" in lead.inner_text("body")
    lead.goto(served.url + "/lead/campaigns?school=p1&lang=en")  # the English page: the English name
    lead.wait_for_selector(".lead-campaigns-card h3")
    assert lead.inner_text(".lead-campaigns-card h3") == "Jinshui drowning prevention"
