"""The daily history of visitor and attendance totals: today's live counts from Redis, kept in
SQL per school and local day (the live figures themselves stay in Redis)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import DailyTotals
from queries import keys
from queries.ledger import org


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
        row.visitors_checked_in = int(counts.get("visitors_checked_in", 0))
        row.staff_seen = int(counts.get("seen|staff", 0))
        row.students_seen = int(counts.get("seen|student", 0))
        row.vehicles_seen = int(counts.get("vehicles_seen", 0))
        written += 1
    session.flush()
    return written
