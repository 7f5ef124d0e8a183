"""The ledger figures the wall needs: computed from SQL for the writer, read back from Redis.

The recorder writes them to Redis (streams/ledger_figures.py) after each batch that changed a
school's ledger and every LEDGER_REFRESH_SECONDS, so no screen queries SQL every second. One JSON
value per school, under the school's hash tag.
"""
from __future__ import annotations

import json
from datetime import datetime

import redis
from sqlalchemy.orm import Session

from kernel import keys
from queries.ledger import alerts, hazards, org, risk_points


def compute(session: Session, *, school_code: str, now: datetime, due_soon_days: float) -> dict | None:
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
    }


def read(client: redis.Redis, school_code: str) -> dict | None:
    raw = client.get(keys.ledger_figures(school_code))
    return json.loads(raw) if raw else None
