"""Alerts raised by alert-raising events, grouped, and every step of their handling."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        Index("ix_alerts_school_state", "school_id", "state"),
        Index("ix_alerts_group", "school_id", "group_key", "state"),
        # The duty console and the escalation sweep read the open alerts of every school.
        Index("ix_alerts_state_raised", "state", "raised_at"),
        # The shift handover report reads the alerts still open or resolved since the shift began.
        Index("ix_alerts_school_resolved", "school_id", "resolved_at"),
        # Leadership (issue 6): alerts raised since a moment (today, a week, a month) per school,
        # a building's latest alerts (the overview's drill-down), a domain's over a range. Migration 0007.
        Index("ix_alerts_school_raised", "school_id", "raised_at"),
        Index("ix_alerts_school_building_last", "school_id", "building_code", "last_raised_at"),
        Index("ix_alerts_school_domain_raised", "school_id", "domain", "raised_at"),  # the domain page
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
    dispatched_to: Mapped[str | None] = mapped_column(String(64))  # the person or team sent
    detail: Mapped[dict | None]  # the opening event's data
    # Bumped by every change of the row (a handling step, a repeat folded in): two duty officers,
    # or an officer and the recorder, acting on one alert at once cannot both write what they read
    # (ledger/commands/alert_handling.py). The ORM checks it on every flush of an Alert.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    occurrences: Mapped[list[AlertOccurrence]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertOccurrence.id")
    transitions: Mapped[list[AlertTransition]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertTransition.id")

    __mapper_args__ = {"version_id_col": version}


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
    assignee: Mapped[str | None] = mapped_column(String(64))  # dispatch: the person or team sent
    outcome: Mapped[str | None] = mapped_column(String(16))  # resolve: true_alarm | false_alarm

    alert: Mapped[Alert] = relationship(back_populates="transitions")


class AlertEscalation(Base):
    """An alert left unacknowledged past a deadline: level k fell due at raised + k × deadline
    (ledger/escalation.py). One row per level, so concurrent sweeps record each level once."""

    __tablename__ = "alert_escalations"
    __table_args__ = (UniqueConstraint("alert_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    level: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    at: Mapped[datetime] = mapped_column(index=True)  # when the sweep recorded it


class AlertOutbox(Base):
    """Contract events of a handling step, written in the step's transaction and deleted once
    Kafka has them: the web app sends right after its commit, the recorder whatever is left."""

    __tablename__ = "alert_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    school: Mapped[str] = mapped_column(String(64))  # the message key
    event: Mapped[dict]  # the contract event as sent
    created_at: Mapped[datetime]
