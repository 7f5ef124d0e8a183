"""Drills and trainings (应急演练 / 安全教育培训, issue 16): what a school's safety office or an
administrator records after one is held. Seed 001 attachment 2 art. 9 and 12 are computed from them
(docs/ledger.md, *Assessment*). A record is corrected in place (audited, before and after) and
withdrawn with a reason, never deleted: a withdrawn record stays and counts no more.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow

DRILL_KINDS: tuple[str, ...] = ("drill", "training")  # 演练, 培训: names in ledger/drills.py KIND_NAMES


class Drill(Base):
    __tablename__ = "drills"
    __table_args__ = (
        CheckConstraint("kind IN ('drill', 'training')", name="kind"),
        CheckConstraint("participant_count IS NULL OR participant_count >= 0", name="participant_count"),
        Index("ix_drills_school_held_on", "school_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    # The unit that held it (the assessment's 责任部门); None: the whole school (counts for every unit).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)  # the school's local date
    participant_count: Mapped[int | None] = mapped_column(Integer)
    participants: Mapped[str] = mapped_column(Text, default="")  # names, one a line (free text)
    # The plan exercised: free text today; a response card's type once cards exist (issue 16).
    plan: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))  # username
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None]
    request_id: Mapped[str | None] = mapped_column(String(128), unique=True)  # a form sent twice is one record
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
