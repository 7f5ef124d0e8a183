"""Reporting up (报送, issue 17), the pure rules (ledger/reporting.py): due moments, on time / late /
missing, and the reporting rate, a unit's being the sum of its schools' counts."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ledger import reporting
from ledger.errors import LedgerError

TZ = ZoneInfo("Asia/Shanghai")


def test_a_monthly_report_is_due_at_24_00_local_of_the_districts_day_of_the_next_month():
    assert reporting.monthly_due_at("2026-11", 5, TZ) == datetime(2026, 12, 6, tzinfo=TZ)
    assert reporting.monthly_due_at("2026-11", 5, TZ) == datetime(2026, 12, 5, 16, tzinfo=timezone.utc)
    assert reporting.monthly_due_at("2026-12", 10, TZ) == datetime(2027, 1, 11, tzinfo=TZ)  # across the year
    assert reporting.period_window("2026-12", TZ) == (datetime(2026, 12, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ))
    assert (reporting.next_period("2026-12"), reporting.previous_period("2026-01")) == ("2027-01", "2025-12")
    at = datetime(2026, 11, 3, 8, tzinfo=timezone.utc)
    assert reporting.event_due_at(at, 24) == at + timedelta(hours=24)


def test_each_monthly_report_falls_due_in_one_window_only():
    assert reporting.periods_due_between(date(2026, 12, 1), date(2027, 1, 1), 5, TZ) == ["2026-11"]
    year = reporting.periods_due_between(date(2026, 1, 1), date(2027, 1, 1), 5, TZ)
    assert year == ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    # Due at 24:00 of Dec 5 (Dec 6 00:00): in the window holding Dec 5, not in the one starting Dec 6.
    assert reporting.periods_due_between(date(2026, 12, 5), date(2026, 12, 6), 5, TZ) == ["2026-11"]
    assert reporting.periods_due_between(date(2026, 12, 6), date(2026, 12, 31), 5, TZ) == []


def test_on_time_late_missing_and_not_yet_due():
    due = datetime(2026, 12, 5, 16, tzinfo=timezone.utc)
    assert reporting.timeliness(due, due, due + timedelta(days=9)) == "on_time"  # at the due moment: on time
    assert reporting.timeliness(due, due + timedelta(seconds=1), due) == "late"
    assert reporting.timeliness(due, None, due + timedelta(seconds=1)) == "missing"
    assert reporting.timeliness(due, None, due) == "pending"


def test_the_rate_is_on_time_over_due_and_a_units_is_the_sum_of_its_schools_counts():
    one = reporting.rate_of(["on_time", "pending"])  # pending counts nowhere
    three = reporting.rate_of(["late", "missing", "missing", "on_time"])
    assert one.as_dict() == {"due": 1, "on_time": 1, "late": 0, "missing": 0, "rate": 1.0}
    assert (three.due, three.late, three.missing, three.rate) == (4, 1, 2, 0.25)
    unit = reporting.total([one, three, reporting.Rate()])
    assert (unit.due, unit.on_time, unit.rate) == (5, 2, 0.4)  # not the mean of the rates (0.625)
    assert reporting.Rate().rate is None and reporting.pct(None) == "—" and reporting.pct(2 / 3) == "66.7 %"


def test_bad_rules_periods_and_texts_are_refused_in_both_languages():
    assert reporting.check_rules(10, 12.0, 1) == reporting.Rules(10, 12, 1)
    since = reporting.check_rules(5, 24, 2, " 2026-09 ")
    assert since.first_period == "2026-09" and since.owes("2026-09") and not since.owes("2026-08")
    assert reporting.DEFAULT_RULES.owes("1999-01")
    with pytest.raises(LedgerError, match="YYYY-MM"):
        reporting.check_rules(5, 24, 2, "2026-9")
    for bad in ((0, 24, 2), (29, 24, 2), (5, 0, 2), (5, 24, 721), (5, 24, True), (5, "24", 2), (5.5, 24, 2)):
        with pytest.raises(LedgerError) as refused:
            reporting.check_rules(*bad)
        assert "整数" in refused.value.zh, bad
    for bad in ("2026-13", "2026-1", "26-11", None, 202611):
        with pytest.raises(LedgerError, match="YYYY-MM"):
            reporting.parse_period(bad)
    assert reporting.check_text("  本月完成  ") == "本月完成"
    with pytest.raises(LedgerError) as refused:
        reporting.check_text("x" * (reporting.MAX_TEXT + 1))
    assert refused.value.zh
    with pytest.raises(LedgerError, match="say the reason"):
        reporting.check_text(" ", what="the reason", what_zh="退回原因", required=True)
    with pytest.raises(LedgerError):
        reporting.check_text("a\x00b")


def test_a_month_has_one_name_only():
    """Other scripts' digits, a trailing newline and years with no date around them are not months: each
    made a second report of the month, or a 500 (ledger/reporting.parse_period)."""
    for bad in ("2026-09\n", "２０２６-09", "٢٠٢٦-09", "2026-09 ", "0000-01", "9999-12", "x" * 100_000):
        with pytest.raises(LedgerError, match="YYYY-MM") as refused:
            reporting.parse_period(bad)
        assert len(str(refused.value)) < 120, bad  # the message quotes only the start of what was sent
    assert reporting.parse_period("2026-09") == (2026, 9)
    assert reporting.period_window("9998-12", TZ)[1] == datetime(9999, 1, 1, tzinfo=TZ)
