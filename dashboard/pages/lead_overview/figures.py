"""The overview's live figures as pure functions: a school's live summary (queries/summary.py, from
Redis) and the ledger's alerts of today (SQL) in, the headline of each domain out.

What "today" means here, precisely: the school's local day (SCHOOL_TIMEZONE) from 00:00 until now,
counted from the summary's hourly buckets (`trend_24h`, which start at whole UTC hours and cover the
current hour and the 23 before it, so they always reach back to local midnight). Where the zone's
offset is not a whole number of hours, the bucket that straddles midnight is left out: "today" is
then counted from the first whole hour after midnight.

A day that has only begun cannot be compared with whole days, so the comparison with the 7-day
daily average (the summary's `7d` window, the current hour and the 167 before it, divided by 7)
is made with the last 24 hours (the `24h` window), like with like, and labelled so; today's count
since midnight is shown beside it, not compared.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from kernel.catalogue import ALERT_SEVERITIES, DOMAINS

HOUR = timedelta(hours=1)
WEEK_DAYS = 7


@dataclass(frozen=True)
class DomainHeadline:
    """One domain's headline: events today and in the last 24 h against the 7-day daily average,
    its open alerts (live) and the alerts the ledger recorded today. The live figures are None
    when there is no live summary."""

    domain: str
    today: int | None
    last_24h: int | None
    daily_average: float | None
    alerts_open: int | None
    alerts_today: int

    @property
    def change(self) -> float | None:
        """The last 24 h against the 7-day daily average, as a fraction (+0.25: a quarter more);
        None without figures or with no event in the week."""
        if self.last_24h is None or not self.daily_average:
            return None
        return self.last_24h / self.daily_average - 1


def local_midnight(moment: datetime, tz: ZoneInfo) -> datetime:
    """The start of `moment`'s day in the school's zone (DST-safe: 00:00 of that local date)."""
    return datetime.combine(moment.astimezone(tz).date(), time(0), tz)


def today_from_hours(hourly: list[int], first_hour: datetime, tz: ZoneInfo) -> int:
    """Events since local midnight from hourly counts (oldest first, the first starting at
    `first_hour`, the last the current, partial hour): the buckets that start at or after the
    midnight of the current hour's local day."""
    if not hourly:
        return 0
    midnight = local_midnight(first_hour + (len(hourly) - 1) * HOUR, tz)
    return sum(int(n) for i, n in enumerate(hourly) if first_hour + i * HOUR >= midnight)


def domain_headlines(summary: dict | None, alerts_today: dict[str, dict[str, int]],
                     tz: ZoneInfo) -> list[DomainHeadline]:
    """The six domains in their fixed order. `summary` None: the live figures are unavailable,
    and only the ledger's alerts of today are filled in."""
    first_hour = _first_hour(summary)
    out = []
    for domain in DOMAINS:
        today_alerts = sum(alerts_today.get(domain, {}).values())
        live = (summary or {}).get("domains", {}).get(domain) if first_hour is not None else None
        if live is None:
            out.append(DomainHeadline(domain, None, None, None, None, today_alerts))
            continue
        events = live.get("events", {})
        out.append(DomainHeadline(
            domain=domain,
            today=today_from_hours(live.get("trend_24h", []), first_hour, tz),
            last_24h=int(events.get("24h", 0)),
            daily_average=int(events.get("7d", 0)) / WEEK_DAYS,
            alerts_open=int(live.get("alerts_open", 0)),
            alerts_today=today_alerts,
        ))
    return out


def _first_hour(summary: dict | None) -> datetime | None:
    text = ((summary or {}).get("hourly") or {}).get("first_hour")
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def alerts_by_severity(alerts_today: dict[str, dict[str, int]]) -> dict[str, int]:
    """Today's alerts per severity over every domain, most severe first (all four present)."""
    totals = dict.fromkeys(ALERT_SEVERITIES, 0)
    for by_severity in alerts_today.values():
        for severity, n in by_severity.items():
            totals[severity] = totals.get(severity, 0) + n
    return totals


@dataclass(frozen=True)
class People:
    """Visitors and attendance today (live only; None fields when there is no live summary)."""

    visitors_on_campus: int | None = None
    visitors_today: int | None = None
    staff_present: int | None = None
    students_present: int | None = None
    staff_today: int | None = None
    students_today: int | None = None


def people(summary: dict | None) -> People:
    if not summary:
        return People()
    visitors, attendance = summary.get("visitors") or {}, summary.get("attendance") or {}
    return People(
        visitors_on_campus=int(visitors.get("on_campus", 0)), visitors_today=int(visitors.get("checked_in_today", 0)),
        staff_present=int(attendance.get("staff_present", 0)),
        students_present=int(attendance.get("students_present", 0)),
        staff_today=int(attendance.get("staff_today", 0)), students_today=int(attendance.get("students_today", 0)),
    )
