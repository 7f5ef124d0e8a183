"""The audit log: every change made in administration, who made it, when, from where, and the
values before and after.

Append-only: the ledger has a command that adds an entry (ledger/commands/audit.py) and none that
changes or removes one, the web app has no route that could, and on PostgreSQL a trigger refuses
UPDATE and DELETE on the table (migration 0009), so even a bug in a later page cannot rewrite it.
Secrets never enter it: a command passes what it changed with passwords and tokens left out.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    # The audit page's filter by who, and a scoped admin's own entries, newest first (migration 0010).
    __table_args__ = (Index("ix_audit_entries_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))  # a username, or token:<id>, or cli:<os user>
    actor_role: Mapped[str] = mapped_column(String(16))
    ip: Mapped[str | None] = mapped_column(String(64))  # where from: the client's address, as the proxy says
    action: Mapped[str] = mapped_column(String(64), index=True)  # "<thing>.<verb>": org.create, user.disable
    target: Mapped[str] = mapped_column(String(200))  # what was changed, by its code: "school:demo-univ"
    # The school the change belongs to, for filtering and for scope: a school admin reads its own.
    school: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict | None]
    after: Mapped[dict | None]
