"""Special campaigns, the assessment and the district league in headless Chromium on tablets
(1024×768 landscape, 768×1024 portrait), on the demo ledger: the figures on screen equal an
independent reading of the ledger, a campaign opens to its buildings' results, a unit opens to
its deductions, a tapped league row opens that school's overview, a heading re-sorts the league,
someone over one school gets no league and no other school's figures; nothing scrolls sideways;
English with ?lang=en."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from dashboard.pages.lead_campaigns.view import FAILING_SHOWN
from ledger import scoring
from ledger.models import ChecklistResult
from queries.ledger import alerts, assessment, hazards, org
from queries.ledger.lead_campaigns import FAILING_LIMIT, campaign_checks, school_campaigns
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    lead_served,
    no_horizontal_overflow,
    read_ledger,
    screenshot_dir,
    tablet,
)

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"




def now_at_school(settings):
    return datetime.now(timezone.utc).astimezone(settings.tz)


# ---- special campaigns ---------------------------------------------------------------------------

def test_campaigns_show_failing_checks_and_open_to_each_buildings_result(lead_served, tablet, demo_ledger,
                                                                          tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    page = tablet(lead_served, f"/lead/campaigns?school={SCHOOL}", size=size)
    page.wait_for_selector("#lead-campaigns-failing", timeout=15_000)

    def expected(db):
        school = org.school(db, SCHOOL)
        fails = db.scalar(select(func.count()).select_from(ChecklistResult).where(
            ChecklistResult.school_id == school.id, ChecklistResult.result == "fail"))
        first = school_campaigns(db, school_id=school.id, today=now_at_school(demo_ledger).date())[0]
        return fails, first, campaign_checks(db, school_id=school.id, campaign_code=first.code)

    fails, first, checks = read_ledger(demo_ledger, expected)
    assert fails > 0
    assert page.inner_text("#lead-campaigns-failing h2 .lead-chip") == str(fails)
    assert page.locator(".lead-campaigns-failing-row").count() == min(fails, FAILING_LIMIT)
    card = page.locator(".lead-campaigns-card").first
    assert first.name_zh in card.inner_text()
    assert f"进度 {first.checked}/{first.due}" in card.inner_text()
    assert no_horizontal_overflow(page) == []

    card.locator("summary").first.tap()
    page.wait_for_selector(".lead-campaigns-card[open] .lead-campaigns-item", timeout=10_000)
    items = card.locator(".lead-campaigns-item")
    assert items.count() == len(checks["items"])
    shown = card.locator(".lead-campaigns-check")
    assert shown.count() == sum(len(i["checks"]) for i in checks["items"])
    failing_here = sum(c["result"] == "fail" for i in checks["items"] for c in i["checks"])
    assert card.locator(".lead-campaigns-check.is-fail").count() == failing_here
    assert no_horizontal_overflow(page) == []
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-campaigns-1024x768.png"), full_page=False)
    # The failing checks past the first few are a tap away.
    more = page.locator(".lead-campaigns-more > summary")
    if fails > FAILING_SHOWN:
        more.tap()
        page.locator(".lead-campaigns-failing-row").nth(FAILING_SHOWN).wait_for(timeout=5_000)
        assert no_horizontal_overflow(page) == []


# ---- assessment ----------------------------------------------------------------------------------

def test_assessment_ranks_units_lowest_first_and_opens_to_their_deductions(lead_served, tablet, demo_ledger,
                                                                           tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    page = tablet(lead_served, f"/lead/assessment?school={SCHOOL}", size=size)
    page.wait_for_selector("#lead-assessment-units", timeout=15_000)

    def expected(db):
        now = now_at_school(demo_ledger)
        return assessment.school_scores(db, school=org.school(db, SCHOOL), today=now.date(), now=now,
                                        review_days=demo_ledger.risk_review_days, rules=scoring.Rules.load())

    scores = read_ledger(demo_ledger, expected)  # the per-unit reading of the JSON API
    rows = page.locator("#lead-assessment-units .lead-assessment-row")
    assert rows.count() == len(scores) > 1
    shown = [float(s) for s in rows.locator(".lead-assessment-score").evaluate_all(
        "els => els.map(e => e.dataset.score)")]
    assert shown == [s["score"] for s in scores] == sorted(shown)
    assert page.locator("#lead-assessment-years .is-current").inner_text() == str(now_at_school(demo_ledger).year)
    assert no_horizontal_overflow(page) == []

    # The first load carries the score rows only; a unit's lines are read when it is opened.
    assert page.locator(".lead-assessment-deduction").count() == 0
    worst = rows.first
    worst.locator("summary").tap()
    lines = worst.locator(".lead-assessment-deduction")
    lines.first.wait_for(timeout=5_000)
    assert lines.count() == len(scores[0]["deductions"])
    text = worst.inner_text()
    for d in scores[0]["deductions"]:
        assert d["reason"] in text and f"第{d['article']}条" in text
    assert ("台账自动计算" in text) == any(d["computed"] for d in scores[0]["deductions"])
    assert no_horizontal_overflow(page) == []
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-assessment-1024x768.png"), full_page=False)


# ---- the district league -------------------------------------------------------------------------

def league_codes(page) -> list[str]:
    return page.locator(".lead-district-row").evaluate_all("rows => rows.map(r => r.dataset.school)")


def test_the_league_ranks_schools_and_a_tap_opens_a_schools_overview(lead_served, tablet, demo_ledger,
                                                                     tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    page = tablet(lead_served, "/lead/district", size=size)
    page.wait_for_selector("#lead-district-table", timeout=15_000)

    def expected(db):
        now = now_at_school(demo_ledger)
        out = {}
        for school in org.schools(db):
            figures = hazards.figures(db, school_id=school.id, now=now, due_soon_days=3)
            open_alerts = alerts.figures(db, school_id=school.id)["open"]
            out[school.code] = (figures["major_open"], figures["overdue"], open_alerts)
        return out

    figures = read_ledger(demo_ledger, expected)
    codes = league_codes(page)
    assert sorted(codes) == sorted(figures)
    for code in codes:
        row = page.locator(f".lead-district-row[data-school='{code}']")
        assert (int(row.locator("[data-col=major]").inner_text()), int(row.locator("[data-col=overdue]").inner_text()),
                int(row.locator("[data-col=alerts_open]").inner_text())) == figures[code]
    # Worst first: most open major hazards, then most overdue.
    keys = [(-figures[c][0], -figures[c][1]) for c in codes]
    # The university reports to the province, the others to the demo district: two groups, the
    # university's first (the most open major hazards), the district's schools worst first.
    assert page.locator(".lead-district-group").count() == 2
    assert codes[0] == "demo-univ" and keys[0] == min(keys)
    assert keys[1:] == sorted(keys[1:])
    assert no_horizontal_overflow(page) == []
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-district-1024x768.png"), full_page=False)

    # A heading re-sorts: alerts open, most first; again, fewest first.
    page.locator("#lead-district-table thead a", has_text="未处置预警").tap()
    page.wait_for_url(lambda url: "sort=alerts_open" in url, timeout=10_000)
    page.wait_for_function("() => document.querySelector('th.is-sorted a')?.textContent.includes('未处置预警')")
    ranked = league_codes(page)
    in_district = [figures[c][2] for c in ranked if c != "demo-univ"]
    assert in_district == sorted(in_district, reverse=True)
    assert figures[ranked[0]][2] == max(f[2] for f in figures.values())  # the group holding the most comes first

    # Tapping a row (not only the name) opens that school's overview.
    # (the name's link covers the row: a tap on a figure lands on it)
    box = page.locator(".lead-district-row[data-school='demo-middle'] [data-col=overdue]").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(lambda url: "/lead?" in url and "school=demo-middle" in url, timeout=10_000)


def test_a_district_officer_sees_only_their_schools(lead_served, tablet):  # noqa: F811
    page = tablet(lead_served, "/lead/district", username="district")
    page.wait_for_selector("#lead-district-table", timeout=15_000)
    assert sorted(league_codes(page)) == ["demo-middle", "demo-univ"]


def test_someone_over_one_school_gets_no_league_nor_another_schools_figures(lead_served, tablet):  # noqa: F811
    page = tablet(lead_served, "/lead/district", username="head")
    page.wait_for_selector(".lead-district-one", timeout=15_000)
    assert "只负责一所学校" in page.inner_text(".lead-district-one")
    assert page.locator("#lead-district-table").count() == 0
    # Another school's page is refused before it is drawn (the guard answers 403), figures and all.
    for path in ("/lead/district?school=demo-univ", "/lead/assessment?school=demo-univ",
                 "/lead/campaigns?school=demo-univ"):
        answer = page.goto(lead_served.url + path)
        assert answer.status == 403
        assert page.locator("#lead-district-table, .lead-assessment-row, .lead-campaigns-card").count() == 0
        assert "演示大学" not in page.inner_text("body")


def test_a_units_league_and_rolled_up_figures_and_a_unit_outside_the_scope_refused(lead_served, tablet,
                                                                                     tmp_path):  # noqa: F811
    """Issue 17: the province's league (its city ranked, every school ranked), a measure re-ranks,
    the district's rolled-up figures; someone with schools listed one by one is refused the district."""
    page = tablet(lead_served, "/lead/district?unit=henan", size="1024x768")
    page.wait_for_selector("#lead-unit-league-schools .lead-unit-row", timeout=15_000)
    assert page.locator("#lead-unit-league-units .lead-unit-row").evaluate_all(
        "rows => rows.map(r => r.dataset.code)") == ["henan.xinxiang"]
    schools = page.locator("#lead-unit-league-schools .lead-unit-row").evaluate_all(
        "rows => rows.map(r => r.dataset.code)")
    assert sorted(schools) == ["demo-middle", "demo-primary", "demo-univ"]
    assert no_horizontal_overflow(page) == []
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-unit-league-1024x768.png"), full_page=True)
    page.locator("[data-by=overdue_major]").first.tap()
    page.wait_for_url(lambda url: "by=overdue_major" in url, timeout=10_000)
    page.wait_for_selector("#lead-unit-league-schools th.is-sorted", timeout=10_000)

    page.goto(lead_served.url + "/lead?unit=henan.xinxiang.demo")
    page.wait_for_selector("#lead-unit-figures [data-fig=hazards_open]", timeout=15_000)
    assert "演示区" in page.inner_text("h2")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-unit-overview-1024x768.png"), full_page=True)

    listed = tablet(lead_served, "/lead/district?unit=henan.xinxiang.demo", username="district")
    listed.wait_for_selector("#lead-unit-refused", timeout=15_000)
    assert "不在您的查看范围" in listed.inner_text("#lead-unit-refused")
    assert listed.locator("#lead-unit-league-schools").count() == 0


@pytest.mark.parametrize("path, heading", [
    (f"/lead/campaigns?school={SCHOOL}&lang=en", "Failing checks"),
    (f"/lead/assessment?school={SCHOOL}&lang=en", "Assessment (100-point rules)"),
    ("/lead/district?lang=en", "District · school league"),
])
def test_the_pages_in_english(lead_served, tablet, path, heading):  # noqa: F811
    page = tablet(lead_served, path, size="768x1024", lang="en")
    page.wait_for_selector(f"h2:has-text('{heading}')", timeout=15_000)
    body = page.inner_text(".lead-body")
    # 消防安全专项整治: the campaigns are named in English too (the shipped files' name_en).
    assert not any(word in body for word in ("不合格项", "考核评分", "区域监管", "得分", "今日预警",
                                             "消防安全专项整治"))
    assert no_horizontal_overflow(page) == []
