"""Response cards (应急处置卡 / 预案): what the duty officer does for an alert of a type in a place,
whom to call, the building's evacuation notes; and which card was used for which alert.

A card is for an alert type (`fire.smoke_alarm`) or a type prefix (`fire`: every fire alarm), or,
with no type, a domain's default; optionally held to a building, or to a zone of it. The most
specific card matches an alert (ledger/response_cards.py `match_card`). Cards are retired, never
deleted: the handover report keeps naming the card an officer used.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow


class ResponseCard(Base):
    __tablename__ = "response_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    alert_type: Mapped[str | None] = mapped_column(String(64))  # a type or a prefix; None: the domain's default
    domain: Mapped[str | None] = mapped_column(String(32))  # only for a domain's default
    building_code: Mapped[str | None] = mapped_column(String(64))  # codes as alerts carry them
    zone_code: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(128))
    steps: Mapped[str] = mapped_column(Text)  # one step a line
    contacts: Mapped[str] = mapped_column(Text)  # one "name number" a line, numbers checked on saving
    evacuation: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None]
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ResponseCardUse(Base):
    """An officer opened a card for an alert: once per alert, card and person (reopening adds nothing)."""

    __tablename__ = "response_card_uses"
    __table_args__ = (UniqueConstraint("alert_id", "card_id", "used_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("response_cards.id"))
    used_by: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime]
