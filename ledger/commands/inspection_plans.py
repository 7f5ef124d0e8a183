"""Inspection plans (巡查计划): created, edited and retired by the school's safety office within
its school, each change audited. What a plan is: ledger/models/inspection.py; when it falls due:
ledger/inspection_schedule.py.

Every command takes the signed-in person's user id (never a role or a school the browser sends):
the role is read from the person's account here, and the school must be one they read
(ledger/org_scope.readable_schools). dashboard/roles.py GRANTS gives INSPECTION_PLAN and INSPECT
to the same roles as ledger/inspection_rules.py PLAN_ROLES and INSPECT_ROLES.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import campaign_scope, inspection_schedule, org_scope
from ledger.commands.audit import Actor, changed, record
from ledger.commands.risk_points import one_line, place_in_school
from ledger.commands.users import normal_username
from ledger.errors import LedgerError, NotFound, Words
from ledger.inspection_rules import INSPECT_ROLES, PLAN_ROLES, checklist
from ledger.models import Building, Campaign, InspectionPlan, OrgUnit, RiskPoint, User, Zone
from ledger.models.inspection import CHECKLIST_SOURCES

MAX_ITEMS = 200  # a checklist longer than this is a document, not a round


class InspectionRefused(LedgerError):
    """The person may not do this, or not here: the page shows why (a 403 for a route)."""


# --- who is asking ---

def person(db: Session, user_id: int | None, roles: tuple[str, ...], *, doing: tuple[str, str]) -> User:
    """The signed-in person, if their account is active and has one of `roles`."""
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or user.disabled_at is not None:
        raise InspectionRefused(f"sign in to {doing[0]}", zh=f"请先登录再{doing[1]}")
    if user.role not in roles:
        raise InspectionRefused(f"your role ({user.role}) may not {doing[0]}", zh=f"您的角色不能{doing[1]}")
    return user


def school_for(db: Session, user: User, school: str) -> OrgUnit:
    """The school by its code, if the person reads it; the same refusal for one that does not exist."""
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    readable = org_scope.readable_schools(db, user)
    if found is None or (readable is not None and found.code not in readable):
        raise InspectionRefused(f"school {school!r} is not one of yours", zh=f"学校 {school!r} 不在您的范围内")
    return found


def actor(user: User, ip: str | None) -> Actor:
    return Actor(user.username, user.role, ip)


# --- the plan's form ---

@dataclass(frozen=True)
class PlanForm:
    """What the safety office enters. The place: a risk point's code, or a building's (and a zone's)
    code. The checklist: "risk_point" (its control measures) or "campaign" with the campaign's code.
    Who: a role, or one person's username. `unit`: the unit charged with missed inspections (default:
    the risk point's or the building's). `starts_on`: default the day it is saved."""

    name: str
    frequency: str
    checklist: str = "risk_point"
    risk_point: str | None = None
    building: str | None = None
    zone: str | None = None
    campaign: str | None = None
    assignee_role: str | None = None
    assignee_username: str | None = None
    unit: str | None = None
    starts_on: date | None = None


def _apply(db: Session, plan: InspectionPlan, school: OrgUnit, form: PlanForm) -> None:
    # Checked with autoflush off: a refused edit leaves nothing half-written in the transaction
    # (the caller rolls back the object's changed attributes).
    with db.no_autoflush:
        _apply_form(db, plan, school, form)


def _apply_form(db: Session, plan: InspectionPlan, school: OrgUnit, form: PlanForm) -> None:
    plan.name = one_line(form.name, Words("the plan's name", "计划名称"), limit=200, required=True)
    if form.frequency not in inspection_schedule.FREQUENCIES:
        raise LedgerError(f"frequency must be daily, weekly, monthly or term, not {form.frequency!r}",
                          zh=f"频次应为每日、每周、每月或每学期，而不是 {form.frequency!r}")
    plan.frequency = form.frequency
    if form.checklist not in CHECKLIST_SOURCES:
        raise LedgerError(f"the checklist comes from a risk point or a campaign, not {form.checklist!r}",
                          zh="检查清单须来自风险点的管控措施或专项治理的检查项")
    plan.checklist = form.checklist
    point = None
    if form.risk_point:
        point = db.scalar(select(RiskPoint).where(RiskPoint.school_id == school.id, RiskPoint.code == form.risk_point))
        if point is None or point.retired_on is not None:
            raise LedgerError(f"{school.name_zh} has no risk point {form.risk_point!r}",
                              zh=f"{school.name_zh}没有风险点 {form.risk_point!r}")
    building, zone = place_in_school(db, school, form.building, form.zone)
    if point is not None and point.building_id is not None:
        if building is not None and (building.id, zone and zone.id) != (point.building_id, point.zone_id):
            there = db.get(Building, point.building_id)
            raise LedgerError(f"the risk point {point.code} is in {there.name_zh}: the plan inspects it there",
                              zh=f"风险点 {point.code} 位于{there.name_zh}，计划的地点须与之一致")
        building, zone = db.get(Building, point.building_id), db.get(Zone, point.zone_id) if point.zone_id else None
    if point is None and building is None:
        raise LedgerError("name what is inspected: a risk point, or a building (and a zone)",
                          zh="请选择检查对象：风险点，或楼宇（及区域）")
    plan.risk_point_id = point.id if point else None
    plan.building_id, plan.zone_id = (building.id if building else None), (zone.id if zone else None)
    plan.campaign_id = None
    if form.checklist == "risk_point":
        if point is None:
            raise LedgerError("a checklist of control measures needs its risk point", zh="按管控措施检查须选择风险点")
        if form.campaign:
            raise LedgerError("a campaign's items are a checklist of their own: choose one",
                              zh="专项治理检查项与管控措施只能选其一")
    else:
        campaign = db.scalar(select(Campaign).where(Campaign.code == (form.campaign or "")))
        if campaign is None or not campaign_scope.concerns(campaign, school_type=school.school_type,
                                                            owners=campaign_scope.owners_of(db, school)):
            raise LedgerError(f"no campaign {form.campaign!r} for {school.name_zh}",
                              zh=f"没有适用于{school.name_zh}的专项治理 {form.campaign!r}")
        plan.campaign_id = campaign.id
    items = checklist(db, plan)
    if not items:
        raise LedgerError("the checklist is empty: the risk point has no control measures, or the campaign no items",
                          zh="检查清单为空：该风险点没有管控措施，或该专项治理没有检查项")
    if len(items) > MAX_ITEMS:
        raise LedgerError(f"a checklist has at most {MAX_ITEMS} items", zh=f"检查清单至多 {MAX_ITEMS} 项")
    _assignee(db, plan, school, form)
    unit = None
    if form.unit:
        unit = db.scalar(select(OrgUnit).where(OrgUnit.code == form.unit, OrgUnit.kind == "unit"))
        own = org_scope.school_of(db, unit) if unit is not None else None
        if own is None or own.id != school.id:
            raise LedgerError(f"{school.name_zh} has no unit {form.unit!r}",
                              zh=f"{school.name_zh}没有单位 {form.unit!r}")
    plan.unit_id = (unit.id if unit else point.unit_id if point and point.unit_id
                    else building.unit_id if building else None)


def _assignee(db: Session, plan: InspectionPlan, school: OrgUnit, form: PlanForm) -> None:
    role, username = (form.assignee_role or "").strip() or None, (form.assignee_username or "").strip() or None
    if (role is None) == (username is None):
        raise LedgerError("name who inspects: a role or one person", zh="请指定检查人：一个角色或一个人")
    if role is not None and role not in INSPECT_ROLES:
        raise LedgerError(f"the role {role!r} does not inspect; one of {', '.join(INSPECT_ROLES)}",
                          zh=f"角色 {role!r} 不能做检查")
    if username is not None:
        user = db.scalar(select(User).where(User.username == normal_username(username)))
        readable = org_scope.readable_schools(db, user) if user is not None else frozenset()
        if user is None or user.disabled_at is not None or user.role not in INSPECT_ROLES or \
                (readable is not None and school.code not in readable):
            raise LedgerError(f"{username!r} is no inspector of {school.name_zh}",
                              zh=f"{username!r} 不是{school.name_zh}可做检查的人员")
        username = user.username
    plan.assignee_role, plan.assignee_username = role, username


def snapshot(db: Session, plan: InspectionPlan) -> dict:
    """What the audit log keeps of a plan."""
    def code(model, id_):
        return db.get(model, id_).code if id_ else None
    return {"name": plan.name, "frequency": plan.frequency, "checklist": plan.checklist,
            "risk_point": code(RiskPoint, plan.risk_point_id), "building": code(Building, plan.building_id),
            "zone": code(Zone, plan.zone_id), "campaign": code(Campaign, plan.campaign_id),
            "unit": code(OrgUnit, plan.unit_id), "assignee_role": plan.assignee_role,
            "assignee_username": plan.assignee_username,
            "starts_on": plan.starts_on.isoformat() if plan.starts_on else None,
            "retired_on": plan.retired_on.isoformat() if plan.retired_on else None}


def _target(plan: InspectionPlan) -> str:
    return f"inspection_plan:{plan.id}"


# --- the commands ---

def create_plan(db: Session, *, user_id: int, school: str, form: PlanForm, now: datetime, today: date,
                ip: str | None = None) -> InspectionPlan:
    """A new plan of the school; `today` is the school's local date (settings.tz)."""
    user = person(db, user_id, PLAN_ROLES, doing=("plan inspections", "制定巡查计划"))
    found = school_for(db, user, school)
    if form.starts_on is not None and form.starts_on < today:
        raise LedgerError("a plan cannot start in the past", zh="计划的开始日期不能早于今天")
    plan = InspectionPlan(school_id=found.id, created_by=user.username, created_at=now, updated_at=now,
                          starts_on=form.starts_on or today)
    _apply(db, plan, found, form)
    db.add(plan)
    db.flush()
    record(db, actor=actor(user, ip), action="inspection_plan.create", target=_target(plan), now=now,
           school=found.code, after=snapshot(db, plan))
    return plan


def find_plan(db: Session, user: User, plan_id: int) -> tuple[InspectionPlan, OrgUnit]:
    """The plan and its school, if the person reads the school; NotFound alike for one they do not."""
    plan = db.get(InspectionPlan, plan_id)
    school = db.get(OrgUnit, plan.school_id) if plan is not None else None
    readable = org_scope.readable_schools(db, user)
    if plan is None or (readable is not None and school.code not in readable):
        raise NotFound(f"no inspection plan {plan_id}", zh=f"没有巡查计划 {plan_id}")
    return plan, school


def update_plan(db: Session, *, user_id: int, plan_id: int, form: PlanForm, now: datetime, today: date,
                ip: str | None = None) -> InspectionPlan:
    """Change a plan. Inspections already started keep their period and items. Once a plan has
    begun (its start is today or earlier), its frequency and start stay: changing them would move
    or erase periods already owed, so the office retires it and makes a new one instead."""
    user = person(db, user_id, PLAN_ROLES, doing=("plan inspections", "制定巡查计划"))
    plan, school = find_plan(db, user, plan_id)
    if plan.retired_on is not None:
        raise LedgerError("a retired plan is kept as it was", zh="已停用的计划不能修改")
    begun = plan.starts_on <= today
    if begun and (form.frequency != plan.frequency or (form.starts_on not in (None, plan.starts_on))):
        raise LedgerError("a plan that has begun keeps its frequency and start: retire it and make a new one",
                          zh="已开始执行的计划不能改频次或开始日期，请停用后新建计划")
    if form.starts_on is not None and form.starts_on < today and form.starts_on != plan.starts_on:
        raise LedgerError("a plan cannot start in the past", zh="计划的开始日期不能早于今天")
    before = snapshot(db, plan)
    _apply(db, plan, school, form)
    if form.starts_on is not None:
        plan.starts_on = form.starts_on
    plan.updated_at = now
    after = snapshot(db, plan)
    old, new = changed(before, after)
    if new:
        record(db, actor=actor(user, ip), action="inspection_plan.update", target=_target(plan), now=now,
               school=school.code, before=old, after=new)
    db.flush()
    return plan


def retire_plan(db: Session, *, user_id: int, plan_id: int, today: date, now: datetime,
                ip: str | None = None) -> InspectionPlan:
    """Stop a plan from `today` (local date): the periods that ended before stay owed (done, late or
    missed), the current one counts only if its inspection was signed, later ones are not owed.
    Retiring twice answers that it is retired and writes nothing."""
    user = person(db, user_id, PLAN_ROLES, doing=("plan inspections", "制定巡查计划"))
    plan, school = find_plan(db, user, plan_id)
    if plan.retired_on is not None:
        raise LedgerError(f"the plan was retired on {plan.retired_on.isoformat()}",
                          zh=f"该计划已于 {plan.retired_on.isoformat()} 停用")
    plan.retired_on = max(today, plan.starts_on)
    plan.updated_at = now
    record(db, actor=actor(user, ip), action="inspection_plan.retire", target=_target(plan), now=now,
           school=school.code, before={"retired_on": None}, after={"retired_on": plan.retired_on.isoformat()})
    db.flush()
    return plan
