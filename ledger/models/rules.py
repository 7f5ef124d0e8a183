"""Alert rules and acknowledgement deadlines as an admin edited them: every saved version, whole.

The TOML files (streams/alert_rules.toml, ledger/alert_deadlines.toml) stay the shipped defaults;
the newest version here, when there is one, replaces its file in every process within seconds
(ledger/live_rules.py). Versions are only added, never changed, so going back is saving an older
text again, and the audit log says who saved which.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow

RULE_KINDS = ("alert_rules", "alert_deadlines")


class RuleText(Base):
    __tablename__ = "rule_texts"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # RULE_KINDS
    version: Mapped[int]  # 1, 2, ... per kind; the unique pair makes two saves at once one winner
    text: Mapped[str] = mapped_column(Text)  # the TOML, as checked by the same parser the processes use
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
