"""Shift windows (交接班): the configured day and night shifts, the night over midnight, and the
plan's refusal of shifts that leave a gap or overlap. Pure: no services."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kernel.settings import Settings
from ledger.shifts import DEFAULT_SHIFTS, ShiftError, ShiftPlan

SHANGHAI = ZoneInfo("Asia/Shanghai")
PLAN = ShiftPlan.load(DEFAULT_SHIFTS)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_the_configured_plan_is_day_and_night_and_settings_point_at_it():
    assert PLAN.names == ("day", "night")
    assert [s.name_zh for s in PLAN.shifts] == ["白班", "夜班"]
    assert Settings.from_env(environ={}).shifts_file == str(DEFAULT_SHIFTS)


def test_day_shift_window():
    window = PLAN.shift_window(date(2026, 11, 24), "白班", SHANGHAI)
    assert (window.start, window.end) == (local(2026, 11, 24, 8), local(2026, 11, 24, 20))
    assert window.name == "day"


def test_night_shift_runs_over_midnight_into_the_next_day():
    window = PLAN.shift_window(date(2026, 11, 24), "night", SHANGHAI)
    assert (window.start, window.end) == (local(2026, 11, 24, 20), local(2026, 11, 25, 8))
    # As UTC moments: 12:00 to 00:00 UTC, twelve real hours.
    assert window.start.astimezone(timezone.utc) == datetime(2026, 11, 24, 12, tzinfo=timezone.utc)
    assert window.end.astimezone(timezone.utc) - window.start.astimezone(timezone.utc) == timedelta(hours=12)


def test_night_over_new_year_and_a_leap_day():
    assert PLAN.shift_window(date(2026, 12, 31), "night", SHANGHAI).end == local(2027, 1, 1, 8)
    assert PLAN.shift_window(date(2028, 2, 28), "night", SHANGHAI).end == local(2028, 2, 29, 8)


@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)])
def test_shanghai_has_no_dst_every_night_is_twelve_hours(day):
    # The dates where the USA and Europe change their clocks: China does not.
    window = PLAN.shift_window(day, "night", SHANGHAI)
    utc = timezone.utc
    assert window.end.astimezone(utc) - window.start.astimezone(utc) == timedelta(hours=12)
    assert window.start.utcoffset() == window.end.utcoffset() == timedelta(hours=8)


def test_a_zone_with_dst_gives_the_real_length_of_the_change_over_night():
    # Not the school's case, but the plan must not assume 12 h: Berlin's clocks go back 25 Oct 2026.
    berlin = ZoneInfo("Europe/Berlin")
    window = PLAN.shift_window(date(2026, 10, 24), "night", berlin)
    assert window.end.astimezone(timezone.utc) - window.start.astimezone(timezone.utc) == timedelta(hours=13)


@pytest.mark.parametrize(("now", "name", "day"), [
    (local(2026, 11, 24, 8, 0), "day", date(2026, 11, 24)),  # 08:00 sharp: the day shift's first moment
    (local(2026, 11, 24, 19, 59, 59), "day", date(2026, 11, 24)),
    (local(2026, 11, 24, 20, 0), "night", date(2026, 11, 24)),
    (local(2026, 11, 24, 23, 59), "night", date(2026, 11, 24)),
    (local(2026, 11, 25, 0, 0), "night", date(2026, 11, 24)),  # after midnight: still the 24th's night
    (local(2026, 11, 25, 7, 59, 59), "night", date(2026, 11, 24)),
])
def test_current_shift(now, name, day):
    found = PLAN.current_shift(now, SHANGHAI)
    assert (found.name, found.day) == (name, day)
    assert found.contains(now)


def test_current_shift_of_a_utc_moment_uses_school_time():
    # 2026-11-24 23:30 UTC is 07:30 on the 25th in Shanghai: the night shift of the 24th.
    found = PLAN.current_shift(datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc), SHANGHAI)
    assert (found.name, found.day) == ("night", date(2026, 11, 24))


def test_previous_shift_is_the_one_handed_over():
    during_day = PLAN.previous_shift(local(2026, 11, 25, 9, 0), SHANGHAI)
    assert (during_day.name, during_day.day) == ("night", date(2026, 11, 24))
    after_midnight = PLAN.previous_shift(local(2026, 11, 25, 1, 0), SHANGHAI)
    assert (after_midnight.name, after_midnight.day) == ("day", date(2026, 11, 24))
    evening = PLAN.previous_shift(local(2026, 11, 24, 20, 0), SHANGHAI)
    assert (evening.name, evening.day) == ("day", date(2026, 11, 24))


def test_unknown_shift_names_the_shifts_there_are():
    with pytest.raises(ShiftError, match=r"day \(白班\), night \(夜班\)"):
        PLAN.find("evening")


def _plan(*shifts):
    return ShiftPlan.from_mapping({"shift": [dict(zip(("name", "name_zh", "start", "end"), s)) for s in shifts]})


def test_three_shifts_are_fine():
    plan = _plan(("early", "早班", "06:00", "14:00"), ("late", "中班", "14:00", "22:00"),
                 ("night", "夜班", "22:00", "06:00"))
    assert plan.current_shift(local(2026, 11, 25, 3, 0), SHANGHAI).day == date(2026, 11, 24)


@pytest.mark.parametrize(("shifts", "message"), [
    ([("day", "白班", "08:00", "20:00"), ("night", "夜班", "21:00", "08:00")], "without gaps"),
    ([("day", "白班", "08:00", "20:00"), ("night", "夜班", "19:00", "08:00")], "without gaps"),
    ([("day", "白班", "08:00", "20:00")], "without gaps"),
    ([("day", "白班", "8h", "20:00"), ("night", "夜班", "20:00", "08:00")], "HH:MM"),
    ([("day", "白班", "24:00", "20:00"), ("night", "夜班", "20:00", "24:00")], "HH:MM"),
    ([("day", "白班", "08:00", "20:00"), ("day", "夜班", "20:00", "08:00")], "names must differ"),
    ([("Day!", "白班", "08:00", "20:00"), ("night", "夜班", "20:00", "08:00")], "lower-case"),
])
def test_bad_plans_are_refused_with_the_reason(shifts, message):
    with pytest.raises(ShiftError, match=message):
        _plan(*shifts)


def test_a_single_shift_of_the_whole_day_is_allowed():
    plan = _plan(("all", "全天", "08:00", "08:00"))
    window = plan.current_shift(local(2026, 11, 25, 7, 0), SHANGHAI)
    assert (window.start, window.end) == (local(2026, 11, 24, 8), local(2026, 11, 25, 8))


def test_no_shifts_is_refused():
    with pytest.raises(ShiftError, match="at least one"):
        ShiftPlan.from_mapping({})
