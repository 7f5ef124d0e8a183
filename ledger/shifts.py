"""Duty shifts (交接班): which shift a moment falls in and when a shift runs. Pure.

The shifts come from ledger/shifts.toml, in the school's local time. A shift whose end is not
after its start runs over midnight and belongs to the day it starts on, so "the night shift of
24 November" is 24 November 20:00 to 25 November 08:00. Windows are half-open, [start, end):
a moment at 20:00 sharp belongs to the night shift, never to both.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DEFAULT_SHIFTS = Path(__file__).resolve().parent / "shifts.toml"
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


class ShiftError(ValueError):
    """The shifts file is not usable, or a shift asked for does not exist."""


@dataclass(frozen=True)
class Shift:
    name: str  # what ?shift= takes: "day", "night"
    name_zh: str  # what the screens show: 白班, 夜班
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class ShiftWindow:
    """One shift on one day: the day it starts on and its [start, end) in the school's zone."""

    shift: Shift
    day: date
    start: datetime
    end: datetime

    @property
    def name(self) -> str:
        return self.shift.name

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class ShiftPlan:
    """The school's shifts, in the order of the day (the first starts earliest)."""

    shifts: tuple[Shift, ...]

    @classmethod
    def load(cls, path: str | Path = DEFAULT_SHIFTS) -> ShiftPlan:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
        return cls.from_mapping(raw)

    @classmethod
    def from_mapping(cls, raw: dict) -> ShiftPlan:
        entries = raw.get("shift")
        if not isinstance(entries, list) or not entries:
            raise ShiftError("the shifts file needs at least one [[shift]]")
        shifts = [_shift(n, entry) for n, entry in enumerate(entries, start=1)]
        for attr in ("name", "name_zh"):
            seen = [getattr(s, attr) for s in shifts]
            if len(set(seen)) != len(seen):
                raise ShiftError(f"shift {attr}s must differ: {', '.join(seen)}")
        shifts.sort(key=lambda s: s.start)
        # Each shift ends where the next begins (the last where the first begins): then the
        # shifts cover the 24 hours once, so every moment has exactly one shift.
        for here, after in zip(shifts, shifts[1:] + shifts[:1]):
            if here.end != after.start:
                raise ShiftError(f"shift {here.name!r} ends at {here.end:%H:%M} but the next shift "
                                 f"{after.name!r} starts at {after.start:%H:%M}: shifts must cover the "
                                 "day without gaps or overlaps")
        return cls(tuple(shifts))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.shifts)

    def find(self, name: str) -> Shift:
        """A shift by its name or its Chinese name ("night" or "夜班")."""
        for shift in self.shifts:
            if name in (shift.name, shift.name_zh):
                return shift
        raise ShiftError(f"no shift {name!r}; the shifts are "
                         + ", ".join(f"{s.name} ({s.name_zh})" for s in self.shifts))

    def shift_window(self, day: date, name: str, tz: ZoneInfo) -> ShiftWindow:
        """The shift `name` that starts on `day` (local): its start and end in `tz`."""
        shift = self.find(name)
        end_day = day + timedelta(days=1) if shift.crosses_midnight else day
        # fold=0 and the zone's own rules: in a zone with DST a night shift is an hour shorter
        # or longer on the change-over night, as the clock on the duty room's wall says.
        start = datetime.combine(day, shift.start, tz)
        end = datetime.combine(end_day, shift.end, tz)
        return ShiftWindow(shift, day, start, end)

    def current_shift(self, now: datetime, tz: ZoneInfo) -> ShiftWindow:
        """The shift `now` falls in."""
        local = now.astimezone(tz)
        for day in (local.date(), local.date() - timedelta(days=1)):
            for shift in self.shifts:
                window = self.shift_window(day, shift.name, tz)
                if window.start <= local < window.end:
                    return window
        raise AssertionError(f"no shift holds {local}: the plan's check should make this impossible")

    def previous_shift(self, now: datetime, tz: ZoneInfo) -> ShiftWindow:
        """The shift before the one `now` falls in: the one just handed over."""
        current = self.current_shift(now, tz)
        return self.current_shift(current.start - timedelta(microseconds=1), tz)


def _shift(number: int, entry: object) -> Shift:
    if not isinstance(entry, dict):
        raise ShiftError(f"shift {number}: expected a table with name, name_zh, start, end")
    missing = [key for key in ("name", "name_zh", "start", "end") if not isinstance(entry.get(key), str)]
    if missing:
        raise ShiftError(f"shift {number}: {', '.join(missing)} missing or not text")
    if not _NAME.fullmatch(entry["name"]):
        raise ShiftError(f"shift {number}: name {entry['name']!r} must be lower-case letters, digits, _ or -")
    return Shift(entry["name"], entry["name_zh"].strip(), _clock(number, entry["start"]), _clock(number, entry["end"]))


def _clock(number: int, text: str) -> time:
    found = _CLOCK.fullmatch(text.strip())
    if found is None:
        raise ShiftError(f"shift {number}: {text!r} is not a time of day as HH:MM (00:00 to 23:59)")
    return time(int(found.group(1)), int(found.group(2)))
