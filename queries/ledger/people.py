"""What the users and tokens pages list, within the admin's scope, as plain rows: the people whose
unit is the admin's or below it, the recent refused sign-ins of those people, the wall tokens of the
schools below it, and the schools a token may be made for. Read only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import org_scope
from ledger.models import AccessToken, NotifyAddress, OrgUnit, SignInFailure, User
from ledger.notify_addresses import masked

MAX_PEOPLE = 5000  # a district's staff; the page says when there are more
MAX_FAILURES = 50
MAX_TOKENS = 500


@dataclass(frozen=True)
class PersonRow:
    username: str
    display_name: str
    role: str
    unit: str | None  # code
    unit_name: str | None
    disabled: bool
    last_login_at: datetime | None
    phone: str = ""  # masked (ledger/notify_addresses.py): the list never carries the full address
    email: str = ""


@dataclass(frozen=True)
class FailureRow:
    at: datetime
    username: str
    ip: str | None


@dataclass(frozen=True)
class TokenRow:
    id: int
    label: str
    school: str | None
    school_name: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _scope_ids(db: Session, scope: str | None) -> set[int] | None:
    """The ids of the scope unit and everything below it; None: the whole tree."""
    if scope is None:
        return None
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == scope))
    if unit is None:
        return set()
    return {unit.id} | org_scope.descendant_ids(db, unit.id)


def people(db: Session, scope: str | None) -> list[PersonRow]:
    ids = _scope_ids(db, scope)
    query = select(User, OrgUnit).outerjoin(OrgUnit, User.unit_id == OrgUnit.id).order_by(User.username)
    if ids is not None:
        query = query.where(User.unit_id.in_(ids))
    found = db.execute(query.limit(MAX_PEOPLE + 1)).all()
    addresses: dict[tuple[int, str], str] = {}
    # The listed people's addresses, masked; ids in chunks of 1,000 (the bound parameters a query may have).
    listed = [u.id for u, _o in found]
    for start in range(0, len(listed), 1000):
        for user_id, kind, value in db.execute(select(NotifyAddress.user_id, NotifyAddress.kind, NotifyAddress.value)
                                               .where(NotifyAddress.user_id.in_(listed[start:start + 1000]))):
            addresses[(user_id, kind)] = masked(kind, value)
    return [PersonRow(u.username, u.display_name, u.role, o.code if o else None, o.name_zh if o else None,
                      u.disabled_at is not None, u.last_login_at, addresses.get((u.id, "phone"), ""),
                      addresses.get((u.id, "email"), ""))
            for u, o in found]


def recent_failures(db: Session, scope: str | None, limit: int = MAX_FAILURES) -> list[FailureRow]:
    """The latest refused sign-ins: every one for an admin over the whole tree; for the others, those
    naming a person they manage (a username nobody has is no district's)."""
    query = select(SignInFailure).order_by(SignInFailure.at.desc(), SignInFailure.id.desc()).limit(limit)
    ids = _scope_ids(db, scope)
    if ids is not None:
        query = query.where(SignInFailure.username.in_(select(User.username).where(User.unit_id.in_(ids))))
    return [FailureRow(f.at, f.username, f.ip) for f in db.scalars(query)]


WALL_UNIT_KINDS = ("province", "city", "district")  # units with a wall of their own (/district?unit=)


def schools(db: Session, scope: str | None) -> list[tuple[str, str]]:
    """(code, Chinese name) of the schools an admin may make a wall token for."""
    return [(code, name) for code, name, kind in walls(db, scope) if kind == "school"]


def walls(db: Session, scope: str | None) -> list[tuple[str, str, str]]:
    """(code, Chinese name, kind) of every wall an admin may make a token for: the units above schools
    in their scope (a district's own wall, issue 17), then the schools, each by name."""
    ids = _scope_ids(db, scope)
    query = select(OrgUnit).where(OrgUnit.kind.in_(("school", *WALL_UNIT_KINDS)))
    if ids is not None:
        query = query.where(OrgUnit.id.in_(ids))
    units = db.scalars(query).all()
    units = sorted(units, key=lambda u: (u.kind == "school", WALL_UNIT_KINDS.index(u.kind) if u.kind != "school" else 0,
                                         u.name_zh, u.code))
    return [(u.code, u.name_zh, u.kind) for u in units]


def tokens(db: Session, scope: str | None) -> list[TokenRow]:
    """The wall tokens of the walls in scope, schools' and units' (every token for an admin over the whole
    tree), newest first."""
    names = {code: name for code, name in db.execute(select(OrgUnit.code, OrgUnit.name_zh).where(
        OrgUnit.kind.in_(("school", *WALL_UNIT_KINDS))))}
    query = select(AccessToken).where(AccessToken.role == "wall").order_by(AccessToken.id.desc())
    if scope is not None:
        query = query.where(AccessToken.school.in_([code for code, _n, _k in walls(db, scope)]))
    return [TokenRow(t.id, t.label, t.school, names.get(t.school), t.created_at, t.last_used_at, t.revoked_at)
            for t in db.scalars(query.limit(MAX_TOKENS))]
