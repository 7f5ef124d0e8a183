"""The ledger figures the wall needs, written to Redis so no screen queries SQL every second.

The recorder (streams/recorder.py) refreshes them after each batch that changed a school's ledger
and every LEDGER_REFRESH_SECONDS (overdue and due-soon change with the clock, not with events).
One JSON value per school, under the school's hash tag. Computing them from SQL and reading them
back are reads (queries/ledger/figures.py); this is their only writer. Here, with the consumers,
rather than with the ledger's commands: a refresh is a read of the ledger (queries/) written to
Redis, and the ledger imports nothing above it.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import redis
from sqlalchemy.orm import Session

from kernel import keys
from ledger import inspection_schedule
from queries.ledger import figures, org

TTL_S = 3600  # a stopped recorder's figures fade out instead of standing forever


def store(client: redis.Redis, school_code: str, computed: dict) -> None:
    client.set(keys.ledger_figures(school_code), json.dumps(computed, ensure_ascii=False), ex=TTL_S)


def refresh(session: Session, client: redis.Redis, *, school_codes: list[str] | None = None, now: datetime,
            due_soon_days: float, tz: ZoneInfo = figures.DEFAULT_TZ,
            term_starts=inspection_schedule.DEFAULT_TERM_STARTS) -> list[str]:
    """Recompute and store the figures of some schools (all when None); returns the schools done.
    `tz` and `term_starts`: the school's (settings), which say what "this month" and a term are.

    Named schools are those a batch of events changed: their inspection counts, which no event
    changes, are carried over from the stored value (counted anew on the every-school refresh, every
    LEDGER_REFRESH_SECONDS), so a busy school's events do not pay for counting its inspections."""
    codes = school_codes if school_codes is not None else [s.code for s in org.schools(session)]
    done = []
    for code in codes:
        kept = None
        if school_codes is not None:
            kept = (figures.read(client, code) or {}).get("inspections") or None
        found = figures.compute(session, school_code=code, now=now, due_soon_days=due_soon_days, tz=tz,
                                term_starts=term_starts, counted_inspections=kept)
        if found is not None:
            store(client, code, found)
            done.append(code)
    return done
