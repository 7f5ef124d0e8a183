"""People's accounts and sessions in the ledger: create, sign in, end, disable, change.

A change that makes what a session was granted untrue (disabled, another role, other schools, a
new password) ends the user's open sessions in the same transaction; the web app sees it at its
next check of the session (dashboard/token_checks.py: within seconds).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from kernel.contract import SCHOOL_ID
from kernel.names import ROLE_NAMES
from ledger import passwords
from ledger.errors import LedgerError, NotFound
from ledger.models import USER_ROLES, OrgUnit, User, UserSchool, UserSession

SESSION_BYTES = 32  # 256 random bits: the session id only the person's cookie holds
# Lower-case so 'Zhang' and 'zhang' are one person; what people type is folded the same way.
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MAX_NAME = 128
ROLE_REFUSED_ZH = "角色应为以下之一：" + "、".join(f"{role}（{ROLE_NAMES[role][0]}）" for role in USER_ROLES)


class PasswordRefused(LedgerError):
    """The new password breaks the policy (ledger/passwords.py)."""


def problems_zh(problems: list[str]) -> str:
    """The policy's problems in Chinese only: each is written "中文 · English" (ledger/passwords.py)."""
    return "；".join(problem.split(" · ")[0] for problem in problems)


def normal_username(text: str) -> str:
    return text.strip().lower()


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _check_password(password: str, username: str) -> None:
    problems = passwords.policy_problems(password, username)
    if problems:
        raise PasswordRefused("; ".join(problems), zh=problems_zh(problems))


def _check_schools(schools: Iterable[str]) -> list[str]:
    found = sorted(set(schools))
    for school in found:
        if not SCHOOL_ID.fullmatch(school):
            raise LedgerError(f"{school!r} cannot be a school code", zh=f"{school!r} 不能作为学校代码")
    return found


def _unit(db: Session, code: str | None) -> OrgUnit | None:
    if code is None:
        return None
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if found is None:
        raise NotFound(f"no organisation unit {code!r}", zh=f"没有机构 {code!r}")
    return found


def create_user(db: Session, *, username: str, display_name: str, role: str, password: str,
                schools: Iterable[str] = (), now: datetime, unit: str | None = None) -> User:
    """A new user; with no unit and no schools listed they read every school."""
    username = normal_username(username)
    display_name = display_name.strip()
    if not USERNAME.fullmatch(username):
        raise LedgerError("a username is 2 to 64 of a-z 0-9 . _ -, starting with a letter or digit",
                          zh="用户名为 2 至 64 个 a-z 0-9 . _ - 字符，以字母或数字开头")
    if not display_name or len(display_name) > MAX_NAME:
        raise LedgerError(f"a display name has 1 to {MAX_NAME} characters", zh=f"姓名为 1 至 {MAX_NAME} 个字")
    if role not in USER_ROLES:
        raise LedgerError(f"role must be one of {', '.join(USER_ROLES)}", zh=ROLE_REFUSED_ZH)
    if find_user(db, username) is not None:
        raise LedgerError(f"there is already a user {username!r}", zh=f"已有用户 {username!r}")
    _check_password(password, username)
    codes = _check_schools(schools)
    scope = _unit(db, unit)
    user = User(username=username, display_name=display_name, role=role, all_schools=not codes and scope is None,
                unit_id=scope.id if scope is not None else None,
                password_hash=passwords.hash_password(password), created_at=now, password_changed_at=now,
                schools=[UserSchool(school=code) for code in codes])
    db.add(user)
    db.flush()
    return user


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == normal_username(username))
                     .options(selectinload(User.schools)))


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.id).options(selectinload(User.schools))))


def _existing(db: Session, username: str) -> User:
    user = find_user(db, username)
    if user is None:
        raise NotFound(f"no user {normal_username(username)!r}", zh=f"没有用户 {normal_username(username)!r}")
    return user


def end_sessions(db: Session, *, user_id: int, reason: str, now: datetime) -> int:
    """End every open session of a user; how many."""
    done = db.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                      .values(ended_at=now, end_reason=reason))
    return done.rowcount


def disable_user(db: Session, *, username: str, now: datetime) -> User:
    user = _existing(db, username)
    if user.disabled_at is None:
        user.disabled_at = now
    end_sessions(db, user_id=user.id, reason="disabled", now=now)
    return user


def enable_user(db: Session, *, username: str, now: datetime) -> User:
    """A disabled account may sign in again, with its own password. Its sessions from before stay
    ended (disabling ended them; any left open by older code or a hand edit are ended here too), so
    only a new sign-in lets the person in."""
    user = _existing(db, username)
    if user.disabled_at is None:
        raise LedgerError(f"{user.username} is not disabled", zh=f"{user.username} 未被停用，无需启用")
    end_sessions(db, user_id=user.id, reason="disabled", now=now)
    user.disabled_at = None
    return user


def reset_password(db: Session, *, username: str, password: str, now: datetime) -> User:
    user = _existing(db, username)
    _check_password(password, user.username)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = now
    end_sessions(db, user_id=user.id, reason="password_changed", now=now)
    return user


KEEP = object()  # change_access(unit=KEEP): the unit stays as it is


def change_access(db: Session, *, username: str, now: datetime, role: str | None = None,
                  schools: Iterable[str] | None = None, unit: object = KEEP) -> User:
    """Another role, other schools, or another unit (None: no unit); with neither a unit nor a
    school left the person reads every school. Open sessions end."""
    user = _existing(db, username)
    if role is not None and role != user.role:
        if role not in USER_ROLES:
            raise LedgerError(f"role must be one of {', '.join(USER_ROLES)}", zh=ROLE_REFUSED_ZH)
        user.role = role
        end_sessions(db, user_id=user.id, reason="role_changed", now=now)
    scope_changed = False
    if unit is not KEEP:
        scope = _unit(db, unit)  # type: ignore[arg-type]
        new_id = scope.id if scope is not None else None
        if new_id != user.unit_id:
            user.unit_id = new_id
            scope_changed = True
    if schools is not None:
        codes = _check_schools(schools)
        if frozenset(codes) != frozenset(s.school for s in user.schools):
            user.schools = [UserSchool(school=code) for code in codes]
            scope_changed = True
    if scope_changed:
        user.all_schools = not user.schools and user.unit_id is None
        end_sessions(db, user_id=user.id, reason="schools_changed", now=now)
    db.flush()
    return user


# ---- signing in -----------------------------------------------------------------------------------

def authenticate(db: Session, *, username: str, password: str, now: datetime) -> User | None:
    """The active user with this username and password, or None. An unknown or disabled user is
    checked against a dummy hash, so every refusal costs the same time. A hash made with older
    parameters is replaced now that the password is known."""
    user = find_user(db, username) if USERNAME.fullmatch(normal_username(username)) else None
    if user is None or user.disabled_at is not None:
        passwords.verify_password(passwords.dummy_hash(), password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    return user


@dataclass(frozen=True)
class Started:
    row: UserSession
    session_id: str  # for the person's cookie only; the ledger keeps its digest


def start_session(db: Session, *, user: User, now: datetime, ip: str | None = None,
                  user_agent: str | None = None) -> Started:
    session_id = secrets.token_urlsafe(SESSION_BYTES)
    row = UserSession(digest=session_digest(session_id), user_id=user.id, started_at=now, last_active_at=now,
                      ip=(ip or "")[:64] or None, user_agent=(user_agent or "")[:256] or None)
    db.add(row)
    db.flush()
    return Started(row, session_id)


def open_session(db: Session, *, session_id: str) -> tuple[UserSession, User] | None:
    """The session with this id and its user, if neither is ended or disabled."""
    row = db.scalar(select(UserSession).where(UserSession.digest == session_digest(session_id),
                                              UserSession.ended_at.is_(None)))
    if row is None:
        return None
    user = db.scalar(select(User).where(User.id == row.user_id).options(selectinload(User.schools)))
    if user is None or user.disabled_at is not None:
        return None
    return row, user


def end_session(db: Session, *, session_id: str, reason: str, now: datetime) -> bool:
    """End one session (if still open); whether it was."""
    done = db.execute(update(UserSession).where(UserSession.digest == session_digest(session_id),
                                                UserSession.ended_at.is_(None))
                      .values(ended_at=now, end_reason=reason))
    return done.rowcount > 0


def note_activity(db: Session, *, session_id: str, at: datetime) -> None:
    """Record the person's last action (the web app calls this at most once a minute)."""
    db.execute(update(UserSession).where(UserSession.digest == session_digest(session_id),
                                         UserSession.ended_at.is_(None), UserSession.last_active_at < at)
               .values(last_active_at=at))
