"""Inspectors' assessment deductions and the unit lists art. 7 asks for."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base


class AssessmentDeduction(Base):
    """A deduction an inspector entered (or an `assessment.deduction` event carried)."""

    __tablename__ = "assessment_deductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    article: Mapped[int] = mapped_column(Integer)
    points: Mapped[float] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer, default=1)
    reason: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    period: Mapped[str] = mapped_column(String(16))  # the assessment year, e.g. "2026"
    event_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    # Withdrawn (entered by mistake): kept, with who, when and why, and counted no more (issue 15).
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def counts(self) -> bool:
        return self.withdrawn_at is None
