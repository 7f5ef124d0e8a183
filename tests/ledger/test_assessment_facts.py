"""The assessment articles computed from records that issue 15 added: art. 15 from the campaigns'
checks (queries/ledger/assessment_checks.py, SQLite and PostgreSQL) and from missed routine
inspections, art. 17's 未及时报送 from unreported inspection findings (pure rules, ledger/scoring.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ledger import scoring
from ledger.models import Building, Campaign, CampaignPhase, ChecklistItem, ChecklistResult, OrgUnit
from queries.ledger.assessment_checks import campaign_gaps
from queries.ledger.lead_assessment import period_of, school_scores, unit_scores

RULES = scoring.Rules.load()
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
DAY = timedelta(days=1)


def by_article(score, article):
    return [(d.points, d.reason, d.count) for d in score.deductions if d.article == article]


# ---- pure rules ------------------------------------------------------------------------------------

def test_each_place_where_checks_fell_short_loses_five_once():
    facts = scoring.UnitFacts(
        campaign_gaps=(("实验楼", "危化品专项"), ("实验楼", "消防专项"), ("食堂", "食品安全专项")),
        missed_inspections=(("RP-LAB-01", 3), ("实验楼", 1), ("RP-GYM-02", 0)))
    score = scoring.score_unit("u", facts, [], RULES)
    assert by_article(score, 15) == [
        (5.0, "RP-LAB-01：漏检3次", 1),
        (5.0, "实验楼：专项治理“危化品专项”排查整治阶段结束仍有检查项未检查；"
              "专项治理“消防专项”排查整治阶段结束仍有检查项未检查；漏检1次", 3),
        (5.0, "食堂：专项治理“食品安全专项”排查整治阶段结束仍有检查项未检查", 1),
    ]  # a place with no missed inspection (0) is not deducted; one place is one deduction
    assert score.score == 85


def test_findings_not_reported_in_time_are_article_17_per_time():
    score = scoring.score_unit("u", scoring.UnitFacts(late_hazards=("HZ-1",), unreported_findings=("IN-7#3", "IN-9#1")),
                               [], RULES)
    assert by_article(score, 17) == [(5.0, "隐患HZ-1未按期整改", 1), (5.0, "检查发现的问题IN-7#3未及时上报", 1),
                                     (5.0, "检查发现的问题IN-9#1未及时上报", 1)]


def test_a_rule_switched_off_in_the_file_deducts_nothing(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\narticle = 15\nper = "place"\npoints = 5\ntitle = "t"\n')  # entered by hand
    facts = scoring.UnitFacts(campaign_gaps=(("实验楼", "危化品专项"),))
    assert scoring.score_unit("u", facts, [], scoring.Rules.load(path)).score == 100


def test_the_shipped_rules_say_which_articles_are_computed_and_their_maxima():
    computed = {r.article for r in RULES.rules if r.computed}
    assert computed == {7, 9, 12, 13, 15, 16, 17, 18}
    assert {r.article: r.max_points for r in RULES.rules if r.max_points} == {5: 10, 6: 10, 7: 12, 9: 10, 12: 10,
                                                                              13: 10}
    assert set(scoring.COMPUTED_FROM) == set(scoring.COMPUTED_FACTS)
    assert [r.article for r in scoring.entry_articles(RULES)] == [5, 6, 8, 10, 11, 14]


@pytest.mark.parametrize("text, message", [
    ('[[rule]]\narticle = 5\nper = "time"\npoints = 10\nmax = 5\ntitle = "t"\n', "max is less"),
    ('[[rule]]\narticle = 5\nper = "time"\npoints = 10\ntitle = "t"\n' * 2, "article 5 twice"),
])
def test_a_bad_maximum_or_a_repeated_article_is_refused(tmp_path, text, message):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(scoring.AssessmentRulesError, match=message):
        scoring.Rules.load(path)


# ---- art. 15 from the campaigns, in SQL -------------------------------------------------------------

def _campaign(code, kinds, items, ends, school_kinds=("middle",)):
    campaign = Campaign(code=code, name_zh=f"{code}专项", school_kinds=list(school_kinds), building_kinds=list(kinds))
    campaign.phases = [CampaignPhase(phase="deploy", starts_on=ends - 60 * DAY, ends_on=ends - 46 * DAY),
                       CampaignPhase(phase="inspect", starts_on=ends - 45 * DAY, ends_on=ends),
                       CampaignPhase(phase="consolidate", starts_on=ends + DAY, ends_on=ends + 30 * DAY)]
    campaign.items = [ChecklistItem(position=n, text=t) for n, t in enumerate(items, 1)]
    return campaign


@pytest.fixture
def checked_school(session):
    """School c1 (middle) with units chem and food; labs lab1 (chem), lab2 (chem), canteen (food),
    gate (no unit). Campaigns: labs (ended 10 days ago; lab1 fully checked, lab2 half), food
    (ended 5 days ago, nothing checked), still (inspecting now), primary (another school type),
    old (ended last year, nothing checked)."""
    school = OrgUnit(code="c1", kind="school", name_zh="检查中学", school_type="middle")
    session.add(school)
    session.flush()
    chem = OrgUnit(code="c1/chem", kind="unit", name_zh="化学组", parent_id=school.id)
    food = OrgUnit(code="c1/food", kind="unit", name_zh="后勤处", parent_id=school.id)
    session.add_all([chem, food])
    session.flush()
    for code, kind, unit in (("lab1", "lab", chem), ("lab2", "lab", chem), ("canteen", "canteen", food),
                             ("gate", "gate", None)):
        session.add(Building(school_id=school.id, code=code, name_zh=f"楼{code}", kind=kind,
                             unit_id=unit.id if unit else None))
    campaigns = [_campaign("labs", ["lab"], ["双人双锁", "通风"], TODAY - 10 * DAY),
                 _campaign("food", ["canteen"], ["留样"], TODAY - 5 * DAY),
                 _campaign("still", [], ["疏散通道"], TODAY + 5 * DAY),
                 _campaign("primary", [], ["校车"], TODAY - 5 * DAY, school_kinds=("primary",)),
                 _campaign("old", [], ["防汛"], date(2025, 12, 1))]
    session.add_all(campaigns)
    session.flush()
    items = {i.text: i for c in campaigns for i in c.items}
    checks = (("双人双锁", "lab1", "pass"), ("通风", "lab1", "fail"), ("双人双锁", "lab2", "pass"))
    for item, building, result in checks:
        session.add(ChecklistResult(school_id=school.id, item_id=items[item].id, building_code=building,
                                    result=result, checked_at=NOW - 20 * DAY, checked_by="检查员"))
    session.commit()
    return school, chem, food


def test_places_a_campaign_left_unchecked_are_their_units(session, checked_school):
    school, chem, food = checked_school
    gaps = campaign_gaps(session, owner="unit", ids=[chem.id, food.id], schools=[school.id],
                         ended_from=date(2026, 1, 1), ended_before=TODAY)
    # lab1 was checked item by item (a failure is a check); lab2 lacks 通风; the canteen lacks
    # everything; the campaign still inspecting, another type's and last year's do not count.
    assert dict(gaps) == {chem.id: [("楼lab2", "labs专项")], food.id: [("楼canteen", "food专项")]}
    mine = campaign_gaps(session, owner="school", ids=[school.id], schools=[school.id],
                         ended_from=date(2026, 1, 1), ended_before=TODAY)
    assert sorted(mine[school.id]) == [("楼canteen", "food专项"), ("楼lab2", "labs专项")]
    last_year = campaign_gaps(session, owner="school", ids=[school.id], schools=[school.id],
                              ended_from=date(2025, 1, 1), ended_before=date(2026, 1, 1))
    # The gate has no unit: it counts for the school only.
    assert sorted(last_year[school.id]) == [(f"楼{b}", "old专项") for b in ("canteen", "gate", "lab1", "lab2")]


def test_the_leadership_scores_carry_article_15(session, checked_school):
    school, chem, _ = checked_school
    rows = {r["unit"]: r for r in unit_scores(session, school=school, period=period_of(2026, NOW), review_days=365,
                                              rules=RULES)}
    lines = [(d["article"], d["points"], d["reason"]) for d in rows["c1/chem"]["deductions"] if d["article"] == 15]
    assert lines == [(15, 5.0, "楼lab2：专项治理“labs专项”排查整治阶段结束仍有检查项未检查")]
    own = school_scores(session, schools=[school], period=period_of(2026, NOW), review_days=365, rules=RULES)["c1"]
    assert [d["points"] for d in own["deductions"] if d["article"] == 15] == [5.0, 5.0]
    # The year that ended: the old campaign left every building unchecked.
    old = school_scores(session, schools=[school], period=period_of(2025, NOW), review_days=365, rules=RULES)["c1"]
    assert len([d for d in old["deductions"] if d["article"] == 15]) == 4
