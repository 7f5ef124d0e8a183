"""Reporting up (报送, issue 17), pure: when a report is due, whether it went up on time, and the
reporting rate (报送率). No services: the reads (queries/ledger/reporting.py) and the commands
(ledger/commands/reporting.py, reporting_events.py) call these.

- A monthly report of period 'YYYY-MM' is due at 24:00 local of the district's due day of the NEXT
  month (default the 5th: due at the 6th's 00:00 local).
- An event report is due a number of hours (the district's, per kind) after what made it due: a
  hazard graded major (重大隐患), a critical alert resolved as a true alarm.
- On time: first submitted at or before its due moment. Late: first submitted after it. Missing:
  still unsubmitted after it. Pending: not yet due and not yet submitted (counted nowhere).
- The rate = on time / due, where `due` counts every report whose due moment has passed or that was
  submitted already (a report sent early counts before its due moment); None when nothing was due.
  A unit's rate sums its schools' counts (never a mean of their rates).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledger.errors import LedgerError

KIND_NAMES = {"monthly": ("月度安全报告", "Monthly safety report"),
              "major_hazard": ("重大隐患报告", "Major hazard report"),
              "true_alarm": ("重大警情报告", "Critical alarm report")}
STATE_NAMES = {"draft": ("草稿", "Draft"), "submitted": ("已报送", "Submitted"), "receipted": ("已签收", "Receipted"),
               "returned": ("已退回", "Returned")}
TIMELINESS_NAMES = {"on_time": ("按时", "On time"), "late": ("迟报", "Late"), "missing": ("未报", "Missing"),
                    "pending": ("未到期", "Not yet due")}
MAX_TEXT = 8000
MAX_REASON = 1000
# ASCII digits, the whole string (fullmatch): `\d` also takes other scripts' digits (２０２６) and `$` a
# trailing newline, each a second name for a month (a second monthly report, a second kept document).
_PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
# Years whose month and the next one are dates and convert to UTC (0000 and 9999-12 are not).
FIRST_YEAR, LAST_YEAR = 1900, 9998


@dataclass(frozen=True)
class Rules:
    """A district's reporting rules (ledger/models/reporting.ReportingRule), or the defaults."""

    monthly_due_day: int = 5
    major_hazard_hours: int = 24
    true_alarm_hours: int = 2
    first_period: str | None = None  # the first month whose report is owed; None: every month

    def owes(self, period: str) -> bool:
        """Whether a monthly report of `period` is owed under these rules."""
        return self.first_period is None or period >= self.first_period

    def hours(self, kind: str) -> int:
        return self.major_hazard_hours if kind == "major_hazard" else self.true_alarm_hours


DEFAULT_RULES = Rules()


def check_rules(monthly_due_day: object, major_hazard_hours: object, true_alarm_hours: object,
                first_period: object = None) -> Rules:
    """The rules a district officer typed, or LedgerError (zh/en) saying which value is wrong."""
    def whole(value: object, low: int, high: int, en: str, zh: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
                or not low <= int(value) <= high:
            raise LedgerError(f"{en} must be a whole number from {low} to {high}",
                              zh=f"{zh}须为 {low} 到 {high} 的整数")
        return int(value)
    first = first_period.strip() if isinstance(first_period, str) else first_period
    if first:
        parse_period(first)
    return Rules(whole(monthly_due_day, 1, 28, "the monthly due day", "月报截止日"),
                 whole(major_hazard_hours, 1, 720, "the major hazard deadline (hours)", "重大隐患报送时限（小时）"),
                 whole(true_alarm_hours, 1, 720, "the true alarm deadline (hours)", "重大警情报送时限（小时）"),
                 first or None)


def parse_period(period: object) -> tuple[int, int]:
    """(year, month) of 'YYYY-MM', or LedgerError."""
    found = _PERIOD.fullmatch(period) if isinstance(period, str) else None
    if found is None or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        shown = repr(period)[:40]  # what was sent may be long: a message quotes its start
        raise LedgerError(f"a period is written YYYY-MM, not {shown}", zh=f"报告期应写作 YYYY-MM，而不是 {shown}")
    return int(found.group(1)), int(found.group(2))


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def _following(year: int, month: int) -> tuple[int, int]:
    """The month after, as numbers (not parsed again: the month after the last period is no period)."""
    return year + month // 12, month % 12 + 1


def period_window(period: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The period's local month as UTC-aware moments [start, end)."""
    year, month = parse_period(period)
    nyear, nmonth = _following(year, month)
    return (datetime.combine(date(year, month, 1), time(), tz), datetime.combine(date(nyear, nmonth, 1), time(), tz))


def monthly_due_at(period: str, due_day: int, tz: ZoneInfo) -> datetime:
    """24:00 local of `due_day` of the month after `period`."""
    nyear, nmonth = _following(*parse_period(period))
    return datetime.combine(date(nyear, nmonth, due_day) + timedelta(days=1), time(), tz)


def event_due_at(occurred_at: datetime, hours: int) -> datetime:
    return occurred_at + timedelta(hours=hours)


def periods_due_between(start: date, end: date, due_day: int, tz: ZoneInfo) -> list[str]:
    """The periods whose monthly report falls due in the local dates [start, end): a window holds a
    report by its due moment, so each report counts in one window only."""
    out, period = [], previous_period(period_of(start))
    low, high = datetime.combine(start, time(), tz), datetime.combine(end, time(), tz)
    for _ in range(1200):  # a century of months: a bound, never reached by a sane window
        due = monthly_due_at(period, due_day, tz)
        if due > high:
            break
        if due > low:  # due at 24:00 of day d is the moment starting day d+1: in the window holding day d
            out.append(period)
        period = next_period(period)
    return out


def timeliness(due_at: datetime, first_submitted_at: datetime | None, now: datetime) -> str:
    """on_time | late | missing | pending (see the module's doc)."""
    if first_submitted_at is not None:
        return "on_time" if first_submitted_at <= due_at else "late"
    return "missing" if now > due_at else "pending"


@dataclass(frozen=True)
class Rate:
    """A school's (or a unit's) reports due in a window: due = on_time + late + missing; `rate` the
    reporting rate 报送率 on_time / due, None when nothing was due."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.due + other.due, self.on_time + other.on_time, self.late + other.late,
                    self.missing + other.missing)

    def as_dict(self) -> dict:
        return {"due": self.due, "on_time": self.on_time, "late": self.late, "missing": self.missing,
                "rate": self.rate}


def rate_of(verdicts: Iterable[str]) -> Rate:
    """The rate of the timeliness verdicts of one school's reports (pending ones count nowhere)."""
    counts = {"on_time": 0, "late": 0, "missing": 0}
    for verdict in verdicts:
        if verdict in counts:
            counts[verdict] += 1
    return Rate(sum(counts.values()), counts["on_time"], counts["late"], counts["missing"])


def total(rates: Iterable[Rate]) -> Rate:
    """A unit's rate: the sum of its schools' counts."""
    out = Rate()
    for one in rates:
        out = out + one
    return out


def check_text(text: object, *, what: str = "the report's text", what_zh: str = "报告正文", limit: int = MAX_TEXT,
               required: bool = False) -> str:
    """Free text as it will be kept (stripped), or LedgerError."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise LedgerError(f"{what} must be text", zh=f"{what_zh}须为文字")
    value = text.strip()
    if len(value) > limit:
        raise LedgerError(f"{what} is longer than {limit} characters", zh=f"{what_zh}超过 {limit} 个字")
    if required and not value:
        raise LedgerError(f"say {what}", zh=f"请填写{what_zh}")
    if any(ord(c) < 32 and c not in "\n\t\r" for c in value):
        raise LedgerError(f"{what} holds control characters", zh=f"{what_zh}含有控制字符")
    return value


def pct(rate: float | None) -> str:
    """A rate as the pages show it: '83.3 %', '—' when nothing was due."""
    return "—" if rate is None else f"{rate * 100:.1f} %"
