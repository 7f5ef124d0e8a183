"""Reporting up (报送, issue 17): what a school reports to its district, and the district's rules.

One table for every report (`reports`): the monthly safety report (kind "monthly", subject the
period 'YYYY-MM') and the event reports (kind "major_hazard": subject the hazard's code; kind
"true_alarm": a critical alert resolved as a true alarm, subject the alert's code). One row per
(school, kind, subject): a monthly report is opened (drafted) by the school, an event report is
written by the step that makes it due (ledger/commands/reporting_events.py). `due_at` is fixed when
the row is written, from the district's rules then in force (`reporting_rules`).

States: draft -> submitted -> receipted (签收); submitted -> returned (退回, with a reason) -> submitted
again. On time or late is judged by the FIRST submission (`first_submitted_at`): a report returned
for more work and sent again is not made late by the return (ledger/reporting.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow

REPORT_KINDS: tuple[str, ...] = ("monthly", "major_hazard", "true_alarm")
REPORT_STATES: tuple[str, ...] = ("draft", "submitted", "receipted", "returned")


class ReportingRule(Base):
    """A district's (or any unit's above schools) reporting rules; a school takes the nearest unit
    above it that has a row, else the defaults (ledger/reporting.py DEFAULT_RULES)."""

    __tablename__ = "reporting_rules"
    __table_args__ = (
        CheckConstraint("monthly_due_day BETWEEN 1 AND 28", name="monthly_due_day"),
        CheckConstraint("major_hazard_hours BETWEEN 1 AND 720", name="major_hazard_hours"),
        CheckConstraint("true_alarm_hours BETWEEN 1 AND 720", name="true_alarm_hours"),
    )

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    monthly_due_day: Mapped[int] = mapped_column(Integer)  # the day of the next month, due at its 24:00 local
    major_hazard_hours: Mapped[int] = mapped_column(Integer)
    true_alarm_hours: Mapped[int] = mapped_column(Integer)
    # The first month whose report is owed ('YYYY-MM'): the month the district started reporting in the
    # product, so months before it do not count as missing. None: every month.
    first_period: Mapped[str | None] = mapped_column(String(7))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("school_id", "kind", "subject"),
        CheckConstraint("kind IN ('monthly', 'major_hazard', 'true_alarm')", name="kind"),
        CheckConstraint("status IN ('draft', 'submitted', 'receipted', 'returned')", name="status"),
        Index("ix_reports_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(128))  # 'YYYY-MM', a hazard's or an alert's code
    title: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]  # what made it due: the month's end, the hazard graded major, the alarm resolved
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    text: Mapped[str] = mapped_column(Text, default="")  # the school's own words
    figures: Mapped[dict | None] = mapped_column(JSON)  # a monthly report's figures, snapshotted when submitted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))  # None: written by the step that made it due
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    first_submitted_at: Mapped[datetime | None]  # on time or late is judged by this
    receipted_at: Mapped[datetime | None]
    receipted_by: Mapped[str | None] = mapped_column(String(64))
    returned_at: Mapped[datetime | None]
    returned_by: Mapped[str | None] = mapped_column(String(64))
    return_reason: Mapped[str | None] = mapped_column(Text)
