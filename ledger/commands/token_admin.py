"""Wall tokens as administrators manage them in the browser: issue one for a school they manage (or for
the wall of a district, city or province they manage: the bureau's command centre, /district?unit=),
revoke, rotate (revoke and issue its successor in one transaction), each change audited with the
token's id, label and school, never the token (ledger/commands/audit.py drops any "token" key too).

The mechanics are ledger/commands/access.py's, which the command line uses. A token made here is
always a wall's (read-only, one school or one unit's schools): the other roles are people, who sign in.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import org_scope
from ledger.commands import access
from ledger.commands.audit import Actor, record
from ledger.commands.org import find_unit, scope_of
from ledger.control_chars import describe, first_control
from ledger.errors import LedgerError
from ledger.models import AccessToken, OrgUnit

WALL = "wall"


def snapshot(row: AccessToken) -> dict:
    return {"id": row.id, "label": row.label, "role": row.role, "school": row.school,
            "revoked": row.revoked_at is not None}


def _target(row: AccessToken) -> str:
    return f"token:{row.id}"


WALL_KINDS = ("school", "district", "city", "province")  # a school's wall, or a unit's (/district?unit=)


def managed_walls(db: Session, scope: str | None) -> frozenset[str] | None:
    """The codes of the walls an admin of `scope` manages: the schools below their unit and the units
    above schools from their unit down; None: every wall (and tokens of none)."""
    unit = scope_of(db, scope)
    if unit is None:
        return None
    own = {unit.code} if unit.kind in WALL_KINDS[1:] else set()
    below = org_scope.descendant_ids(db, unit.id) if own else set()
    units = set(db.scalars(select(OrgUnit.code).where(OrgUnit.id.in_(below), OrgUnit.kind.in_(WALL_KINDS[1:])))) \
        if below else set()
    return frozenset(org_scope.schools_under(db, unit)) | own | units


def wall_unit(db: Session, code: str, scope: str | None):
    """The school or unit a wall token is for, within the admin's scope (refused in both languages)."""
    unit = find_unit(db, (code or "").strip())
    if unit.kind not in WALL_KINDS:
        raise LedgerError(f"{unit.name_zh} has no wall: a wall shows a school, or a district, city or province",
                          zh=f"{unit.name_zh}没有大屏：大屏显示一所学校，或一个区县、市、省")
    org_scope.require_within(db, unit, scope_of(db, scope), what=unit.name_zh)
    return unit


def _label(text: str) -> str:
    value = (text or "").strip()
    control = first_control(value)
    if control is not None:
        raise LedgerError(f"the label holds an invisible character ({describe(control[1])}) at {control[0] + 1}",
                          zh=f"标签的第 {control[0] + 1} 个字是不可见字符 {describe(control[1])}，请删去")
    return value


def _managed(db: Session, token_id: int, scope: str | None) -> AccessToken:
    row = db.get(AccessToken, token_id)
    walls = managed_walls(db, scope)
    # Only a wall's token, as the page lists them: a leader's or duty API token of the command line is
    # not the page's to revoke, nor to rotate into one shown as a wall's address.
    if row is None or row.role != WALL or (walls is not None and row.school not in walls):
        raise org_scope.OutOfScope(f"no token {token_id} among the walls you manage",
                                   zh=f"您管理的大屏中没有令牌 {token_id}")
    return row


def issue(db: Session, *, actor: Actor, scope: str | None, school: str, label: str, now: datetime) -> access.Issued:
    """A new wall token for a school's or a unit's wall the admin manages: `Issued.token` is shown once."""
    wall_unit(db, school, scope)
    label = _label(label)
    # A label names one wall: a second active token under it is a double click or a wall to rotate,
    # and the first token's address, shown once, would be lost without a word.
    if db.scalar(select(AccessToken.id).where(AccessToken.label == label, AccessToken.school == school.strip(),
                                              AccessToken.revoked_at.is_(None)).limit(1)) is not None:
        raise LedgerError(f"the wall {label!r} of this school already has a token: rotate it, or give another label",
                          zh=f"本校大屏 {label!r} 已有令牌：请轮换它，或换一个标签")
    issued = access.issue_token(db, role=WALL, label=label, school=school.strip(), now=now)
    record(db, actor=actor, action="token.create", target=_target(issued.row), now=now, school=issued.row.school,
           after=snapshot(issued.row))
    return issued


def revoke(db: Session, *, actor: Actor, scope: str | None, token_id: int, now: datetime) -> AccessToken:
    row = _managed(db, token_id, scope)
    if row.revoked_at is None:
        access.revoke_token(db, token_id=row.id, now=now)
        record(db, actor=actor, action="token.revoke", target=_target(row), now=now, school=row.school,
               before={"revoked": False}, after={"revoked": True})
    return row


def rotate(db: Session, *, actor: Actor, scope: str | None, token_id: int, now: datetime) -> access.Issued:
    """Revoke the token and issue its successor (same label and school), in one transaction."""
    old = _managed(db, token_id, scope)
    if old.revoked_at is not None:
        raise LedgerError("this token is already revoked: create a new one", zh="此令牌已吊销：请新建一个")
    if old.school is None:
        raise LedgerError("a token for every school is rotated from the command line",
                          zh="适用于全部学校的令牌须在命令行中轮换")
    access.revoke_token(db, token_id=old.id, now=now)
    issued = access.issue_token(db, role=old.role, label=old.label, school=old.school, now=now)
    record(db, actor=actor, action="token.rotate", target=_target(issued.row), now=now, school=old.school,
           before={"id": old.id}, after=snapshot(issued.row))
    return issued
