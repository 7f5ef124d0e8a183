"""Reads for response cards: a school's cards (the admin page), the card matching an alert with the
nearest cameras (the duty console), the cards used in a shift (the handover report)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Alert, Building, Device, OrgUnit, ResponseCard, ResponseCardUse, Zone
from ledger.response_cards import Camera, match_card, nearest_cameras, read_contacts

MAX_CAMERAS = 4


def school_cards(db: Session, school: str, *, retired: bool = False) -> list[ResponseCard]:
    """The school's live cards (and the retired ones with `retired`), most general first."""
    query = (select(ResponseCard).join(OrgUnit, OrgUnit.id == ResponseCard.school_id)
             .where(OrgUnit.code == school).order_by(ResponseCard.alert_type, ResponseCard.domain,
                                                     ResponseCard.building_code, ResponseCard.zone_code,
                                                     ResponseCard.id))
    if not retired:
        query = query.where(ResponseCard.retired_at.is_(None))
    return list(db.scalars(query))


def cameras(db: Session, school_id: int) -> list[Camera]:
    """The school's cameras in service with an address: the register's video devices."""
    query = (select(Device.source, Device.name, Building.code, Zone.code, Device.stream_url)
             .outerjoin(Building, Building.id == Device.building_id).outerjoin(Zone, Zone.id == Device.zone_id)
             .where(Device.school_id == school_id, Device.system == "video", Device.retired_on.is_(None),
                    Device.stream_url.is_not(None)))
    return [Camera(*row) for row in db.execute(query)]


@dataclass(frozen=True)
class CardShown:
    """A matched card as the console shows it: plain values, contacts checked again."""

    id: int
    title: str
    steps: list[str]
    contacts: list[dict]  # {"name", "number", "dial"}
    evacuation: list[str]
    cameras: list[dict]  # {"name", "url", "zone"}: nearest first
    scope: dict  # what the card is for: {"alert_type", "domain", "building", "zone"}


def card_for(db: Session, *, school: str, type: str, domain: str, building: str | None,
             zone: str | None) -> CardShown | None:
    """The most specific live card of `school` for an alert (ledger/response_cards.py), with the
    cameras nearest the alert; None when the school has no card for it."""
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if found is None:
        return None
    card = match_card(school_cards(db, school), type=type, domain=domain, building=building, zone=zone)
    if card is None:
        return None
    near = nearest_cameras(cameras(db, found.id), building=building, zone=zone, limit=MAX_CAMERAS)
    return CardShown(
        id=card.id, title=card.title, steps=card.steps.splitlines(),
        contacts=[{"name": c.name, "number": c.number, "dial": c.dial} for c in read_contacts(card.contacts)],
        evacuation=(card.evacuation or "").splitlines(),
        cameras=[{"name": c.name, "url": c.url, "zone": c.zone} for c in near],
        scope={"alert_type": card.alert_type, "domain": card.domain, "building": card.building_code,
               "zone": card.zone_code})


@dataclass(frozen=True)
class CardUseRow:
    alert_code: str
    alert_type: str
    card_title: str
    used_by: str
    used_at: datetime


def card_uses(db: Session, *, school_id: int, start: datetime, end: datetime) -> list[CardUseRow]:
    """The cards opened for the school's alerts within [start, end), in order."""
    query = (select(Alert.code, Alert.type, ResponseCard.title, ResponseCardUse.used_by, ResponseCardUse.used_at)
             .join(Alert, Alert.id == ResponseCardUse.alert_id)
             .join(ResponseCard, ResponseCard.id == ResponseCardUse.card_id)
             .where(Alert.school_id == school_id, ResponseCardUse.used_at >= start, ResponseCardUse.used_at < end)
             .order_by(ResponseCardUse.used_at, ResponseCardUse.id))
    return [CardUseRow(*row) for row in db.execute(query)]
