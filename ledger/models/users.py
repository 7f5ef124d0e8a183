"""People who sign in: leadership, duty officers, administrators, the safety office, inspectors and
reporters (issue 15), and their sessions.

Walls prove who they are with an access token (ledger/models/access.py); people sign in with a
username and a password, hashed with argon2 (ledger/commands/users.py). A user reads every school
or the schools listed in `user_schools` (a district officer reads several).

A session is kept as the SHA-256 digest of its random id: the id itself lives only in the
person's signed cookie, so a copy of the ledger lets nobody take over a session. Like a token, the
id is 256 random bits, so a fast digest is enough (ledger/models/access.py says why).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow
from ledger.models.org import OrgUnit

# The roles a person may have; `wall` is a screen's, never a person's. dashboard/roles.py says what
# each may do: `safety` is a school's safety office (安全管理部门: assigns hazards, accepts them, plans
# inspections), `inspector` inspects and accepts (检查验收人员), `reporter` reports hazards and works
# those assigned to them (teachers and staff 教职工; students through school-issued accounts).
USER_ROLES: tuple[str, ...] = ("leader", "duty", "admin", "safety", "inspector", "reporter")
# Why a session ended.
END_REASONS: tuple[str, ...] = ("logout", "idle", "disabled", "role_changed", "password_changed",
                                "schools_changed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # what they type to sign in
    display_name: Mapped[str] = mapped_column(String(128))  # shown in audit trails: 张老师
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))  # argon2's encoded hash, parameters and all
    all_schools: Mapped[bool] = mapped_column(default=False)  # else the schools of unit_id and user_schools
    # The organisation unit the person works for (a district, a school): they read every school under
    # it, including one added tomorrow (ledger/org_scope.py); admins manage what is below it.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    schools: Mapped[list[UserSchool]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserSchool.school")

    unit: Mapped[OrgUnit | None] = relationship()

    @property
    def school_codes(self) -> frozenset[str] | None:
        """The schools listed one by one for this person; None: every school. The schools of their
        unit come on top (ledger.org_scope.readable_schools)."""
        return None if self.all_schools else frozenset(s.school for s in self.schools)


class UserSchool(Base):
    """One school a user may read, by its code as events and the API name it (like a token's)."""

    __tablename__ = "user_schools"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    school: Mapped[str] = mapped_column(String(64), primary_key=True)

    user: Mapped[User] = relationship(back_populates="schools")


class UserSession(Base):
    """A signed-in browser. Ended by logout, idleness, or a change to the user that makes what the
    session was granted no longer true (disabled, role, schools, password)."""

    __tablename__ = "user_sessions"
    __table_args__ = (CheckConstraint(f"end_reason IS NULL OR {_in('end_reason', END_REASONS)}",
                                      name="end_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the session id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The person's last action as last written: at most once a minute (dashboard/sessions.py).
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))

    user: Mapped[User] = relationship()
