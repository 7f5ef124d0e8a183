"""The hazard loop worked by people (issue 15): report, issue the rectification notice, start,
feed back, accept or reject. The phone pages call these; listing for supervision is
ledger/commands/hazard_supervision.py.

Each step takes the acting `Person` and `now`, checks the person's role and scope, the hazard's
stage and who they are to it (docs/hazards.md, "The hazard loop (ledger)"), and then, in ONE
transaction, takes the step through the ledger's state machine (ledger/commands/hazards.py: the
same history rows the recorder writes for events), and writes the step's contract event to the
outbox (ledger/commands/alert_outbox.py, a generic table). It commits, and returns the event ids for
the caller to publish (dashboard/services.py `publish_outbox`; the recorder sends what is left).
A refusal (StepRefused, OutOfScope, NotFound; each in both languages) rolls back: nothing is saved.

Concurrency: a step's transaction starts with a guarded UPDATE of the hazard on the stage it was
read in, so PostgreSQL's row lock (SQLite's write lock) makes a second person's same step wait and
then find the stage moved: exactly one of two inspectors accepts, the other is told.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import hazard_loop, org, org_scope
from ledger import hazard_work_rules as rules
from ledger.commands import alert_outbox, hazards, inspections, photos
from ledger.errors import NotFound
from ledger.hazard_work_rules import Person, StageRefused, refuse
from ledger.models import Building, Hazard, HazardTransition, InspectionResult, OrgUnit, RiskPoint, User, Zone

CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class StepResult:
    """What a page shows after a step: the hazard (school and code), its stage now, and the
    contract events to publish. `created` is False when a report's form was already received."""

    school: str
    code: str
    hazard_id: int
    stage: str
    event_ids: list[str] = field(default_factory=list)
    created: bool = True


def person_of(session: Session, user: User) -> Person:
    """The Person a ledger account acts as (the CLI, tests); the web app builds it from its principal."""
    unit = session.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    return Person(user.id, user.username, user.display_name, user.role,
                  org_scope.readable_schools(session, user), unit.code if unit else None)


# -- report -------------------------------------------------------------------------------------
def report(session: Session, person: Person, *, school: str, description: str, client_key: str, now: datetime,
           building: str | None = None, zone: str | None = None, risk_point: str | None = None,
           grade: str = "ordinary", source: str = "self_inspection", photo_keys: list[str] | None = None,
           inspection_result: int | None = None, tz: tzinfo = CHINA) -> StepResult:
    """Report a hazard (随手拍) at a building (and zone), or at a risk point scanned from its notice
    card (its place fills the building and zone, and the hazard names the point). The same form key
    from the same person and school returns the hazard it already made (`created` False) and attaches
    nothing more. `photo_keys` (the keys the person's uploads answered, at most 9) go with the hazard
    and its report step, in the report's transaction: a photo refused refuses the report.
    `inspection_result`: the failed checklist item (of this school) the report was drafted from; the
    item is named reported as this hazard in the same transaction (ledger/commands/inspections.py
    `mark_reported`), so a draft is never reported twice nor left unmarked by a report that was saved."""
    try:
        return _report(session, person, school=school, description=description, client_key=client_key, now=now,
                       building=building, zone=zone, risk_point=risk_point, grade=grade, source=source,
                       photo_keys=photo_keys, inspection_result=inspection_result, tz=tz)
    except BaseException:
        session.rollback()
        raise


def _report(session, person, *, school, description, client_key, now, building, zone, risk_point, grade, source,
            photo_keys, inspection_result, tz) -> StepResult:
    require_role(person, rules.REPORT_ROLES, "report a hazard", "上报隐患")
    client = rules.client_key(client_key)
    school_row = school_in_scope(session, person, school)
    found = _by_client_key(session, school_row, client, person)
    if found is not None:
        return found
    text = rules.free_text(description, what="the description", what_zh="隐患描述", required=True)
    grade = rules.grade(grade)
    if source not in hazard_loop.SOURCES:
        raise refuse(f"hazard source must be one of {', '.join(hazard_loop.SOURCES)}",
                     f"隐患来源应为{'、'.join(hazard_loop.SOURCE_ZH.values())}之一")
    keys = photos.form_keys(photo_keys)
    place_building, place_zone, point = _place(session, school_row, building, zone, risk_point)
    drafted_from = _draft_of(session, school_row, inspection_result)
    code = rules.hazard_code(client, now, tz)
    event_id = rules.event_id(school=school_row.code, code=code, seq=1, action="report")
    try:
        with session.begin_nested():
            hazard = hazards.report_hazard(
                session, school=school_row, code=code, title=rules.title_of(text), found_at=now,
                by=person.username, grade=grade, building_code=place_building.code if place_building else None,
                zone_code=place_zone.code if place_zone else None, source=source, description=text,
                event_id=event_id)
            hazard.client_key, hazard.reported_by_user_id = client, person.user_id
            hazard.risk_point_id = point.id if point else None
            if point is not None and point.unit_id is not None:
                hazard.responsible_unit_id = point.unit_id
            hazard.transitions[0].by_user_id = person.user_id
            alert_outbox.add(session, [_event(session, hazard, school_row.code, "report", 1, now, person)], now=now)
            if keys:  # in the report's savepoint: a photo refused refuses the report
                photos.attach(session, keys=keys, uploaded_by=person.user_id, school=school_row, now=now,
                              hazard=hazard, transition=hazard.transitions[0])
            if drafted_from is not None:  # a draft reported already as another hazard refuses this one
                inspections.mark_reported(session, drafted_from.id, code, now=now)
    except (IntegrityError, hazard_loop.IllegalTransition):
        # The same form, sent twice at once: the other send made it. Its INSERT either collides with
        # this one (IntegrityError), or, committed between this send's look-up by form key and
        # hazards.report_hazard's by code (PostgreSQL's READ COMMITTED sees it there), makes this one
        # a second "report" of that hazard (IllegalTransition). Either way, answer with the hazard made.
        again = _by_client_key(session, school_row, client, person)
        if again is None:
            raise
        return again
    session.commit()
    return StepResult(school_row.code, code, hazard.id, hazard.stage, [event_id])


def _by_client_key(session, school_row, key, person) -> StepResult | None:
    hazard = session.scalar(select(Hazard).where(Hazard.school_id == school_row.id, Hazard.client_key == key))
    if hazard is None:
        return None
    if hazard.reported_by_user_id != person.user_id:
        raise refuse("this form key belongs to another report: open a new form",
                     "这个表单标识已用于他人的上报，请重新打开表单")
    first = hazard.transitions[0].event_id if hazard.transitions else None
    result = StepResult(school_row.code, hazard.code, hazard.id, hazard.stage, [first] if first else [], created=False)
    session.rollback()
    return result


def _draft_of(session, school_row, result_id) -> InspectionResult | None:
    """The failed item of this school a report is drafted from (None: not from a draft)."""
    if result_id is None:
        return None
    row = session.get(InspectionResult, result_id) if isinstance(result_id, int) and \
        not isinstance(result_id, bool) else None
    if row is None or row.result != "fail" or row.inspection.school_id != school_row.id:
        raise refuse(f"no failed inspection item {result_id!r} in this school to report",
                     f"本校没有可上报的不合格检查项 {result_id!r}")
    if row.hazard_code is not None:  # said before its photos are found taken: the reason, not a symptom
        raise refuse(f"this item's hazard was reported already as {row.hazard_code}",
                     f"该项的隐患已上报（{row.hazard_code}）")
    return row


def _place(session, school_row, building, zone, risk_point) -> tuple[Building | None, Zone | None, RiskPoint | None]:
    building = rules.one_line(building, what="building", what_zh="楼宇")
    zone = rules.one_line(zone, what="zone", what_zh="区域")
    point_code = rules.one_line(risk_point, what="risk point", what_zh="风险点")
    point = None
    if point_code is not None:
        point = session.scalar(select(RiskPoint).where(RiskPoint.school_id == school_row.id,
                                                       RiskPoint.code == point_code))
        if point is None or point.retired_on is not None:
            raise refuse(f"no risk point {point_code!r} in this school (or it is retired)",
                         f"本校没有风险点 {point_code!r}（或已撤销）")
        by_point = (session.get(Building, point.building_id) if point.building_id else None,
                    session.get(Zone, point.zone_id) if point.zone_id else None)
        if (building and (by_point[0] is None or by_point[0].code != building)) or \
                (zone and (by_point[1] is None or by_point[1].code != zone)):
            raise refuse("the place chosen is not the risk point's place", "所选位置与风险点的位置不一致")
        return by_point[0], by_point[1], point
    if building is None:
        raise refuse("choose the place: a building (and zone), or scan a risk point's code",
                     "请选择位置：楼宇（及区域），或扫描风险点的二维码")
    found = org.building(session, school_row.id, building)
    if found is None or found.retired_at is not None:
        raise refuse(f"no building {building!r} in this school", f"本校没有楼宇 {building!r}")
    area = org.zone(session, found, zone)
    if zone is not None and (area is None or area.retired_at is not None):
        raise refuse(f"no zone {zone!r} in building {building!r}", f"楼宇 {building!r} 中没有区域 {zone!r}")
    return found, area, None


# -- the steps of the loop ----------------------------------------------------------------------
def assign(session: Session, person: Person, *, school: str, code: str, now: datetime, grade: str,
           responsible_unit: str, responsible_user_id: int, deadline: datetime, requirement: str) -> StepResult:
    """Issue the rectification notice (整改通知): reported → notified, with the grade, the
    responsible unit (a unit of the school) and person (an account whose scope covers the school),
    the deadline (in the future) and the requirement. The school's safety office or an admin."""
    require_role(person, rules.ASSIGN_ROLES, "issue a rectification notice", "下发整改通知")
    grade = rules.grade(grade)
    deadline = rules.future_deadline(deadline, now)
    requirement = rules.free_text(requirement, what="the rectification requirement", what_zh="整改要求",
                                  required=True)

    def check(hazard: Hazard, school_row: OrgUnit) -> Callable[[Hazard], None]:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == (responsible_unit or ""), OrgUnit.kind == "unit",
                                                    OrgUnit.parent_id == school_row.id))
        if unit is None:
            raise refuse(f"no unit {responsible_unit!r} in this school", f"本校没有部门 {responsible_unit!r}")
        chosen = isinstance(responsible_user_id, int) and not isinstance(responsible_user_id, bool)
        worker = session.get(User, responsible_user_id) if chosen else None
        readable = org_scope.readable_schools(session, worker) if worker is not None else frozenset()
        if worker is None or worker.disabled_at is not None or (readable is not None and
                                                                school_row.code not in readable):
            raise refuse("the responsible person must be an active account of this school",
                         "整改责任人须是本校在用的账号")
        unit_id, worker_id, worker_name = unit.id, worker.id, worker.display_name[:64]

        def change(h: Hazard) -> None:
            h.responsible_unit_id, h.responsible_user_id, h.responsible_person = unit_id, worker_id, worker_name
            h.requirement = requirement
        return change

    return _step(session, person, school=school, code=code, action="notify", now=now, note=requirement,
                 check=check, deadline=deadline, grade=grade)


def start(session: Session, person: Person, *, school: str, code: str, now: datetime, note: str = "") -> StepResult:
    """Start rectifying (notified → rectifying): the responsible person, or the school's safety
    office or an admin recording it for them."""
    note = rules.free_text(note, what="the note", what_zh="备注", required=False)
    return _step(session, person, school=school, code=code, action="rectify", now=now, note=note,
                 check=lambda hazard, _: _require_worker(person, hazard))


def feed_back(session: Session, person: Person, *, school: str, code: str, now: datetime, measures: str,
              photo_keys: list[str] | None = None) -> StepResult:
    """Feed back the measures taken (rectifying → feedback), submitted for acceptance: as `start`.
    `photo_keys` (the after-photos this person uploaded) go with the hazard and this step, all or nothing."""
    measures = rules.free_text(measures, what="the measures taken", what_zh="整改措施", required=True)
    keys = photos.form_keys(photo_keys)
    return _step(session, person, school=school, code=code, action="feedback", now=now, note=measures,
                 check=lambda hazard, _: _require_worker(person, hazard), measures=measures, photo_keys=keys)


def accept(session: Session, person: Person, *, school: str, code: str, now: datetime, note: str = "") -> StepResult:
    """Accept the rectification and close the hazard (验收销号): feedback → accepted."""
    require_role(person, rules.ACCEPT_ROLES, "accept or reject a rectification", "验收整改")
    note = rules.free_text(note, what="the note", what_zh="验收意见", required=False)
    return _step(session, person, school=school, code=code, action="accept", now=now, note=note,
                 check=lambda hazard, _: _require_acceptor(session, person, hazard), recheck=note or "合格")


def reject(session: Session, person: Person, *, school: str, code: str, now: datetime, reason: str) -> StepResult:
    """Refuse the rectification with a reason (验收不通过): feedback → rectifying."""
    require_role(person, rules.ACCEPT_ROLES, "accept or reject a rectification", "验收整改")
    reason = rules.free_text(reason, what="the reason", what_zh="不通过的理由", required=True)
    return _step(session, person, school=school, code=code, action="reject", now=now, note=reason,
                 check=lambda hazard, _: _require_acceptor(session, person, hazard), recheck=reason)


def _step(session: Session, person: Person, *, school: str, code: str, action: str, now: datetime, note: str,
          check: Callable[[Hazard, OrgUnit], Callable[[Hazard], None] | None], deadline: datetime | None = None,
          grade: str | None = None, measures: str | None = None, recheck: str | None = None,
          photo_keys: list[str] | None = None) -> StepResult:
    try:
        school_row, hazard = hazard_in_scope(session, person, school, code)
        if hazard.stage != hazard_loop.ACTIONS[action][0]:
            raise StageRefused(hazard.stage, action)
        change = check(hazard, school_row)
        hazard_id, stage, school_code = hazard.id, hazard.stage, school_row.code
        session.rollback()  # the step's own transaction starts with its guarded UPDATE (module doc)
        if session.execute(update(Hazard).where(Hazard.id == hazard_id, Hazard.stage == stage)
                           .values(updated_at=now)).rowcount != 1:
            session.rollback()
            raise StageRefused(session.get(Hazard, hazard_id).stage, action, moved=True)
        hazard = session.get(Hazard, hazard_id, populate_existing=True)
        seq = len(hazard.transitions) + 1
        event_id = rules.event_id(school=school_code, code=hazard.code, seq=seq, action=action)
        step = hazards.transition_hazard(session, hazard=hazard, action=action, by=person.username, at=now,
                                         note=note, event_id=event_id, deadline=deadline, grade=grade,
                                         measures=measures, recheck_result=recheck)
        step.by_user_id = person.user_id
        if photo_keys:  # in the step's transaction: a photo refused refuses the step
            photos.attach(session, keys=photo_keys, uploaded_by=person.user_id, school=school_row, now=now,
                          hazard=hazard, transition=step)
        if change is not None:
            change(hazard)
        alert_outbox.add(session, [_event(session, hazard, school_code, action, seq, now, person)], now=now)
        session.commit()
        return StepResult(school_code, hazard.code, hazard_id, hazard.stage, [event_id])
    except BaseException:
        session.rollback()
        raise


# -- checks -------------------------------------------------------------------------------------
def fed_back_by(session: Session, hazard_id: int) -> list[int | None]:
    """The accounts that fed a hazard back, in any round: none of them accepts it."""
    return list(session.scalars(select(HazardTransition.by_user_id).where(
        HazardTransition.hazard_id == hazard_id, HazardTransition.action == "feedback")))


def require_role(person: Person, roles: frozenset[str], en: str, zh: str) -> None:
    if person.role not in roles:
        raise refuse(f"your role may not {en}", f"您的角色不能{zh}")


def school_in_scope(session: Session, person: Person, code: str) -> OrgUnit:
    if not isinstance(code, str) or not person.reads(code):
        raise org_scope.OutOfScope("this school is outside what you may work on", zh="该学校不在您的工作范围之内")
    found = org.find_school(session, code)
    if found is None:
        raise NotFound(f"no school {code!r}", zh=f"没有学校 {code!r}")
    return found


def hazard_in_scope(session: Session, person: Person, school: str, code: str) -> tuple[OrgUnit, Hazard]:
    school_row = school_in_scope(session, person, school)
    hazard = hazards.find(session, school_id=school_row.id, code=code) if isinstance(code, str) else None
    if hazard is None:
        raise NotFound(f"no hazard {code!r} in this school", zh=f"本校没有隐患 {code!r}")
    return school_row, hazard


def _require_worker(person: Person, hazard: Hazard) -> None:
    if rules.may_work(person, hazard.responsible_user_id):
        return None
    raise refuse("only the hazard's responsible person (or the safety office) records its rectification",
                 "只有隐患的整改责任人（或安全管理部门）才能登记整改")


def _require_acceptor(session: Session, person: Person, hazard: Hazard) -> None:
    if not rules.may_accept(person, hazard.responsible_user_id, fed_back_by(session, hazard.id)):
        raise refuse("the person who rectified a hazard does not accept it: another inspector does",
                     "整改人不能验收自己的整改，须由他人验收")


def _event(session: Session, hazard: Hazard, school: str, action: str, seq: int, now: datetime,
           person: Person) -> dict:
    building = session.get(Building, hazard.building_id) if hazard.building_id else None
    zone = session.get(Zone, hazard.zone_id) if hazard.zone_id else None
    return rules.step_event(event_id=rules.event_id(school=school, code=hazard.code, seq=seq, action=action),
                            action=action, school=school, at=now, code=hazard.code, grade=hazard.grade,
                            title=hazard.title, deadline=hazard.deadline, building=building.code if building else None,
                            zone=zone.code if zone else None, by=person.username)
