"""Hazards as the ledger keeps them: one by code, the backlog lists and the wall's figures.

Reporting a hazard and every step of its closed loop are the ledger's commands
(ledger/commands/hazards.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import hazard_loop
from ledger.models import Building, Hazard
from queries.ledger import org

RATE_WINDOW = timedelta(days=365)  # 查改率 is over the hazards found in the last year


def get(session: Session, *, school_id: int, code: str) -> Hazard | None:
    return session.scalar(select(Hazard).where(Hazard.school_id == school_id, Hazard.code == code))


@dataclass(frozen=True)
class HazardFilter:
    stage: str | None = None
    grade: str | None = None
    unit: str | None = None  # unit code
    overdue: bool | None = None
    building: str | None = None


def list_hazards(session: Session, *, school_id: int, filters: HazardFilter, now: datetime,
                 offset: int = 0, limit: int = 50) -> tuple[list[Hazard], int]:
    """A page of the hazard ledger, most urgent first (overdue, then by deadline), and the total."""
    query = select(Hazard).where(Hazard.school_id == school_id)
    if filters.stage:
        query = query.where(Hazard.stage == filters.stage)
    if filters.grade:
        query = query.where(Hazard.grade == filters.grade)
    if filters.unit:
        unit = org.unit_by_code(session, filters.unit)
        query = query.where(Hazard.responsible_unit_id == (unit.id if unit else -1))
    if filters.building:
        building = org.building(session, school_id, filters.building)
        query = query.where(Hazard.building_id == (building.id if building else -1))
    if filters.overdue is not None:
        late = (Hazard.stage != hazard_loop.CLOSED) & (Hazard.deadline < now)
        query = query.where(late if filters.overdue else ~late | Hazard.deadline.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by((Hazard.stage == hazard_loop.CLOSED), Hazard.deadline.is_(None), Hazard.deadline,
                       Hazard.id).offset(offset).limit(limit))
    return list(rows), int(total or 0)


def figures(session: Session, *, school_id: int, now: datetime, due_soon_days: float) -> dict:
    """The hazard backlog the wall shows: per stage, overdue, due soon, the major ones under
    listed supervision by name, and the rectification rate (查改率)."""
    by_stage = {stage: 0 for stage in hazard_loop.STAGES}
    overdue = due_soon = major_open = 0
    listed: list[dict] = []
    found = closed = 0
    since = now - RATE_WINDOW
    major_by_building: dict[str, int] = {}
    rows = session.execute(
        select(Hazard.code, Hazard.title, Hazard.stage, Hazard.grade, Hazard.deadline, Hazard.found_at,
               Hazard.listed_supervision, Hazard.building_id, Building.code)
        .outerjoin(Building, Building.id == Hazard.building_id).where(Hazard.school_id == school_id))
    for code, title, stage, grade, deadline, found_at, supervised, building_id, building in rows:
        by_stage[stage] = by_stage.get(stage, 0) + 1
        status = hazard_loop.deadline_status(stage, deadline, now, due_soon_days=due_soon_days)
        overdue += status.overdue
        due_soon += status.due_soon
        if grade == "major" and hazard_loop.is_open(stage):
            major_open += 1
            if building:
                major_by_building[building] = major_by_building.get(building, 0) + 1
            if supervised:
                listed.append({"code": code, "title": title, "stage": stage, "overdue": status.overdue,
                               "deadline": deadline.isoformat() if deadline else None,
                               "building_id": building_id})
        if found_at >= since:
            found += 1
            closed += stage == hazard_loop.CLOSED
    listed.sort(key=lambda h: (not h["overdue"], h["deadline"] or "9999"))
    return {
        "by_stage": by_stage,
        "open": sum(n for stage, n in by_stage.items() if stage != hazard_loop.CLOSED),
        "overdue": overdue,
        "due_soon": due_soon,
        "major_open": major_open,
        "major_open_by_building": dict(sorted(major_by_building.items())),  # the map marks these
        "listed_supervision": listed,
        "found_365d": found,
        "closed_365d": closed,
        "rectification_rate": hazard_loop.rectification_rate(closed, found),
    }
