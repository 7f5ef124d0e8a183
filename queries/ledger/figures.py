"""The ledger figures the wall needs, kept in Redis so no screen queries SQL every second.

The recorder refreshes them after each batch that changed a school's ledger and every
LEDGER_REFRESH_SECONDS (overdue and due-soon change with the clock, not with events); the CLI
refreshes them after loading or importing. One JSON value per school, under the school's hash tag.
"""
from __future__ import annotations

import json
from datetime import datetime

import redis
from sqlalchemy.orm import Session

from kernel import keys
from queries.ledger import alerts, hazards, org, risk_points

TTL_S = 3600  # a stopped recorder's figures fade out instead of standing forever


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


def store(client: redis.Redis, school_code: str, figures: dict) -> None:
    client.set(keys.ledger_figures(school_code), json.dumps(figures, ensure_ascii=False), ex=TTL_S)


def refresh(session: Session, client: redis.Redis, *, school_codes: list[str] | None = None, now: datetime,
            due_soon_days: float) -> list[str]:
    """Recompute and store the figures of some schools (all when None); returns the schools done."""
    codes = school_codes if school_codes is not None else [s.code for s in org.schools(session)]
    done = []
    for code in codes:
        found = compute(session, school_code=code, now=now, due_soon_days=due_soon_days)
        if found is not None:
            store(client, code, found)
            done.append(code)
    return done


def read(client: redis.Redis, school_code: str) -> dict | None:
    raw = client.get(keys.ledger_figures(school_code))
    return json.loads(raw) if raw else None
