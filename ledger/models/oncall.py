"""The on-call roster (值班表, issue 16): who is on call in a school for one shift of one day, at each
level of the escalation ladder (ledger/oncall.py names the levels and resolves a moment to them).

One row per school, day, shift and level: the person set for it (`user`), and when somebody swaps
the shift with them, the substitute (`substitute`), who is then on call. The original person stays
on the row, with who recorded the swap and when, so the roster says both "who was meant to be" and
"who was". `shift` is a shift's `name` from the shifts file (ledger/shifts.toml), which the handover
report uses too; the day is the local day the shift starts on (a night shift belongs to its evening).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow
from ledger.models.org import OrgUnit
from ledger.models.users import User

# 0: the duty officer (值班员), 1: the head of security (安全负责人), 2: school leadership (校领导):
# the levels of ledger/alert_deadlines.toml's escalation.
ONCALL_LEVELS: tuple[int, ...] = (0, 1, 2)


class OnCallEntry(Base):
    __tablename__ = "oncall_entries"
    __table_args__ = (UniqueConstraint("school_id", "day", "shift", "level"),
                      CheckConstraint("level IN (0, 1, 2)", name="level"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))  # the unique key leads with it
    day: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(32))  # a shift's name in the shifts file: day, night
    level: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    substituted_by: Mapped[str | None] = mapped_column(String(64))
    substituted_at: Mapped[datetime | None]

    school: Mapped[OrgUnit] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    substitute: Mapped[User | None] = relationship(foreign_keys=[substitute_id])
