"""Alerts raised by alert-raising events, grouped, and every step of their handling."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        Index("ix_alerts_school_state", "school_id", "state"),
        Index("ix_alerts_group", "school_id", "group_key", "state"),
        # The shift handover report reads the alerts still open or resolved since the shift began.
        Index("ix_alerts_school_resolved", "school_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    code: Mapped[str] = mapped_column(String(128))  # the id of the event that opened it
    type: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    group_key: Mapped[str] = mapped_column(String(200))  # rule@device (ledger.alert_flow.group_key)
    device: Mapped[str | None] = mapped_column(String(128))
    building_code: Mapped[str | None] = mapped_column(String(64))
    zone_code: Mapped[str | None] = mapped_column(String(64))
    raised_at: Mapped[datetime]
    last_raised_at: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(16), default="new")
    outcome: Mapped[str | None] = mapped_column(String(16))  # true_alarm | false_alarm
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    dispatched_at: Mapped[datetime | None]
    dispatched_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict | None]  # the opening event's data

    occurrences: Mapped[list[AlertOccurrence]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertOccurrence.id")
    transitions: Mapped[list[AlertTransition]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertTransition.id")


class AlertOccurrence(Base):
    """One alarm event folded into an alert; the event id is unique, so replays add nothing."""

    __tablename__ = "alert_occurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    at: Mapped[datetime]

    alert: Mapped[Alert] = relationship(back_populates="occurrences")


class AlertTransition(Base):
    __tablename__ = "alert_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    by: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[str | None] = mapped_column(String(128), unique=True)

    alert: Mapped[Alert] = relationship(back_populates="transitions")
