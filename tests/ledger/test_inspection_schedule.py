"""The inspection schedule's periods and statuses: pure, no services."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kernel.names import FREQUENCY_NAMES, INSPECTION_STATUS_NAMES, RESULT_NAMES
from ledger import inspection_schedule as s
from ledger.models.inspection import RESULTS

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str, tz: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def test_days_weeks_and_months_are_half_open_around_year_end():
    day = s.period_of("daily", date(2026, 12, 31))
    assert (day.start, day.end, day.key) == (date(2026, 12, 31), date(2027, 1, 1), "2026-12-31")
    week = s.period_of("weekly", date(2027, 1, 1))  # a Friday: its ISO week began in December
    assert (week.start, week.end, week.key) == (date(2026, 12, 28), date(2027, 1, 4), "2026-W53")
    assert s.period_of("weekly", date(2027, 1, 3)) == week and s.period_of("weekly", date(2027, 1, 4)) != week
    december = s.period_of("monthly", date(2026, 12, 31))
    assert (december.start, december.end, december.key) == (date(2026, 12, 1), date(2027, 1, 1), "2026-12")
    february = s.period_of("monthly", date(2028, 2, 29))
    assert (february.start, february.end, february.last_day) == (date(2028, 2, 1), date(2028, 3, 1), date(2028, 2, 29))
    assert not december.contains(date(2027, 1, 1)) and december.contains(date(2026, 12, 1))


def test_terms_split_the_year_at_their_starts():
    autumn = s.period_of("term", date(2027, 1, 31))
    assert (autumn.start, autumn.end) == (date(2026, 9, 1), date(2027, 2, 1))
    spring = s.period_of("term", date(2027, 2, 1))
    assert (spring.start, spring.end) == (date(2027, 2, 1), date(2027, 9, 1))
    assert s.period_of("term", date(2027, 8, 31)) == spring  # the summer holiday ends the spring term
    assert s.period_of("term", date(2026, 12, 31)) == autumn  # a term runs across the new year
    assert s.term_name(autumn) == ("2026–2027学年第一学期", "2026–2027 term 1")
    assert s.term_name(spring) == ("2026–2027学年第二学期", "2026–2027 term 2")
    three = ((9, 1), (1, 15), (5, 1))
    assert s.period_of("term", date(2027, 3, 1), term_starts=three) == \
        s.Period(date(2027, 1, 15), date(2027, 5, 1), "term")
    assert s.term_name(s.period_of("term", date(2027, 6, 1), term_starts=three), term_starts=three)[0] == \
        "2026–2027学年第三学期"


@pytest.mark.parametrize("starts", [(), ((2, 30),), ((2, 29),), ((13, 1),)])
def test_impossible_term_calendars_are_refused(starts):
    with pytest.raises(s.ScheduleError):
        s.period_of("term", date(2027, 3, 1), term_starts=starts)


def test_an_unknown_frequency_is_refused():
    with pytest.raises(s.ScheduleError):
        s.period_of("hourly", date(2027, 3, 1))


def test_periods_follow_each_other_without_gap():
    months = s.periods("monthly", date(2026, 11, 15), date(2027, 2, 1))
    assert [p.key for p in months] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert all(a.end == b.start for a, b in zip(months, months[1:]))
    terms = s.periods("term", date(2026, 8, 31), date(2027, 9, 1))
    assert [p.start for p in terms] == [date(2026, 2, 1), date(2026, 9, 1), date(2027, 2, 1), date(2027, 9, 1)]
    assert s.periods("daily", date(2027, 1, 2), date(2027, 1, 1)) == []


def test_the_local_day_decides_the_period():
    # 16:30 UTC on 31 December is 00:30 on 1 January in Shanghai: January's period.
    moment = datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)
    assert s.current_period("monthly", moment, SHANGHAI).key == "2027-01"
    assert s.current_period("monthly", moment, ZoneInfo("UTC")).key == "2026-12"
    day = s.period_of("daily", date(2027, 1, 1))
    assert day.starts_at(SHANGHAI) == datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc)


def test_a_zone_with_daylight_saving_keeps_whole_local_days():
    day = s.period_of("daily", date(2026, 3, 8))  # New York springs forward that night: a 23-hour day
    assert day.ends_at(NEW_YORK) - day.starts_at(NEW_YORK) == datetime(2026, 3, 9, 4, tzinfo=timezone.utc) - \
        datetime(2026, 3, 8, 5, tzinfo=timezone.utc)
    assert s.status(day, finished_at=at("2026-03-08T23:59", NEW_YORK), now=at("2026-03-09T08:00", NEW_YORK),
                    tz=NEW_YORK) == "done"


def test_statuses_due_done_late_missed_upcoming():
    march = s.period_of("monthly", date(2027, 3, 10))
    now = at("2027-03-10T09:00")
    assert s.status(march, finished_at=None, now=now, tz=SHANGHAI) == "due"
    assert s.status(march, finished_at=at("2027-03-10T08:00"), now=now, tz=SHANGHAI) == "done"
    assert s.status(march, finished_at=None, now=at("2027-04-01T00:00"), tz=SHANGHAI) == "missed"
    assert s.status(march, finished_at=at("2027-03-31T23:59:59"), now=at("2027-04-02T00:00"), tz=SHANGHAI) == "done"
    assert s.status(march, finished_at=at("2027-04-01T00:00"), now=at("2027-04-02T00:00"), tz=SHANGHAI) == "late"
    april = s.period_of("monthly", date(2027, 4, 1))
    assert s.status(april, finished_at=None, now=now, tz=SHANGHAI) == "upcoming"


def test_a_plans_schedule_counts_each_period_once():
    finished = {date(2027, 3, 1): at("2027-03-01T10:00"),  # on time
                date(2027, 3, 3): at("2027-03-04T08:00")}  # made up the next morning: late
    plan = s.schedule("daily", starts_on=date(2027, 3, 1), now=at("2027-03-05T09:00"), tz=SHANGHAI,
                      finished=finished)
    assert [(p.period.key, p.status) for p in plan] == [
        ("2027-03-01", "done"), ("2027-03-02", "missed"), ("2027-03-03", "late"), ("2027-03-04", "missed"),
        ("2027-03-05", "due")]
    assert s.counts(plan) == {"upcoming": 0, "due": 1, "done": 1, "late": 1, "missed": 2}
    retired = s.schedule("daily", starts_on=date(2027, 3, 1), now=at("2027-03-05T09:00"), tz=SHANGHAI,
                         finished=finished, retired_on=date(2027, 3, 3))
    assert [p.period.key for p in retired] == ["2027-03-01", "2027-03-02"]
    assert s.schedule("weekly", starts_on=date(2027, 3, 10), now=at("2027-03-05T09:00"), tz=SHANGHAI) == []


def test_a_retired_plan_owes_the_period_it_was_retired_in_only_if_it_was_done():
    now = at("2027-03-20T09:00")
    weekly = dict(starts_on=date(2027, 3, 1), now=now, tz=SHANGHAI, retired_on=date(2027, 3, 10))  # a Wednesday
    assert [p.period.key for p in s.schedule("weekly", **weekly)] == ["2027-W09"]
    done = {date(2027, 3, 8): at("2027-03-09T10:00")}
    assert [(p.period.key, p.status) for p in s.schedule("weekly", finished=done, **weekly)] == [
        ("2027-W09", "missed"), ("2027-W10", "done")]


def _listed(frequency, *, starts_on, now, tz, window, finished, retired_on):
    """What owed_periods counts, the slow way: every period listed by `schedule`, then filtered."""
    items = s.schedule(frequency, starts_on=max(starts_on, window[0]), now=now, tz=tz, finished=finished,
                       retired_on=retired_on, until=min(window[1] - timedelta(days=1), s.local_date(now, tz)))
    return s.counts(i for i in items if window[0] <= i.period.last_day < window[1] and i.status != "upcoming")


def test_counting_a_plans_periods_agrees_with_listing_them():
    """owed_counts (arithmetic on days and weeks) against schedule (each period listed): random plans,
    windows, clocks, retirements and signed periods (on time, late, one a day before its period, one
    on no period's start), in a zone without daylight saving and one with it."""
    rng = random.Random(15)
    checked = dict.fromkeys(s.STATUSES, 0)
    for case in range(4000):
        tz = SHANGHAI if case % 2 else NEW_YORK
        frequency = s.FREQUENCIES[case % 4]
        starts_on = date(2026, 1, 1) + timedelta(days=rng.randint(0, 500))
        w_start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 560))
        window = (w_start, w_start + timedelta(days=rng.choice([1, 7, 31, 92, 365, rng.randint(1, 400)])))
        now = datetime.combine(w_start + timedelta(days=rng.randint(-20, 420)), time(rng.randint(0, 23)), tzinfo=tz)
        retired_on = None if rng.random() < 0.6 else starts_on + timedelta(days=rng.randint(0, 300))
        finished = {}
        for period in s.periods(frequency, starts_on, s.local_date(now, tz) + timedelta(days=10)):
            roll = rng.random()
            if roll < 0.3:
                finished[period.start] = period.ends_at(tz) - timedelta(hours=rng.randint(1, 30))  # on time
            elif roll < 0.45:
                finished[period.start] = period.ends_at(tz) + timedelta(hours=rng.randint(0, 60))  # late
        finished[starts_on + timedelta(days=rng.randint(0, 400))] = now  # often no period's start
        plan = dict(starts_on=starts_on, now=now, tz=tz, window=window, finished=finished, retired_on=retired_on)
        expected = _listed(frequency, **plan)
        assert s.owed_counts(frequency, **plan) == expected, (frequency, plan)
        checked = {k: checked[k] + n for k, n in expected.items()}
    # The cases owe periods of every status, not only empty windows.
    assert min(checked[k] for k in ("due", "done", "late", "missed")) > 200 and sum(checked.values()) > 40_000


def test_every_frequency_and_status_has_its_names():
    assert set(FREQUENCY_NAMES) == set(s.FREQUENCIES) and set(RESULT_NAMES) == set(RESULTS)
    assert set(INSPECTION_STATUS_NAMES) == set(s.STATUSES) | {"in_progress"}  # in progress: started, not signed
