"""Supervising down (issue 17) in headless Chromium, one short journey: a district officer opens a
supervision item at a desk (/bureau/supervision) and publishes a notice to one school (/bureau/notices);
the school's safety head, on a phone, answers the item (/supervision) and confirms the notice (/notices);
the officer sees the answer and the receipt. With UPDATE_SCREENSHOTS=1 it saves the four pages for
docs/district.md under docs/img/."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dashboard.pages.bureau_notices import ids as bn_ids
from dashboard.pages.bureau_supervision import ids as bs_ids
from dashboard.pages.notices import ids as n_ids
from dashboard.pages.supervision import ids as s_ids
from kernel.connections import sql_engine, sql_sessions
from ledger.db import migrate
from tests.conftest import settings_for
from tests.dashboard.conftest import PASSWORD, ServedApp, _served, make_user
from tests.dashboard.test_inspection_plans_browser import appears, choose
from tests.dashboard.test_wall_browser import browser, wait_until  # noqa: F401 (the shared Chromium)
from tests.ledger.test_supervision import _tree

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"


def shot(page, name: str) -> None:
    """A screenshot for docs/district.md, only when asked (UPDATE_SCREENSHOTS=1)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS / f"district-{name}.png"), full_page=True)


def signed_in_page(browser, served, path: str, username: str, size: tuple[int, int]):  # noqa: F811
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{served.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
    page.goto(served.url + path)
    return context, page


@pytest.fixture
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("supervision-browser"), secret_key="w" * 32)
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            _tree(db)
            db.commit()
    finally:
        engine.dispose()
    make_user(settings, "off1", role="leader", unit="d1", name="王科长")
    make_user(settings, "safe1", role="safety", unit="s1", name="李老师")
    app = ServedApp(settings)
    yield app
    app.stop()
    _served.pop(app.port, None)


def test_an_item_and_a_notice_go_down_and_the_school_answers_on_a_phone(browser, served):  # noqa: F811
    desk, bureau = signed_in_page(browser, served, "/bureau/supervision", "off1", (1280, 900))
    try:
        appears(bureau, f"#{bs_ids.OPEN}")
        choose(bureau, bs_ids.SCHOOL, "s1中学")
        bureau.click(f"#{bs_ids.KIND} input[value=figure]")
        bureau.fill(f"#{bs_ids.REF}", "11月隐患整改率 62%")
        bureau.fill(f"#{bs_ids.INSTRUCTIONS}", "请于月底前完成逾期隐患整改，上传整改照片。")
        day = (datetime.now(timezone.utc) + timedelta(days=7)).date().isoformat()
        bureau.fill(f"#{bs_ids.DEADLINE}", day)
        bureau.click(f"#{bs_ids.OPEN}")
        wait_until(lambda: "已下发" in bureau.inner_text(f"#{bs_ids.MESSAGE}"), "the item opened")
        notices = bureau.context.new_page()
        notices.goto(served.url + "/bureau/notices")
        appears(notices, f"#{bn_ids.PUBLISH}")
        notices.fill(f"#{bn_ids.TITLE}", "关于做好寒假安全工作的通报")
        notices.fill(f"#{bn_ids.BODY}", "各学校：寒假将至，请做好校园安全检查和安全教育。")
        notices.click(f"#{bn_ids.SCHOOLS} input[value=s1]")
        notices.click(f"#{bn_ids.PUBLISH}")
        wait_until(lambda: "已发布" in notices.inner_text(f"#{bn_ids.MESSAGE}"), "the notice published")

        phone, school = signed_in_page(browser, served, "/supervision", "safe1", (390, 844))
        try:
            appears(school, f"#{s_ids.SEND}")
            school.fill(f"#{s_ids.TEXT}", "已完成 5 项逾期隐患整改，整改率升至 100%。")
            school.click(f"#{s_ids.SEND}")
            wait_until(lambda: "已提交答复" in school.inner_text(f"#{s_ids.MESSAGE}"), "the answer sent")
            shot(school, "supervision-school")
            inbox = phone.new_page()
            inbox.goto(served.url + "/notices")
            appears(inbox, ".sv-confirm")
            inbox.click(".sv-confirm")
            wait_until(lambda: "已确认已阅" in inbox.inner_text(f"#{n_ids.MESSAGE}"), "the notice confirmed")
            shot(inbox, "notices-school")
        finally:
            phone.close()
        bureau.reload()
        appears(bureau, ".sv-step-answer")
        assert "已完成 5 项逾期隐患整改" in bureau.inner_text(f"#{bs_ids.LIST}")
        shot(bureau, "supervision-bureau")
        notices.reload()
        appears(notices, ".sv-read")
        assert "已阅 1/1" in notices.inner_text(f"#{bn_ids.LIST}")
        shot(notices, "notices-bureau")
    finally:
        desk.close()
