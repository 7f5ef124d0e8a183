"""Hazards (隐患), every step of their closed loop, and the duty officers' comments on them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow

MAX_COMMENT_CHARS = 2000


class Hazard(Base):
    __tablename__ = "hazards"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        Index("ix_hazards_school_stage", "school_id", "stage"),
        # One hazard per phone form (issue 15): a retried or doubled send finds the first one.
        Index("uq_hazards_school_client_key", "school_id", "client_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    code: Mapped[str] = mapped_column(String(128))  # the `data.hazard` of the event contract
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str] = mapped_column(String(16), default="ordinary")  # ordinary | major
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_points.id"))
    found_by: Mapped[str | None] = mapped_column(String(64))
    found_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(32), default="self_inspection")
    measures: Mapped[str] = mapped_column(Text, default="")  # 治理措施 / 整改方案
    emergency_measures: Mapped[str] = mapped_column(Text, default="")  # 应急处置措施 (major ones)
    deadline: Mapped[datetime | None]
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    responsible_person: Mapped[str | None] = mapped_column(String(64))
    recheck_result: Mapped[str | None] = mapped_column(Text)  # 复查结果
    listed_supervision: Mapped[bool] = mapped_column(Boolean, default=False)  # 挂牌督办
    supervised_by: Mapped[str | None] = mapped_column(String(128))  # who lists it, e.g. the bureau
    stage: Mapped[str] = mapped_column(String(16), default="reported")
    # The loop as people work it in the product (issue 15, ledger/commands/hazard_work.py). People (and the
    # supervising unit) by plain ids, as `by` names people: the history outlives an account, and a
    # plain column is what SQLite can add to a table others point at (COMMON: never batch-alter it).
    client_key: Mapped[str | None] = mapped_column(String(64))  # the phone form's key, once per form
    reported_by_user_id: Mapped[int | None] = mapped_column(index=True)
    responsible_user_id: Mapped[int | None] = mapped_column(index=True)
    requirement: Mapped[str | None] = mapped_column(Text)  # 整改要求, written on the notice
    # 挂牌督办 by a unit above the school (a district), with its own deadline and instructions;
    # `listed_supervision` and `supervised_by` say it is listed and by whom.
    supervised_at: Mapped[datetime | None]
    supervision_unit_id: Mapped[int | None]  # the OrgUnit that lists it (a plain id: see above)
    supervision_deadline: Mapped[datetime | None]
    supervision_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    transitions: Mapped[list[HazardTransition]] = relationship(
        back_populates="hazard", cascade="all, delete-orphan", order_by="HazardTransition.id")
    comments: Mapped[list[HazardComment]] = relationship(
        back_populates="hazard", order_by="(HazardComment.at, HazardComment.id)")


class HazardTransition(Base):
    """One step of the loop: who did what, when, with a note. `event_id` is the contract event
    that carried it (None when entered on a screen); unique, so a replay records nothing twice."""

    __tablename__ = "hazard_transitions"
    __table_args__ = (Index("ix_hazard_transitions_at", "at"),)  # the handover report's window

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    by: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    by_user_id: Mapped[int | None]  # the account of a step taken in the product (issue 15)

    hazard: Mapped[Hazard] = relationship(back_populates="transitions")


class HazardComment(Base):
    """A duty officer's comment on a hazard (值班意见): who, when, what. Part of the hazard's
    history, so it is kept as written: an edited or deleted comment would rewrite the record."""

    __tablename__ = "hazard_comments"
    __table_args__ = (
        CheckConstraint(f"length(text) BETWEEN 1 AND {MAX_COMMENT_CHARS}", name="text_length"),
        Index("ix_hazard_comments_hazard_at", "hazard_id", "at"),
        Index("ix_hazard_comments_at", "at"),  # the handover report's window
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)

    hazard: Mapped[Hazard] = relationship(back_populates="comments")


class CommentsAreKept(RuntimeError):
    """A comment was about to be changed or deleted: the ledger keeps them as written."""


@event.listens_for(HazardComment, "before_update")
@event.listens_for(HazardComment, "before_delete")
def _keep_comments(mapper, connection, target: HazardComment) -> None:
    raise CommentsAreKept(f"hazard comment {target.id} is kept as written: it cannot be changed or deleted")


class LoopViolation(Base):
    """A step that broke the closed loop (refused): what art. 16 of the assessment deducts for."""

    __tablename__ = "loop_violations"
    __table_args__ = (UniqueConstraint("event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    hazard_code: Mapped[str] = mapped_column(String(128))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    action: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))
    by: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(128))
