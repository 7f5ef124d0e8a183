"""Writes of the wall's history (issue 18; ledger/models/wall_history.py): an hour kept, old hours forgotten.

The writer (streams/wall_history.py) keeps each school's current hour in memory and saves the hour so
far every minute, so a crash loses at most the minute being taken. A save is a compare-and-set on the
minutes recorded: it writes only over the row the writer last saw, so a second writer (another recorder,
or one restarted with an older memory) never overwrites minutes it does not hold; it reads the row again
and adds its minute to what is there.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.models import WallHistory


def save_hour(db: Session, *, school: str, hour_start: datetime, frames: bytes, minutes: int, seen: int,
              now: datetime) -> bool:
    """Keep the hour's frames and the mask of its minutes, if the row still holds `seen` (the mask this
    writer read or last saved; 0 for a row it never saw). True when written. The caller commits."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = WallHistory.__table__
    statement = (insert(table)
                 .values(school=school, hour_start=hour_start, frames=frames, minutes=minutes, updated_at=now)
                 .on_conflict_do_update(index_elements=["school", "hour_start"],
                                        set_={"frames": frames, "minutes": minutes, "updated_at": now},
                                        where=table.c.minutes == seen)
                 .returning(table.c.minutes))
    return db.execute(statement).first() is not None


def forget_before(db: Session, cutoff: datetime) -> int:
    """Remove the hours that ended before `cutoff` (the retention's start). Returns rows removed."""
    result = db.execute(delete(WallHistory).where(WallHistory.hour_start <= cutoff - timedelta(hours=1)),
                        execution_options={"synchronize_session": False})
    return result.rowcount or 0
