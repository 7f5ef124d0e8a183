"""Daily history of the live counts (the live figures themselves stay in Redis)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow


class DailyTotals(Base):
    __tablename__ = "daily_totals"
    __table_args__ = (UniqueConstraint("school_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    day: Mapped[date] = mapped_column(Date)  # the school's local day
    visitors_checked_in: Mapped[int] = mapped_column(Integer, default=0)
    staff_seen: Mapped[int] = mapped_column(Integer, default=0)
    students_seen: Mapped[int] = mapped_column(Integer, default=0)
    vehicles_seen: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DailyDomainEvents(Base):
    """Valid events per domain and school local day: Redis keeps the hourly counts a week and the
    per-minute ones a day, so the domain pages' week and month trends read this. Alerts per day
    are not copied here: every alert is in `alerts` with its domain and time, counted there."""

    __tablename__ = "daily_domain_events"
    # Also the index of the domain page's read (one school, one domain, a range of days).
    __table_args__ = (UniqueConstraint("school_id", "day", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    day: Mapped[date] = mapped_column(Date)  # the school's local day
    domain: Mapped[str] = mapped_column(String(32))
    events: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RecorderOffset(Base):
    """The recorder's next offset per partition, written in the same SQL transaction as the
    batch it follows: that is what makes the recorder exactly-once."""

    __tablename__ = "recorder_offsets"

    consumer_group: Mapped[str] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_offset: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RefusedEvent(Base):
    """An event the ledger refused (unknown hazard, alert, unit or checklist item), kept by id so a
    replay refuses it again instead of applying it against a later state of the ledger."""

    __tablename__ = "refused_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
