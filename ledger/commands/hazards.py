"""Hazards: reporting, and every step of the closed loop (a refused step kept as a violation).

The reads (a hazard by code, the backlog lists, the wall's figures) are in queries/ledger/hazards.py.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import hazard_loop, org
from ledger.commands import reporting_events
from ledger.errors import LedgerError
from ledger.models import Hazard, HazardTransition, LoopViolation, OrgUnit


def find(session: Session, *, school_id: int, code: str) -> Hazard | None:
    """The hazard a step acts on (the same lookup as queries.ledger.hazards.get, which the ledger
    does not import: it imports nothing above it)."""
    return session.scalar(select(Hazard).where(Hazard.school_id == school_id, Hazard.code == code))


def report_hazard(session: Session, *, school: OrgUnit, code: str, title: str, found_at: datetime,
                  by: str | None = None, grade: str = "ordinary", building_code: str | None = None,
                  zone_code: str | None = None, deadline: datetime | None = None,
                  source: str = "self_inspection", description: str = "", measures: str = "",
                  emergency_measures: str = "", responsible_unit: OrgUnit | None = None,
                  responsible_person: str | None = None, listed_supervision: bool | None = None,
                  note: str = "", event_id: str | None = None) -> Hazard:
    """Open a hazard in stage `reported`, with the first step of its history."""
    if grade not in hazard_loop.GRADES:
        raise LedgerError(f"hazard grade must be one of {hazard_loop.GRADES}, not {grade!r}",
                          zh=f"隐患等级应为{'或'.join(hazard_loop.GRADE_ZH.values())}，而不是 {grade!r}")
    if source not in hazard_loop.SOURCES:
        raise LedgerError(f"hazard source must be one of {hazard_loop.SOURCES}, not {source!r}",
                          zh=f"隐患来源应为{'、'.join(hazard_loop.SOURCE_ZH.values())}之一，而不是 {source!r}")
    existing = find(session, school_id=school.id, code=code)
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
    if grade == "major":  # a major hazard goes up to the district within its hours (issue 17, 报送)
        reporting_events.major_hazard(session, school_id=school.id, code=code, title=title, at=found_at)
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
            raise LedgerError(f"hazard grade must be one of {hazard_loop.GRADES}, not {grade!r}",
                              zh=f"隐患等级应为{'或'.join(hazard_loop.GRADE_ZH.values())}，而不是 {grade!r}")
        made_major = grade == "major" and hazard.grade != "major"
        hazard.grade = grade
        hazard.listed_supervision = hazard.listed_supervision or grade == "major"
        if made_major:  # graded major by this step: reported up within the district's hours (issue 17)
            reporting_events.major_hazard(session, school_id=hazard.school_id, code=hazard.code,
                                          title=hazard.title, at=at)
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
