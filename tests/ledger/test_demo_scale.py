"""The benchmark's demo ×N (demo/seed.py `scale`): N times each demo school's rows and N - 1 copies of each
school, on SQLite and PostgreSQL. Run at ×3 here: the rules are the same at any N (the benchmark loads
×10; its time is a benchmark's figure, docs/benchmarks.md, not a test's)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from demo.seed import load_demo, placements
from demo.sites import SCHOOLS
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger.db import migrate
from ledger.grading import GradingRules
from ledger.models import Alert, AlertTransition, DailyDomainEvents, Hazard, OrgUnit, RiskPoint

TODAY = date(2026, 11, 24)
SCALE = 3


def _school_rows(session, code):
    org_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model)
                                                .where(model.school_id == org_id))
            for model in (RiskPoint, Hazard, Alert)}


def _domain_days(session, code):
    """{(day, domain): events} of one school."""
    org_id = session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    return {(r.day, r.domain): r.events for r in session.scalars(
        select(DailyDomainEvents).where(DailyDomainEvents.school_id == org_id))}


def test_the_demo_times_n_has_n_times_the_schools_and_n_times_each_schools_rows(session, tmp_path, redis_url):
    """The demo's own load beside it (a second database) gives the per-school figures it multiplies."""
    scaled = load_demo(session, today=TODAY, rules=GradingRules(), scale=SCALE)
    session.commit()
    assert scaled.loaded
    other = sql_engine(Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path / 'one.db'}",
                                         redis_url=redis_url))
    try:
        migrate(other)
        with sql_sessions(other)() as plain:
            load_demo(plain, today=TODAY, rules=GradingRules())
            plain.commit()
            base = {s.id: _school_rows(plain, s.id) for s in SCHOOLS}
            base_events = {s.id: sum(_domain_days(plain, s.id).values()) for s in SCHOOLS}
    finally:
        other.dispose()
    codes = set(session.scalars(select(OrgUnit.code).where(OrgUnit.kind == "school")))
    assert codes == {code for _, code, _, _ in placements(SCALE)} and len(codes) == SCALE * len(SCHOOLS)
    assert {s.id for s in SCHOOLS} | {f"{s.id}-{n}" for s in SCHOOLS for n in range(2, SCALE + 1)} == codes
    for school in SCHOOLS:
        rows, one = _school_rows(session, school.id), base[school.id]
        assert rows["risk_points"] == SCALE * one["risk_points"] and rows["hazards"] == SCALE * one["hazards"]
        assert 0.8 * SCALE * one["alerts"] <= rows["alerts"] <= 1.2 * SCALE * one["alerts"]
        # A copy is the demo school again under its own code: the same places, its own draws.
        copy = _school_rows(session, f"{school.id}-2")
        assert copy["risk_points"] == one["risk_points"] and copy["hazards"] == one["hazards"]
        assert 0.7 * one["alerts"] <= copy["alerts"] <= 1.3 * one["alerts"]
        # N times the events per domain and day at the school, about the same at a copy.
        events = sum(_domain_days(session, school.id).values())
        assert 0.9 * SCALE * base_events[school.id] <= events <= 1.1 * SCALE * base_events[school.id]
        copied = _domain_days(session, f"{school.id}-2")
        assert 0.9 * base_events[school.id] <= sum(copied.values()) <= 1.1 * base_events[school.id]
        assert {day for day, _ in copied} == {TODAY - timedelta(days=n) for n in range(1, 31)}
    district = session.scalar(select(OrgUnit.id).where(OrgUnit.kind == "district"))
    under_district = sum(1 for s in SCHOOLS if s.kind != "university")
    assert (session.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.parent_id == district))
            == SCALE * under_district)
    assert len(set(session.scalars(select(OrgUnit.name_zh).where(OrgUnit.kind == "school")))) == len(codes)
    assert session.scalar(select(func.count()).select_from(AlertTransition)) > SCALE * 2000
