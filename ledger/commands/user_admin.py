"""People's accounts as administrators manage them in the browser: create, change role and unit,
disable, reset a password, within the admin's scope (ledger/org_scope.py), each change audited in
the same transaction (ledger/commands/audit.py). The account mechanics (policy, hashing, ending
sessions) are ledger/commands/users.py's, which the command line uses too.

Scope: an admin manages the people whose unit is their own unit or below it (an admin over the whole
tree: everyone, people without a unit included), and may put a person only in such a unit. So a
district admin can add a colleague to the district, but never an admin of the whole tree nor anyone
in another district: nobody can give more than they hold. Nobody disables themselves or changes
their own access here (the last admin of a district could otherwise lock the district out); a
person changes their own password on /account/password (`change_own_password`).

A first password is typed by the admin or generated (`generate_password`) and shown once; the
audit log never holds one.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import org_scope, passwords
from ledger.commands import users
from ledger.commands.audit import Actor, changed, record
from ledger.commands.org import find_unit, scope_of
from ledger.control_chars import describe, first_control
from ledger.errors import LedgerError, Words
from ledger.models import AuditEntry, OrgUnit, User, UserSession

# Letters and digits a person can read off a sheet and type (no 0/O, 1/l/I), 16 of them: about 90
# random bits, so nobody guesses it before it is changed, and it never starts like a formula.
GENERATED_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 16
REPEAT_WINDOW = timedelta(minutes=2)  # a second click of 新建 arrives within seconds


class AlreadyCreated(LedgerError):
    """The account this admin has just created, asked for again with the same form (a double click):
    made once, by the first request. `typed`: the form's password is the account's."""

    def __init__(self, user: User, *, typed: bool):
        super().__init__(f"{user.username} was created by the first of two identical requests",
                         zh=f"{user.username} 已由两次相同请求中的第一次新建")
        self.username, self.typed = user.username, typed


def generate_password() -> str:
    return "".join(secrets.choice(GENERATED_ALPHABET) for _ in range(GENERATED_LENGTH))


def snapshot(user: User) -> dict:
    """What the audit log keeps of an account (never its password or hash)."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "unit": user.unit.code if user.unit is not None else None,
            "disabled": user.disabled_at is not None}


def _target(user: User) -> str:
    return f"user:{user.username}"


def school_code(db: Session, user: User) -> str | None:
    """The school a person belongs to (for the audit entry's school), None above schools."""
    if user.unit is None:
        return None
    school = org_scope.school_of(db, user.unit)
    return school.code if school is not None else None


def in_scope(db: Session, user: User, scope: OrgUnit | None) -> bool:
    """Whether an admin of `scope` manages this person: their unit is the scope or below it, and any
    school listed for them besides (the command line's --school) is one the admin reads too: their
    password or role, given from here, would otherwise open schools the admin does not hold."""
    if scope is None:
        return True
    if user.unit is None or not org_scope.is_within(db, user.unit, scope):
        return False
    return {s.school for s in user.schools} <= org_scope.schools_under(db, scope)


def _display_name(text: str) -> str:
    value = (text or "").strip()
    control = first_control(value)
    if control is not None:
        raise LedgerError(f"the display name holds an invisible character ({describe(control[1])}) "
                          f"at {control[0] + 1}",
                          zh=f"姓名的第 {control[0] + 1} 个字是不可见字符 {describe(control[1])}，请删去")
    return value


def placement(db: Session, unit: str | None, scope: OrgUnit | None) -> OrgUnit | None:
    """The unit a person is put in, checked against the admin's scope. No unit (the whole tree)
    only from an admin over the whole tree."""
    code = (unit or "").strip()
    if not code:
        if scope is not None:
            raise org_scope.OutOfScope("choose a unit you manage: only an administrator of the whole tree "
                                       "creates accounts over the whole tree",
                                       zh="请选择您管理的机构：只有全局管理员可以创建覆盖全部机构的账号")
        return None
    found = find_unit(db, code)
    org_scope.require_within(db, found, scope, what=found.name_zh)
    return found


def _managed(db: Session, username: str, scope: OrgUnit | None) -> User:
    user = users.find_user(db, username)
    if user is None or not in_scope(db, user, scope):  # another district's people are not named
        raise org_scope.OutOfScope(f"no user {users.normal_username(username)!r} among the people you manage",
                                   zh=f"您管理的人员中没有用户 {users.normal_username(username)!r}")
    return user


def _not_self(actor: Actor, user: User, what: Words) -> None:
    if actor.name == user.username:
        raise LedgerError(f"you cannot {what.en} your own account here", zh=f"不能在这里{what.zh}")


def create(db: Session, *, actor: Actor, scope: str | None, username: str, display_name: str, role: str,
           unit: str | None, now: datetime, password: str | None = None) -> tuple[User, str | None]:
    """A new account in a unit the admin manages; the generated password (None when one was typed)."""
    scope_unit = scope_of(db, scope)
    place = placement(db, unit, scope_unit)
    typed = password
    _same_as_just_made(db, actor, username, display_name, role, place, typed, now)
    generated = None
    if not password:
        generated = password = generate_password()
    try:
        with db.begin_nested():
            user = users.create_user(db, username=username, display_name=_display_name(display_name), role=role,
                                     password=password, unit=place.code if place is not None else None, now=now)
    except IntegrityError:
        # The same form sent twice at once (PostgreSQL): the other request's row, committed while this
        # INSERT waited on it, holds the username. If it is this admin's same account, say so.
        _same_as_just_made(db, actor, username, display_name, role, place, typed, now)
        raise LedgerError(f"there is already a user {users.normal_username(username)!r}",
                          zh=f"已有用户 {users.normal_username(username)!r}") from None
    record(db, actor=actor, action="user.create", target=_target(user), now=now, school=school_code(db, user),
           after={**snapshot(user), "password_set": "generated" if generated else "typed"})
    return user, generated


def _same_as_just_made(db: Session, actor: Actor, username: str, display_name: str, role: str,
                       place: OrgUnit | None, password: str | None, now: datetime) -> None:
    """AlreadyCreated when this admin made this very account moments ago: the same name, role, unit
    (and typed password). Answered "there is already a user" it read as not saved, and hid that the
    first request had made it. Anything else with a taken username is refused as before."""
    user = users.find_user(db, username)
    if user is None or now - user.created_at > REPEAT_WINDOW:
        return
    if (user.display_name, user.role, user.unit_id) != ((display_name or "").strip(), role,
                                                         place.id if place is not None else None):
        return
    made_by = db.scalar(select(AuditEntry.actor).where(AuditEntry.action == "user.create",
                                                       AuditEntry.target == _target(user)))
    if made_by != actor.name:
        return
    if password and not passwords.verify_password(user.password_hash, password):
        return
    raise AlreadyCreated(user, typed=bool(password))


def change(db: Session, *, actor: Actor, scope: str | None, username: str, now: datetime,
           role: str | None = None, unit: str | None = None) -> User:
    """Another role and/or unit (within the admin's scope) for a person they manage; their sessions end."""
    scope_unit = scope_of(db, scope)
    user = _managed(db, username, scope_unit)
    _not_self(actor, user, Words("change the access of", "更改自己账号的权限"))
    before = snapshot(user)
    new_unit = users.KEEP
    if unit is not None:
        place = placement(db, unit, scope_unit)
        new_unit = place.code if place is not None else None
    users.change_access(db, username=user.username, role=role or None, unit=new_unit, now=now)
    db.refresh(user, ["unit"])
    old, new = changed(before, snapshot(user))
    if new:
        record(db, actor=actor, action="user.update", target=_target(user), now=now, school=school_code(db, user),
               before=old, after=new)
    return user


def disable(db: Session, *, actor: Actor, scope: str | None, username: str, now: datetime) -> User:
    user = _managed(db, username, scope_of(db, scope))
    _not_self(actor, user, Words("disable", "停用自己的账号"))
    was = user.disabled_at is not None
    users.disable_user(db, username=user.username, now=now)
    if not was:
        record(db, actor=actor, action="user.disable", target=_target(user), now=now, school=school_code(db, user),
               before={"disabled": False}, after={"disabled": True})
    return user


def enable(db: Session, *, actor: Actor, scope: str | None, username: str, now: datetime) -> User:
    """A disabled person of the admin's scope may sign in again with their own password; their old
    sessions stay ended. An account disabled because its password may be known to others is given a
    new one as well (reset_password): enabling does not decide that for the admin."""
    user = _managed(db, username, scope_of(db, scope))
    _not_self(actor, user, Words("enable", "启用自己的账号"))
    users.enable_user(db, username=user.username, now=now)
    record(db, actor=actor, action="user.enable", target=_target(user), now=now, school=school_code(db, user),
           before={"disabled": True}, after={"disabled": False})
    return user


def reset_password(db: Session, *, actor: Actor, scope: str | None, username: str, now: datetime,
                   password: str | None = None) -> tuple[User, str | None]:
    """A new password for a person the admin manages (typed, or generated and returned once); their
    sessions end. Your own: /account/password, which asks for the old one."""
    user = _managed(db, username, scope_of(db, scope))
    _not_self(actor, user, Words("reset the password of", "重置自己账号的密码"))
    generated = None
    if not password:
        generated = password = generate_password()
    users.reset_password(db, username=user.username, password=password, now=now)
    record(db, actor=actor, action="user.password_reset", target=_target(user), now=now,
           school=school_code(db, user), after={"password_set": "generated" if generated else "typed"})
    return user, generated


def change_own_password(db: Session, *, actor: Actor, user_id: int, old: str, new: str, now: datetime,
                        keep_session: str | None = None) -> User:
    """A person's own new password: the old one is asked for (a session left open on a shared
    computer does not give the password away), the policy applies, and their other sessions end
    (`keep_session`: the id of the one they are using)."""
    user = db.scalar(select(User).where(User.id == user_id))
    if user is None or user.disabled_at is not None:
        raise LedgerError("this account is no longer active", zh="此账号已停用")
    if not passwords.verify_password(user.password_hash, old or ""):
        raise LedgerError("the current password is not right", zh="当前密码不正确")
    if new == old:
        raise LedgerError("the new password is the same as the current one", zh="新密码与当前密码相同")
    problems = passwords.policy_problems(new or "", user.username)
    if problems:
        raise users.PasswordRefused("; ".join(problems), zh=users.problems_zh(problems))
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now
    keep = users.session_digest(keep_session) if keep_session else None
    ending = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        ending = ending.where(UserSession.digest != keep)
    db.execute(ending.values(ended_at=now, end_reason="password_changed"))
    record(db, actor=actor, action="account.password", target=_target(user), now=now, school=school_code(db, user))
    db.flush()
    return user
