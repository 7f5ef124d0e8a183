"""The campaigns', assessment's and district league's builders, pure: the league's order (worst
first by default, any column either way, ties and missing figures), its links, the deductions'
English, the year chooser, the failing checks and a campaign's items."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from dashboard.pages.lead_assessment import view as lead_assessment
from dashboard.pages.lead_campaigns import view as lead_campaigns
from dashboard.pages.lead_district import view as lead_district
from layouts.lead_board_text import deduction_reason, percent, points
from ledger import scoring
from queries.ledger.lead_campaigns import CampaignProgress, FailingCheck, ItemProgress
from queries.ledger.lead_district import SchoolFigures
from tests.dashboard.lead_support import component_props
from tests.dashboard.lead_support import component_texts as _texts

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
CJK = re.compile(r"[\u3400-\u9fff]")


def school(code, major=0, overdue=0, found=10, closed=10, today=0, open_=0, score=100.0, parent="d1"):
    return SchoolFigures(code, f"{code}校", code.upper(), parent, f"{parent}区", parent.upper(), major, overdue,
                         found, closed, today, open_, score)


LEAGUE = [
    school("a", major=0, overdue=5, found=10, closed=9, today=1, open_=0, score=90),
    school("b", major=2, overdue=1, found=10, closed=2, today=3, open_=4, score=70),
    school("c", major=2, overdue=3, found=0, closed=0, today=0, open_=9, score=95),  # nothing found: no rate
    school("d", major=0, overdue=5, found=10, closed=5, today=2, open_=1, score=60),
]


def codes(rows):
    return [s.code for s in rows]


def test_the_league_is_most_dangerous_first_by_default():
    # Major hazards, then overdue, then the lowest rectification rate.
    assert codes(lead_district.rank(LEAGUE)) == ["c", "b", "d", "a"]
    assert lead_district.sort_choice(None, None) == (lead_district.DANGER, True)
    assert lead_district.sort_choice("nonsense", "best") == (lead_district.DANGER, True)


def test_each_column_ranks_its_worst_end_first_and_turns_round():
    rank = lead_district.rank
    assert codes(rank(LEAGUE, "alerts_open")) == ["c", "b", "d", "a"]
    assert codes(rank(LEAGUE, "alerts_open", worst_first=False)) == ["a", "d", "b", "c"]
    assert codes(rank(LEAGUE, "score")) == ["d", "b", "a", "c"]  # lowest score first
    assert codes(rank(LEAGUE, "score", worst_first=False)) == ["c", "a", "b", "d"]
    # The lowest rate first; a school with no hazard found has no rate and goes last either way.
    assert codes(rank(LEAGUE, "rate")) == ["b", "d", "a", "c"]
    assert codes(rank(LEAGUE, "rate", worst_first=False)) == ["a", "d", "b", "c"]
    # Ties keep the default order: a and d both have 5 overdue, d is worse (lower rate).
    assert codes(rank(LEAGUE, "overdue")) == ["d", "a", "c", "b"]
    assert lead_district.sort_choice("rate", "best") == ("rate", False)


def test_schools_are_grouped_by_district_in_the_order_of_their_worst_school():
    league = [*LEAGUE, school("e", major=5, parent="d2"), school("f", parent="d2")]
    groups = lead_district.grouped(lead_district.rank(league))
    assert [(parent, codes(rows)) for parent, rows in groups] == [("d2", ["e", "f"]), ("d1", ["c", "b", "d", "a"])]


def test_the_league_links_each_row_to_its_overview_and_each_heading_to_its_order():
    def href(**q):
        return "/lead/district?" + "&".join(f"{k}={v}" for k, v in q.items() if v is not None)

    table = lead_district.league_table("zh", lead_district.rank(LEAGUE, "overdue"), sort="overdue", worst_first=True,
                                       href=href, school_href=lambda code: f"/lead?school={code}")
    links = component_props(table, "href")
    assert [h for h in links if h.startswith("/lead?")] == ["/lead?school=d", "/lead?school=a", "/lead?school=c",
                                                            "/lead?school=b"]
    assert "/lead/district?sort=overdue&order=best" in links  # the sorted column turns round
    assert "/lead/district?sort=score" in links  # another column starts at its worst end
    texts = _texts(table)
    assert "—" in texts and "80%" not in texts and percent(0.9) in texts
    assert not any(t.startswith("d1") for t in texts)  # one district: no district rows


def test_someone_over_one_school_is_sent_to_its_overview():
    note = lead_district.one_school("en", "/lead?school=x&lang=en")
    assert "/lead?school=x&lang=en" in component_props(note, "href")
    assert not any(CJK.search(t) for t in _texts(note))


def test_computed_deductions_read_in_english_and_typed_reasons_stay_as_typed():
    facts = scoring.UnitFacts(("risk_points", "risk_levels", "hazard_sources"), ("RP-1", "RP-2"),
                              (("Wang", "HZ-1"), ("Wang", "HZ-2")), ("HZ-3",), ("HZ-4",),
                              campaign_gaps=(("Lab", "Fire"),), missed_inspections=(("RP-9", 1),),
                              unreported_findings=("IN-1#2",))
    lines = scoring.computed_deductions(facts, scoring.Rules.load())
    english = [deduction_reason("en", d.reason, d.computed) for d in lines]
    assert english == ["Missing risk point list", "Missing risk level list", "Missing hazard source list",
                       "2 risk points not reviewed for over a year",
                       "Lab: campaign “Fire” left checks undone when its inspect phase ended",
                       "RP-9: 1 inspection missed", "Wang broke the closed loop: HZ-1, HZ-2",
                       "Hazard HZ-3 not rectified on time", "Inspection finding IN-1#2 not reported in time",
                       "Major hazard HZ-4 without a plan or emergency measures"]
    assert deduction_reason("en", "告知牌损毁", False) == "告知牌损毁"
    assert deduction_reason("zh", lines[0].reason, True) == "缺少风险点清单"


def test_the_assessment_shows_units_in_the_order_given_and_opens_to_their_lines():
    rules = scoring.Rules.load()
    titles = {r.article: r.title for r in rules.rules}
    unit = {"unit": "s/u01", "name_zh": "化学院", "name_en": None, "score": 72.5, "deducted": 27.5,
            "deductions": [{"article": 17, "points": 5.0, "count": 1, "reason": "隐患H-1未按期整改", "computed": True},
                           {"article": 8, "points": 22.5, "count": 1, "reason": "<b>告知牌</b>", "computed": False}]}
    own = {"unit": "s", "name_zh": "测试学校", "name_en": "Test School", "score": 100.0, "deducted": 0.0,
           "deductions": []}
    body = lead_assessment.body("en", school_row=own, units=[unit], years=[2026, 2025], year=2025, current_year=2026,
                                titles_zh=titles, href=lambda **q: f"/lead/assessment?year={q['year']}")
    texts = _texts(body)
    assert "72.5" in texts and "Whole school · Test School" in texts and "No deductions" in texts
    # The lines are drawn when the unit is opened (the page's callback), not sent with every load.
    assert "Art. 17" not in texts and "Reading…" in texts
    ids = component_props(body, "id")
    assert lead_assessment.open_id("s/u01") in ids and lead_assessment.lines_id("s/u01") in ids
    lines = lead_assessment.deduction_table("en", unit["deductions"], titles)
    texts = _texts(lines)
    assert "−22.5" in texts and "Art. 17" in texts and texts.index("Art. 17") < texts.index("Art. 8")
    assert "Hazard H-1 not rectified on time" in texts and "<b>告知牌</b>" in texts  # typed text as text
    assert "From the ledger" in texts and "Entered by inspector" in texts
    assert any("year's end" in t for t in _texts(body))  # a past year says how it is read
    assert component_props(body, "href")[:2] == ["/lead/assessment?year=2026", "/lead/assessment?year=2025"]
    assert lead_assessment.score_band(90) == "good" and lead_assessment.score_band(59.5) == "bad"
    assert points(100.0) == "100" and points(-7.5) == "-7.5"


def test_the_year_chooser_takes_only_the_years_it_offers():
    assert lead_assessment.chosen_year("2025", [2026, 2025], 2026) == 2025
    for asked in (None, "2019", "abc", "20251", ["2025"], " ", "²", "٢٠٢٥", "２０２５"):  # digits to isdigit, not ASCII
        assert lead_assessment.chosen_year(asked, [2026, 2025], 2026) == 2026


def _failing(n):
    return [FailingCheck("fire", "消防安全专项整治", f"检查项{i}", "b1" if i else "", "一号楼", "Building 1",
                         NOW - timedelta(days=10 - i), "guard", "<i>未整改</i>") for i in range(n)]


def test_the_failing_checks_show_the_oldest_first_and_the_rest_a_tap_away():
    section = lead_campaigns.failing_section("zh", _failing(8), 12, now=NOW, tz=timezone.utc)
    texts = _texts(section)
    assert texts.index("检查项0") < texts.index("检查项1")
    assert "全校" in texts and "一号楼" in texts and "<i>未整改</i>" in texts and "10 天前 · guard" in texts
    assert f"其余 {8 - lead_campaigns.FAILING_SHOWN} 项 ▾" in texts and "另有 4 项未列出" in texts
    assert "12" in texts
    assert "目前没有不合格的检查项" in _texts(lead_campaigns.failing_section("zh", [], 0, now=NOW, tz=timezone.utc))


def test_a_campaign_shows_its_phase_progress_and_opens_to_its_buildings():
    campaign = CampaignProgress("fire", "消防安全专项整治", "inspect", "running",
                                (("deploy", date(2026, 11, 1), date(2026, 11, 7)),
                                 ("inspect", date(2026, 11, 8), date(2026, 12, 22))),
                                (ItemProgress(1, "灭火器在有效期内", 4, 2, 1),
                                 ItemProgress(2, "疏散通道畅通", 4, 0, 0)))
    texts = _texts(lead_campaigns.campaign_card("zh", campaign))
    assert "进度 3/8" in texts and "合格率 67%" in texts and "未检查 5" in texts and "排查整治" in texts
    items = lead_campaigns.item_checks("en", {"items": [
        {"item": "灭火器在有效期内", "checks": [
            {"building": "b1", "name_zh": "一号楼", "name_en": "Building 1", "result": "fail", "checked_at": NOW,
             "checked_by": "guard", "note": "过期"},
            {"building": "b2", "name_zh": "二号楼", "name_en": None, "result": None, "checked_at": None,
             "checked_by": None, "note": ""}]},
        {"item": "疏散通道畅通", "checks": [
            {"building": "", "name_zh": None, "name_en": None, "result": "pass", "checked_at": NOW, "checked_by": "g",
             "note": ""}]}]}, tz=timezone.utc)
    assert [i.open for i in items] == [True, False]  # an item failing somewhere comes open
    texts = _texts(items)
    assert {"Building 1", "二号楼", "Whole school", "Fail", "Not checked", "Pass", "Fail 1", "过期"} <= set(texts)
