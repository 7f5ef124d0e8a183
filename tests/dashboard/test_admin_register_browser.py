"""The register pages in headless Chromium: a school admin adds a risk point and sees its level and
colour follow the factors as they type, with the cut-offs the ledger stores by; registers a device;
another school stays out of reach."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import users
from ledger.db import migrate
from ledger.models import AuditEntry, Device, RiskPoint
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_duty_browser import pages  # noqa: F401 (the pages fixture)
from tests.dashboard.test_wall_browser import browser, screenshot_dir, wait_until  # noqa: F401
from tests.ledger.import_support import good_and_bad, risk_csv, risk_row
from tests.ledger.register_support import school_with_buildings

pytestmark = pytest.mark.browser


def ledger_with_school_admin(settings) -> None:
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            school_with_buildings(db)
            users.create_user(db, username="zhou", display_name="周主任", role="admin", password=PASSWORD,
                              unit="s1", now=datetime.now(timezone.utc))
    finally:
        engine.dispose()


def stored(settings, model, *where):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return list(db.scalars(select(model).where(*where)))
    finally:
        engine.dispose()


def sign_in(page, next_path: str) -> None:
    page.fill("#username", "zhou")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**{next_path}**")


def grade_colour(page) -> str:
    return page.locator("#admin-risks-grade .admin-grade").get_attribute("data-colour") or ""


def test_an_admin_adds_a_risk_point_and_sees_its_colour_as_they_type(serve, settings_factory, redis_client, pages,  # noqa: F811
                                                                     tmp_path):
    settings = settings_factory()
    ledger_with_school_admin(settings)
    served = serve(settings)
    page = pages(served.url + "/login?next=/admin/risks", 1280, 900)
    sign_in(page, "/admin/risks")
    page.locator("#admin-risks-table").get_by_text("该校暂无风险点").wait_for(timeout=15_000)
    page.fill("#admin-risks-code", "R-305")
    page.fill("#admin-risks-name", "化学实验室305 <b>危化品</b>")
    page.fill("#admin-risks-l", "3")
    page.fill("#admin-risks-e", "6")
    assert grade_colour(page) == ""  # not every factor yet: no level
    page.fill("#admin-risks-c", "15")
    wait_until(lambda: grade_colour(page) == "orange", "D = 270 to show orange")
    assert "较大风险" in page.locator("#admin-risks-grade").inner_text()
    assert "D = 270" in page.locator("#admin-risks-grade").inner_text()
    page.fill("#admin-risks-c", "40")  # D = 720 > 320
    wait_until(lambda: grade_colour(page) == "red", "D = 720 to show red")
    page.fill("#admin-risks-c", "41")  # not a value of the LEC table: the grading's own words
    wait_until(lambda: "LEC 的 C 应为" in page.locator("#admin-risks-grade").inner_text(), "a refused factor")
    page.fill("#admin-risks-c", "40")
    wait_until(lambda: grade_colour(page) == "red", "red again")
    page.fill("#admin-risks-person", "张老师")
    page.fill("#admin-risks-measures", "通风橱每日检查")
    page.click("#admin-risks-add")
    row = page.locator('#admin-risks-table tr[data-code="R-305"]')
    row.wait_for(timeout=15_000)
    assert row.get_attribute("data-colour") == "red" and "重大风险" in row.inner_text()
    assert "<b>危化品</b>" in row.inner_text()  # typed text stays text
    page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-risks-1280x900.png"), full_page=True)
    [point] = stored(settings, RiskPoint, RiskPoint.code == "R-305")
    assert (point.colour, point.level, point.score) == ("red", "major", 720)  # shown = stored
    [entry] = stored(settings, AuditEntry, AuditEntry.action == "risk_point.create")
    assert entry.actor == "zhou" and entry.school == "s1"

    # Picked again: the form fills with its values and links its notice card.
    page.fill("#admin-risks-c", "")
    page.click("#admin-risks-pick")
    page.get_by_role("option", name="R-305 化学实验室305 <b>危化品</b>").click()
    wait_until(lambda: page.input_value("#admin-risks-c") == "40", "the form to fill")
    link = page.locator("#admin-risks-card-link")
    link.wait_for(timeout=10_000)
    card = page.context.new_page()
    card.goto(served.url + link.get_attribute("href"))
    assert card.locator("article.risk-card").get_attribute("data-colour") == "red"
    assert card.locator("article.risk-card svg path").count() == 1  # the QR code, drawn offline
    assert "<b>危化品</b>" in card.locator("h2").inner_text()
    card.screenshot(path=str(screenshot_dir(tmp_path) / "admin-risk-card.png"), full_page=True)
    card.close()
    page.click("#admin-risks-retire")
    page.locator("#admin-risks-table").get_by_text("该校暂无风险点").wait_for(timeout=15_000)
    assert [p.retired_on is not None for p in stored(settings, RiskPoint)] == [True]


def test_an_admin_registers_a_device_and_cannot_reach_another_school(serve, settings_factory, redis_client, pages,  # noqa: F811
                                                                      tmp_path):
    settings = settings_factory()
    ledger_with_school_admin(settings)
    served = serve(settings)
    page = pages(served.url + "/login?next=/admin/devices%3Fschool%3Ds2", 1280, 900)
    sign_in(page, "/admin/devices")
    assert "第二中学" not in page.content()  # ?school=s2 is not theirs: refused by the guard
    assert page.goto(served.url + "/admin/devices?school=s2").status == 403
    page.goto(served.url + "/admin/devices")
    page.locator("#admin-devices-table").get_by_text("该校暂无登记设备").wait_for(timeout=15_000)
    assert page.locator("#admin-devices-school").inner_text().strip() == "第一中学"  # their one school
    page.fill("#admin-devices-source", "smoke-canteen-2")
    page.fill("#admin-devices-name", "食堂二层烟感")
    page.click("#admin-devices-place")
    page.get_by_role("option", name="食堂").click()
    page.click("#admin-devices-add")
    page.locator('#admin-devices-table tr[data-source="smoke-canteen-2"]').wait_for(timeout=15_000)
    page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-devices-1280x900.png"), full_page=True)
    [device] = stored(settings, Device)
    assert device.source == "smoke-canteen-2" and device.building_id is not None and device.system == "fire"


def test_an_import_with_bad_rows_lists_them_and_imports_nothing_then_a_good_one_imports(
        serve, settings_factory, redis_client, pages, tmp_path):  # noqa: F811
    settings = settings_factory()
    ledger_with_school_admin(settings)
    served = serve(settings)
    page = pages(served.url + "/login?next=/admin/imports", 1280, 900)
    sign_in(page, "/admin/imports")
    page.locator("#admin-imports-upload").wait_for(timeout=15_000)
    bad = tmp_path / "风险点清单.csv"
    bad.write_bytes(good_and_bad())
    page.locator("#admin-imports-upload input[type=file]").set_input_files(str(bad))
    errors = page.locator("#admin-imports-result tr.admin-import-error")
    errors.first.wait_for(timeout=20_000)
    assert errors.count() == 2
    assert errors.nth(0).inner_text().split("\t")[:2] == ["3", "楼宇"]
    assert "未导入任何数据" in page.locator("#admin-imports-progress").inner_text()
    page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-imports-1280x900.png"), full_page=True)
    assert stored(settings, RiskPoint) == []
    good = tmp_path / "good.csv"
    good.write_bytes(risk_csv([risk_row("RP-1"), risk_row("RP-2")]))
    page.locator("#admin-imports-upload input[type=file]").set_input_files(str(good))
    wait_until(lambda: "导入完成：新增 2 条" in page.locator("#admin-imports-progress").inner_text(), "the import",
               timeout=20)
    assert page.locator("#admin-imports-result tr").count() == 0
    assert len(stored(settings, RiskPoint)) == 2
    [entry] = stored(settings, AuditEntry, AuditEntry.action == "import.risk_points")
    assert entry.after["created"] == 2 and entry.actor == "zhou"
