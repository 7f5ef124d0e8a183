"""What the safety office's plan page reads: a school's inspection plans, and the choices its form
offers (risk points, buildings and zones, campaigns, units, the people who may inspect).

Both take the signed-in person's user id and answer only for a school the person reads (None
otherwise), so the page cannot be asked for another school's plans.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import campaign_scope, org_scope
from ledger.inspection_rules import INSPECT_ROLES, checklist, measure_lines
from ledger.models import Building, Campaign, InspectionPlan, OrgUnit, RiskPoint, User, Zone
from queries.ledger.inspections import Place, place_of


def _school(db: Session, user_id: int | None, school: str) -> OrgUnit | None:
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or user.disabled_at is not None:
        return None
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    readable = org_scope.readable_schools(db, user)
    return None if found is None or (readable is not None and found.code not in readable) else found


@dataclass(frozen=True)
class PlanRow:
    plan_id: int
    name: str
    frequency: str
    place: Place
    checklist: str  # risk_point | campaign
    campaign: str | None
    campaign_name: str | None
    items: list[str]  # the checklist as it stands now
    assignee_role: str | None
    assignee_username: str | None
    assignee_name: str | None
    unit: str | None
    unit_name: str | None
    starts_on: date
    retired_on: date | None


def school_plans(db: Session, *, user_id: int, school: str, retired: bool = False) -> list[PlanRow] | None:
    """The school's plans (the retired ones too when asked), by name; None: not a school of the person."""
    found = _school(db, user_id, school)
    if found is None:
        return None
    query = select(InspectionPlan).where(InspectionPlan.school_id == found.id)
    if not retired:
        query = query.where(InspectionPlan.retired_on.is_(None))
    rows = []
    for plan in db.scalars(query.order_by(InspectionPlan.name, InspectionPlan.id)):
        campaign = db.get(Campaign, plan.campaign_id) if plan.campaign_id else None
        unit = db.get(OrgUnit, plan.unit_id) if plan.unit_id else None
        person = db.scalar(select(User).where(User.username == plan.assignee_username)) \
            if plan.assignee_username else None
        rows.append(PlanRow(plan.id, plan.name, plan.frequency, place_of(db, plan), plan.checklist,
                            campaign and campaign.code, campaign and campaign.name_zh, checklist(db, plan),
                            plan.assignee_role, plan.assignee_username, person and person.display_name,
                            unit and unit.code, unit and unit.name_zh, plan.starts_on, plan.retired_on))
    return rows


@dataclass(frozen=True)
class PlanChoices:
    """(code, name) pairs for the form's lists; a risk point also says how many checklist items its
    measures make (0: it cannot be planned by its measures), a building its zones."""

    risk_points: list[tuple[str, str, int]]
    buildings: list[tuple[str, str, list[tuple[str, str]]]]
    campaigns: list[tuple[str, str, int]]
    units: list[tuple[str, str]]
    roles: tuple[str, ...]
    people: list[tuple[str, str, str]]  # (username, display name, role)


def plan_choices(db: Session, *, user_id: int, school: str) -> PlanChoices | None:
    found = _school(db, user_id, school)
    if found is None:
        return None
    points = [(p.code, p.name, len(measure_lines(p.control_measures)))
              for p in db.scalars(select(RiskPoint).where(RiskPoint.school_id == found.id,
                                                          RiskPoint.retired_on.is_(None)).order_by(RiskPoint.code))]
    buildings = []
    for building in db.scalars(select(Building).where(Building.school_id == found.id, Building.retired_at.is_(None))
                               .order_by(Building.code)):
        zones = [(z.code, z.name_zh) for z in db.scalars(select(Zone).where(Zone.building_id == building.id,
                                                                            Zone.retired_at.is_(None)))]
        buildings.append((building.code, building.name_zh, zones))
    owners = campaign_scope.owners_of(db, found)
    campaigns = [(c.code, c.name_zh, len(c.items)) for c in db.scalars(select(Campaign).order_by(Campaign.code))
                 if campaign_scope.concerns(c, school_type=found.school_type, owners=owners)]
    units = [(u.code, u.name_zh) for u in db.scalars(select(OrgUnit).where(
        OrgUnit.id.in_(org_scope.descendant_ids(db, found.id)), OrgUnit.kind == "unit").order_by(OrgUnit.code))]
    people = []
    for user in db.scalars(select(User).where(User.role.in_(INSPECT_ROLES), User.disabled_at.is_(None))
                           .order_by(User.username)):
        readable = org_scope.readable_schools(db, user)
        if readable is None or found.code in readable:
            people.append((user.username, user.display_name, user.role))
    return PlanChoices(points, buildings, campaigns, units, INSPECT_ROLES, people)
