"""The on-call roster's rules (ledger/oncall.py), pure: which shift a moment falls in, in the school's
zone and across midnight, and who is on call there, a substitute in place of the person set."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ledger.oncall import Entry, Person, resolve, week_grid, week_of, window_at
from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan

PLAN = ShiftPlan.load(DEFAULT_SHIFTS)
SHANGHAI = ZoneInfo("Asia/Shanghai")
ZHANG, LI, WANG, ZHAO = (Person(1, "zhang", "张三"), Person(2, "li", "李四"), Person(3, "wang", "王五"),
                         Person(4, "zhao", "赵六"))
SET_AT = datetime(2026, 12, 1, tzinfo=timezone.utc)


def _entry(day, shift, level, who, sub=None) -> Entry:
    return Entry(day, shift, level, who, "admin1", SET_AT, sub, "admin1" if sub else None, SET_AT if sub else None)


ROSTER = [_entry(date(2026, 12, 7), "day", 0, ZHANG), _entry(date(2026, 12, 7), "day", 1, LI),
          _entry(date(2026, 12, 7), "night", 0, ZHAO), _entry(date(2026, 12, 7), "night", 2, WANG),
          _entry(date(2026, 12, 8), "day", 0, LI, sub=ZHANG)]


@pytest.mark.parametrize("utc, day, shift", [
    (datetime(2026, 12, 7, 0, 0), date(2026, 12, 7), "day"),  # 08:00 in Shanghai: the day shift begins
    (datetime(2026, 12, 6, 23, 59), date(2026, 12, 6), "night"),  # 07:59: still the night of the 6th
    (datetime(2026, 12, 7, 12, 0), date(2026, 12, 7), "night"),  # 20:00 sharp: the night shift
    (datetime(2026, 12, 7, 18, 0), date(2026, 12, 7), "night"),  # 02:00 on the 8th: the night of the 7th
])
def test_a_moment_falls_in_one_shift_of_the_day_it_starts_on_in_the_schools_zone(utc, day, shift):
    window = window_at(PLAN, utc.replace(tzinfo=timezone.utc), SHANGHAI)
    assert (window.day, window.name) == (day, shift)


def test_the_same_moment_is_another_shift_in_another_zone():
    moment = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)  # 14:00 in Shanghai, 01:00 in New York
    assert window_at(PLAN, moment, SHANGHAI).name == "day"
    new_york = window_at(PLAN, moment, ZoneInfo("America/New_York"))
    assert (new_york.day, new_york.name) == (date(2026, 12, 6), "night")


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="naive"):
        window_at(PLAN, datetime(2026, 12, 7, 3, 0), SHANGHAI)


def test_who_is_on_call_per_level_across_midnight_and_with_a_substitute():
    night = resolve(9, "s1", window_at(PLAN, datetime(2026, 12, 7, 18, 30, tzinfo=timezone.utc), SHANGHAI), ROSTER)
    assert night.people(0) == (ZHAO,) and night.people(1) == () and night.people(2) == (WANG,)
    day = resolve(9, "s1", window_at(PLAN, datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc), SHANGHAI), ROSTER)
    [duty] = day.levels[0]
    assert (duty.person, duty.standing_in_for) == (ZHANG, LI)  # Zhang swapped Li's shift: Zhang is on call
    assert day.as_dict()["levels"][0]["people"] == [
        {"id": 1, "username": "zhang", "name": "张三", "standing_in_for": "李四"}]
    empty = resolve(9, "s1", window_at(PLAN, datetime(2026, 12, 9, 3, 0, tzinfo=timezone.utc), SHANGHAI), ROSTER)
    assert empty.nobody and set(empty.levels) == {0, 1, 2}


def test_the_week_grid_runs_monday_to_sunday_each_shift_a_row():
    monday = week_of(date(2026, 12, 10))
    assert monday == date(2026, 12, 7)
    rows = week_grid(PLAN, monday, ROSTER)
    assert len(rows) == 14 and rows[0][:2] == (date(2026, 12, 7), "day") and rows[1][1] == "night"
    assert rows[0][2][1].person == LI and 2 not in rows[0][2]
