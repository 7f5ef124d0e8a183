"""The on-call roster's writes (值班表, issue 16): set an entry, substitute, clear; each audited in
the same transaction, for a school the admin manages (ledger/commands/risk_points.school_in_scope:
the admin's unit is the school or above it). ledger/oncall.py holds the rules and says why every
level is per shift.

A person is named by username or by display name, and must be of the school
(ledger/oncall_rows.people_of_school) with a role that may take the level (ledger/oncall.ELIGIBLE_ROLES).
Each command answers what it did (`Change.action`), so a page says it truthfully, and a repeat of
the same command changes nothing and says so: a double submit is harmless.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.names import ROLE_NAMES, name_of
from ledger.commands.audit import Actor, record
from ledger.commands.risk_points import school_in_scope
from ledger.errors import LedgerError, NotFound
from ledger.models import OnCallEntry, OrgUnit, User
from ledger.oncall import ELIGIBLE_ROLES, LEVELS, level_name
from ledger.oncall_rows import people_of_school
from ledger.shifts import DEFAULT_SHIFTS, ShiftError, ShiftPlan

# What a command did: the page words each one (dashboard/pages/admin_oncall/text.py).
ACTIONS = ("set", "replaced", "unchanged", "substituted", "substitution_ended", "cleared", "nothing")


@dataclass(frozen=True)
class Change:
    action: str  # ACTIONS
    day: date
    shift: str
    level: int
    person: str | None = None  # the display name now on call at the level (None when cleared)


def role_name(role: str, lang: str) -> str:
    return name_of(ROLE_NAMES, role, "zh" if lang == "zh" else "en")


class PersonProblem(LedgerError):
    """The person named cannot take the level: unknown, ambiguous, not of the school, wrong role."""


def default_plan() -> ShiftPlan:
    return ShiftPlan.load(DEFAULT_SHIFTS)


def shift_name(plan: ShiftPlan, text: str) -> str:
    """A shift's name from its name or its Chinese name (night, 夜班)."""
    try:
        return plan.find((text or "").strip()).name
    except ShiftError:
        names = "、".join(s.name_zh for s in plan.shifts)
        raise LedgerError(f"no shift {text!r}; the shifts are " + ", ".join(plan.names),
                          zh=f"没有班次“{text}”，班次为{names}") from None


def check_level(level: object) -> int:
    if level not in LEVELS or isinstance(level, bool):
        raise LedgerError("the level is 0 (duty officer), 1 (head of security) or 2 (school leadership)",
                          zh="级别为 0（值班员）、1（安全负责人）或 2（校领导）")
    return int(level)


def pick_person(people: list[User], text: str, level: int, school: OrgUnit) -> User:
    """The person of the school named `text` (username first, then display name) who may take `level`."""
    wanted = (text or "").strip()
    if not wanted:
        raise PersonProblem("name the person by username or name", zh="请填写人员的用户名或姓名")
    found = [u for u in people if u.username == wanted.lower()] or [u for u in people if u.display_name == wanted]
    if not found:
        raise PersonProblem(f"{wanted} is nobody of {school.name_en or school.code}",
                            zh=f"{school.name_zh}没有人员“{wanted}”（或已停用）")
    if len(found) > 1:
        raise PersonProblem(f"more than one person of the school is called {wanted}: name them by username",
                            zh=f"本校有多人名为“{wanted}”，请填写用户名")
    user = found[0]
    if user.role not in ELIGIBLE_ROLES[level]:
        allowed_zh = "、".join(role_name(r, "zh") for r in ELIGIBLE_ROLES[level])
        allowed_en = ", ".join(role_name(r, "en") for r in ELIGIBLE_ROLES[level])
        raise PersonProblem(f"{user.display_name}'s role is {role_name(user.role, 'en')}; the "
                            f"{level_name(level, 'en')} must be one of: {allowed_en}",
                            zh=f"{user.display_name}的角色是{role_name(user.role, 'zh')}，"
                               f"{level_name(level)}须为{allowed_zh}")
    return user


def _entry(db: Session, school: OrgUnit, day: date, shift: str, level: int) -> OnCallEntry | None:
    return db.scalar(select(OnCallEntry).where(OnCallEntry.school_id == school.id, OnCallEntry.day == day,
                                               OnCallEntry.shift == shift, OnCallEntry.level == level))


def _target(school: OrgUnit, day: date, shift: str, level: int) -> str:
    return f"oncall:{school.code}/{day.isoformat()}/{shift}/{level}"


def _snapshot(db: Session, entry: OnCallEntry) -> dict:
    user = db.get(User, entry.user_id)
    sub = db.get(User, entry.substitute_id) if entry.substitute_id else None
    return {"person": user.username, "substitute": sub.username if sub else None}


def _place(db, scope, school, day, shift, level, plan) -> tuple[OrgUnit, str, int]:
    found = school_in_scope(db, school, scope)
    if not isinstance(day, date) or isinstance(day, datetime):
        raise LedgerError("the date is a day (YYYY-MM-DD)", zh="日期须为 年-月-日")
    return found, shift_name(plan or default_plan(), shift), check_level(level)


def set_entry(db: Session, *, actor: Actor, scope: str | None, school: str, day: date, shift: str, level: int,
              person: str, now: datetime, plan: ShiftPlan | None = None) -> Change:
    """Put `person` on call at `level` for the shift. Setting someone else drops any substitution (the
    roster now says who is meant to be on call); setting the same person again changes nothing."""
    found, shift, level = _place(db, scope, school, day, shift, level, plan)
    user = pick_person(people_of_school(db, found), person, level, found)
    return put(db, actor=actor, school=found, entry=_entry(db, found, day, shift, level), day=day, shift=shift,
               level=level, user=user, now=now)


def put(db: Session, *, actor: Actor, school: OrgUnit, entry: OnCallEntry | None, day: date, shift: str, level: int,
        user: User, now: datetime) -> Change:
    """set_entry's write, once the school, shift, level and person are checked (the import's too)."""
    if entry is not None and entry.user_id == user.id:
        return Change("unchanged", day, shift, level, user.display_name)
    before = _snapshot(db, entry) if entry is not None else None
    if entry is None:
        entry = OnCallEntry(school_id=school.id, day=day, shift=shift, level=level)
        db.add(entry)
    entry.user_id, entry.set_by, entry.set_at = user.id, actor.name[:64], now
    entry.substitute_id = entry.substituted_by = entry.substituted_at = None
    db.flush()
    record(db, actor=actor, action="oncall.set", target=_target(school, day, shift, level), now=now,
           school=school.code, before=before, after=_snapshot(db, entry))
    return Change("set" if before is None else "replaced", day, shift, level, user.display_name)


def substitute(db: Session, *, actor: Actor, scope: str | None, school: str, day: date, shift: str, level: int,
               person: str, now: datetime, plan: ShiftPlan | None = None) -> Change:
    """`person` takes the shift over from whoever is set: they are on call, the original stays on the
    entry. Naming the original person ends the substitution; naming the same substitute again
    changes nothing."""
    found, shift, level = _place(db, scope, school, day, shift, level, plan)
    entry = _entry(db, found, day, shift, level)
    if entry is None:
        raise NotFound(f"nobody is set as {level_name(level, 'en')} for that shift: set somebody first",
                       zh=f"该班次尚未排{level_name(level)}，请先设置值班人员再顶班")
    user = pick_person(people_of_school(db, found), person, level, found)
    wanted = None if user.id == entry.user_id else user.id
    if entry.substitute_id == wanted:
        return Change("unchanged", day, shift, level, user.display_name)
    before = _snapshot(db, entry)
    entry.substitute_id, entry.substituted_by, entry.substituted_at = wanted, actor.name[:64], now
    db.flush()
    record(db, actor=actor, action="oncall.substitute", target=_target(found, day, shift, level), now=now,
           school=found.code, before=before, after=_snapshot(db, entry))
    return Change("substituted" if wanted else "substitution_ended", day, shift, level, user.display_name)


def clear(db: Session, *, actor: Actor, scope: str | None, school: str, day: date, shift: str, level: int,
          now: datetime, plan: ShiftPlan | None = None) -> Change:
    """Nobody on call at `level` for the shift any more; the audit entry keeps who was."""
    found, shift, level = _place(db, scope, school, day, shift, level, plan)
    return remove(db, actor=actor, school=found, entry=_entry(db, found, day, shift, level), day=day, shift=shift,
                  level=level, now=now)


def remove(db: Session, *, actor: Actor, school: OrgUnit, entry: OnCallEntry | None, day: date, shift: str,
           level: int, now: datetime) -> Change:
    """clear's write (the import's too)."""
    if entry is None:
        return Change("nothing", day, shift, level)
    before = _snapshot(db, entry)
    db.delete(entry)
    db.flush()
    record(db, actor=actor, action="oncall.clear", target=_target(school, day, shift, level), now=now,
           school=school.code, before=before)
    return Change("cleared", day, shift, level)
