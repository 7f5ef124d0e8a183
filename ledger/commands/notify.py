"""The notification outbox (issue 16): what the escalation ladder, reminders and digests call to page
people, and what the notifier (streams/notifier.py) takes its work from.

`enqueue` writes rows in the CALLER's transaction (the outbox pattern of alert_outbox.py): a step and
its pages commit together or not at all. One row per (message, channel, recipient); its dedupe key is
unique, so enqueueing the same step again — a sweep that runs twice, a process restarted — adds nothing.

Delivery is at-least-once: `claim` leases due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so two
notifiers never take the same row; SQLite has one writer) and commits the lease before anything is
sent; `record` writes the outcome. A notifier killed between a provider's answer and `record` sends
that message once more when the lease runs out (LEASE): exactly one duplicate at most, and none for
a webhook receiver that honours the Idempotency-Key header (docs/notify.md).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger import notify_rules
from ledger.errors import LedgerError
from ledger.models import NotifyAddress, NotifyChannel, NotifyDelivery, NotifyOutbox, OrgUnit
from ledger.models.notify import ADDRESS_OF_KIND, GROUP_KINDS

LEASE = timedelta(seconds=120)  # a claimed row is not taken again for this long (a send takes ≤ 10 s)
ANSWER_CHARS = 500


def _unit_chain(db: Session, school: str) -> list[int]:
    """The school's unit and those above it, nearest first: a small query a level (the tree is at most
    province > city > district > school), cheap enough for every alert of a burst."""
    found = db.execute(select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.code == school)).first()
    if found is None:
        raise LedgerError(f"unknown school {school!r}", zh=f"未知学校 {school}")
    chain, parent = [found[0]], found[1]
    while parent is not None and parent not in chain:
        chain.append(parent)
        parent = db.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == parent))
    return chain


def _row_key(message_key: str, channel_id: int, user_id: int | None) -> str:
    key = f"{message_key}|c{channel_id}|u{user_id if user_id is not None else '-'}"
    return key if len(key) <= 200 else hashlib.sha256(key.encode()).hexdigest()


def targets(db: Session, school: str, recipients: list[int] | None) -> list[tuple[int, int | None, str | None]]:
    """(channel id, user id, address) the message goes to. None: the school's own group robots and
    webhooks. Users: each address they keep (phone, e-mail), by the nearest enabled channel of its kind
    from the school upward. A person with no address, or no such channel, is not reached (the caller
    sees fewer rows)."""
    chain = _unit_chain(db, school)
    channels = db.execute(select(NotifyChannel.id, NotifyChannel.kind, NotifyChannel.unit_id)
                          .where(NotifyChannel.unit_id.in_(chain), NotifyChannel.enabled.is_(True))
                          .order_by(NotifyChannel.id)).all()
    if recipients is None:
        return [(cid, None, None) for cid, kind, unit_id in channels if unit_id == chain[0] and kind in GROUP_KINDS]
    nearest: dict[str, int] = {}
    for kind, address_kind in ADDRESS_OF_KIND.items():
        for unit_id in chain:
            found = [cid for cid, k, u in channels if k == kind and u == unit_id]
            if found:
                nearest[address_kind] = found[0]
                break
    addresses = db.execute(select(NotifyAddress.user_id, NotifyAddress.kind, NotifyAddress.value)
                           .where(NotifyAddress.user_id.in_(recipients))
                           .order_by(NotifyAddress.user_id, NotifyAddress.kind))
    return [(nearest[kind], user_id, value) for user_id, kind, value in addresses if kind in nearest]


def enqueue(db: Session, *, dedupe_key: str, school: str, kind: str, title: str, text: str, link: str | None,
            recipients: list[int] | None, severity: str | None, now: datetime, place: str | None = None,
            channel_ids: list[int] | None = None, not_before: datetime | None = None) -> int:
    """Put a message in the outbox for the school's group robots (recipients=None) or for people (user
    ids), in the caller's transaction (not committed here). Returns the rows added: 0 when this
    dedupe_key was enqueued before. `place` (a building's name) lets grouped messages count by place;
    `channel_ids` narrows the targets (the admin page's test message); `not_before` holds the rows until
    then (the quiet hours' end; None: due now)."""
    if not dedupe_key or len(dedupe_key) > 160:
        raise LedgerError("a dedupe key of 1-160 characters is needed", zh="去重键须为 1-160 个字符")
    rows = []
    for channel_id, user_id, address in targets(db, school, recipients):
        if channel_ids is not None and channel_id not in channel_ids:
            continue
        rows.append({"dedupe_key": _row_key(dedupe_key, channel_id, user_id), "message_key": dedupe_key,
                     "channel_id": channel_id, "recipient": address, "user_id": user_id, "school": school,
                     "kind": kind[:32], "severity": severity, "building": (place or None) and place[:128],
                     "title": title[:200], "text": text, "link": link, "status": "pending", "attempts": 0,
                     "next_attempt_at": max(now, not_before or now), "created_at": now})
    if not rows:
        return 0
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    # One cached statement, executed for the rows (a VALUES list built per call is compiled per call);
    # RETURNING counts only the rows inserted, on both back-ends.
    table = NotifyOutbox.__table__
    statement = insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id)
    return len(db.connection().execute(statement, rows).all())


def due_channels(db: Session, now: datetime) -> list[int]:
    """Enabled channels with rows due (a disabled channel's rows wait, pending, until it is enabled)."""
    query = (select(NotifyOutbox.channel_id).join(NotifyChannel, NotifyChannel.id == NotifyOutbox.channel_id)
             .where(NotifyOutbox.status.in_(("pending", "retrying")), NotifyOutbox.next_attempt_at <= now,
                    NotifyChannel.enabled.is_(True)).distinct())
    return sorted(db.scalars(query))


def recent_sends(db: Session, channel_id: int, now: datetime) -> list[datetime]:
    return list(db.scalars(select(NotifyDelivery.at).where(NotifyDelivery.channel_id == channel_id,
                                                           NotifyDelivery.at > now - notify_rules.WINDOW)))


@dataclass(frozen=True)
class Claimed:
    id: int
    dedupe_key: str
    recipient: str | None
    school: str
    kind: str
    severity: str | None
    place: str | None
    title: str
    text: str
    link: str | None
    attempts: int
    created_at: datetime


def claim(db: Session, channel_id: int, now: datetime, *, limit: int = 500) -> list[Claimed]:
    """Lease the channel's due rows and COMMIT the lease (attempts + 1, not due again for LEASE)."""
    query = (select(NotifyOutbox).where(NotifyOutbox.channel_id == channel_id,
                                        NotifyOutbox.status.in_(("pending", "retrying")),
                                        NotifyOutbox.next_attempt_at <= now)
             .order_by(NotifyOutbox.id).limit(limit))
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(db.scalars(query))
    claimed = []
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + LEASE
        claimed.append(Claimed(row.id, row.dedupe_key, row.recipient, row.school, row.kind, row.severity,
                               row.building, row.title, row.text, row.link, row.attempts, row.created_at))
    db.commit()
    return claimed


def release(db: Session, ids: list[int], now: datetime) -> None:
    """Rows claimed but not sent (over the rate): due again at once, the attempt not counted."""
    if ids:
        db.execute(update(NotifyOutbox).where(NotifyOutbox.id.in_(ids))
                   .values(attempts=NotifyOutbox.attempts - 1, next_attempt_at=now))
        db.commit()


def record(db: Session, channel_id: int, ids: list[int], *, ok: bool, answer: str, now: datetime,
           duration_ms: int, grouped: bool, max_attempts: int) -> None:
    """The outcome of one send carrying `ids`: a delivery log row, and each row sent or due again."""
    answer = (answer or "")[:ANSWER_CHARS]
    db.add(NotifyDelivery(channel_id=channel_id, outbox_ids=ids, grouped=grouped, ok=ok, answer=answer, at=now,
                          duration_ms=duration_ms))
    for row in db.scalars(select(NotifyOutbox).where(NotifyOutbox.id.in_(ids))):
        row.last_answer = answer
        if ok:  # sent: so it says, even when the alert's ack withdrew it after the notifier had leased it
            row.status, row.sent_at = "sent", now
        elif row.status == "withdrawn":
            continue  # failed after its withdrawal: not tried again
        else:
            row.status, row.next_attempt_at = notify_rules.after_failure(row.attempts, max_attempts, now)
    db.commit()


def outbox_counts(db: Session, channel_id: int) -> dict[str, int]:
    rows = db.execute(select(NotifyOutbox.status, func.count()).where(NotifyOutbox.channel_id == channel_id)
                      .group_by(NotifyOutbox.status))
    return dict(rows.all())


def enqueue_test(db: Session, *, channel: NotifyChannel, user_id: int, key: str, title: str, text: str,
                 link: str | None, now: datetime) -> int:
    """The admin page's test message on exactly this channel: to the group for a robot or webhook, to the
    admin's own address for SMS and e-mail. Returns the outbox row's id; refused when there is nowhere to send."""
    if not channel.enabled:
        raise LedgerError("the channel is disabled: enable it first", zh="该渠道已停用，请先启用")
    recipient = None
    address_kind = ADDRESS_OF_KIND.get(channel.kind)
    if address_kind is not None:
        address = db.get(NotifyAddress, (user_id, address_kind))
        if address is None:
            what = "手机号" if address_kind == "phone" else "邮箱"
            raise LedgerError(f"set your own {address_kind} first: the test goes to you",
                              zh=f"请先填写您本人的{what}：测试消息发给您本人")
        recipient = address.value
    row = NotifyOutbox(dedupe_key=_row_key(key, channel.id, user_id), message_key=key, channel_id=channel.id,
                       recipient=recipient, user_id=user_id, school=channel.unit.code, kind="test", severity=None,
                       building=None, title=title[:200], text=text, link=link, status="pending", attempts=0,
                       next_attempt_at=now, created_at=now)
    db.add(row)
    db.flush()
    return row.id
