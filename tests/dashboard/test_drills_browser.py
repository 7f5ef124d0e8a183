"""The drills and trainings page in headless Chromium on a tablet, on the demo ledger (whose schools
held a drill and a training each term): a safety officer records a drill (a second tap saves the
same record), withdraws it with a reason, and the year's counts follow. (Who may open the page:
tests/dashboard/test_access.py; the tab: test_drills_page.py.)"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from dashboard.pages.drills import ids
from ledger import inspection_schedule as schedule
from ledger.models import Drill
from tests.dashboard.conftest import make_user
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    no_horizontal_overflow,
    read_ledger,
    tablet,
)
from tests.dashboard.test_inspection_plans_browser import appears
from tests.dashboard.test_wall_browser import wait_until

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"


def test_the_safety_office_records_a_drill_and_withdraws_it(demo_ledger, serve, tablet):  # noqa: F811
    settings = demo_ledger
    make_user(settings, "safety1", role="safety", schools=(SCHOOL,), name="王安全")
    served = serve(settings)
    page = tablet(served, f"/drills?school={SCHOOL}", username="safety1")
    appears(page, f"#{ids.LIST} tr[data-drill]")
    before = page.inner_text(f"#{ids.COUNTS}")
    assert page.locator(".lead-tab", has_text="演练培训").count() == 1 and no_horizontal_overflow(page) == []

    today = schedule.local_date(datetime.now(timezone.utc), settings.tz).isoformat()
    page.fill(f"#{ids.TITLE}", "宿舍楼夜间疏散演练")
    page.fill(f"#{ids.HELD_ON}", today)
    page.fill(f"#{ids.COUNT}", "180")
    page.fill(f"#{ids.PLAN}", "火灾事故专项应急预案")
    page.click(f"#{ids.SAVE}")
    appears(page, f"#{ids.MESSAGE} .tone-ok")
    assert "已保存：宿舍楼夜间疏散演练" in page.inner_text(f"#{ids.MESSAGE}")
    assert page.inner_text(f"#{ids.COUNTS}") != before
    page.click(f"#{ids.SAVE}")  # the second tap corrects the same record: nothing changed
    wait_until(lambda: "没有改动" in page.inner_text(f"#{ids.MESSAGE}"), "the second save's answer")
    made = read_ledger(settings, lambda db: [(d.id, d.participant_count) for d in db.scalars(
        select(Drill).where(Drill.title == "宿舍楼夜间疏散演练"))])
    assert [count for _id, count in made] == [180]

    page.click(f"#{ids.WITHDRAW}")  # no reason: the ledger's refusal, in Chinese
    appears(page, f"#{ids.MESSAGE} .tone-error")
    assert "请填写撤销记录的原因" in page.inner_text(f"#{ids.MESSAGE}")
    page.fill(f"#{ids.REASON}", "误录：演练改期")
    page.click(f"#{ids.WITHDRAW}")
    wait_until(lambda: "已撤销：宿舍楼夜间疏散演练" in page.inner_text(f"#{ids.MESSAGE}"), "withdrawn")
    wait_until(lambda: page.inner_text(f"#{ids.COUNTS}") == before, "the counts as before")
    assert not page.locator(f"tr[data-drill='{made[0][0]}']").count()
