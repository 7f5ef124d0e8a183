"""Hazards: reporting, every closed-loop step, the backlog lists and the wall's figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import hazard_loop
from ledger.models import Building, Hazard, HazardTransition, LoopViolation, OrgUnit
from queries.ledger import org
from ledger.errors import LedgerError

RATE_WINDOW = timedelta(days=365)  # 查改率 is over the hazards found in the last year


def report_hazard(session: Session, *, school: OrgUnit, code: str, title: str, found_at: datetime,
                  by: str | None = None, grade: str = "ordinary", building_code: str | None = None,
                  zone_code: str | None = None, deadline: datetime | None = None,
                  source: str = "self_inspection", description: str = "", measures: str = "",
                  emergency_measures: str = "", responsible_unit: OrgUnit | None = None,
                  responsible_person: str | None = None, listed_supervision: bool | None = None,
                  note: str = "", event_id: str | None = None) -> Hazard:
    """Open a hazard in stage `reported`, with the first step of its history."""
    if grade not in hazard_loop.GRADES:
        raise LedgerError(f"hazard grade must be one of {hazard_loop.GRADES}, not {grade!r}")
    if source not in hazard_loop.SOURCES:
        raise LedgerError(f"hazard source must be one of {hazard_loop.SOURCES}, not {source!r}")
    existing = get(session, school_id=school.id, code=code)
    if existing is not None:  # reporting it again would fork its history
        raise hazard_loop.IllegalTransition(existing.stage, "report")
    building = org.building(session, school.id, building_code)
    zone = org.zone(session, building, zone_code)
    hazard = Hazard(
        school_id=school.id, code=code, title=title, description=description, grade=grade,
        building_id=building.id if building else None, zone_id=zone.id if zone else None,
        found_by=by, found_at=found_at, source=source, measures=measures,
        emergency_measures=emergency_measures, deadline=deadline,
        responsible_unit_id=(responsible_unit.id if responsible_unit
                             else building.unit_id if building else None),
        responsible_person=responsible_person,
        # Major hazards are put under listed supervision (挂牌督办, seed 001 art. 18) unless told.
        listed_supervision=(grade == "major") if listed_supervision is None else listed_supervision,
        stage="reported",
    )
    hazard.transitions.append(HazardTransition(action="report", from_stage=None, to_stage="reported",
                                               by=by, at=found_at, note=note, event_id=event_id))
    session.add(hazard)
    session.flush()
    return hazard


def transition_hazard(session: Session, *, hazard: Hazard, action: str, by: str | None, at: datetime,
                      note: str = "", event_id: str | None = None, deadline: datetime | None = None,
                      grade: str | None = None, measures: str | None = None,
                      recheck_result: str | None = None) -> HazardTransition:
    """Take one step of the closed loop, or raise IllegalTransition (nothing changes then)."""
    to_stage = hazard_loop.next_stage(hazard.stage, action)
    step = HazardTransition(action=action, from_stage=hazard.stage, to_stage=to_stage, by=by, at=at,
                            note=note, event_id=event_id)
    hazard.transitions.append(step)
    hazard.stage = to_stage
    if deadline is not None:
        hazard.deadline = deadline
    if grade is not None:
        if grade not in hazard_loop.GRADES:
            raise LedgerError(f"hazard grade must be one of {hazard_loop.GRADES}, not {grade!r}")
        hazard.grade = grade
        hazard.listed_supervision = hazard.listed_supervision or grade == "major"
    if measures:
        hazard.measures = measures
    if action in ("accept", "reject"):
        hazard.recheck_result = recheck_result or note or hazard.recheck_result
    hazard.closed_at = at if to_stage == hazard_loop.CLOSED else None
    session.flush()
    return step


def record_violation(session: Session, *, school: OrgUnit, hazard_code: str, action: str,
                     stage: str | None, by: str | None, at: datetime, reason: str,
                     event_id: str | None = None) -> LoopViolation:
    """Keep a refused step: handling outside the closed loop is what assessment art. 16 deducts."""
    hazard = session.scalar(select(Hazard).where(Hazard.school_id == school.id, Hazard.code == hazard_code))
    violation = LoopViolation(school_id=school.id, hazard_code=hazard_code,
                              unit_id=hazard.responsible_unit_id if hazard else None, action=action,
                              stage=stage, by=by, at=at, reason=reason, event_id=event_id)
    session.add(violation)
    session.flush()
    return violation


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
