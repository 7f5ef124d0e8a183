"""Supervising down (issue 17) in headless Chromium, one short journey: with an item and a notice sent
down to s1, its safety head answers the item on a phone (/supervision) and confirms the notice
(/notices); the district officer, at a desk, sees the answer and closes the item (/bureau/supervision),
opens one on an overdue hazard picked from the school's list, and sees the school's receipt
(/bureau/notices). With UPDATE_SCREENSHOTS=1 it saves the four pages for
docs/district.md under docs/img/."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from dashboard.pages.bureau_notices import ids as bn_ids
from dashboard.pages.bureau_supervision import ids as bs_ids
from dashboard.pages.notices import ids as n_ids
from dashboard.pages.supervision import ids as s_ids
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import notices, supervision
from ledger.commands.hazards import report_hazard
from ledger.models import OrgUnit, User
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, ServedApp, _served
from tests.dashboard.test_inspection_plans_browser import appears, choose
from tests.dashboard.test_wall_browser import browser, wait_until  # noqa: F401 (the shared Chromium)
from tests.ledger.test_supervision import people

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"


def shot(page, name: str) -> None:
    """A screenshot for docs/district.md, only when asked (UPDATE_SCREENSHOTS=1): the whole page, the
    viewport made as tall as it (the phone's bottom tabs stay at the bottom, not over the content)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        width = page.viewport_size["width"]
        page.set_viewport_size({"width": width, "height": page.evaluate("document.documentElement.scrollHeight")})
        page.screenshot(path=str(DOCS / f"district-{name}.png"))


def signed_in_page(browser, served, path: str, username: str, size: tuple[int, int]):  # noqa: F811
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{served.url}/login?next={quote(path, safe='')}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    return context, page


@pytest.fixture
def served(redis_url, tmp_path_factory):
    """The tree, the officer and the safety head; an item and a notice already sent down (their forms are
    posted through the app in tests/ledger/test_supervision.py)."""
    settings = settings_for(redis_url, tmp_path_factory.mktemp("supervision-browser"), secret_key="w" * 32)
    people(settings, ("off1", "safe1"), {"off1": "王科长", "safe1": "李老师"})
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    try:
        with sql_sessions(engine)() as db:
            officer = db.scalar(select(User.id).where(User.username == "off1"))
            supervision.open_item(db, user_id=officer, school="s1", kind="figure", ref="11月隐患整改率 62%", title="",
                                  instructions="请于月底前完成逾期隐患整改，上传整改照片。",
                                  deadline=now + timedelta(days=7), now=now)
            notices.publish(db, user_id=officer, title="关于做好寒假安全工作的通报",
                            body="各学校：寒假将至，请做好校园安全检查和安全教育。", schools=["s1"],
                            form_key="browser-form", now=now)
            report_hazard(db, school=db.scalar(select(OrgUnit).where(OrgUnit.code == "s1")), code="H-31",
                          title="实验楼消防通道堵塞", grade="major", found_at=now - timedelta(days=9),
                          deadline=now - timedelta(days=2))
            db.commit()
    finally:
        engine.dispose()
    app = ServedApp(settings)
    yield app
    app.stop()
    _served.pop(app.port, None)


def test_the_school_answers_on_a_phone_and_the_officer_reviews_at_a_desk(browser, served):  # noqa: F811
    phone, school = signed_in_page(browser, served, "/supervision", "safe1", (390, 844))
    try:
        appears(school, f"#{s_ids.SEND}")
        school.fill(f"#{s_ids.TEXT}", "已完成 5 项逾期隐患整改，整改率升至 100%。")
        school.click(f"#{s_ids.SEND}")
        wait_until(lambda: "已提交答复" in school.inner_text(f"#{s_ids.MESSAGE}"), "the answer sent")
        shot(school, "supervision-school")
        school.goto(served.url + "/notices")
        appears(school, ".sv-confirm")
        school.click(".sv-confirm")
        wait_until(lambda: "已确认已阅" in school.inner_text(f"#{n_ids.MESSAGE}"), "the notice confirmed")
        shot(school, "notices-school")
    finally:
        phone.close()
    desk, bureau = signed_in_page(browser, served, "/bureau/supervision", "off1", (1280, 900))
    try:
        appears(bureau, ".sv-step-answer")
        assert "已完成 5 项逾期隐患整改" in bureau.inner_text(f"#{bs_ids.LIST}")
        shot(bureau, "supervision-bureau")
        choose(bureau, bs_ids.ACT_ITEM, "s1中学 · 指标 11月隐患整改率 62% · 已答复")
        bureau.fill(f"#{bs_ids.ACT_NOTE}", "同意办结")
        bureau.click(f"#{bs_ids.CLOSE}")
        wait_until(lambda: "已办结" in bureau.inner_text(f"#{bs_ids.MESSAGE}"), "the item closed")
        assert bureau.locator(".sv-item-closed").count() == 1
        # A hazard item: the officer picks the school, then the overdue hazard from its list (no code typed).
        choose(bureau, bs_ids.SCHOOL, "s1中学")
        choose(bureau, bs_ids.HAZARD_PICK, "H-31 · 重大隐患 · 已上报 · 实验楼消防通道堵塞 · 逾期")
        wait_until(lambda: bureau.input_value(f"#{bs_ids.REF}") == "H-31", "the reference filled")
        bureau.fill(f"#{bs_ids.INSTRUCTIONS}", "请三日内完成整改并上传照片")
        bureau.fill(f"#{bs_ids.DEADLINE}", (datetime.now(timezone.utc) + timedelta(days=10)).date().isoformat())
        bureau.click(f"#{bs_ids.OPEN}")
        wait_until(lambda: "已下发：隐患 H-31" in bureau.inner_text(f"#{bs_ids.MESSAGE}"), "the hazard item opened")
        bureau.goto(served.url + "/bureau/notices")
        appears(bureau, ".sv-read")
        assert "已阅 1/1" in bureau.inner_text(f"#{bn_ids.LIST}")
        shot(bureau, "notices-bureau")
    finally:
        desk.close()
