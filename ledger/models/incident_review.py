"""An incident review (事后评估, seed 001's after-event evaluation) of one alert: what was found and what
will be done, written by the people who handled it or lead the school. The timeline it is read with
(raised, each page, acknowledged, dispatched, resolved, the response card used) is not copied here:
it is read from the alert's own records each time (queries/ledger/incident_review.py), so it cannot
drift from them. `version` counts the saves: a save names the version it was written over, and a
second person's save over the same version is refused rather than silently overwriting theirs.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base


class IncidentReview(Base):
    __tablename__ = "incident_reviews"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), primary_key=True)
    findings: Mapped[str] = mapped_column(Text, default="")  # what happened and why (经过与原因)
    measures: Mapped[str] = mapped_column(Text, default="")  # what will be done (整改措施)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
