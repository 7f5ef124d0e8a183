"""Reporting up (报送, issue 17) in headless Chromium: a school's safety head opens last month's report
(pre-filled from the ledger), writes its text and submits it; the district's leader sees it with the
school that sent nothing, and receipts it. With UPDATE_SCREENSHOTS=1 it saves docs/screenshots/reports-*.png
for docs/district.md. The rules, the rate, the refusals and a double submit are tests/ledger/test_reporting.py's,
through the app's test client; this is the journey a person takes, in a real browser."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dashboard.pages.bureau_reports import ids as bureau_ids
from dashboard.pages.reports import ids
from kernel.connections import sql_engine, sql_sessions
from ledger import reporting
from ledger.commands import hazards
from ledger.db import migrate
from ledger.models import Alert, Drill, Hazard, ReportingRule
from tests.dashboard.conftest import make_user
from tests.dashboard.lead_support import browser, no_horizontal_overflow, tablet  # noqa: F401 (fixtures)
from tests.dashboard.test_inspection_plans_browser import appears
from tests.dashboard.test_wall_browser import wait_until
from tests.ledger.test_reporting import _build, _school

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(page, name: str) -> None:
    """A screenshot for docs/district.md, only when asked for (a test run leaves the tree as it was)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _last_month(settings) -> str:
    """Last month's ledger at s1 (hazards, drills, alerts), a major hazard at s2 yesterday."""
    now = datetime.now(timezone.utc)
    period = reporting.previous_period(reporting.period_of(now.astimezone(settings.tz).date()))
    start, _end = reporting.period_window(period, settings.tz)
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            _build(db)
            s1, s2 = _school(db, "s1"), _school(db, "s2")
            # The district reports in the product since the month before last: earlier months are not owed.
            db.add(ReportingRule(unit_id=s1.parent_id, monthly_due_day=5, major_hazard_hours=24, true_alarm_hours=2,
                                 first_period=reporting.previous_period(period), updated_by="li"))
            for n, (days, grade, closed) in enumerate(((2, "ordinary", 9), (5, "ordinary", None), (11, "major", None),
                                                       (14, "ordinary", 20), (21, "ordinary", None))):
                db.add(Hazard(school_id=s1.id, code=f"H{n}", title=f"隐患{n}", found_at=start + timedelta(days=days),
                              grade=grade, stage="closed" if closed else "reported",
                              closed_at=start + timedelta(days=closed) if closed else None,
                              deadline=start + timedelta(days=days + 7)))
            for kind, day in (("drill", 3), ("training", 10), ("drill", 17)):
                db.add(Drill(school_id=s1.id, kind=kind, title=kind, held_on=(start + timedelta(days=day)).date(),
                             recorded_by="s1safety"))
            alarms = (("environment", "critical", 45), ("environment", "high", 130),
                      ("personal_safety", "medium", 600), ("personal_safety", "low", None))
            for n, (domain, severity, seconds) in enumerate(alarms):
                at = start + timedelta(days=n * 4 + 1, hours=9)
                db.add(Alert(school_id=s1.id, code=f"A{n}", type="fire.smoke_alarm", domain=domain, severity=severity,
                             group_key=f"A{n}", raised_at=at, last_raised_at=at, state="new",
                             acknowledged_at=at + timedelta(seconds=seconds) if seconds else None))
            hazards.report_hazard(db, school=s2, code="H-S2", title="食堂燃气管道老化",
                                  found_at=now - timedelta(days=1), grade="major")
            db.commit()
    finally:
        engine.dispose()
    return period


def test_a_school_submits_its_monthly_report_and_the_district_receipts_it(settings_factory, serve, tablet):  # noqa: F811
    settings = settings_factory()
    period = _last_month(settings)
    make_user(settings, "wang", role="safety", unit="s1", name="王安全")
    make_user(settings, "li", role="leader", unit="d1", name="李科长")
    served = serve(settings)

    page = tablet(served, "/reports?school=s1", username="wang", size="1366x1024")
    page.click(f"#{ids.OPEN}")
    appears(page, f"#{ids.PANEL} [data-figure='hazards_found']")
    assert page.inner_text(f"#{ids.PANEL} [data-figure='hazards_found']") == "5"
    assert page.inner_text(f"#{ids.PANEL} [data-figure='drills']") == "2"
    page.fill(f"#{ids.TEXT}", "本月开展消防疏散演练两次、安全培训一次；重大隐患一处已挂牌督办，正在整改。")
    page.click(f"#{ids.SUBMIT}")
    wait_until(lambda: "已报送" in page.inner_text(f"#{ids.MESSAGE}"), "submitted")
    appears(page, f"#{ids.LIST} tr[data-report='{period}']")
    assert no_horizontal_overflow(page) == []
    _shot(page, "reports-school-1366x1024.png")

    bureau = tablet(served, "/bureau/reports", username="li", size="1366x1024")
    appears(bureau, f"#{bureau_ids.LIST} tr[data-school='s2'][data-report='{period}']")
    assert "未填写" in bureau.inner_text(f"#{bureau_ids.LIST} tr[data-school='s2'][data-report='{period}']")
    bureau.click(f"#{bureau_ids.LIST} tr[data-school='s1'][data-report='{period}'] button >> text=签收")
    wait_until(lambda: "已签收" in bureau.inner_text(f"#{bureau_ids.MESSAGE}"), "receipted")
    _shot(bureau, "reports-district-1366x1024.png")
