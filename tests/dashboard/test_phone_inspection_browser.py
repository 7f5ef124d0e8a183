"""The phone's inspections in headless Chromium at 390×844 (issue 15): an inspector with a plan due
today (made by the safety office through ledger/commands/inspection_plans.py) opens /m/inspections,
starts, answers item by item (one fails, with a real JPEG uploaded through the page), reloads
mid-way and continues, is told which items are missing when finishing early, finishes; the ledger
holds the inspection and its results, and the failed item links to its draft on the report form.
One server and one browser for the module. UPDATE_SCREENSHOTS=1 saves the screenshots docs/hazards.md shows."""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import inspection_plans as plans
from ledger.commands import users
from ledger.db import migrate
from ledger.models import Building, Inspection, InspectionResult, OrgUnit, RiskPoint, User, Zone
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, ServedApp, _served
from tests.dashboard.test_people_browser import appears
from tests.dashboard.test_wall_browser import browser, wait_until  # noqa: F401 (browser: the shared Chromium)
from tests.ledger import photo_support as made
from tests.ledger.register_support import school_with_buildings

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 390, 844
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"
MEASURES = "1. 危化品专柜存放，双人双锁\n2. 通风橱运行正常\n3. 洗眼器水压正常\n"


def ledger_with_a_plan_due_today(settings) -> int:
    """s1's chemistry lab risk point with three control measures, its safety officer, the inspector
    whose daily plan it is (made by the safety officer), and another inspector. The plan's id."""
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    today = now.astimezone(settings.tz).date()
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            school_with_buildings(db)
            s1 = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            chem = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1-chem"))
            lab = db.scalar(select(Building).where(Building.school_id == s1.id, Building.code == "lab"))
            zone = db.scalar(select(Zone).where(Zone.building_id == lab.id))
            db.add(RiskPoint(code="RP-305", name="化学实验室305", unit_id=chem.id, building_id=lab.id, zone_id=zone.id,
                             control_measures=MEASURES, school_id=s1.id, method="LEC", l_value=3, e_value=6,
                             c_value=15, score=270, level="high", colour="orange", identified_on=today,
                             last_reviewed_on=today))
            for username, name, role in (("chen", "陈安全", "safety"), ("zhang", "张巡查", "inspector"),
                                         ("li", "李巡查", "inspector")):
                users.create_user(db, username=username, display_name=name, role=role, password=PASSWORD, unit="s1",
                                  now=now)
            db.flush()
            safety = db.scalar(select(User).where(User.username == "chen"))
            plan = plans.create_plan(db, user_id=safety.id, school="s1", now=now, today=today, form=plans.PlanForm(
                name="305实验室日查", frequency="daily", risk_point="RP-305", assignee_username="zhang"))
            return plan.id
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def site(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("phone-inspect"), secret_key="i" * 32)
    plan_id = ledger_with_a_plan_due_today(settings)
    served = ServedApp(settings)
    yield served, settings, plan_id
    served.stop()
    _served.pop(served.port, None)


@pytest.fixture(scope="module")
def phone(browser):  # noqa: F811 (the fixture)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True,
                                  device_scale_factor=1, locale="zh-CN")
    yield context
    context.close()


def shot(page, name: str) -> None:
    """A screenshot for docs/hazards.md, only when UPDATE_SCREENSHOTS=1 (a test run leaves the tree as it was)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"phone-inspect-{name}.png"))


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def card(n: int) -> str:
    return f"#phone-inspection-at-{n} .phone-inspection-card"


def answer(page, n: int, result: str) -> None:
    page.locator(f"#phone-inspection-at-{n} .answer-{result}").tap()
    appears(page, f"{card(n)}.is-{result}")
    appears(page, f"#phone-inspection-at-{n} .phone-inspection-status .tone-ok")


def read(settings, plan_id: int):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            inspection = db.scalar(select(Inspection).where(Inspection.plan_id == plan_id))
            results = db.scalars(select(InspectionResult).where(InspectionResult.inspection_id == inspection.id)
                                 .order_by(InspectionResult.position)).all()
            return ((inspection.finished_at, inspection.signed_by, inspection.signed_name),
                    [(r.id, r.position, r.result, r.note, list(r.photo_keys)) for r in results])
    finally:
        engine.dispose()


def test_an_inspector_does_todays_inspection_on_a_phone(site, phone):
    served, settings, plan_id = site
    page = phone.new_page()
    page.goto(served.url + "/m/inspections")
    page.wait_for_url("**/login?next=**")
    page.fill("#username", "zhang")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/m/inspections")

    # Today's list: the plan due, where, which period, and the way in.
    appears(page, ".phone-inspections-item.is-due")
    item = page.inner_text(".phone-inspections-item")
    assert "305实验室日查" in item and "实验楼 · 三层 · 化学实验室305" in item and "待检查" in item
    assert "已检查 0/3 项" in item
    fits(page)
    shot(page, "today")
    page.locator(".phone-inspections-open").tap()
    page.wait_for_url(f"**/m/inspections/{plan_id}")
    appears(page, "#phone-inspection-start")
    page.locator("#phone-inspection-start").tap()
    appears(page, card(2))
    assert "危化品专柜存放，双人双锁" in page.inner_text("#phone-inspection-at-0")

    # Item 1 passes; item 2 fails, with a note and a real JPEG sent through the page.
    answer(page, 0, "pass")
    answer(page, 1, "fail")
    page.fill("#phone-inspection-at-1 textarea", "通风橱风机不转")
    page.locator("#phone-inspection-at-1 .phone-inspection-head").tap()  # the note is left: saved with the answer
    # Something that is not a photo is refused by POST /photos, and the item says why.
    with page.expect_file_chooser() as chooser:
        page.locator("#phone-inspection-at-1 .phone-inspection-add-photo").tap()
    chooser.value.set_files({"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all"})
    appears(page, f"{card(1)} .phone-inspection-photo-status.tone-error")
    assert page.inner_text(f"{card(1)} .phone-inspection-photo-status").startswith("照片未上传：")
    assert page.locator(f"{card(1)} img[data-key]").count() == 0
    with page.expect_file_chooser() as chooser:
        page.locator("#phone-inspection-at-1 .phone-inspection-add-photo").tap()
    chooser.value.set_files({"name": "IMG_0305.jpg", "mimeType": "image/jpeg", "buffer": made.jpeg()})
    appears(page, f"{card(1)} img[data-key]")
    appears(page, f"{card(1)} .phone-inspection-report-link")
    fits(page)
    _, results = read(settings, plan_id)
    assert [(r[1], r[2], r[3], len(r[4])) for r in results] == [(0, "pass", "", 0), (1, "fail", "通风橱风机不转", 1)]

    # The connection drops, the page is opened again: every answer is there, and where to continue.
    page.reload()
    appears(page, "#phone-inspection-continue")
    assert page.inner_text("#phone-inspection-continue") == "从第 3 项继续"
    assert "is-pass" in page.get_attribute(card(0), "class")
    assert "is-fail" in page.get_attribute(card(1), "class")
    assert page.input_value("#phone-inspection-at-1 textarea") == "通风橱风机不转"
    key = results[1][4][0]
    assert page.get_attribute(f"{card(1)} img[data-key]", "data-key") == key
    draft = results[1][0]
    href = page.get_attribute(f"{card(1)} .phone-inspection-report-link", "href")
    assert re.fullmatch(rf"/m/report\?draft={draft}", href), href
    fits(page)
    shot(page, "checklist")

    # Finishing early says which items are missing; then the last answer, and the finish.
    page.locator("#phone-inspection-finish").tap()
    appears(page, "#phone-inspection-message .tone-error")
    assert "还有 1 项未检查（第 3 项）" in page.inner_text("#phone-inspection-message")
    answer(page, 2, "na")
    page.locator("#phone-inspection-finish").tap()
    appears(page, "#phone-inspection-summary")
    summary = page.inner_text("#phone-inspection-summary")
    for words in ("合格 1 项", "不合格 1 项", "不适用 1 项", "按时完成", "张巡查"):
        assert words in summary, words
    assert "巡查已完成，张巡查 于" in summary and not page.inner_text("#phone-inspection-message").strip()
    assert page.get_attribute("#phone-inspection-summary .phone-inspection-report-link", "href") == \
        f"/m/report?draft={draft}"
    fits(page)
    shot(page, "summary")

    signed, results = read(settings, plan_id)
    assert signed[0] is not None and signed[1:] == ("zhang", "张巡查")
    assert [(r[1], r[2]) for r in results] == [(0, "pass"), (1, "fail"), (2, "na")]
    assert results[1][4] == [key]

    # Back on today's list: done, and the finding waits to be reported, linked by its draft id.
    page.goto(served.url + "/m/inspections")
    appears(page, ".phone-inspections-item.is-done")
    assert page.get_attribute(".phone-inspections-draft .phone-inspections-report", "href") == \
        f"/m/report?draft={draft}"
    assert "通风橱运行正常" in page.inner_text("#phone-inspections-drafts")
    fits(page)
    shot(page, "done")
    page.goto(served.url + "/m/inspections?lang=en")
    appears(page, ".phone-inspections-item.is-done")
    assert "Findings not yet reported" in page.inner_text("body")
    fits(page)
    # Opened again, the plan shows its summary: nothing to start or sign twice.
    page.goto(served.url + f"/m/inspections/{plan_id}")
    appears(page, "#phone-inspection-summary")
    assert page.locator("#phone-inspection-finish").count() == 0
    page.close()
