"""The leadership domain page (/lead/domain): one school, one domain, one range of time.

Everything is counted in SQL over the alerts raised in the range (`school_id`, `domain`,
`raised_at` in [start, end)) and the daily event history, each result bounded whatever the
school's size: one row per bucket, type, building (top N), system, or a single figure.

- `events_by_day`: valid events per local day (`daily_domain_events`; a day with no row: 0).
- `alerts_by_bucket`: alerts raised per bucket of the range; the bucket of each alert is found by
  a CASE over the buckets' edges (computed in Python from the school's local midnights or hours),
  which works alike on SQLite and PostgreSQL and is right across daylight-saving changes.
- `alerts_by_type`, `alerts_by_building`: how many of which type, in which building.
- `response_times`: time to acknowledge and to resolve (count, mean, nearest-rank median and P90:
  the mean from SUM and COUNT, each quantile one ORDER BY ... LIMIT 1 OFFSET k).
- `false_alarm_rows`: resolved and false alarms per alert type and, for device.offline, the system
  the event named (kernel/device_systems.py folds them per system).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, extract, func, select
from sqlalchemy.orm import Session

from kernel.device_systems import SELF_NAMING
from ledger.alert_times import DurationStats, rank_index
from ledger.models import Alert, Building, DailyDomainEvents
from queries.ledger import register

FALSE_ALARM = "false_alarm"


def events_by_day(session: Session, *, school_id: int, domain: str, days: tuple[date, ...]) -> list[int]:
    rows = session.execute(
        select(DailyDomainEvents.day, DailyDomainEvents.events)
        .where(DailyDomainEvents.school_id == school_id, DailyDomainEvents.domain == domain,
               DailyDomainEvents.day >= days[0], DailyDomainEvents.day <= days[-1]))
    found = {day: int(events) for day, events in rows}
    return [found.get(day, 0) for day in days]


def _raised_in(school_id: int, domain: str, start: datetime, end: datetime) -> list:
    return [Alert.school_id == school_id, Alert.domain == domain,
            Alert.raised_at >= start, Alert.raised_at < end]


def alerts_by_bucket(session: Session, *, school_id: int, domain: str,
                     edges: tuple[datetime, ...]) -> list[int]:
    """Alerts raised in each [edges[i], edges[i+1])."""
    bucket = case(*((Alert.raised_at < edge, i) for i, edge in enumerate(edges[1:])), else_=len(edges) - 1)
    # Grouped outside a subquery: PostgreSQL would not see the CASE of the GROUP BY, with its
    # parameters bound again, as the one selected.
    each = (select(bucket.label("bucket"))
            .where(*_raised_in(school_id, domain, edges[0], edges[-1])).subquery())
    rows = session.execute(select(each.c.bucket, func.count()).group_by(each.c.bucket))
    counts = [0] * (len(edges) - 1)
    for index, n in rows:
        if 0 <= index < len(counts):
            counts[index] = int(n)
    return counts


def alerts_by_type(session: Session, *, school_id: int, domain: str, start: datetime,
                   end: datetime) -> list[tuple[str, int]]:
    """Every type's alerts, most first (a domain has a handful of types: the catalogue's)."""
    n = func.count().label("n")
    rows = session.execute(select(Alert.type, n).where(*_raised_in(school_id, domain, start, end))
                           .group_by(Alert.type).order_by(n.desc(), Alert.type))
    return [(t, int(count)) for t, count in rows]


@dataclass(frozen=True)
class BuildingAlerts:
    code: str | None  # None: alerts that name no building (the gates, the weather, campus-wide)
    name_zh: str | None
    name_en: str | None
    alerts: int


def alerts_by_building(session: Session, *, school_id: int, domain: str, start: datetime, end: datetime,
                       limit: int) -> tuple[list[BuildingAlerts], int]:
    """The `limit` places with the most alerts (names from the site plan when it knows the code),
    and how many places had any."""
    n = func.count().label("n")
    # The building the event named, else its registered device's (queries/ledger/register.py).
    placed = (select(register.alert_building().label("code"))
              .where(*_raised_in(school_id, domain, start, end)).subquery())
    grouped = select(placed.c.code, n).group_by(placed.c.code).subquery()
    total = session.scalar(select(func.count()).select_from(grouped)) or 0
    rows = session.execute(
        select(grouped.c.code, Building.name_zh, Building.name_en, grouped.c.n)
        .outerjoin(Building, (Building.school_id == school_id) & (Building.code == grouped.c.code))
        .order_by(grouped.c.n.desc(), grouped.c.code).limit(limit))
    return [BuildingAlerts(code, zh, en, int(count)) for code, zh, en, count in rows], int(total)


def _seconds(dialect: str, later, earlier):
    """Seconds between two moments: SQLite keeps them as text (julianday reads it, to within some
    microseconds: rounded to the millisecond), PostgreSQL as timestamps."""
    if dialect == "postgresql":
        return extract("epoch", later - earlier)
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def _duration_stats(session: Session, where: list, seconds) -> DurationStats:
    n, total = session.execute(select(func.count(), func.sum(seconds)).where(*where)).one()
    n = int(n or 0)
    if not n:
        return DurationStats(0)

    def at(q: float) -> float:
        return float(session.scalar(select(seconds).where(*where).order_by(seconds)
                                    .limit(1).offset(rank_index(n, q))))

    return DurationStats(n, float(total) / n, at(0.5), at(0.9))


def response_times(session: Session, *, school_id: int, domain: str, start: datetime,
                   end: datetime) -> tuple[DurationStats, DurationStats]:
    """(raised → acknowledged over the acknowledged, raised → resolved over the resolved) of the
    alerts raised in the range; an alert resolved without an acknowledgement counts in the second."""
    dialect = session.get_bind().dialect.name
    raised = _raised_in(school_id, domain, start, end)
    ack = _duration_stats(session, raised + [Alert.acknowledged_at.is_not(None)],
                          _seconds(dialect, Alert.acknowledged_at, Alert.raised_at))
    resolve = _duration_stats(session, raised + [Alert.resolved_at.is_not(None)],
                              _seconds(dialect, Alert.resolved_at, Alert.raised_at))
    return ack, resolve


def false_alarm_rows(session: Session, *, school_id: int, domain: str, start: datetime,
                     end: datetime) -> list[tuple[str, str | None, int, int]]:
    """(type, the system a device.offline event named or None, resolved, of them false alarms)."""
    named = case((Alert.type == SELF_NAMING, Alert.detail["system"].as_string()), else_=None)
    each = (select(Alert.type.label("type"), named.label("named"),
                   case((Alert.outcome == FALSE_ALARM, 1), else_=0).label("false_alarm"))
            .where(*_raised_in(school_id, domain, start, end), Alert.resolved_at.is_not(None)).subquery())
    rows = session.execute(select(each.c.type, each.c.named, func.count(), func.sum(each.c.false_alarm))
                           .group_by(each.c.type, each.c.named))
    return [(t, system, int(resolved), int(f)) for t, system, resolved, f in rows]
