"""Reminders already sent (issue 16): one row per reminder key, written with its outbox rows.

The outbox's own dedupe key stops a second page, but only for a message that reached somebody: a
reminder whose people have no phone or e-mail adds no outbox row, and the sweep (every minute) would
work it out and try again every minute, for every such hazard. A mark per key makes every reminder
once, reached or not (`reached`: the outbox rows it added; 0 says it reached nobody, which an admin
page can list), and lets the sweep ask one query per kind which keys are done.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base


class ReminderMark(Base):
    __tablename__ = "notify_reminders"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)  # the message's dedupe key
    school: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    reached: Mapped[int] = mapped_column(default=0)
