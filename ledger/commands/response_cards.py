"""Response cards (ledger/models/response_card.py): admins save and retire a school's cards, held
to their unit and audited in the same transaction; the duty console records which card an officer
opened for which alert.

Every field is checked before anything is written: the type against the event catalogue, the place
against the school's buildings and zones, the one-line title without control characters, steps and
contacts line by line, each contact's number as a `tel:` link will dial it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kernel.catalogue import CATALOGUE, DOMAINS
from kernel.row_ids import id_or_none
from ledger.commands.audit import Actor, changed, record
from ledger.commands.risk_points import one_line, place_in_school, school_in_scope
from ledger.errors import LedgerError, NotFound, Words
from ledger.models import Alert, OrgUnit, ResponseCard, ResponseCardUse
from ledger.response_cards import MAX_EVACUATION, contact_lines, text_lines


@dataclass(frozen=True)
class CardForm:
    title: str
    alert_type: str | None = None  # a catalogue type or a prefix of types; None: `domain`'s default
    domain: str | None = None
    building: str | None = None
    zone: str | None = None
    steps: str = ""
    contacts: str = ""
    evacuation: str | None = None


def _kind(form: CardForm) -> tuple[str | None, str | None]:
    """(alert_type, domain): exactly one of them."""
    kind = one_line(form.alert_type, Words("the alert type", "报警类型"), limit=64, required=False)
    if kind is not None:
        if kind not in CATALOGUE and not any(t.startswith(kind + ".") for t in CATALOGUE):
            raise LedgerError(f"{kind!r} is neither an alert type nor the start of one (such as fire)",
                              zh=f"“{kind}”不是报警类型，也不是报警类型的前缀（如 fire）")
        return kind, None
    if form.domain not in DOMAINS:
        raise LedgerError("choose an alert type, or a domain for the domain's default card",
                          zh="请选择报警类型，或选择领域作为该领域的默认处置卡")
    return None, form.domain


def _evacuation(text: str | None) -> str | None:
    value = "\n".join(text_lines(text, Words("the evacuation notes", "疏散说明"), required=False))
    if len(value) > MAX_EVACUATION:
        raise LedgerError(f"the evacuation notes have at most {MAX_EVACUATION} characters",
                          zh=f"疏散说明至多 {MAX_EVACUATION} 个字")
    return value or None


def snapshot(card: ResponseCard) -> dict:
    return {"title": card.title, "alert_type": card.alert_type, "domain": card.domain,
            "building": card.building_code, "zone": card.zone_code, "steps": card.steps,
            "contacts": card.contacts, "evacuation": card.evacuation,
            "retired_at": card.retired_at.isoformat() if card.retired_at else None}


def _fill(db: Session, school: OrgUnit, card: ResponseCard, form: CardForm) -> None:
    card.title = one_line(form.title, Words("the title", "标题"), limit=128, required=True)
    card.alert_type, card.domain = _kind(form)
    building, zone = place_in_school(db, school, form.building or None, form.zone or None)
    card.building_code = building.code if building else None
    card.zone_code = zone.code if zone else None
    card.steps = "\n".join(text_lines(form.steps, Words("the steps", "处置步骤"), required=True))
    card.contacts = "\n".join(f"{c.name} {c.number}" for c in contact_lines(form.contacts))
    card.evacuation = _evacuation(form.evacuation)


def _same_slot(db: Session, school: OrgUnit, card: ResponseCard) -> ResponseCard | None:
    """Another live card for the same type (or domain) and place: two would leave the match to chance."""
    query = select(ResponseCard).where(
        ResponseCard.school_id == school.id, ResponseCard.retired_at.is_(None),
        *[(column.is_(None) if value is None else column == value) for column, value in (
            (ResponseCard.alert_type, card.alert_type), (ResponseCard.domain, card.domain),
            (ResponseCard.building_code, card.building_code), (ResponseCard.zone_code, card.zone_code))])
    return next((c for c in db.scalars(query) if c.id != card.id), None)


def _target(school: OrgUnit, card: ResponseCard) -> str:
    return f"response_card:{school.code}/{card.id}"


def find_card(db: Session, school: OrgUnit, card_id: int) -> ResponseCard:
    # The admin page's pick is the browser's: True retired card 1, past INTEGER failed (kernel.row_ids).
    found = db.get(ResponseCard, card_id) if id_or_none(card_id) is not None else None
    if found is None or found.school_id != school.id:
        raise NotFound(f"{school.name_zh} has no response card {card_id}", zh=f"{school.name_zh}没有处置卡 {card_id}")
    return found


def save_card(db: Session, *, actor: Actor, scope: str | None, school: str, form: CardForm, now: datetime,
              card_id: int | None = None) -> ResponseCard:
    """A new card (card_id None) or the card `card_id` of `school` changed; LedgerError, nothing
    written, for a school outside `scope`, a field that does not check, or a second card for the
    same type and place."""
    found = school_in_scope(db, school, scope)
    card = ResponseCard(school_id=found.id) if card_id is None else find_card(db, found, card_id)
    if card.retired_at is not None:
        raise LedgerError(f"the response card {card.title!r} is retired", zh=f"处置卡“{card.title}”已停用")
    before = snapshot(card) if card_id is not None else None
    with db.no_autoflush:
        _fill(db, found, card, form)
        other = _same_slot(db, found, card)
    if other is not None:
        if card_id is None and snapshot(other) == snapshot(card):
            return other  # the same new card sent twice (a double tap): that card, written and audited once
        raise LedgerError(f"the card {other.title!r} is already for this alert type and place",
                          zh=f"处置卡“{other.title}”已用于同一报警类型和地点，请修改那张卡")
    card.updated_by = actor.name[:64]
    card.updated_at = now
    db.add(card)
    db.flush()
    if before is None:
        record(db, actor=actor, action="response_card.create", target=_target(found, card), now=now,
               school=found.code, after=snapshot(card))
    else:
        old, new = changed(before, snapshot(card))
        if new:
            record(db, actor=actor, action="response_card.update", target=_target(found, card), now=now,
                   school=found.code, before=old, after=new)
    return card


def retire_card(db: Session, *, actor: Actor, scope: str | None, school: str, card_id: int,
                now: datetime) -> ResponseCard:
    """No longer matched from now; kept, so the handover reports that name it still read."""
    found = school_in_scope(db, school, scope)
    card = find_card(db, found, card_id)
    if card.retired_at is not None:
        raise LedgerError(f"the response card {card.title!r} is already retired", zh=f"处置卡“{card.title}”已经停用")
    card.retired_at = now
    db.flush()
    record(db, actor=actor, action="response_card.retire", target=_target(found, card), now=now, school=found.code,
           before={"retired_at": None}, after={"retired_at": now.isoformat()})
    return card


def record_use(db: Session, *, alert_id: int, card_id: int, by: str, at: datetime,
               schools: Iterable[str] | None) -> bool:
    """The officer `by` opened card `card_id` for alert `alert_id`: True when recorded now, False
    when they had already (a second open, a double tap). NotFound, nothing written, for an alert
    outside `schools` (None: every school) or a card of another school than the alert's."""
    alert = db.get(Alert, alert_id)
    school = db.get(OrgUnit, alert.school_id) if alert is not None else None
    if alert is None or (schools is not None and school.code not in set(schools)):
        raise NotFound(f"no alert {alert_id} in a school you may read", zh=f"您可查看的学校中没有报警 {alert_id}")
    card = db.get(ResponseCard, card_id)
    if card is None or card.school_id != alert.school_id:
        raise NotFound(f"no response card {card_id} for this alert's school", zh=f"该报警所在学校没有处置卡 {card_id}")
    key = (ResponseCardUse.alert_id == alert_id, ResponseCardUse.card_id == card_id, ResponseCardUse.used_by == by)
    if db.scalar(select(ResponseCardUse.id).where(*key)) is not None:
        return False
    try:
        with db.begin_nested():  # two tabs of one officer at once: the unique key keeps one
            db.add(ResponseCardUse(alert_id=alert_id, card_id=card_id, used_by=by[:64], used_at=at))
    except IntegrityError:
        return False
    return True
