"""Failed sign-ins, kept so admins can see them (issue 14, "failed sign-ins are visible to admins").

The rate limiter (dashboard/login_limits.py) counts failures in Redis for fifteen minutes and then
forgets them; this table is the record a person reads. One row per refused password: the username
as typed (folded like every username), when, and from which address. Never the password, nor
whether the username exists: an admin reads what was tried. The limiter bounds how fast rows can
come (20 a quarter-hour per address).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow


class SignInFailure(Base):
    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)  # what was typed, cut to 64
    ip: Mapped[str | None] = mapped_column(String(64))
