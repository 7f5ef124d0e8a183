""""My work" (我的待办): what waits for a person in the hazard loop, by what they are to it, with
the due-soon and overdue figures; and the hazards they reported. Read only: the steps are the
ledger's commands (ledger/commands/hazard_work.py), which hold each one to the same rules.

- The safety office (and admins): new reports to assign; feedback to accept.
- Inspectors: feedback to accept.
- Anyone a hazard names as its responsible person: notices to start; rectifications in progress.
- A district officer (leader or admin whose unit lies above schools): the major hazards of its
  schools not yet listed for supervision, and the ones listed, by the supervision's own deadline.

Feedback a person rectified themselves (the responsible person, or whoever fed it back) is not
theirs to accept (the command refuses it), so it is not on their list. Due soon and overdue are
`ledger.hazard_loop.deadline_status`, as everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from ledger import hazard_loop, org_scope
from ledger import hazard_work_rules as rules
from ledger.hazard_work_rules import Person
from ledger.models import Building, Hazard, HazardTransition, OrgUnit, User, UserSchool

# The lists, in the order a phone shows them, with their names (zh, en).
KINDS: dict[str, tuple[str, str]] = {
    "to_assign": ("待下发整改通知", "New reports to assign"),
    "to_start": ("待开始整改", "Notices to start"),
    "in_rectification": ("整改中", "Rectifications in progress"),
    "to_accept": ("待验收", "Feedback to accept"),
    "to_supervise": ("重大隐患（未督办）", "Major hazards not yet supervised"),
    "supervised": ("挂牌督办中", "Listed for supervision"),
}
LIMIT = 50
ABOVE_SCHOOLS = frozenset({"province", "city", "district"})  # units whose people supervise


@dataclass(frozen=True)
class WorkItem:
    school: str
    school_zh: str
    code: str
    title: str
    grade: str
    stage: str
    building: str | None  # code
    building_zh: str | None
    found_at: datetime
    deadline: datetime | None  # the notice's; for supervision lists, the supervision's own
    overdue: bool
    due_soon: bool
    days_left: float | None
    responsible_person: str | None
    supervised: bool


@dataclass(frozen=True)
class WorkList:
    kind: str  # a key of KINDS
    items: list[WorkItem]  # most urgent first, at most `limit`
    total: int
    overdue: int
    due_soon: int

    def name(self, lang: str) -> str:
        return KINDS[self.kind][0 if lang == "zh" else 1]


def my_work(session: Session, person: Person, *, now: datetime, due_soon_days: float,
            limit: int = LIMIT) -> list[WorkList]:
    """The person's lists, only those their role and place give them (an empty list is kept: a
    page says "nothing waits"), in the order of KINDS."""
    mine = Hazard.responsible_user_id == person.user_id
    wanted: dict[str, tuple] = {}
    if person.role in rules.ASSIGN_ROLES:
        wanted["to_assign"] = (Hazard.stage == "reported",)
    wanted["to_start"] = (Hazard.stage == "notified", mine)
    wanted["in_rectification"] = (Hazard.stage == "rectifying", mine)
    if person.role in rules.ACCEPT_ROLES:
        fed_back = exists().where(HazardTransition.hazard_id == Hazard.id, HazardTransition.action == "feedback",
                                  HazardTransition.by_user_id == person.user_id)
        wanted["to_accept"] = (Hazard.stage == "feedback", ~fed_back,
                               (Hazard.responsible_user_id != person.user_id) | Hazard.responsible_user_id.is_(None))
    if person.role in rules.SUPERVISE_ROLES and _above_schools(session, person):
        open_major = (Hazard.grade == "major", Hazard.stage != hazard_loop.CLOSED)
        wanted["to_supervise"] = (*open_major, Hazard.supervised_at.is_(None))
        wanted["supervised"] = (*open_major, Hazard.supervised_at.is_not(None))
    return [_list(session, person, kind, conditions, now=now, due_soon_days=due_soon_days, limit=limit)
            for kind, conditions in wanted.items()]


def my_reports(session: Session, person: Person, *, now: datetime, due_soon_days: float,
               limit: int = LIMIT) -> list[WorkItem]:
    """The hazards the person reported, newest first, whatever their stage."""
    rows = session.execute(_select(person).where(Hazard.reported_by_user_id == person.user_id)
                           .order_by(Hazard.found_at.desc(), Hazard.id.desc()).limit(limit))
    return [_item(row, now, due_soon_days, supervision=False) for row in rows]


def readable_hazard(session: Session, person: Person, school: str, code: str) -> tuple[OrgUnit, Hazard] | None:
    """The school and the hazard `code` of it, if the person reads the school; else None (never which)."""
    if not isinstance(school, str) or not isinstance(code, str) or not person.reads(school):
        return None
    school_row = session.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    hazard = session.scalar(select(Hazard).where(Hazard.school_id == school_row.id, Hazard.code == code)) \
        if school_row is not None else None
    return None if hazard is None else (school_row, hazard)


def steps_open_to(session: Session, person: Person, *, school: str, code: str) -> tuple[str, ...] | None:
    """The steps the person may take on this hazard now (`notify`, `rectify`, `feedback`, `accept`,
    `reject`, `supervise`): the buttons a page shows. None when the hazard is not one they read.
    The same predicates as the commands (ledger/hazard_work_rules.py), which check again."""
    found = readable_hazard(session, person, school, code)
    if found is None:
        return None
    school_row, hazard = found
    fed_back_by = session.scalars(select(HazardTransition.by_user_id).where(
        HazardTransition.hazard_id == hazard.id, HazardTransition.action == "feedback"))
    above = rules.above_school(person, (a.code for a in org_scope.ancestors(session, school_row)))
    return rules.steps_open_to(person, stage=hazard.stage, grade=hazard.grade,
                               responsible_user_id=hazard.responsible_user_id, fed_back_by=fed_back_by,
                               supervised=hazard.supervised_at is not None, above_school=above)


def responsible_candidates(session: Session, school: str) -> list[tuple[int, str, str]]:
    """(user id, display name, role) of the active accounts whose scope covers the school, by name:
    whom a rectification notice may name (the command checks each with ledger.org_scope): people of
    the school and the units below it, of the units above it, listed for it, or over every school."""
    row = session.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if row is None:
        return []
    units = {row.id} | org_scope.descendant_ids(session, row.id) | {a.id for a in org_scope.ancestors(session, row)}
    listed = select(UserSchool.user_id).where(UserSchool.school == school)
    query = (select(User.id, User.display_name, User.role)
             .where(User.disabled_at.is_(None),
                    User.unit_id.in_(sorted(units)) | User.id.in_(listed)
                    | (User.all_schools & User.unit_id.is_(None)))
             .order_by(User.display_name, User.id))
    return [(user_id, name, role) for user_id, name, role in session.execute(query)]


def _above_schools(session: Session, person: Person) -> bool:
    if person.unit is None:
        return person.schools is None
    kind = session.scalar(select(OrgUnit.kind).where(OrgUnit.code == person.unit))
    return kind in ABOVE_SCHOOLS


_School = aliased(OrgUnit)


def _select(person: Person):
    query = (select(_School.code, _School.name_zh, Hazard.code, Hazard.title, Hazard.grade, Hazard.stage, Building.code,
                    Building.name_zh, Hazard.found_at, Hazard.deadline, Hazard.supervision_deadline,
                    Hazard.responsible_person, Hazard.supervised_at)
             .join(_School, _School.id == Hazard.school_id).outerjoin(Building, Building.id == Hazard.building_id))
    if person.schools is not None:
        query = query.where(_School.code.in_(sorted(person.schools)))
    return query


def _item(row, now: datetime, due_soon_days: float, *, supervision: bool) -> WorkItem:
    (school, school_zh, code, title, grade, stage, building, building_zh, found_at, deadline, supervision_deadline,
     responsible, supervised_at) = row
    due = supervision_deadline if supervision else deadline
    status = hazard_loop.deadline_status(stage, due, now, due_soon_days=due_soon_days)
    return WorkItem(school, school_zh, code, title, grade, stage, building, building_zh, found_at, due, status.overdue,
                    status.due_soon, status.days_left, responsible, supervised_at is not None)


def _list(session: Session, person: Person, kind: str, conditions: tuple, *, now: datetime, due_soon_days: float,
          limit: int) -> WorkList:
    rows = session.execute(_select(person).where(*conditions))
    items = [_item(row, now, due_soon_days, supervision=kind == "supervised") for row in rows]
    # Overdue first (the longest overdue at the top), then the nearest deadline, then the oldest report.
    items.sort(key=lambda i: (not i.overdue, i.deadline is None, i.deadline or now, i.found_at, i.code))
    return WorkList(kind, items[:limit], len(items), sum(i.overdue for i in items), sum(i.due_soon for i in items))
