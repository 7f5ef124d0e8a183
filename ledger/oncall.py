"""The on-call roster's rules (值班表, issue 16), pure: the levels, who may take each, and which
roster entries hold at a moment. queries/ledger/oncall.py reads the rows; the escalation ladder asks
`on_call` there "who is on call for this school now, at each level".

Levels follow ledger/alert_deadlines.toml's escalation: 0 the duty officer (值班员), 1 the head of
security (安全负责人), 2 school leadership (校领导). Every level is set per shift, not per day: a
school that has one leader on call for the whole day names them on each shift of that day (the
import's 班次 column takes 全天 for that), and one whose head of security hands over at 20:00 with
the duty officers can say so. One model for the three levels also keeps the ladder's question one
lookup: the shift a moment falls in (ledger/shifts.py, in the school's zone, a night shift crossing
midnight belonging to the day it starts on), then its entries.

A substitution (a person swaps a shift) keeps the original on the entry: the substitute is on call.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ledger.shifts import ShiftPlan, ShiftWindow

LEVELS: tuple[int, ...] = (0, 1, 2)
LEVEL_NAMES: dict[int, tuple[str, str]] = {0: ("值班员", "duty officer"), 1: ("安全负责人", "head of security"),
                                           2: ("校领导", "school leadership")}
# The roles that may take each level. Level 0 must be able to acknowledge an alert on the duty console
# (dashboard/roles.py ALERT_HANDLE: duty officers and admins); level 1 is the safety office's head or
# a senior duty officer; level 2 a school leader. Inspectors and reporters read no console.
ELIGIBLE_ROLES: dict[int, tuple[str, ...]] = {0: ("duty", "admin"), 1: ("safety", "duty", "admin"),
                                              2: ("leader",)}
ALL_DAY = ("全天", "all", "all day")  # the import's 班次 for every shift of the day


def level_name(level: int, lang: str = "zh") -> str:
    zh, en = LEVEL_NAMES[level]
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    name: str  # the display name: 张三


@dataclass(frozen=True)
class Entry:
    """One roster entry as read: who was set, and who took it over (None: nobody swapped)."""

    day: date
    shift: str  # the shift's name: day, night
    level: int
    person: Person
    set_by: str
    set_at: datetime
    substitute: Person | None = None
    substituted_by: str | None = None
    substituted_at: datetime | None = None

    @property
    def on_call(self) -> Person:
        return self.substitute or self.person


@dataclass(frozen=True)
class Duty:
    """Who is on call at one level: the person, and the one they stand in for (None: as set)."""

    level: int
    person: Person
    standing_in_for: Person | None = None


@dataclass(frozen=True)
class OnCall:
    """Who is on call in a school for one shift. `levels` maps every level to its people on call
    (an empty tuple: nobody is set at that level, and the ladder goes on to the next)."""

    school_id: int
    school: str  # the school's code
    window: ShiftWindow
    levels: dict[int, tuple[Duty, ...]] = field(default_factory=dict)

    def people(self, level: int) -> tuple[Person, ...]:
        return tuple(d.person for d in self.levels.get(level, ()))

    @property
    def nobody(self) -> bool:
        return not any(self.levels.values())

    def as_dict(self) -> dict:
        """For the handover report and the API: plain values, levels in order."""
        return {"day": self.window.day.isoformat(), "shift": self.window.shift.name,
                "levels": [{"level": level, "people": [
                    {"id": d.person.id, "username": d.person.username, "name": d.person.name,
                     "standing_in_for": d.standing_in_for.name if d.standing_in_for else None}
                    for d in self.levels.get(level, ())]} for level in LEVELS]}


def window_at(plan: ShiftPlan, at: datetime, tz: ZoneInfo) -> ShiftWindow:
    """The shift a moment falls in, in the school's zone: 02:00 on the 25th is the night shift of the
    24th. A naive moment is refused: the ladder runs on UTC moments."""
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: say which moment (UTC or the school's zone)")
    return plan.current_shift(at, tz)


def resolve(school_id: int, school: str, window: ShiftWindow, entries: Iterable[Entry]) -> OnCall:
    """Who is on call in the shift `window`: the entries of its day and shift, each level's substitute
    in place of the person set. Entries of other shifts are ignored, so a caller may pass a few days'."""
    levels: dict[int, list[Duty]] = {level: [] for level in LEVELS}
    for entry in entries:
        if entry.day != window.day or entry.shift != window.shift.name or entry.level not in levels:
            continue
        levels[entry.level].append(Duty(entry.level, entry.on_call, entry.person if entry.substitute else None))
    return OnCall(school_id, school, window, {level: tuple(found) for level, found in levels.items()})


def week_of(day: date) -> date:
    """The Monday of the week a day lies in: the roster page shows a week from Monday."""
    return day - timedelta(days=day.weekday())


def week_grid(plan: ShiftPlan, monday: date, entries: Iterable[Entry]) -> list[tuple[date, str, dict[int, Entry]]]:
    """The rows of a week's roster: each day's shifts in order of the day, with its entries by level."""
    found = {(e.day, e.shift, e.level): e for e in entries}
    rows = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        for shift in plan.shifts:
            rows.append((day, shift.name, {level: found[(day, shift.name, level)] for level in LEVELS
                                           if (day, shift.name, level) in found}))
    return rows


def flat(found: OnCall | None) -> list[dict]:
    """Who is on call as a flat list, level by level: the handover report's `on_call` (names, not the
    accounts' ids: the report is read by every screen of the duty console)."""
    if found is None:
        return []
    return [{"level": level, "username": d.person.username, "name": d.person.name,
             "standing_in_for": d.standing_in_for.name if d.standing_in_for else None}
            for level in LEVELS for d in found.levels.get(level, ())]


def duty_line(people: list[dict], lang: str = "zh") -> str:
    """"张三（值班员）· 李四（安全负责人）· 王五（校领导）" from `flat`'s list; a substitute says whom they
    stand in for. Names stay text: the page renders the line as text."""
    if not people:
        return "未排班" if lang == "zh" else "nobody on the roster"
    parts = []
    for p in people:
        role = level_name(p["level"], lang)
        if p.get("standing_in_for"):
            role += f"，顶替{p['standing_in_for']}" if lang == "zh" else f", for {p['standing_in_for']}"
        parts.append(f"{p['name']}（{role}）" if lang == "zh" else f"{p['name']} ({role})")
    return ("· " if lang == "zh" else " · ").join(parts)
