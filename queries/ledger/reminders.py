"""What the reminder sweep reads (issue 16): one query per kind for every school of the ledger, never
one per hazard; the digest's figures from the leadership overview's own reads, so a leader's
morning message says what /lead says. The rules are ledger/reminders.py, the sweep streams/reminders.py.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ledger import inspection_schedule as schedule
from ledger import notify_policy
from ledger import reminders as rules
from ledger.models import Building, Hazard, HazardTransition, InspectionPlan, NotifyPolicy, OrgUnit, ReminderMark, User
from queries.ledger import alerts, drills, inspections, lead_overview

CHUNK = 500  # keys per IN (...): well under every back-end's limit on bound parameters
POLICY_UNITS = ("province", "city", "district", "school")


@dataclass(frozen=True)
class School:
    id: int
    code: str
    name_zh: str
    policy: notify_policy.Policy


def schools(db: Session) -> list[School]:
    """Every school with the policy that holds for it (its own row, else the nearest unit above it:
    queries.ledger.notify_policy.holding's walk, for all schools from two queries)."""
    units = {uid: (parent, code, kind, name) for uid, parent, code, kind, name in db.execute(
        select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.code, OrgUnit.kind, OrgUnit.name_zh)
        .where(OrgUnit.kind.in_(POLICY_UNITS)))}
    rows = {r.unit_id: notify_policy.from_row(r.quiet_start, r.quiet_end, r.reminder_days, r.reminder_at, r.digest_at)
            for r in db.scalars(select(NotifyPolicy))}
    found = []
    for uid, (_, code, kind, name) in sorted(units.items()):
        if kind != "school":
            continue
        policy, node, seen = notify_policy.DEFAULT, uid, set()
        while node is not None and node not in seen:  # a cycle in a hand-edited tree ends the walk
            seen.add(node)
            if node in rows:
                policy = rows[node]
                break
            node = units.get(node, (None,))[0]
        found.append(School(uid, code, name, policy))
    return found


def staff(db: Session) -> list[rules.Staff]:
    """The active accounts of the safety office, inspectors and leaders, with their units."""
    return [rules.Staff(uid, role, unit) for uid, role, unit in db.execute(
        select(User.id, User.role, User.unit_id)
        .where(User.role.in_((*rules.ACCEPTORS, rules.LEADER)), User.disabled_at.is_(None), User.unit_id.is_not(None))
        .order_by(User.id))]


def active(db: Session, ids: Iterable[int | None]) -> set[int]:
    """Which of these accounts are active (a responsible person disabled since is not reminded)."""
    wanted = sorted({i for i in ids if i is not None})
    found: set[int] = set()
    for n in range(0, len(wanted), CHUNK):
        found |= set(db.scalars(select(User.id).where(User.id.in_(wanted[n:n + CHUNK]), User.disabled_at.is_(None))))
    return found


def marked(db: Session, keys: Iterable[str]) -> set[str]:
    """The reminder keys already sent (ledger.models.ReminderMark)."""
    wanted = sorted(set(keys))
    found: set[str] = set()
    for n in range(0, len(wanted), CHUNK):
        found |= set(db.scalars(select(ReminderMark.key).where(ReminderMark.key.in_(wanted[n:n + CHUNK]))))
    return found


@dataclass(frozen=True)
class DueHazard:
    id: int
    school_id: int
    code: str
    title: str
    grade: str
    stage: str
    place: str | None  # the building's Chinese name
    deadline: datetime
    responsible_user_id: int | None
    responsible_unit_id: int | None


def hazards_with_deadlines(db: Session, *, until: datetime) -> list[DueHazard]:
    """Hazards whose work is not done (reported, notified, rectifying) with a deadline before `until`
    (no point of a later deadline can be due yet): one query for every school."""
    return [DueHazard(*row) for row in db.execute(
        select(Hazard.id, Hazard.school_id, Hazard.code, Hazard.title, Hazard.grade, Hazard.stage, Building.name_zh,
               Hazard.deadline, Hazard.responsible_user_id, Hazard.responsible_unit_id)
        .outerjoin(Building, Building.id == Hazard.building_id)
        .where(Hazard.stage.in_(rules.WORK_STAGES), Hazard.deadline.is_not(None), Hazard.deadline <= until)
        .order_by(Hazard.id))]


@dataclass(frozen=True)
class Waiting:
    """A rectification fed back and waiting for acceptance; `feedback_id`: its latest feedback step."""

    id: int
    school_id: int
    code: str
    title: str
    grade: str
    place: str | None
    responsible_user_id: int | None
    reported_by_user_id: int | None
    feedback_id: int
    since: datetime
    fed_back_by: frozenset[int]


def awaiting_acceptance(db: Session) -> list[Waiting]:
    """Every hazard in feedback, with its latest feedback step and who fed it back: one query."""
    rows = db.execute(
        select(Hazard.id, Hazard.school_id, Hazard.code, Hazard.title, Hazard.grade, Building.name_zh,
               Hazard.responsible_user_id, Hazard.reported_by_user_id, HazardTransition.id, HazardTransition.at,
               HazardTransition.by_user_id)
        .join(HazardTransition, and_(HazardTransition.hazard_id == Hazard.id, HazardTransition.action == "feedback"))
        .outerjoin(Building, Building.id == Hazard.building_id)
        .where(Hazard.stage == "feedback").order_by(Hazard.id, HazardTransition.id))
    found: dict[int, Waiting] = {}
    for (hid, school_id, code, title, grade, place, responsible, reporter, step, at, by) in rows:
        before = found.get(hid)
        fed_back = (before.fed_back_by if before else frozenset()) | ({by} if by is not None else set())
        found[hid] = Waiting(hid, school_id, code, title, grade, place, responsible, reporter, step, at, fed_back)
    return list(found.values())


def digest_figures(db: Session, *, school_id: int, now: datetime, tz: ZoneInfo,
                   term_starts=schedule.DEFAULT_TERM_STARTS) -> rules.DigestFigures:
    """The school's morning figures: hazards found yesterday (local day), open / overdue / open major
    hazards (lead_overview's, as /lead counts them), open alerts (the wall's), this month's missed
    inspections (queries/ledger/inspections.school_figures; None for a school without plans)."""
    totals = lead_overview.hazard_totals(lead_overview.building_figures(db, school_id=school_id, now=now,
                                                                        due_soon_days=0))
    today = rules.local_day(now, tz)
    start, end = schedule.local_midnight(today - timedelta(days=1), tz), schedule.local_midnight(today, tz)
    new, major = db.execute(
        select(func.count(), func.coalesce(func.sum(case((Hazard.grade == "major", 1), else_=0)), 0))
        .where(Hazard.school_id == school_id, Hazard.found_at >= start, Hazard.found_at < end)).one()
    open_alerts = alerts.figures(db, school_id=school_id)
    has_plans = db.scalar(select(func.count()).select_from(InspectionPlan)
                          .where(InspectionPlan.school_id == school_id)) > 0
    missed = inspections.school_figures(db, school_id=school_id, now=now, tz=tz,
                                        term_starts=term_starts)["month_missed"] if has_plans else None
    return rules.DigestFigures(int(new), int(major), totals["overdue"], totals["major"], totals["open"],
                               open_alerts["open"], open_alerts["open_by_severity"].get("critical", 0), missed)


def schools_without_drill(db: Session, school_ids: Iterable[int], term: schedule.Period, *, today: date,
                          term_starts=schedule.DEFAULT_TERM_STARTS) -> dict[int, bool]:
    """Of these schools, those with no drill recorded in the term so far -> whether they also lack a
    training in the last year (art. 9). From queries/ledger/drills.drill_facts: read as of the term's
    end, the term under way is judged on the drills held so far (none can be recorded ahead)."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    label = f"{term.start.isoformat()}至{term.last_day.isoformat()}"  # as ledger.drills.terms_without_drill names it
    facts = drills.drill_facts(db, owner="school", ids=ids, year=term.last_day.year, as_of_day=term.end,
                               term_starts=term_starts)
    without = [i for i in ids if label in facts[i][1]]
    trained = drills.drill_facts(db, owner="school", ids=without, year=today.year, as_of_day=today + timedelta(days=1),
                                 term_starts=term_starts) if without else {}
    return {i: trained[i][0] is not None for i in without}
