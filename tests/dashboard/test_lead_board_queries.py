"""The campaigns', assessment's and district league's queries on SQLite and a real PostgreSQL:
scores equal the 100-point rules on a unit built with known facts (and on a past year), the
batched assessment equals the per-unit one on the demo ledger, campaign progress and failing
checks on constructed results (the latest result wins), and the league's figures equal
independent counts per school."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from demo.seed import load_demo
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger import hazard_loop, scoring
from ledger.commands.campaigns import record_result
from ledger.commands.hazards import record_violation, report_hazard, transition_hazard
from ledger.grading import GradingRules
from ledger.models import (
    Alert,
    AssessmentDeduction,
    Building,
    Campaign,
    CampaignPhase,
    ChecklistItem,
    ChecklistResult,
    Drill,
    Hazard,
    HazardSource,
    LoopViolation,
    OrgUnit,
    RiskPoint,
)
from queries.ledger import alerts, assessment, hazards, org
from queries.ledger.campaigns import school_catalogue
from queries.ledger.lead_assessment import period_of, school_scores, unit_scores
from queries.ledger.lead_campaigns import campaign_checks, failing_checks, school_campaigns
from queries.ledger.lead_district import league
from tests.ledger.conftest import NOW

TZ = ZoneInfo("Asia/Shanghai")
LOCAL_NOW = NOW.astimezone(TZ)  # 2026-11-24 10:00 at the school
DAY = timedelta(days=1)
RULES = scoring.Rules.load()
REVIEW_DAYS = 365


def _point(session, school, unit, code, *, reviewed_days_ago=30, sources=()):
    point = RiskPoint(school_id=school.id, unit_id=unit.id if unit else None, code=code, name=f"风险点{code}",
                      method="LS", l_value=2, s_value=2, score=4, level="low", colour="blue",
                      identified_on=LOCAL_NOW.date() - 500 * DAY,
                      last_reviewed_on=LOCAL_NOW.date() - reviewed_days_ago * DAY)
    point.hazard_sources = [HazardSource(name=n) for n in sources]
    session.add(point)
    return point


def _hazard(session, school, unit, code, *, at, steps=(), **fields):
    found = report_hazard(session, school=school, code=code, title=f"隐患{code}", found_at=at, by="张三",
                                  responsible_unit=unit, **fields)
    for n, action in enumerate(steps, start=1):
        transition_hazard(session, hazard=found, action=action, by="李四", at=at + n * DAY)
    return found


@pytest.fixture
def assessed(session):
    """A school whose unit A has one finding of each computed kind (and some of last year),
    unit B a clean ledger, unit C no risk points at all."""
    school = OrgUnit(code="t-school", kind="school", name_zh="测试学校")
    session.add(school)
    session.flush()
    a, b, c = (OrgUnit(code=f"t-school/u0{n}", kind="unit", name_zh=name, parent_id=school.id)
               for n, name in ((1, "化学院"), (2, "后勤处"), (3, "图书馆")))
    session.add_all([a, b, c])
    session.flush()
    # A: two risk points without hazard sources (art. 7), both past their annual review (art. 13).
    _point(session, school, a, "RP-A1", reviewed_days_ago=400)
    _point(session, school, a, "RP-A2", reviewed_days_ago=380)
    _point(session, school, b, "RP-B1", reviewed_days_ago=30, sources=("燃气",))
    this_year = datetime(2026, 3, 1, 9, tzinfo=TZ)
    last_year = datetime(2025, 6, 1, 9, tzinfo=TZ)
    # Art. 17 and 18: an overdue major hazard without plan or emergency measures.
    _hazard(session, school, a, "H-MAJOR", at=NOW - 20 * DAY, grade="major", deadline=NOW - 5 * DAY)
    # Art. 17: closed after its deadline this year; and one closed late last year (2025 only).
    _hazard(session, school, a, "H-LATE", at=this_year, deadline=this_year + 2 * DAY,
            steps=("notify", "rectify", "feedback", "accept"))
    _hazard(session, school, a, "H-LATE-2025", at=last_year, deadline=last_year + DAY,
            steps=("notify", "rectify", "feedback", "accept"))
    # Neither: open within its deadline; closed on time; a planned major hazard within its deadline.
    _hazard(session, school, a, "H-FINE", at=NOW - DAY, deadline=NOW + 5 * DAY)
    _hazard(session, school, a, "H-ONTIME", at=NOW - 10 * DAY, deadline=NOW, steps=("notify", "rectify", "feedback",
                                                                                      "accept"))
    _hazard(session, school, b, "H-PLANNED", at=NOW - DAY, grade="major", deadline=NOW + 9 * DAY, measures="整改方案",
            emergency_measures="停用隔离")
    # Art. 16: refused steps by two people this year (王五 on two hazards), one by 王五 last year.
    for by, code, at in (("王五", "H-MAJOR", NOW - DAY), ("王五", "H-FINE", NOW - DAY),
                         ("赵六", "H-MAJOR", NOW - 2 * DAY),
                         ("王五", "H-LATE-2025", last_year + DAY)):
        record_violation(session, school=school, hazard_code=code, action="accept", stage="reported",
                                 by=by, at=at, reason="越级验收")
    # Art. 9 and 12 met by the whole school: a training each year, a drill in every term judged.
    session.add_all([Drill(school_id=school.id, kind=kind, title=kind, held_on=day, participant_count=50,
                           recorded_by="保卫处") for kind, day in (
        ("training", date(2025, 5, 1)), ("training", date(2026, 5, 1)), ("drill", date(2024, 10, 1)),
        ("drill", date(2025, 3, 1)), ("drill", date(2025, 10, 1)), ("drill", date(2026, 3, 1)))])
    session.add_all([
        AssessmentDeduction(unit_id=a.id, article=8, points=4, count=2, reason="告知牌损毁", by="督查组",
                            at=NOW - 3 * DAY, period="2026"),
        AssessmentDeduction(unit_id=a.id, article=15, points=5, count=1, reason="排查记录缺失", by="督查组",
                            at=last_year, period="2025"),
    ])
    session.commit()
    return school


def _lines(row):
    return [(d["article"], d["points"], d["reason"], d["computed"], d["count"]) for d in row["deductions"]]


def test_a_units_score_is_the_rules_applied_to_its_facts(session, assessed):
    rows = unit_scores(session, school=assessed, period=period_of(2026, LOCAL_NOW), review_days=REVIEW_DAYS,
                       rules=RULES)
    assert [(r["unit"], r["score"]) for r in rows] == [("t-school/u01", 54.0), ("t-school/u03", 94.0),
                                                       ("t-school/u02", 100.0)]  # lowest first
    assert _lines(rows[0]) == [
        (7, 2.0, "缺少危险源清单", True, 1),
        (13, 10.0, "2个风险点超过一年未复核", True, 2),
        (16, 5.0, "王五违反闭环管理：H-FINE、H-MAJOR", True, 2),
        (16, 5.0, "赵六违反闭环管理：H-MAJOR", True, 1),
        (17, 5.0, "隐患H-LATE未按期整改", True, 1),
        (17, 5.0, "隐患H-MAJOR未按期整改", True, 1),
        (18, 10.0, "重大隐患H-MAJOR无整改方案或应急措施", True, 1),
        (8, 4.0, "告知牌损毁", False, 2),
    ]
    assert rows[0]["deducted"] == 46.0
    assert _lines(rows[1]) == [(7, 2.0, "缺少风险点清单", True, 1), (7, 2.0, "缺少风险等级清单", True, 1),
                               (7, 2.0, "缺少危险源清单", True, 1)]
    # The per-unit reading the JSON API uses gives the same scores and lines.
    per_unit = assessment.school_scores(session, school=assessed, today=LOCAL_NOW.date(), now=LOCAL_NOW,
                                        review_days=REVIEW_DAYS, rules=RULES)
    assert [(r["unit"], r["score"], _lines(r)) for r in per_unit] == [(r["unit"], r["score"], _lines(r)) for r in rows]


def test_a_past_year_counts_that_years_findings_and_the_ledger_as_it_stood_then(session, assessed):
    rows = {r["unit"]: r for r in unit_scores(session, school=assessed, period=period_of(2025, LOCAL_NOW),
                                              review_days=REVIEW_DAYS, rules=RULES)}
    # 2025: lists missing; the reviews were not late yet; 王五's refusal, the late closure and the
    # inspectors' 2025 finding; this year's hazards had not been found.
    assert _lines(rows["t-school/u01"]) == [
        (7, 2.0, "缺少危险源清单", True, 1),
        (16, 5.0, "王五违反闭环管理：H-LATE-2025", True, 1),
        (17, 5.0, "隐患H-LATE-2025未按期整改", True, 1),
        (15, 5.0, "排查记录缺失", False, 1),
    ]
    assert rows["t-school/u01"]["score"] == 83.0


def test_a_schools_own_score_applies_the_rules_to_its_whole_ledger(session, assessed):
    other = OrgUnit(code="t-empty", kind="school", name_zh="空白学校")
    session.add(other)
    session.flush()
    session.add(AssessmentDeduction(unit_id=other.id, article=5, points=10, count=1, reason="未成立工作小组",
                                    by="区教育局", at=NOW - DAY, period="2026"))
    session.commit()
    scores = school_scores(session, schools=[assessed, other], period=period_of(2026, LOCAL_NOW),
                           review_days=REVIEW_DAYS, rules=RULES)
    # Lists exist somewhere in the school; reviews late (once), two people, two late hazards, one major.
    assert scores["t-school"]["score"] == 100 - 10 - 5 - 5 - 5 - 5 - 10
    assert scores["t-empty"]["score"] == 100 - 6 - 10 - 10 - 10  # and no training, no drill (art. 9, 12)
    assert _lines(scores["t-empty"])[-1] == (5, 10.0, "未成立工作小组", False, 1)


@pytest.fixture(scope="module")
def demo_session(module_database_url, redis_url):
    """The demo campus, loaded once per database for the module's tests that only read it."""
    engine = sql_engine(Settings.from_env(environ={}, database_url=module_database_url, redis_url=redis_url))
    with sql_sessions(engine)() as session:
        load_demo(session, today=LOCAL_NOW.date(), rules=GradingRules.load(), tz=TZ)
        session.commit()
        yield session
    engine.dispose()


def test_batched_scores_equal_the_per_unit_ones_on_the_demo_ledger(demo_session):
    session = demo_session
    for school in org.schools(session):
        batched = unit_scores(session, school=school, period=period_of(2026, LOCAL_NOW), review_days=REVIEW_DAYS,
                              rules=RULES)
        per_unit = assessment.school_scores(session, school=school, today=LOCAL_NOW.date(), now=LOCAL_NOW,
                                            review_days=REVIEW_DAYS, rules=RULES)
        assert len(batched) == len(per_unit) > 0
        assert [(r["unit"], r["score"], r["deductions"]) for r in batched] == \
            [(r["unit"], r["score"], r["deductions"]) for r in per_unit]
        assert any(d["computed"] for r in batched for d in r["deductions"])


# ---- special campaigns ---------------------------------------------------------------------------

@pytest.fixture
def campaign_school(session):
    school = OrgUnit(code="c-school", kind="school", name_zh="检查学校")
    other = OrgUnit(code="c-other", kind="school", name_zh="别的学校")
    session.add_all([school, other])
    session.flush()
    for code, kind in (("lab1", "lab"), ("lab2", "lab"), ("canteen", "canteen"), ("office", "office")):
        session.add(Building(school_id=school.id, code=code, name_zh=f"楼{code}", kind=kind))
    session.add(Building(school_id=other.id, code="lab1", name_zh="别校实验楼", kind="lab"))
    today = LOCAL_NOW.date()
    specs = (("labs", "实验室专项", ["lab"], ["双人双锁", "通风正常"], -10),
             ("all", "全校专项", [], ["疏散通道畅通"], 3),
             ("pools", "防溺水专项", ["pool"], ["警示牌完好"], -10))
    for code, name, kinds, items, start in specs:
        campaign = Campaign(code=code, name_zh=name, school_kinds=["middle"], building_kinds=kinds)
        first = today + start * DAY
        campaign.phases = [CampaignPhase(phase="deploy", starts_on=first, ends_on=first + 6 * DAY),
                           CampaignPhase(phase="inspect", starts_on=first + 7 * DAY, ends_on=first + 51 * DAY),
                           CampaignPhase(phase="consolidate", starts_on=first + 52 * DAY, ends_on=first + 81 * DAY)]
        campaign.items = [ChecklistItem(position=n, text=text) for n, text in enumerate(items, start=1)]
        session.add(campaign)
    session.flush()

    def check(item, building, result, hours_ago, school_row=school, campaign="labs"):
        record_result(session, school=school_row, campaign_code=campaign, item_text=item, result=result,
                                at=NOW - hours_ago * timedelta(hours=1), by="检查员", building=building,
                                note="不符合" if result == "fail" else "")

    check("双人双锁", "lab1", "fail", 50)
    check("双人双锁", "lab1", "pass", 10)  # re-checked: the fail is fixed
    check("双人双锁", "lab2", "pass", 5)
    check("双人双锁", "lab2", "fail", 30)  # an older check arriving late does not win
    check("通风正常", "lab1", "fail", 40)
    check("疏散通道畅通", "office", "fail", 20, campaign="all")
    check("疏散通道畅通", None, "pass", 2, campaign="all")  # the whole school
    check("通风正常", "lab1", "fail", 1, school_row=other)  # another school's
    session.commit()
    return school


def test_campaign_progress_counts_the_latest_result_of_each_check(session, campaign_school):
    found = {c.code: c for c in school_campaigns(session, school_id=campaign_school.id, today=LOCAL_NOW.date())}
    assert list(found) == ["labs", "all"]  # running before upcoming; no pool at this school
    labs, every = found["labs"], found["all"]
    assert (labs.state, labs.phase, every.state, every.phase) == ("running", "inspect", "upcoming", None)
    assert [(i.text, i.due, i.passed, i.failed) for i in labs.items] == [("双人双锁", 2, 2, 0), ("通风正常", 2, 0, 1)]
    assert (labs.due, labs.checked, labs.progress, labs.pass_rate) == (4, 3, 0.75, 0.6667)
    # Every building, plus the whole-school check.
    assert (every.due, every.passed, every.failed) == (5, 1, 1)


def test_failing_checks_are_the_latest_fails_longest_outstanding_first(session, campaign_school):
    failing, total = failing_checks(session, school_id=campaign_school.id)
    assert total == 2
    assert [(f.campaign, f.item, f.building, f.building_name_zh, f.note) for f in failing] == [
        ("labs", "通风正常", "lab1", "楼lab1", "不符合"), ("all", "疏散通道畅通", "office", "楼office", "不符合")]
    assert failing[0].checked_at == NOW - 40 * timedelta(hours=1)
    assert failing_checks(session, school_id=campaign_school.id, limit=1)[1] == 2


def test_a_campaign_opens_to_every_buildings_latest_result(session, campaign_school):
    checks = campaign_checks(session, school_id=campaign_school.id, campaign_code="labs")
    assert [(i["item"], [(c["building"], c["result"]) for c in i["checks"]]) for i in checks["items"]] == [
        ("双人双锁", [("lab1", "pass"), ("lab2", "pass")]), ("通风正常", [("lab1", "fail"), ("lab2", None)])]
    every = campaign_checks(session, school_id=campaign_school.id, campaign_code="all")
    assert [(c["building"], c["result"]) for c in every["items"][0]["checks"]] == [
        ("", "pass"), ("canteen", None), ("lab1", None), ("lab2", None), ("office", "fail")]
    assert campaign_checks(session, school_id=campaign_school.id, campaign_code="nope") is None


# ---- the district league -------------------------------------------------------------------------

def _independent_score(session, school: OrgUnit, now: datetime) -> float:
    """The school's own score from its rows one by one (ORM objects and the pure rules)."""
    points = list(session.scalars(select(RiskPoint).where(RiskPoint.school_id == school.id)))
    missing = [] if points else ["risk_points", "risk_levels"]
    if not any(p.hazard_sources for p in points):
        missing.append("hazard_sources")
    start = datetime(now.year, 1, 1, tzinfo=now.tzinfo)
    late, unplanned = [], []
    for h in session.scalars(select(Hazard).where(Hazard.school_id == school.id)):
        if hazard_loop.deadline_status(h.stage, h.deadline, now, due_soon_days=0).overdue or (
                h.closed_at is not None and h.closed_at >= start and hazard_loop.closed_late(h.deadline, h.closed_at)):
            late.append(h.code)
        planned = h.measures.strip() and h.emergency_measures.strip()
        if h.grade == "major" and hazard_loop.is_open(h.stage) and not planned:
            unplanned.append(h.code)
    violations = [(v.by or "未知人员", v.hazard_code) for v in session.scalars(
        select(LoopViolation).where(LoopViolation.school_id == school.id, LoopViolation.at >= start))]
    # Art. 15: a campaign of the school whose inspect phase ended this year, a building of its kinds
    # where one of its items has no result.
    done = {(r.item_id, r.building_code) for r in session.scalars(
        select(ChecklistResult).where(ChecklistResult.school_id == school.id))}
    gaps = []
    for campaign in school_catalogue(session, school):
        inspect = next(p for p in campaign.phases if p.phase == "inspect")
        if not start.date() <= inspect.ends_on < now.date():
            continue
        for b in session.scalars(select(Building).where(Building.school_id == school.id)):
            kinds = campaign.building_kinds
            if (not kinds or b.kind in kinds) and any((i.id, b.code) not in done for i in campaign.items):
                gaps.append((b.name_zh, campaign.name_zh))
    facts = scoring.UnitFacts(tuple(missing), tuple(p.code for p in points if p.last_reviewed_on + REVIEW_DAYS * DAY
                                                    < now.date()), tuple(violations), tuple(late), tuple(unplanned),
                              campaign_gaps=tuple(gaps))
    return scoring.score_unit(school.code, facts, [], RULES).score


def test_league_figures_equal_independent_counts_per_school(demo_session):
    session = demo_session
    now = datetime.combine(LOCAL_NOW.date(), time(10), TZ)
    rows = league(session, school_codes=None, now=now, review_days=REVIEW_DAYS, rules=RULES)
    assert [r.code for r in rows] == ["demo-middle", "demo-primary", "demo-univ"]
    midnight = datetime.combine(now.date(), time(0), TZ)
    for row in rows:
        school = org.school(session, row.code)
        figures = hazards.figures(session, school_id=school.id, now=now, due_soon_days=3)
        assert (row.major_open, row.overdue, row.rectification_rate) == \
            (figures["major_open"], figures["overdue"], figures["rectification_rate"])
        assert row.alerts_open == alerts.figures(session, school_id=school.id)["open"]
        assert row.alerts_today == session.scalar(select(func.count()).select_from(Alert).where(
            Alert.school_id == school.id, Alert.raised_at >= midnight))
        assert row.score == _independent_score(session, school, now)
        assert row.parent == ("henan" if row.code == "demo-univ" else "henan.xinxiang.demo")
    assert rows[-1].major_open > 0 and rows[-1].overdue > 0


def test_the_league_holds_only_the_schools_asked_for(demo_session):
    session = demo_session
    rows = league(session, school_codes=["demo-middle"], now=LOCAL_NOW, review_days=REVIEW_DAYS, rules=RULES)
    assert [r.code for r in rows] == ["demo-middle"]
    assert league(session, school_codes=[], now=LOCAL_NOW, review_days=REVIEW_DAYS, rules=RULES) == []
