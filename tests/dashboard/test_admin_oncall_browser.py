"""The on-call roster in headless Chromium, one short journey: a school admin puts a duty officer on
the shift running now from /admin/oncall, and the duty console's header names them."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_admin_oncall import oncall_ledger  # noqa: F401 (fixture)
from tests.dashboard.test_duty_browser import pages  # noqa: F401 (the pages fixture)
from tests.dashboard.test_wall_browser import browser, screenshot_dir, wait_until  # noqa: F401

pytestmark = pytest.mark.browser


def test_an_admin_sets_who_is_on_call_and_the_duty_console_shows_it(serve, oncall_ledger, pages):  # noqa: F811
    now = ShiftPlan.load(DEFAULT_SHIFTS).current_shift(datetime.now(timezone.utc), ZoneInfo("Asia/Shanghai"))
    day, shift = now.day.isoformat(), now.shift.name_zh
    served = serve(oncall_ledger)
    page = pages(served.url + "/login?next=/admin/oncall", 1280, 900)
    page.fill("#username", "admin1")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/oncall**")
    page.locator("#admin-oncall-grid tr[data-shift]").first.wait_for(timeout=15_000)
    page.fill("#admin-oncall-week", day)
    page.fill("#admin-oncall-day", day)
    page.locator("#admin-oncall-shift").click()
    page.get_by_role("option", name=shift).click()
    page.locator("#admin-oncall-person").click()
    page.get_by_role("option", name="张三（zhang · 值班员）").click()
    page.click("#admin-oncall-set")
    wait_until(lambda: f"已设置：{day} {shift} 值班员 张三" in page.inner_text("#admin-oncall-message"), "set")
    wait_until(lambda: "张三" in page.locator(f"#admin-oncall-grid tr[data-day='{day}'][data-shift='{shift}']")
               .inner_text(), "the grid")
    page.goto(served.url + "/duty?school=s1")
    wait_until(lambda: page.inner_text("#duty-on-call") == "当前值班：张三（值班员）", "the console's on-call line")
