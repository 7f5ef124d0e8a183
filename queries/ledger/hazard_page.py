"""One hazard as the phone's hazard page shows it (issue 15, /m/hazards/<school>/<code>): its facts,
every step of its history with who, when, the note and the photos, its before and after photos, the
steps the reader may take now, and what the notice form offers (the school's units, the candidates
for responsible person). Read only; None when the hazard is not one the person reads (the page says
"not found or not yours", never which).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import hazard_loop
from ledger.hazard_work_rules import Person
from ledger.models import Building, HazardTransition, OrgUnit, RiskPoint, User, Zone
from queries.ledger import my_work, photos
from queries.ledger.photos import PhotoView


@dataclass(frozen=True)
class Step:
    action: str  # hazard_loop.ACTIONS' keys, or "supervise"
    to_stage: str
    by: str  # the person's display name when the step was taken in the product, else the `by` recorded
    at: datetime
    note: str
    photos: tuple[PhotoView, ...] = ()


@dataclass(frozen=True)
class HazardPage:
    school: str
    school_name: str
    code: str
    title: str
    description: str
    grade: str
    stage: str
    source: str
    place: tuple[str, ...]  # building, zone (names, Chinese and English joined as the page's language chooses)
    place_en: tuple[str, ...]
    risk_point: str | None
    found_at: datetime
    found_by: str | None
    deadline: datetime | None
    status: hazard_loop.DeadlineStatus
    requirement: str | None
    responsible_unit_code: str | None
    responsible_unit: str | None  # the unit's name
    responsible_unit_en: str | None
    responsible_person: str | None
    measures: str
    recheck_result: str | None
    supervised_by: str | None
    supervised_at: datetime | None
    supervision_deadline: datetime | None
    supervision_status: hazard_loop.DeadlineStatus
    supervision_note: str | None
    steps: tuple[Step, ...]
    before: tuple[PhotoView, ...]  # the report's photos
    after: tuple[PhotoView, ...]  # the feedback steps' photos, every round
    open_steps: tuple[str, ...]  # my_work.steps_open_to: the buttons the page shows
    units: tuple[tuple[str, str, str | None], ...] = ()  # (code, name_zh, name_en): only when `notify` is open
    candidates: tuple[tuple[int, str, str], ...] = field(default=())  # my_work.responsible_candidates, idem


def hazard_page(session: Session, person: Person, *, school: str, code: str, now: datetime,
                due_soon_days: float) -> HazardPage | None:
    found = my_work.readable_hazard(session, person, school, code)
    if found is None:
        return None
    school_row, hazard = found
    open_steps = my_work.steps_open_to(session, person, school=school, code=code) or ()
    building = session.get(Building, hazard.building_id) if hazard.building_id else None
    zone = session.get(Zone, hazard.zone_id) if hazard.zone_id else None
    point = session.get(RiskPoint, hazard.risk_point_id) if hazard.risk_point_id else None
    unit = session.get(OrgUnit, hazard.responsible_unit_id) if hazard.responsible_unit_id else None
    shot = photos.of_hazard(session, hazard.id)
    steps = _steps(session, hazard.id, shot)
    report_step = next((s.id for s in hazard.transitions if s.action == "report"), None)
    feedback_steps = {s.id for s in hazard.transitions if s.action == "feedback"}
    units: tuple = ()
    candidates: tuple = ()
    if "notify" in open_steps:
        units = tuple(session.execute(
            select(OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en)
            .where(OrgUnit.parent_id == school_row.id, OrgUnit.kind == "unit").order_by(OrgUnit.code)).all())
        candidates = tuple(my_work.responsible_candidates(session, school))
    reporter = session.get(User, hazard.reported_by_user_id) if hazard.reported_by_user_id else None
    return HazardPage(
        school=school, school_name=school_row.name_zh, code=hazard.code, title=hazard.title,
        description=hazard.description or "", grade=hazard.grade, stage=hazard.stage, source=hazard.source,
        place=tuple(n.name_zh for n in (building, zone) if n is not None),
        place_en=tuple(n.name_en or n.name_zh for n in (building, zone) if n is not None),
        risk_point=point.name if point else None, found_at=hazard.found_at,
        found_by=reporter.display_name if reporter else hazard.found_by, deadline=hazard.deadline,
        status=hazard_loop.deadline_status(hazard.stage, hazard.deadline, now, due_soon_days=due_soon_days),
        requirement=hazard.requirement, responsible_unit_code=unit.code if unit else None,
        responsible_unit=unit.name_zh if unit else None,
        responsible_unit_en=(unit.name_en or unit.name_zh) if unit else None,
        responsible_person=hazard.responsible_person, measures=hazard.measures or "",
        recheck_result=hazard.recheck_result, supervised_by=hazard.supervised_by,
        supervised_at=hazard.supervised_at, supervision_deadline=hazard.supervision_deadline,
        supervision_status=hazard_loop.deadline_status(hazard.stage, hazard.supervision_deadline, now,
                                                       due_soon_days=due_soon_days),
        supervision_note=hazard.supervision_note, steps=steps,
        before=tuple(p for p in shot if p.transition_id is None or p.transition_id == report_step),
        after=tuple(p for p in shot if p.transition_id in feedback_steps),
        open_steps=tuple(open_steps), units=units, candidates=candidates)


def _steps(session: Session, hazard_id: int, shot: list[PhotoView]) -> tuple[Step, ...]:
    rows = session.execute(
        select(HazardTransition.id, HazardTransition.action, HazardTransition.to_stage, HazardTransition.by,
               User.display_name, HazardTransition.at, HazardTransition.note)
        .outerjoin(User, User.id == HazardTransition.by_user_id)
        .where(HazardTransition.hazard_id == hazard_id).order_by(HazardTransition.at, HazardTransition.id))
    by_step: dict[int, list[PhotoView]] = {}
    for photo in shot:
        if photo.transition_id is not None:
            by_step.setdefault(photo.transition_id, []).append(photo)
    return tuple(Step(action, to_stage, name or by or "", at, note or "", tuple(by_step.get(step_id, ())))
                 for step_id, action, to_stage, by, name, at, note in rows)
