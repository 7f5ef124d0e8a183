"""Who is on call (值班表, issue 16): the escalation ladder's question "who is on call for this school
now, at each level", and a week of the roster for the page. Reads only; ledger/oncall.py resolves.

The shifts and the zone default to the shipped shifts file and Asia/Shanghai (kernel/settings.py's
defaults); a caller with settings passes `plan=` (the SHIFTS_FILE's, dashboard/api_duty.shift_plan)
and `tz=` (settings.tz), as the handover report does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import OrgUnit
from ledger.oncall import ELIGIBLE_ROLES, Entry, OnCall, Person, resolve, week_grid, week_of, window_at
from ledger.oncall_rows import entries, people_of_school, person
from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan, ShiftWindow

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=1)
def _default_plan() -> ShiftPlan:
    return ShiftPlan.load(DEFAULT_SHIFTS)


def school(db: Session, school_id_or_code: int | str) -> OrgUnit | None:
    """The school by its id or its code; None when there is no such school."""
    if isinstance(school_id_or_code, int) and not isinstance(school_id_or_code, bool):
        found = db.get(OrgUnit, school_id_or_code)
    else:
        found = db.scalar(select(OrgUnit).where(OrgUnit.code == str(school_id_or_code)))
    return found if found is not None and found.kind == "school" else None


def on_call(db: Session, school_id_or_code: int | str, at: datetime, *, plan: ShiftPlan | None = None,
            tz: ZoneInfo | None = None) -> OnCall | None:
    """Who is on call in the school at the moment `at` (timezone-aware), per level 0, 1, 2, each with
    their ids, usernames and names, a substitute in place of the person set; None for no such school.
    A level nobody is set at holds an empty tuple: the ladder skips on to the next."""
    found = school(db, school_id_or_code)
    if found is None:
        return None
    window = window_at(plan or _default_plan(), at, tz or ZoneInfo(DEFAULT_ZONE))
    return resolve(found.id, found.code, window, entries(db, found.id, window.day, window.day))


def on_call_for(db: Session, school_id: int, window: ShiftWindow) -> OnCall | None:
    """Who was on call for one shift (the handover report's): by its day and shift, not a moment."""
    found = school(db, school_id)
    if found is None:
        return None
    return resolve(found.id, found.code, window, entries(db, found.id, window.day, window.day))


@dataclass(frozen=True)
class Week:
    monday: date
    rows: list[tuple[date, str, dict[int, Entry]]]  # ledger/oncall.week_grid
    shift_names: dict[str, str]  # name -> Chinese name, in order of the day


def week(db: Session, school_code: str, day: date, *, plan: ShiftPlan | None = None) -> Week | None:
    """The roster of the week (Monday to Sunday) holding `day`, every shift a row."""
    found = school(db, school_code)
    if found is None:
        return None
    plan = plan or _default_plan()
    monday = week_of(day)
    rows = week_grid(plan, monday, entries(db, found.id, monday, monday + timedelta(days=6)))
    return Week(monday, rows, {s.name: s.name_zh for s in plan.shifts})


def candidates(db: Session, school_code: str) -> list[tuple[Person, str, tuple[int, ...]]]:
    """The people of the school who may be on call: each with their role and the levels they may take."""
    found = school(db, school_code)
    if found is None:
        return []
    found_people = []
    for user in people_of_school(db, found):
        levels = tuple(level for level, roles in ELIGIBLE_ROLES.items() if user.role in roles)
        if levels:
            found_people.append((person(user), user.role, levels))
    return found_people
