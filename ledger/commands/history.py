"""The daily history of visitor and attendance totals, and of events per domain: today's live counts
from Redis, kept in SQL per school and local day (the live figures themselves stay in Redis)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel import figures, keys
from kernel.catalogue import DOMAINS
from ledger import org
from ledger.models import DailyDomainEvents, DailyTotals


def snapshot_days(session: Session, client: redis.Redis, *, school_codes: list[str], now: datetime,
                  tz: ZoneInfo) -> int:
    """Upsert today's totals of each school; the last snapshot of a day is that day's history."""
    day = now.astimezone(tz).date()
    written = 0
    for code in school_codes:
        school = org.find_school(session, code)
        counts = client.hgetall(keys.day_counts(code, day.strftime("%Y%m%d")))
        if school is None or not counts:
            continue
        row = session.scalar(select(DailyTotals).where(DailyTotals.school_id == school.id, DailyTotals.day == day))
        if row is None:
            row = DailyTotals(school_id=school.id, day=day)
            session.add(row)
        # The Redis fields by the figures table (kernel/figures.py), the ledger's columns by theirs.
        row.visitors_checked_in = int(counts.get(figures.VISITORS_TODAY.field, 0))
        row.staff_seen = int(counts.get(figures.STAFF_TODAY.field, 0))
        row.students_seen = int(counts.get(figures.STUDENTS_TODAY.field, 0))
        row.vehicles_seen = int(counts.get(figures.VEHICLES_TODAY.field, 0))
        written += 1
    session.flush()
    return written


# ---- events per domain and local day (the domain pages' week and month trends) ----------------------

DOMAIN_DAYS_BACK = 1  # yesterday too: its last minutes and late events land after its last tick


def day_buckets(day: date, tz: ZoneInfo) -> tuple[list[int], list[tuple[int, int, int]]]:
    """The Redis hour buckets (epoch hours, UTC) a local day is made of: the hours wholly inside
    it, and (hour, first minute, last minute + 1) of an hour the day starts or ends within (zones
    whose offset is not whole hours). Pure."""
    start = int(datetime.combine(day, time(), tz).timestamp())
    end = int(datetime.combine(day + timedelta(days=1), time(), tz).timestamp())
    whole, parts = [], []
    for hour in range(start // 3600, -(-end // 3600)):
        first = max(start, hour * 3600)
        last = min(end, (hour + 1) * 3600)
        if last - first == 3600:
            whole.append(hour)
        elif last > first:
            parts.append((hour, (first - hour * 3600) // 60, (last - hour * 3600) // 60))
    return whole, parts


def domain_day_counts(client: redis.Redis, school: str, day: date, tz: ZoneInfo) -> dict[str, int]:
    """Valid events per domain whose event time falls on the school's local `day`, from the hourly
    counts (kept a week: streams/aggregation.py), and the per-minute ones for a part hour."""
    whole, parts = day_buckets(day, tz)
    with client.pipeline(transaction=False) as pipe:
        for hour in whole:
            pipe.hmget(keys.hour_counts(school, hour), DOMAINS)
        for hour, _first, _last in parts:
            pipe.hgetall(keys.minute_counts(school, hour))
        replies = pipe.execute()
    counts = dict.fromkeys(DOMAINS, 0)
    for values in replies[:len(whole)]:
        for domain, value in zip(DOMAINS, values):
            counts[domain] += int(value or 0)
    for (_hour, first, last), minutes in zip(parts, replies[len(whole):]):
        for name, value in minutes.items():
            domain, _, minute = name.partition("|")
            if domain in counts and first <= int(minute) < last:
                counts[domain] += int(value)
    return counts


def snapshot_domain_days(session: Session, client: redis.Redis, *, school_codes: list[str], now: datetime,
                         tz: ZoneInfo, days_back: int = DOMAIN_DAYS_BACK) -> int:
    """Upsert the events per domain of today and the `days_back` days before, per school; returns
    the rows written. A day's count only grows (counters, late events), so a stored count is never
    lowered: a lower reading means Redis let a bucket go (a part hour's minutes after a day)."""
    today = now.astimezone(tz).date()
    days = [today - timedelta(days=back) for back in range(days_back, -1, -1)]
    written = 0
    for code in school_codes:
        school = org.find_school(session, code)
        if school is None:
            continue
        readings = {day: domain_day_counts(client, code, day, tz) for day in days}
        stored = {(row.day, row.domain): row for row in session.scalars(select(DailyDomainEvents).where(
            DailyDomainEvents.school_id == school.id, DailyDomainEvents.day.in_(days)))}
        for day, counts in readings.items():
            for domain, events in counts.items():
                row = stored.get((day, domain))
                if row is None:
                    if not events:
                        continue  # a day with nothing stays absent: the page reads absent as 0
                    row = _insert_domain_day(session, school.id, day, domain, events)
                elif events > row.events:
                    row.events = events
                else:
                    continue
                written += 1
    session.flush()
    return written


def _insert_domain_day(session: Session, school_id: int, day: date, domain: str,
                       events: int) -> DailyDomainEvents:
    """A new row; another recorder's tick may insert it at the same moment: then update theirs."""
    row = DailyDomainEvents(school_id=school_id, day=day, domain=domain, events=events)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        row = session.scalar(select(DailyDomainEvents).where(
            DailyDomainEvents.school_id == school_id, DailyDomainEvents.day == day,
            DailyDomainEvents.domain == domain))
        row.events = max(row.events, events)
        return row
