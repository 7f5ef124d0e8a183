"""The escalation ladder's record of whom it paged (issue 16): one row per person per ladder step.

The outbox (notify_outbox) holds the messages; this says why each person was chosen, so the duty
console can show "who was paged at which level" and an admin can see the gaps the ladder worked
around: `how` is `roster` (on call at that level), `fallback` (nobody on the roster: a person of the
level's role), or `nobody` (not even that: only the school's group robots were told, user None).
`reachable` is False for a person with no address on an enabled channel: nothing was sent to them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base

PAGE_HOWS: tuple[str, ...] = ("roster", "fallback", "nobody")


class AlertPage(Base):
    __tablename__ = "alert_pages"
    __table_args__ = (CheckConstraint("how IN ('roster', 'fallback', 'nobody')", name="how"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    level: Mapped[int]  # the ladder's step: 0 at raise, k at the k-th escalation
    oncall_level: Mapped[int]  # the roster level the person was paged as (0, 1, 2)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(128))  # their display name then
    how: Mapped[str] = mapped_column(String(16))
    reachable: Mapped[bool]
    message_key: Mapped[str] = mapped_column(String(160))  # the outbox's: alert:<id>:level:<k>
    at: Mapped[datetime] = mapped_column(index=True)
