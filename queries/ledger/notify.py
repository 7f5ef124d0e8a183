"""What the notification admin page (/admin/notify) reads (issue 16): the channels of the admin's unit and
below, with hints instead of secrets and robot URLs masked; their outbox counts; the latest failed
deliveries; the outcome of a test message. Reads only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.models import NotifyAddress, NotifyChannel, NotifyDelivery, NotifyOutbox, OrgUnit
from ledger.notify_secrets import shown_url
from queries.ledger.people import _scope_ids

UNIT_KINDS = ("province", "city", "district", "school")


@dataclass(frozen=True)
class ChannelRow:
    id: int
    unit_id: int
    unit_name: str
    kind: str
    name: str
    enabled: bool
    config: dict  # the non-secret part, URLs reduced to scheme://host/path
    secret_hint: str | None
    signing_hint: str | None
    rate_per_minute: int
    counts: dict  # status -> rows
    last_failure: str | None


@dataclass(frozen=True)
class FailureRow:
    at: datetime
    channel: str
    rows: int
    answer: str


def _shown_config(config: dict) -> dict:
    return {k: (shown_url(v) if k == "url" else v) for k, v in (config or {}).items()}


def units(db: Session, scope: str | None) -> list[tuple[int, str]]:
    """(id, name) of the units an admin may give a channel: schools and above, in their scope."""
    ids = _scope_ids(db, scope)
    query = select(OrgUnit).where(OrgUnit.kind.in_(UNIT_KINDS)).order_by(OrgUnit.kind, OrgUnit.name_zh)
    if ids is not None:
        query = query.where(OrgUnit.id.in_(ids))
    return [(u.id, f"{u.name_zh} ({u.code})") for u in db.scalars(query)]


def channels(db: Session, scope: str | None) -> list[ChannelRow]:
    ids = _scope_ids(db, scope)
    query = select(NotifyChannel, OrgUnit).join(OrgUnit, OrgUnit.id == NotifyChannel.unit_id).order_by(
        OrgUnit.name_zh, NotifyChannel.id)
    if ids is not None:
        query = query.where(NotifyChannel.unit_id.in_(ids))
    found = db.execute(query).all()
    channel_ids = [c.id for c, _u in found]
    counts: dict[int, dict] = {}
    for channel_id, status, n in db.execute(
            select(NotifyOutbox.channel_id, NotifyOutbox.status, func.count())
            .where(NotifyOutbox.channel_id.in_(channel_ids)).group_by(NotifyOutbox.channel_id, NotifyOutbox.status)):
        counts.setdefault(channel_id, {})[status] = n
    last: dict[int, str] = {}
    for channel_id, answer in db.execute(
            select(NotifyDelivery.channel_id, NotifyDelivery.answer).where(
                NotifyDelivery.channel_id.in_(channel_ids), NotifyDelivery.ok.is_(False))
            .order_by(NotifyDelivery.id)):
        last[channel_id] = answer or ""
    return [ChannelRow(c.id, c.unit_id, u.name_zh, c.kind, c.name, c.enabled, _shown_config(c.config),
                       c.secret_hint, c.signing_hint, c.rate_per_minute, counts.get(c.id, {}), last.get(c.id))
            for c, u in found]


def failures(db: Session, scope: str | None, limit: int = 20) -> list[FailureRow]:
    ids = _scope_ids(db, scope)
    query = (select(NotifyDelivery, NotifyChannel.name)
             .join(NotifyChannel, NotifyChannel.id == NotifyDelivery.channel_id)
             .where(NotifyDelivery.ok.is_(False)).order_by(NotifyDelivery.id.desc()).limit(limit))
    if ids is not None:
        query = query.where(NotifyChannel.unit_id.in_(ids))
    return [FailureRow(d.at, name, len(d.outbox_ids or []), d.answer or "") for d, name in db.execute(query)]


def outcome(db: Session, scope: str | None, row_id: object) -> tuple[str, int, str | None] | None:
    """(status, attempts, the provider's last answer) of a test message, if its channel is in scope (the
    row id comes back from the browser: never trusted)."""
    row = db.get(NotifyOutbox, row_id) if isinstance(row_id, int) and not isinstance(row_id, bool) else None
    ids = _scope_ids(db, scope)
    if row is None or (ids is not None and db.get(NotifyChannel, row.channel_id).unit_id not in ids):
        return None
    return row.status, row.attempts, row.last_answer


def own_addresses(db: Session, user_id: int) -> dict[str, str]:
    query = select(NotifyAddress.kind, NotifyAddress.value).where(NotifyAddress.user_id == user_id)
    return dict(db.execute(query).all())
