"""Special campaigns (专项治理): phases with dates, checklist items, results per school."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base

PHASES_ZH = {"deploy": "动员部署", "inspect": "排查整治", "consolidate": "巩固提升"}


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # `data.campaign` of the contract
    name_zh: Mapped[str] = mapped_column(String(200))
    # The English name for ?lang=en pages; None: the pages show the Chinese (0011_campaign_en).
    name_en: Mapped[str | None] = mapped_column(String(200))
    school_kinds: Mapped[list] = mapped_column(default=list)
    building_kinds: Mapped[list] = mapped_column(default=list)
    # The unit whose administrator made it, by code (codes never change): it applies to the schools
    # under that unit only (a district's campaign to the district's schools). None: every school.
    owner_unit: Mapped[str | None] = mapped_column(String(64), index=True)
    source: Mapped[str | None] = mapped_column(String(200))  # the document it comes from (seed 003, ...)

    phases: Mapped[list[CampaignPhase]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignPhase.starts_on")
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="ChecklistItem.position")


class CampaignPhase(Base):
    __tablename__ = "campaign_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    phase: Mapped[str] = mapped_column(String(16))  # deploy | inspect | consolidate
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship(back_populates="phases")


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("campaign_id", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(200))  # `data.item` of the contract
    # What English pages show for the item; events still name it by `text`. None: the Chinese is shown.
    text_en: Mapped[str | None] = mapped_column(String(200))

    campaign: Mapped[Campaign] = relationship(back_populates="items")


class ChecklistResult(Base):
    """A school's result for an item: the latest check wins; `event_id` makes replays harmless."""

    __tablename__ = "checklist_results"
    __table_args__ = (UniqueConstraint("school_id", "item_id", "building_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"), index=True)
    building_code: Mapped[str] = mapped_column(String(64), default="")
    result: Mapped[str] = mapped_column(String(8))  # pass | fail
    note: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime]
    checked_by: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(128))

    item: Mapped[ChecklistItem] = relationship()
