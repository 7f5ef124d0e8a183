"""Sending a reminder (issue 16): its mark and its outbox rows, in the CALLER's transaction.

The mark (ledger.models.ReminderMark) is written first, ON CONFLICT DO NOTHING: a key marked before
— by an earlier sweep, or by a second notifier's sweep committing first (PostgreSQL makes this one wait
for it, then finds the key) — sends nothing. The outbox's own unique key (ledger/commands/notify.py)
holds the line again underneath. The sweep that plans reminders is streams/reminders.py.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.commands import notify
from ledger.models import ReminderMark
from ledger.reminders import Planned


def remind(db: Session, planned: Planned, *, now: datetime) -> int | None:
    """Mark and enqueue one reminder (not committed here). None: sent before, nothing done; else the
    outbox rows added (0: its people have no address a channel serves: marked all the same, once)."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = ReminderMark.__table__
    added = db.execute(insert(table).values(key=planned.key, school=planned.school, kind=planned.kind, at=now,
                                            reached=0)
                       .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)).first()
    if added is None:
        return None
    rows = notify.enqueue(db, dedupe_key=planned.key, school=planned.school, kind=planned.kind, title=planned.title,
                          text=planned.text, link=planned.link, recipients=list(planned.recipients), severity=None,
                          now=now)
    if rows:
        db.execute(update(ReminderMark).where(ReminderMark.key == planned.key).values(reached=rows))
    return rows
