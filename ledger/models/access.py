"""Access tokens: how a video wall (and, from issue 5, other clients) proves who it is to the web app.

A token is shown once when it is created and never stored: the ledger keeps its SHA-256 digest.
The token is `secrets.token_urlsafe(32)` — 256 random bits — so nobody can guess it or search
for it from a stolen digest, and a fast hash is enough. Slow password hashes (argon2, scrypt)
exist to stretch low-entropy secrets people choose; a token is not one, and the web app checks
one on every cache miss, so a slow hash would cost every wall's request and buy nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow

# Who may do what with each role is dashboard/roles.py's table; the ledger only knows the names.
# wall: a read-only screen; leader: reads everything; duty: reads and handles alerts; admin: all.
ROLES: tuple[str, ...] = ("wall", "leader", "duty", "admin")


class AccessToken(Base):
    """A bearer token with one role, for every school or for one; valid until revoked."""

    __tablename__ = "access_tokens"
    __table_args__ = (CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(128))  # where it is used, e.g. 指挥中心大屏
    role: Mapped[str] = mapped_column(String(16))
    # A school's code as events and the API name it, not a key into org_units: a school sending
    # events before anyone entered it in the ledger can still have a wall. None: every school.
    school: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]  # written at most every few minutes, not per request
