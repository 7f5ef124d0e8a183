"""The demo campus: the simulator's schools with graded risk points, hazards in every stage of the
loop, campaigns and deductions; deterministic, idempotent, on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ledger.db import migrate
from ledger.demo import SCHOOL_TZ, load_demo
from ledger.grading import GradingRules, grade
from ledger.hazard_loop import STAGES, deadline_status, next_stage
from ledger.models import (AssessmentDeduction, Building, Campaign, ChecklistResult, Hazard, OrgUnit, RiskPoint,
                           Zone)
from ledger.site_plans import point_in_polygon
from queries.connections import sql_engine, sql_sessions
from queries.settings import Settings
from streams.demo_checklists import CAMPAIGNS, HAZARD_TITLES
from streams.demo_sites import SCHOOLS

TODAY = date(2026, 11, 24)
NOW = datetime.combine(TODAY, time(10, 0), SCHOOL_TZ)


def _loaded(session):
    result = load_demo(session, today=TODAY, rules=GradingRules())
    session.commit()
    return result


def test_demo_uses_the_simulators_schools_buildings_and_zones(session):
    assert _loaded(session).loaded
    for school in SCHOOLS:
        org = session.scalars(select(OrgUnit).where(OrgUnit.code == school.id)).one()
        assert org.kind == "school" and org.site_plan["width"] > 0
        parent = session.get(OrgUnit, org.parent_id)
        assert (parent.kind, parent.name_zh) == (("province", "河南省") if school.kind == "university"
                                                 else ("district", "演示区"))
        rows = {b.code: b for b in session.scalars(select(Building).where(Building.school_id == org.id))}
        assert set(rows) == {b.id for b in school.buildings}
        for building in school.buildings:
            assert [z.code for z in rows[building.id].zones] == [z.id for z in building.zones]
            assert session.get(OrgUnit, rows[building.id].unit_id).name_zh == building.unit_zh


def test_risk_points_are_graded_in_all_four_colours_with_markers_inside_their_building(session):
    _loaded(session)
    rules = GradingRules()
    counts = {}
    for school in SCHOOLS:
        org_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == school.id))
        points = session.scalars(select(RiskPoint).where(RiskPoint.school_id == org_id)).all()
        counts[school.id] = len(points)
        colours = Counter(p.colour for p in points)
        assert set(colours) == {"red", "orange", "yellow", "blue"}, school.id
        assert colours["red"] <= len(points) // 10  # a few major risks, not many
        for p in points:
            graded = grade(p.method, likelihood=p.l_value, exposure=p.e_value, consequence=p.c_value,
                           severity=p.s_value, rules=rules)
            assert (p.score, p.level, p.colour) == (graded.score, graded.level, graded.colour)
            assert p.hazard_sources and p.accident_types and p.control_measures and p.responsible_person
            outline = session.get(Zone, p.zone_id).polygon if p.zone_id else session.get(Building, p.building_id).polygon
            assert point_in_polygon((p.x, p.y), outline), p.code
        late = [p for p in points if p.last_reviewed_on < TODAY - timedelta(days=365)]
        assert 1 <= len(late) <= 5
    assert 90 <= counts["demo-univ"] <= 110
    assert 20 <= counts["demo-middle"] <= 30 and 20 <= counts["demo-primary"] <= 30


def test_hazards_cover_every_stage_with_a_history_the_loop_allows(session):
    _loaded(session)
    hazards = session.scalars(select(Hazard)).all()
    assert {h.stage for h in hazards} == set(STAGES)
    kinds = {b.id: b.kind for s in SCHOOLS for b in s.buildings}
    for h in hazards:
        assert h.code.startswith("HZ-DEMO-")  # the simulator's are HZ<hex>.<hex>-NNNN
        building = session.get(Building, h.building_id)
        assert h.title in HAZARD_TITLES[kinds[building.code]]
        stage = None
        times = []
        for step in h.transitions:
            assert step.from_stage == stage and next_stage(stage, step.action) == step.to_stage
            assert step.by and step.note
            stage = step.to_stage
            times.append(step.at)
        assert stage == h.stage and times == sorted(times) and times[-1] <= NOW
        assert (h.closed_at is not None) == (h.stage == "accepted")
    assert any(step.action == "reject" for h in hazards for step in h.transitions)
    status = [deadline_status(h.stage, h.deadline, NOW, due_soon_days=3) for h in hazards]
    assert sum(s.overdue for s in status) >= 4 and sum(s.due_soon for s in status) >= 3
    majors = [h for h in hazards if h.grade == "major"]
    listed = [h for h in majors if h.listed_supervision]
    assert len(listed) >= 3 and all(h.measures and h.emergency_measures and h.supervised_by for h in listed)
    unplanned = [h for h in majors if h.stage != "accepted" and not (h.measures and h.emergency_measures)]
    assert len(unplanned) == 1


def test_campaigns_phases_results_and_deductions(session):
    _loaded(session)
    campaigns = session.scalars(select(Campaign)).all()
    assert {c.code for c in campaigns} == {c.id for c in CAMPAIGNS}
    for c in campaigns:
        assert [p.phase for p in c.phases] == ["deploy", "inspect", "consolidate"]
        assert [i.text for i in c.items] == list(next(s for s in CAMPAIGNS if s.id == c.code).items)
    phases_now = {next((p.phase for p in c.phases if p.starts_on <= TODAY <= p.ends_on), None) for c in campaigns}
    assert {"deploy", "inspect", "consolidate"} <= phases_now
    per_school = Counter(session.scalars(select(ChecklistResult.school_id)))
    assert len(per_school) == 3 and min(per_school.values()) > 5
    assert {"pass", "fail"} == set(session.scalars(select(ChecklistResult.result)))
    assert session.scalar(select(func.count()).select_from(AssessmentDeduction)) >= 10


def test_loading_twice_adds_nothing(session):
    first = _loaded(session)
    sizes = [session.scalar(select(func.count()).select_from(t)) for t in (OrgUnit, RiskPoint, Hazard)]
    second = _loaded(session)
    assert first.loaded and first.counts["risk_points"] > 0
    assert not second.loaded
    assert [session.scalar(select(func.count()).select_from(t)) for t in (OrgUnit, RiskPoint, Hazard)] == sizes


def _snapshot(session):
    points = session.execute(select(RiskPoint.school_id, RiskPoint.code, RiskPoint.name, RiskPoint.score, RiskPoint.x,
                                    RiskPoint.y, RiskPoint.responsible_person, RiskPoint.last_reviewed_on)).all()
    hazards = [(h.code, h.title, h.stage, h.found_at, h.deadline, [(t.action, t.at, t.by) for t in h.transitions])
               for h in session.scalars(select(Hazard).order_by(Hazard.school_id, Hazard.code))]
    results = session.execute(select(ChecklistResult.building_code, ChecklistResult.result, ChecklistResult.checked_at)
                              .order_by(ChecklistResult.id)).all()
    return sorted(tuple(r) for r in points), hazards, [tuple(r) for r in results]


def test_the_demo_is_the_same_every_time(session, tmp_path, redis_url):
    _loaded(session)
    other = sql_engine(Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path / 'again.db'}",
                                         redis_url=redis_url))
    try:
        migrate(other)
        with sql_sessions(other)() as again:
            _loaded(again)
            assert _snapshot(again) == _snapshot(session)
    finally:
        other.dispose()
