"""The ledger figures the wall needs: computed from SQL for the writer, read back from Redis.

The recorder writes them to Redis (streams/ledger_figures.py) after each batch that changed a
school's ledger and every LEDGER_REFRESH_SECONDS, so no screen queries SQL every second. One JSON
value per school, under the school's hash tag.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from sqlalchemy.orm import Session

from kernel import keys
from ledger import inspection_schedule
from queries.ledger import alerts, hazards, inspections, org, risk_points

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")  # kernel/settings.py's SCHOOL_TIMEZONE default
MONTH_KEYS = ("owed", "done", "late", "missed", "due")


def month_inspections(session: Session, *, school_id: int, now: datetime, tz: ZoneInfo,
                      term_starts=inspection_schedule.DEFAULT_TERM_STARTS) -> dict[str, int]:
    """This local month's inspection periods of the school by status (queries/ledger/inspections.py):
    owed = done (on time) + late + missed + due (the current period, still open). The wall shows
    missed and late. Three reads, then each plan's periods worked out in Python: tens of ms for a school
    of many daily plans late in the month (bench/inspection_figures.py), hence counted on the
    recorder's clock, not after every batch of events."""
    start, end = inspections.month_of(now, tz)
    tally = inspections.missed_and_late(session, school_ids=[school_id], start=start, end=end, now=now, tz=tz,
                                        term_starts=term_starts).by_school
    counts = next(iter(tally.values()), {})
    return {key: int(counts.get(key, 0)) for key in MONTH_KEYS}


def compute(session: Session, *, school_code: str, now: datetime, due_soon_days: float,
            tz: ZoneInfo = DEFAULT_TZ, term_starts=inspection_schedule.DEFAULT_TERM_STARTS,
            counted_inspections: dict | None = None) -> dict | None:
    """The school's figures; `counted_inspections`: the inspections' as counted a moment ago, kept
    instead of counting them again (events do not change inspections: streams/ledger_figures.py)."""
    school = org.find_school(session, school_code)
    if school is None:
        return None
    return {
        "computed_at": now.isoformat(),
        "hazards": hazards.figures(session, school_id=school.id, now=now, due_soon_days=due_soon_days),
        "risk": {
            "by_colour": risk_points.colour_totals(session, school_id=school.id),
            "by_building": risk_points.colours_by_building(session, school_id=school.id),
        },
        "alerts": alerts.figures(session, school_id=school.id),
        # Inspections change by people's hands and by the clock (a period ending unsigned is missed),
        # never by events: kept with the rest, so the wall reads them in the value it already reads.
        "inspections": counted_inspections if counted_inspections is not None else {
            "month": month_inspections(session, school_id=school.id, now=now, tz=tz, term_starts=term_starts)},
    }


def read(client: redis.Redis, school_code: str) -> dict | None:
    raw = client.get(keys.ledger_figures(school_code))
    return json.loads(raw) if raw else None
