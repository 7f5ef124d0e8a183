"""Notification channels, people's own addresses, the notification outbox and its delivery log (issue 16).

A channel belongs to an organisation unit (a school or above): a WeCom, DingTalk or Feishu group robot,
an SMTP server, an SMS gateway or the school's own webhook. Its secret (robot key, signing secret,
SMTP password, gateway token) is kept encrypted (`fernet:…`, ledger/notify_secrets.py) or named as an
environment variable (`env:NOTIFY_CHANNEL_NAME`); `secret_hint` is the masked form the admin page shows.

The outbox holds one row per (message, channel, recipient). `dedupe_key` is unique: enqueueing the
same step again after a restart adds nothing. The sender (streams/notifier.py) takes due rows, sends,
and writes one `notify_deliveries` row per attempt, grouped or not.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow
from ledger.models.org import OrgUnit

CHANNEL_KINDS: tuple[str, ...] = ("wecom", "dingtalk", "feishu", "email", "sms", "webhook")
# Channels that post to a group (no personal address): recipients=None reaches them.
GROUP_KINDS: tuple[str, ...] = ("wecom", "dingtalk", "feishu", "webhook")
# Which of a person's addresses a personal channel sends to.
ADDRESS_OF_KIND = {"email": "email", "sms": "phone"}
ADDRESS_KINDS: tuple[str, ...] = ("phone", "email")
# "withdrawn": a page of an alert acknowledged (or resolved) before it went (the escalation ladder).
OUTBOX_STATUSES: tuple[str, ...] = ("pending", "retrying", "sent", "failed", "withdrawn")
UNIT_KINDS_WITH_POLICY: tuple[str, ...] = ("province", "city", "district", "school")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class NotifyChannel(Base):
    __tablename__ = "notify_channels"
    __table_args__ = (CheckConstraint(_in("kind", CHANNEL_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(128))
    enabled: Mapped[bool] = mapped_column(default=True)
    config: Mapped[dict]  # the non-secret part: webhook URL, SMTP host, SMS URL template …
    # The credential: a robot's webhook URL (its token is in it), the SMTP password, the SMS gateway's
    # token, the webhook's bearer token. "fernet:<token>" or "env:NOTIFY_CHANNEL_NAME"; never shown back.
    secret: Mapped[str | None] = mapped_column(Text)
    secret_hint: Mapped[str | None] = mapped_column(String(64))  # "env:NOTIFY_CHANNEL_NAME" or "••••abcd"
    # DingTalk's SEC… signing secret, Feishu's signature key (optional), the webhook's HMAC key.
    signing_secret: Mapped[str | None] = mapped_column(Text)
    signing_hint: Mapped[str | None] = mapped_column(String(64))
    rate_per_minute: Mapped[int] = mapped_column(default=20)  # DingTalk's robot: 20 a minute
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))

    unit: Mapped[OrgUnit] = relationship()


class NotifyAddress(Base):
    """A person's own address for a personal channel: their mobile for SMS, their e-mail."""

    __tablename__ = "notify_addresses"
    __table_args__ = (CheckConstraint(_in("kind", ADDRESS_KINDS), name="kind"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class NotifyOutbox(Base):
    __tablename__ = "notify_outbox"
    __table_args__ = (CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
                      Index("ix_notify_outbox_due", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)  # message key + channel + recipient
    message_key: Mapped[str] = mapped_column(String(160), index=True)  # the caller's dedupe_key
    channel_id: Mapped[int] = mapped_column(ForeignKey("notify_channels.id"), index=True)
    recipient: Mapped[str | None] = mapped_column(String(256))  # phone / e-mail; None: the group robot
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    school: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # what the message is about: alert, escalation, test …
    severity: Mapped[str | None] = mapped_column(String(16))
    building: Mapped[str | None] = mapped_column(String(128))  # the place, for grouped messages
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_answer: Mapped[str | None] = mapped_column(String(500))  # the provider's, truncated
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotifyDelivery(Base):
    """One attempt to send one message (or one grouped message carrying several outbox rows)."""

    __tablename__ = "notify_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("notify_channels.id"), index=True)
    outbox_ids: Mapped[list]  # the rows this attempt carried
    grouped: Mapped[bool] = mapped_column(default=False)
    ok: Mapped[bool]
    answer: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(index=True)
    duration_ms: Mapped[int] = mapped_column(default=0)


class NotifyPolicy(Base):
    """A unit's quiet hours, hazard reminder points and digest time (ledger/notify_policy.py); a school
    without a row follows the nearest unit above it. Times are local "HH:MM" strings: the same text on
    both back-ends, and what the admin typed."""

    __tablename__ = "notify_policies"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    reminder_days: Mapped[str] = mapped_column(String(64), default="3,1,0")
    reminder_at: Mapped[str] = mapped_column(String(5), default="08:00")
    digest_at: Mapped[str | None] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))
