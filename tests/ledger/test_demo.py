"""The demo campus: the simulator's schools with graded risk points, hazards in every stage of the
loop, campaigns and deductions; deterministic, idempotent, on SQLite and PostgreSQL."""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from demo.checklists import CAMPAIGNS, HAZARD_TITLES
from demo.seed import SCHOOL_TZ, load_demo
from demo.sites import SCHOOLS, SCHOOLS_BY_ID
from kernel.catalogue import CATALOGUE, DOMAINS
from kernel.connections import sql_engine, sql_sessions
from kernel.contract import Event
from kernel.settings import Settings
from ledger import alert_flow
from ledger.db import migrate
from ledger.grading import GradingRules, grade
from ledger.hazard_loop import STAGES, deadline_status, next_stage
from ledger.models import (
    Alert,
    AssessmentDeduction,
    Building,
    Campaign,
    ChecklistResult,
    DailyDomainEvents,
    DailyTotals,
    Hazard,
    OrgUnit,
    RiskPoint,
    Zone,
)
from ledger.site_plans import point_in_polygon
from streams.alert_rules import load_rules

RULES_FILE = Path(__file__).resolve().parents[2] / "streams" / "alert_rules.toml"

TODAY = date(2026, 11, 24)
NOW = datetime.combine(TODAY, time(10, 0), SCHOOL_TZ)
DEMO_NOW = datetime.combine(TODAY, time(9, 0), SCHOOL_TZ)  # the demo's own "now"


def _loaded(session):
    result = load_demo(session, today=TODAY, rules=GradingRules())
    session.commit()
    return result


def _seed(session) -> dict:
    """The demo, loaded once per back-end: every test reads a copy (a load costs 2-5 s)."""
    result = _loaded(session)
    return {"loaded": result.loaded, "counts": dict(result.counts)}


LEDGER_SEED = _seed


def test_demo_uses_the_simulators_schools_buildings_and_zones(session, seeded):
    assert seeded["loaded"]
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


def test_risk_points_are_graded_in_all_four_colours_with_markers_inside_their_building(session, seeded):
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
            place = session.get(Zone, p.zone_id) if p.zone_id else session.get(Building, p.building_id)
            outline = place.polygon
            assert point_in_polygon((p.x, p.y), outline), p.code
        late = [p for p in points if p.last_reviewed_on < TODAY - timedelta(days=365)]
        assert 1 <= len(late) <= 5
    assert 90 <= counts["demo-univ"] <= 110
    assert 20 <= counts["demo-middle"] <= 30 and 20 <= counts["demo-primary"] <= 30


def test_hazards_cover_every_stage_with_a_history_the_loop_allows(session, seeded):
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


def test_campaigns_phases_results_and_deductions(session, seeded):
    campaigns = session.scalars(select(Campaign)).all()
    assert {c.code for c in campaigns} == {c.code for c in CAMPAIGNS}
    for c in campaigns:
        assert [p.phase for p in c.phases] == ["deploy", "inspect", "consolidate"]
        assert [i.text for i in c.items] == list(next(s for s in CAMPAIGNS if s.code == c.code).items)
    phases_now = {next((p.phase for p in c.phases if p.starts_on <= TODAY <= p.ends_on), None) for c in campaigns}
    assert {"deploy", "inspect", "consolidate"} <= phases_now
    per_school = Counter(session.scalars(select(ChecklistResult.school_id)))
    assert len(per_school) == 3 and min(per_school.values()) > 5
    assert {"pass", "fail"} == set(session.scalars(select(ChecklistResult.result)))
    assert session.scalar(select(func.count()).select_from(AssessmentDeduction)) >= 10


def test_loading_twice_adds_nothing(session, seeded):
    sizes = [session.scalar(select(func.count()).select_from(t)) for t in (OrgUnit, RiskPoint, Hazard)]
    second = _loaded(session)
    assert seeded["loaded"] and seeded["counts"]["risk_points"] > 0
    assert not second.loaded
    assert [session.scalar(select(func.count()).select_from(t)) for t in (OrgUnit, RiskPoint, Hazard)] == sizes


def _snapshot(session):
    points = session.execute(select(RiskPoint.school_id, RiskPoint.code, RiskPoint.name, RiskPoint.score, RiskPoint.x,
                                    RiskPoint.y, RiskPoint.responsible_person, RiskPoint.last_reviewed_on)).all()
    hazards = [(h.code, h.title, h.stage, h.found_at, h.deadline, [(t.action, t.at, t.by) for t in h.transitions])
               for h in session.scalars(select(Hazard).order_by(Hazard.school_id, Hazard.code))]
    results = session.execute(select(ChecklistResult.building_code, ChecklistResult.result, ChecklistResult.checked_at)
                              .order_by(ChecklistResult.id)).all()
    alerts = [(a.code, a.type, a.severity, a.device, a.raised_at, a.last_raised_at, a.count, a.state, a.outcome,
               a.acknowledged_at, a.resolved_at, a.detail, [(t.action, t.at, t.by, t.event_id) for t in a.transitions])
              for a in session.scalars(select(Alert).order_by(Alert.code))]
    days = session.execute(select(DailyTotals.day, DailyTotals.staff_seen, DailyTotals.students_seen,
                                  DailyTotals.visitors_checked_in)
                           .order_by(DailyTotals.school_id, DailyTotals.day)).all()
    domains = session.execute(select(OrgUnit.code, DailyDomainEvents.day, DailyDomainEvents.domain,
                                     DailyDomainEvents.events).join(OrgUnit, OrgUnit.id == DailyDomainEvents.school_id)
                              .order_by(OrgUnit.code, DailyDomainEvents.day, DailyDomainEvents.domain)).all()
    return (sorted(tuple(r) for r in points), hazards, [tuple(r) for r in results], alerts, [tuple(d) for d in days],
            [tuple(d) for d in domains])


def test_the_demo_is_the_same_every_time(session, seeded, tmp_path, redis_url):
    other = sql_engine(Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path / 'again.db'}",
                                         redis_url=redis_url))
    try:
        migrate(other)
        with sql_sessions(other)() as again:
            _loaded(again)
            assert _snapshot(again) == _snapshot(session)
    finally:
        other.dispose()


# -- the alert history -------------------------------------------------------------------------------

def _alerts_by_school(session):
    codes = dict(session.execute(select(OrgUnit.id, OrgUnit.code).where(OrgUnit.kind == "school")).all())
    found = defaultdict(list)
    for alert in session.scalars(select(Alert).order_by(Alert.raised_at)):
        found[codes[alert.school_id]].append(alert)
    return found


def test_every_alert_has_a_history_its_states_allow(session, seeded):
    rules = load_rules(RULES_FILE)
    alerts = [a for group in _alerts_by_school(session).values() for a in group]
    assert len({a.code for a in alerts}) == len(alerts) > 1000
    for a in alerts:
        site = SCHOOLS_BY_ID[a.code.split("-demo-")[0]]
        # What the alert rules make of the opening event: the same severity, the catalogue's domain.
        event = Event(a.code, 0, site.id, a.domain, a.type, "info", a.building_code, a.zone_code, a.device,
                      a.detail or {})
        assert rules.severity_for(event) == a.severity, (a.type, a.detail)
        assert CATALOGUE[a.type][0] == a.domain
        assert a.group_key == alert_flow.group_key(a.type, a.device, a.building_code, a.zone_code)
        if a.building_code:
            assert a.building_code in {b.id for b in site.buildings}
        if a.device and a.type not in ("patrol.checkpoint", "weather.warning"):
            assert a.device in {d.id for d in site.devices}
        # Transitions walk the states from new, in time order, to the alert's state and timestamps.
        state, at = "new", a.raised_at
        steps = {}
        for step in a.transitions:
            assert step.from_state == state and alert_flow.next_state(state, step.action) == step.to_state
            assert step.at >= at and step.by in site.duty_officers and step.event_id == f"{a.code}.{step.action}"
            state, at = step.to_state, step.at
            steps[step.action] = step
        assert state == a.state and at < DEMO_NOW
        assert a.acknowledged_at == (steps["acknowledge"].at if "acknowledge" in steps else None)
        assert a.dispatched_at == (steps["dispatch"].at if "dispatch" in steps else None)
        assert a.resolved_at == (steps["resolve"].at if "resolve" in steps else None)
        assert a.acknowledged_at is None or a.acknowledged_at >= a.raised_at
        assert (a.outcome in alert_flow.OUTCOMES) == (a.state == "resolved")
        assert (a.outcome is None) == (a.state != "resolved")
        assert a.dispatched_to == (steps["dispatch"].assignee if "dispatch" in steps else None)
        times = [o.at for o in a.occurrences]
        assert len(times) == a.count and times[0] == a.raised_at and times[-1] == a.last_raised_at
        assert times == sorted(times) and (a.resolved_at is None or a.last_raised_at <= a.resolved_at)
    assert {a.state for a in alerts} == set(alert_flow.STATES)
    assert any(a.count > 1 for a in alerts)
    assert any(a.state == "resolved" and a.acknowledged_at is None for a in alerts)  # a device that cleared itself


def test_alerts_come_more_by_day_most_handled_within_minutes_smoke_often_false(session, seeded):
    by_school = _alerts_by_school(session)
    for code, alerts in by_school.items():
        per_day = Counter(a.raised_at.astimezone(SCHOOL_TZ).date() for a in alerts)
        past = [per_day[TODAY - timedelta(days=n)] for n in range(1, 31)]
        assert min(past) >= (10 if code == "demo-univ" else 2), code
        assert max(past) <= 3 * statistics.mean(past), code
        assert min(per_day) == TODAY - timedelta(days=30)
        # A few open now, all raised in the last day; the last alert was minutes ago.
        still_open = [a for a in alerts if a.state != "resolved"]
        assert 2 <= len(still_open) <= 15, code
        assert all(a.raised_at >= DEMO_NOW - timedelta(hours=24) for a in still_open)
        assert DEMO_NOW - max(a.raised_at for a in alerts) <= timedelta(minutes=10)
    alerts = [a for group in by_school.values() for a in group]
    hours = Counter(a.raised_at.astimezone(SCHOOL_TZ).hour for a in alerts)
    assert sum(hours[h] for h in range(8, 20)) > sum(hours[h] for h in (*range(0, 8), *range(20, 24)))
    acknowledged = [(a.acknowledged_at - a.raised_at).total_seconds() for a in alerts if a.acknowledged_at]
    assert statistics.median(acknowledged) < 10 * 60 and len(acknowledged) > 0.9 * len(alerts)
    assert 0.2 < sum(a.dispatched_at is not None for a in alerts) / len(alerts) < 0.5

    def false_share(chosen):
        done = [a for a in chosen if a.outcome]
        return sum(a.outcome == "false_alarm" for a in done) / len(done)

    kitchens = [a for a in alerts if a.type == "fire.smoke_alarm" and a.zone_code in ("kitchen", "gas-room")]
    one_key = [a for a in alerts if a.type == "alarm.one_key"]
    assert false_share(kitchens) > 0.7 and false_share(one_key) < 0.3
    assert {a.domain for a in alerts} >= {"personal_safety", "environment", "active_defence", "operations"}


def test_daily_totals_for_the_thirty_days_before_today(session, seeded):
    for school in SCHOOLS:
        org_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == school.id))
        days = session.scalars(select(DailyTotals).where(DailyTotals.school_id == org_id)
                               .order_by(DailyTotals.day)).all()
        assert [d.day for d in days] == [TODAY - timedelta(days=n) for n in range(30, 0, -1)]
        for d in days:
            assert 0 < d.staff_seen <= school.staff and 0 <= d.students_seen <= school.students
            weekday = [x for x in days if x.day.weekday() < 5]
        assert statistics.mean(x.visitors_checked_in for x in weekday) > 10


def _domain_days(session, code):
    """{(day, domain): events} of one school."""
    org_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    return {(r.day, r.domain): r.events for r in session.scalars(
        select(DailyDomainEvents).where(DailyDomainEvents.school_id == org_id))}


def test_events_per_domain_for_the_thirty_days_before_today(session, seeded):
    """The domain page's week and month trends have a history: every domain on the 30 local days
    before today (today's come live from Redis), swipes the most, weekdays busier than weekends."""
    past = [TODAY - timedelta(days=n) for n in range(30, 0, -1)]
    for school in SCHOOLS:
        found = _domain_days(session, school.id)
        assert {day for day, _ in found} == set(past), school.id
        assert all(events > 0 for events in found.values())  # a day with none has no row
        total = Counter()
        for (day, domain), events in found.items():
            total[domain] += events
        assert set(total) == set(DOMAINS) and total.most_common(1)[0][0] == "personal_safety", school.id
        # Every domain on every weekday; the weekly drills and assessments may miss a weekend day.
        assert all((day, domain) in found for day in past if day.weekday() < 5 for domain in DOMAINS)

        def mean_day(weekend, domain=None):
            days = [d for d in past if (d.weekday() >= 5) == weekend]
            return statistics.mean(sum(n for (d, dom), n in found.items() if d == day and domain in (None, dom))
                                   for day in days)

        assert mean_day(False) > 1.1 * mean_day(True), school.id
        assert mean_day(False, "personal_safety") > 1.5 * mean_day(True, "personal_safety"), school.id
    # The university, with fifteen times the people, sends the most.
    sizes = {s.id: sum(_domain_days(session, s.id).values()) for s in SCHOOLS}
    assert max(sizes, key=sizes.get) == "demo-univ"
