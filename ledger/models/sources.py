"""Event sources: the campus systems that send events over HTTP (POST /api/v1/events), each with
its own API key.

A source is not a person and not a wall: it may do one thing, send events for the schools it is
tied to, and nothing else (dashboard/roles.py). Like an access token (ledger/models/access.py),
its key is shown once when it is issued and never stored: the ledger keeps the key's SHA-256
digest, which is enough for 256 random bits and cheap to check on every cache miss.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow


class EventSource(Base):
    """A campus system that posts events (门禁平台, 消防主机, 视频分析平台 …), valid until revoked."""

    __tablename__ = "event_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))  # which system, e.g. 东校区门禁平台
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the key
    # A district platform may send for every school; otherwise the schools of event_source_schools.
    all_schools: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]  # written at most every few minutes, not per request

    schools: Mapped[list[EventSourceSchool]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="EventSourceSchool.school")

    @property
    def school_codes(self) -> frozenset[str] | None:
        """The schools this source may send events for; None: every school."""
        return None if self.all_schools else frozenset(s.school for s in self.schools)


class EventSourceSchool(Base):
    """One school a source may send for, by its code as events name it (like a token's school: a
    school need not be in the ledger to send events)."""

    __tablename__ = "event_source_schools"

    source_id: Mapped[int] = mapped_column(ForeignKey("event_sources.id", ondelete="CASCADE"), primary_key=True)
    school: Mapped[str] = mapped_column(String(64), primary_key=True)

    source: Mapped[EventSource] = relationship(back_populates="schools")
