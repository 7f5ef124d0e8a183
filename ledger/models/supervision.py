"""Supervising down (督办、通报, issue 17): a unit above a school (district, city, province) opens a
supervision item on something of the school's — a hazard by its code, a report, a figure — with a
deadline and instructions; the school answers with its actions and evidence; the officer closes it or
returns it with a reason. Every step is kept (who, when, text, photos). Notices (通报) go from the
unit to its schools, each school's read receipt kept. The rules: ledger/supervision.py; the writes:
ledger/commands/supervision.py and notices.py; the reads: queries/ledger/supervision.py and notices.py.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base

SUBJECT_KINDS: tuple[str, ...] = ("hazard", "report", "figure", "other")
ITEM_STATES: tuple[str, ...] = ("open", "answered", "returned", "closed")
STEP_ACTIONS: tuple[str, ...] = ("open", "answer", "return", "close")


class SupervisionItem(Base):
    __tablename__ = "supervision_items"
    __table_args__ = (
        CheckConstraint("kind IN ('hazard', 'report', 'figure', 'other')", name="kind"),
        CheckConstraint("state IN ('open', 'answered', 'returned', 'closed')", name="state"),
        Index("ix_supervision_items_school_state", "school_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    # The unit that supervises (the opener's district, city or province): its officers close or return.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # What is supervised, by reference: a hazard's code, a report's id, a figure's words ("整改率 62%，11月").
    # A string, so a report (built beside this) is referenced without a schema change.
    ref: Mapped[str] = mapped_column(String(128))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"), index=True)  # kind 'hazard'
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    steps: Mapped[int]  # how many steps so far: the next step's seq, and the guard of a state change
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]  # the latest answer
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class SupervisionStep(Base):
    __tablename__ = "supervision_steps"
    __table_args__ = (
        CheckConstraint("action IN ('open', 'answer', 'return', 'close')", name="action"),
        UniqueConstraint("item_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supervision_items.id"))
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    by_name: Mapped[str] = mapped_column(String(128))  # as shown then: 城关区教育局 王科长
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text, default="")


class SupervisionPhoto(Base):
    """A photo (ledger.models.Photo, uploaded through POST /photos) that goes with an answer: a photo
    goes with one step, once."""

    __tablename__ = "supervision_photos"

    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("supervision_steps.id"), index=True)


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("unit_id", "client_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))  # the issuing district, city or province
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    all_schools: Mapped[bool]  # to every school below the unit then (the recipients list them)
    published_at: Mapped[datetime]
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_by: Mapped[str] = mapped_column(String(128))
    client_key: Mapped[str] = mapped_column(String(64))  # the form's key: a form sent twice is one notice


class NoticeReceipt(Base):
    """A school a notice went to, and its read receipt (已阅): the first person of the school to confirm."""

    __tablename__ = "notice_receipts"
    __table_args__ = (Index("ix_notice_receipts_school_id", "school_id"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    read_at: Mapped[datetime | None]
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    read_by: Mapped[str | None] = mapped_column(String(128))
