"""Routine inspections (日常巡查 / 隐患排查, seed 001 art. 10 and 15): a school's plans, the
inspections done under them, and each checklist item's result.

A plan names one place (a risk point, or a building and optionally a zone), where its checklist
comes from (the risk point's control measures, one item per line, or a campaign's items), how often
(ledger/inspection_schedule.py) and who inspects (a role, or one person by username: usernames never
change). The checklist is read when an inspection starts and frozen on it, so an inspection keeps
the items it was done against when the measures are edited later.

One inspection per plan and period (unique): starting twice opens the same one. A failed item is a
hazard draft until the hazard reported from it is named on it (`hazard_code`).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.inspection_schedule import FREQUENCIES
from ledger.models.base import Base, utcnow

CHECKLIST_SOURCES: tuple[str, ...] = ("risk_point", "campaign")
RESULTS: tuple[str, ...] = ("pass", "fail", "na")  # named for pages in kernel/names.py RESULT_NAMES


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class InspectionPlan(Base):
    __tablename__ = "inspection_plans"
    __table_args__ = (
        CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),
        CheckConstraint(_in("checklist", CHECKLIST_SOURCES), name="checklist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_points.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    # The unit the missed and late counts are charged to (the assessment's 责任部门): given, or the
    # risk point's, or the building's.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    checklist: Mapped[str] = mapped_column(String(16))  # risk_point | campaign
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    frequency: Mapped[str] = mapped_column(String(16))
    assignee_role: Mapped[str | None] = mapped_column(String(16))  # a role (USER_ROLES), or
    assignee_username: Mapped[str | None] = mapped_column(String(64))  # one person
    starts_on: Mapped[date] = mapped_column(Date)  # its first period is the one containing this day
    retired_on: Mapped[date | None] = mapped_column(Date)  # owes no period beginning on or after it
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        UniqueConstraint("plan_id", "period_start"),
        Index("ix_inspections_school_period", "school_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("inspection_plans.id"))
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    frequency: Mapped[str] = mapped_column(String(16))  # the plan's when it started
    period_start: Mapped[date] = mapped_column(Date)  # local dates [start, end)
    period_end: Mapped[date] = mapped_column(Date)
    items: Mapped[list] = mapped_column(default=list)  # the checklist's texts, frozen at start
    started_by: Mapped[str] = mapped_column(String(64))  # username
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]  # signed: nothing of it changes after
    signed_by: Mapped[str | None] = mapped_column(String(64))  # username
    signed_name: Mapped[str | None] = mapped_column(String(128))  # the name signed, as it was then

    plan: Mapped[InspectionPlan] = relationship()
    results: Mapped[list[InspectionResult]] = relationship(
        back_populates="inspection", order_by="InspectionResult.position")


class InspectionResult(Base):
    __tablename__ = "inspection_results"
    __table_args__ = (
        UniqueConstraint("inspection_id", "position"),
        CheckConstraint(_in("result", RESULTS), name="result"),
        Index("ix_inspection_results_by_result", "by", "result"),  # a person's open hazard drafts
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    position: Mapped[int] = mapped_column(Integer)  # the item's index in Inspection.items
    item: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    # The keys of the photos of a failed item, in the inspector's order (a JSON list of the photo
    # store's keys; each photo also names this result: photos.inspection_result_id).
    photo_keys: Mapped[list] = mapped_column(default=list)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    # A failed item's hazard draft becomes a report: the hazard's code, once reported.
    hazard_code: Mapped[str | None] = mapped_column(String(128))
    reported_at: Mapped[datetime | None]

    inspection: Mapped[Inspection] = relationship(back_populates="results")
