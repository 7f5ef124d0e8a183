"""A unit's notification policy (issue 16), pure: quiet hours, hazard reminder points, the leadership
digest's time. Kept per organisation unit (ledger/models/notify.NotifyPolicy); a school without its own
row follows the nearest unit above it, and a tree without any follows DEFAULT.

Why the defaults are what they are:
- No quiet hours until an admin sets them: a default nobody chose must never hold back a page at night.
  Quiet hours hold back every severity below critical (issue 16: "a critical alert notifies level 0
  immediately, day or night; lower severities respect quiet hours"); a held page goes at their end.
- Reminders 3 days and 1 day before a hazard's deadline, and the morning of the day (0), at 08:00;
  one more when it has passed (always, not configurable: an overdue hazard must be chased).
- The leadership digest at 07:30, before the school day; None turns it off.
Times are local wall-clock times in the school's zone ("HH:MM").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledger.errors import LedgerError

CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
MAX_REMINDER_DAYS = 30
QUIET_EXEMPT = ("critical",)  # severities paged during quiet hours


class PolicyError(LedgerError):
    """An admin's policy form that cannot be used (nothing is saved)."""


@dataclass(frozen=True)
class Policy:
    quiet_start: time | None = None
    quiet_end: time | None = None
    reminder_days: tuple[int, ...] = (3, 1, 0)  # days before the deadline, largest first; 0 the day itself
    reminder_at: time = time(8, 0)
    digest_at: time | None = time(7, 30)

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start is not None and self.quiet_end is not None and self.quiet_start != self.quiet_end

    def quiet_at(self, local: time) -> bool:
        """Whether a local clock time falls in the quiet hours (start inclusive, end exclusive; a span
        crossing midnight, 22:00-07:00, is the usual case)."""
        if not self.has_quiet_hours:
            return False
        start, end = self.quiet_start, self.quiet_end
        return start <= local < end if start < end else (local >= start or local < end)

    def holds(self, severity: str | None, moment: datetime, tz: ZoneInfo) -> datetime | None:
        """When a page of this severity raised at `moment` may go: None now, else the quiet hours' end
        (an aware datetime in UTC's offset as given)."""
        if severity in QUIET_EXEMPT or not self.has_quiet_hours:
            return None
        local = moment.astimezone(tz)
        if not self.quiet_at(local.time().replace(tzinfo=None)):
            return None
        end = local.replace(hour=self.quiet_end.hour, minute=self.quiet_end.minute, second=0, microsecond=0)
        if end <= local:
            end = end + timedelta(days=1)
        # Re-localise: the wall-clock end on a day with a DST change is still that clock time.
        end = datetime.combine(end.date(), self.quiet_end, tzinfo=tz)
        return end.astimezone(moment.tzinfo)

    def as_form(self) -> dict:
        """The admin form's values."""
        return {"quiet_start": _clock(self.quiet_start), "quiet_end": _clock(self.quiet_end),
                "reminder_days": ",".join(str(d) for d in self.reminder_days),
                "reminder_at": _clock(self.reminder_at), "digest_at": _clock(self.digest_at)}


DEFAULT = Policy()


def _clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def parse_clock(text: object, field: str, *, optional: bool) -> time | None:
    value = str(text or "").strip()
    if not value:
        if optional:
            return None
        raise PolicyError(f"{field}: a time is needed (HH:MM)", zh=f"{field}：须填写时间（时:分）")
    found = CLOCK.match(value)
    if found is None:
        raise PolicyError(f"{field}: {value[:20]!r} is not a time (HH:MM)",
                          zh=f"{field}：“{value[:20]}”不是时间（时:分）")
    return time(int(found[1]), int(found[2]))


def parse_days(text: object) -> tuple[int, ...]:
    """'3,1,0' (or with 、，spaces) -> (3, 1, 0); empty -> no reminders before the deadline."""
    parts = [p for p in re.split(r"[,，、\s]+", str(text or "").strip()) if p]
    days = set()
    for part in parts:
        if not part.isdigit() or int(part) > MAX_REMINDER_DAYS:
            raise PolicyError(f"reminder days: {part[:10]!r} is not a whole number from 0 to {MAX_REMINDER_DAYS}",
                              zh=f"提醒天数：“{part[:10]}”须是 0 至 {MAX_REMINDER_DAYS} 的整数")
        days.add(int(part))
    return tuple(sorted(days, reverse=True))


def from_form(quiet_start: object, quiet_end: object, reminder_days: object, reminder_at: object,
              digest_at: object) -> Policy:
    """A policy from an admin's form: all or refused. Quiet hours need both ends, or neither."""
    start = parse_clock(quiet_start, "quiet hours start / 免打扰开始", optional=True)
    end = parse_clock(quiet_end, "quiet hours end / 免打扰结束", optional=True)
    if (start is None) != (end is None):
        raise PolicyError("quiet hours need both a start and an end (or neither)",
                          zh="免打扰时段须同时填写开始和结束（或都不填）")
    if start is not None and start == end:
        raise PolicyError("quiet hours must not start and end at the same time", zh="免打扰时段的开始和结束不能相同")
    return Policy(quiet_start=start, quiet_end=end, reminder_days=parse_days(reminder_days),
                  reminder_at=parse_clock(reminder_at, "reminder time / 提醒时间", optional=False),
                  digest_at=parse_clock(digest_at, "digest time / 日报时间", optional=True))


def from_row(quiet_start: str | None, quiet_end: str | None, reminder_days: str, reminder_at: str,
             digest_at: str | None) -> Policy:
    """A stored row (written by from_form's policy, so valid) back to a Policy."""
    return from_form(quiet_start, quiet_end, reminder_days, reminder_at, digest_at)
