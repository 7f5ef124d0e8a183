"""When routine inspections (日常巡查) fall due: pure, no database, no clock of its own.

A plan inspects once per period of its frequency: a local day, an ISO week (Monday to Sunday), a
calendar month, or a school term. Periods are half-open ranges of the school's local dates
[start, end): `end` is the first day of the next period, so periods tile time with no gap and no
overlap, and an instant belongs to exactly one of them. Their moments are the local midnights in the
school's time zone (Asia/Shanghai by default, settings.tz): China keeps no daylight saving, but the
arithmetic is done on local dates and converted at the edges, so a zone that does stays right.

A term: the school year is split at `term_starts` (month, day) — by default the autumn term from
1 September and the spring term from 1 February, so winter and summer holidays fall inside the
term they end (a per-term inspection of the spring term may be done until 31 August). Any number of
starts a year may be given; kernel/settings.py TERM_STARTS sets them for a deployment.

A period's status, given the moment its inspection was finished (signed), if it was:
  upcoming  the period has not begun (a plan starting next week);
  due       the period is under way and no inspection of it is finished;
  done      finished before the period ended;
  late      finished, but at or after the end of its period (补查: a missed inspection made up);
  missed    the period has ended and no inspection of it is finished. An inspection started and
            never signed is no record (seed 001 art. 15 asks for records), so it counts as missed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

# Their names, for pages: kernel/names.py FREQUENCY_NAMES, INSPECTION_STATUS_NAMES.
FREQUENCIES: tuple[str, ...] = ("daily", "weekly", "monthly", "term")
STATUSES: tuple[str, ...] = ("upcoming", "due", "done", "late", "missed")
# (month, day) each term begins on: the autumn term (第一学期) and the spring term (第二学期).
DEFAULT_TERM_STARTS: tuple[tuple[int, int], ...] = ((9, 1), (2, 1))
# More periods than this at once (a century of days) is a mistake in the dates, not a schedule.
MAX_PERIODS = 40_000


class ScheduleError(ValueError):
    """A frequency or term calendar the schedule cannot use."""


@dataclass(frozen=True, order=True)
class Period:
    """One period of a frequency: local dates [start, end)."""

    start: date
    end: date
    frequency: str

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def starts_at(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.start, tz)

    def ends_at(self, tz: ZoneInfo) -> datetime:
        return local_midnight(self.end, tz)

    @property
    def key(self) -> str:
        """A stable name: 2026-12-06, 2026-W49, 2026-12, or the term's first day T2026-09-01."""
        if self.frequency == "daily":
            return self.start.isoformat()
        if self.frequency == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.frequency == "monthly":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"T{self.start.isoformat()}"


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The moment a local day begins, in UTC (a zone whose clocks skip midnight gets the offset
    after). UTC, because Python subtracts two datetimes of the same zone by their wall clocks."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    if moment.tzinfo is None:
        raise ScheduleError(f"naive datetime {moment!r}: a moment needs its offset")
    return moment.astimezone(tz).date()


def check_frequency(frequency: str) -> str:
    if frequency not in FREQUENCIES:
        raise ScheduleError(f"unknown frequency {frequency!r}; one of {', '.join(FREQUENCIES)}")
    return frequency


def check_term_starts(term_starts: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The term starts sorted through the year; ScheduleError for none, an impossible or a repeated day.
    29 February is refused: a term must start every year."""
    starts = sorted({(int(m), int(d)) for m, d in term_starts})
    if not starts:
        raise ScheduleError("at least one term start is needed")
    for month, day in starts:
        try:
            date(2001, month, day)  # not a leap year
        except ValueError as exc:
            raise ScheduleError(f"no such day every year: month {month}, day {day}") from exc
    return tuple(starts)


def _term_of(day: date, starts: tuple[tuple[int, int], ...]) -> tuple[date, date]:
    begins = [date(day.year + dy, m, d) for dy in (-1, 0, 1) for m, d in starts]
    begins.sort()
    index = max(i for i, b in enumerate(begins) if b <= day)
    return begins[index], begins[index + 1]


def period_of(frequency: str, day: date, *, term_starts=DEFAULT_TERM_STARTS) -> Period:
    """The period of `frequency` that contains the local date `day`."""
    check_frequency(frequency)
    if frequency == "daily":
        return Period(day, day + timedelta(days=1), frequency)
    if frequency == "weekly":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=7), frequency)
    if frequency == "monthly":
        first = day.replace(day=1)
        after = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
        return Period(first, after, frequency)
    start, end = _term_of(day, check_term_starts(term_starts))
    return Period(start, end, frequency)


def current_period(frequency: str, now: datetime, tz: ZoneInfo, *, term_starts=DEFAULT_TERM_STARTS) -> Period:
    return period_of(frequency, local_date(now, tz), term_starts=term_starts)


def periods(frequency: str, first_day: date, until: date, *, term_starts=DEFAULT_TERM_STARTS) -> list[Period]:
    """The periods from the one containing `first_day` to the one containing `until`, in order."""
    if until < first_day:
        return []
    found = [period_of(frequency, first_day, term_starts=term_starts)]
    while found[-1].end <= until:
        if len(found) >= MAX_PERIODS:
            raise ScheduleError(f"more than {MAX_PERIODS} periods from {first_day} to {until}")
        found.append(period_of(frequency, found[-1].end, term_starts=term_starts))
    return found


def status(period: Period, *, finished_at: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    """upcoming, due, done, late or missed (see the module doc)."""
    ends = period.ends_at(tz)
    if finished_at is not None:
        return "done" if finished_at < ends else "late"
    if now >= ends:
        return "missed"
    return "due" if now >= period.starts_at(tz) else "upcoming"


@dataclass(frozen=True)
class PeriodStatus:
    period: Period
    status: str
    finished_at: datetime | None


def schedule(frequency: str, *, starts_on: date, now: datetime, tz: ZoneInfo,
             finished: Mapping[date, datetime] | None = None, retired_on: date | None = None,
             until: date | None = None, term_starts=DEFAULT_TERM_STARTS) -> list[PeriodStatus]:
    """Every period of a plan from the one containing `starts_on` to the one containing `until`
    (default: today), each with its status. `finished` maps a period's start to the moment its
    inspection was signed. A plan retired on a day R owes the periods that ended by R; one running
    across R counts only if its inspection was signed (then done or late, never missed); none
    beginning on or after R."""
    last = until if until is not None else local_date(now, tz)
    if retired_on is not None:
        last = min(last, retired_on - timedelta(days=1))
    done = finished or {}
    return [PeriodStatus(p, status(p, finished_at=done.get(p.start), now=now, tz=tz), done.get(p.start))
            for p in periods(frequency, starts_on, last, term_starts=term_starts)
            if retired_on is None or p.end <= retired_on or p.start in done]


_STEP_DAYS = {"daily": 1, "weekly": 7}


def owed_counts(frequency: str, *, starts_on: date, now: datetime, tz: ZoneInfo, window: tuple[date, date],
                finished: Mapping[date, datetime] | None = None, retired_on: date | None = None,
                term_starts=DEFAULT_TERM_STARTS) -> dict[str, int]:
    """How many of a plan's periods whose last day falls in the local dates window [start, end) and
    which have begun are in each status: what `schedule` lists from the window's first day (or the
    plan's) to today, filtered so, then `counts` — without listing them. A year of a daily plan is
    365 periods; a province's league scores 4,000 plans' years, and listed one by one that took
    seconds. Days and weeks are counted by arithmetic on their starts (each a whole number of steps
    from the first); only the periods with a signed inspection are looked at one by one (done or
    late). A month or a term is listed (twelve a year). tests/ledger/test_inspection_schedule.py
    checks both ways agree on thousands of random plans."""
    check_frequency(frequency)
    w_start, w_end = window
    today = local_date(now, tz)
    first_day = max(starts_on, w_start)
    if frequency not in _STEP_DAYS:
        return counts(item for item in schedule(
            frequency, starts_on=first_day, now=now, tz=tz, finished=finished, retired_on=retired_on,
            until=min(w_end - timedelta(days=1), today), term_starts=term_starts)
            if w_start <= item.period.last_day < w_end and item.status != "upcoming")
    found = dict.fromkeys(STATUSES, 0)
    last = min(w_end - timedelta(days=1), today)
    if retired_on is not None:
        last = min(last, retired_on - timedelta(days=1))
    if last < first_day:
        return found
    step = _STEP_DAYS[frequency]
    first = period_of(frequency, first_day).start
    n = (period_of(frequency, last).start - first).days // step + 1  # the periods listed: first + k·step, k < n

    def steps(lowest: date, highest: date) -> range:
        """The k whose start first + k·step lies in [lowest, highest], among the n listed."""
        lo = max(0, -((first - lowest).days // step))  # ceil((lowest - first) / step)
        return range(lo, min(n - 1, (highest - first).days // step) + 1)

    lowest = w_start - timedelta(days=step - 1)  # its last day on or after the window's first
    highest = w_end - timedelta(days=step)  # its last day before the window's end
    kept = highest if retired_on is None else min(highest, retired_on - timedelta(days=step))  # ended by R
    owed = steps(lowest, kept)
    ended = steps(lowest, min(kept, today - timedelta(days=step)))  # ended by today: missed unless signed
    unsigned_owed, unsigned_ended = len(owed), len(ended)
    for start, at in (finished or {}).items():
        k, off = divmod((start - first).days, step)
        if at is None or off or not 0 <= k < n or not lowest <= start <= highest:
            continue  # not signed, not one of the listed periods, or not in the window
        period = Period(start, start + timedelta(days=step), frequency)
        found[status(period, finished_at=at, now=now, tz=tz)] += 1  # a period after R counts once signed
        unsigned_owed -= k in owed
        unsigned_ended -= k in ended
    found["missed"] += unsigned_ended
    found["due"] += unsigned_owed - unsigned_ended
    return found


def counts(statuses: Iterable[PeriodStatus]) -> dict[str, int]:
    """How many periods are in each status (every status named, zeros included)."""
    found = dict.fromkeys(STATUSES, 0)
    for item in statuses:
        found[item.status] += 1
    return found


def term_name(period: Period, *, term_starts=DEFAULT_TERM_STARTS) -> tuple[str, str]:
    """(zh, en) for a term: the school year begins with the first term that starts in July or later
    (the autumn term), e.g. 2026–2027学年第一学期 / 2026–2027 term 1."""
    starts = check_term_starts(term_starts)
    autumn = [s for s in starts if s[0] >= 7]
    order = (autumn + [s for s in starts if s[0] < 7]) if autumn else list(starts)
    index = order.index((period.start.month, period.start.day))
    year = period.start.year if (not autumn or period.start.month >= autumn[0][0]) else period.start.year - 1
    number = "一二三四五六七八九十"[index] if index < 10 else str(index + 1)
    return f"{year}–{year + 1}学年第{number}学期", f"{year}–{year + 1} term {index + 1}"
