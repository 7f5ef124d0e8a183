"""Who may see and manage which part of the organisation tree.

A person's scope is an organisation unit (`User.unit_id`): a district officer reads every school
under the district, including one added tomorrow, because the schools are looked up under the unit
whenever the session is checked (every few seconds, dashboard/token_checks.py), not copied into the
account. The schools listed one by one (`user_schools`, the older way) still count, on top.

Admins manage what lies below their unit, never their unit itself ("editable by admins of the level
above"): a district admin its schools, a school admin its campuses, units and buildings. An admin
over the whole tree (no unit, every school) manages everything.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import LedgerError
from ledger.models import OrgUnit, User

MAX_DEPTH = 16  # deeper than any real tree (7 levels); a cycle in bad data cannot loop for ever


class OutOfScope(LedgerError):
    """The caller may not touch this part of the tree."""


def ancestors(db: Session, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's parents, nearest first."""
    found, node = [], unit
    for _ in range(MAX_DEPTH):
        if node.parent_id is None:
            break
        node = db.get(OrgUnit, node.parent_id)
        if node is None:
            break
        found.append(node)
    return found


def descendant_ids(db: Session, unit_id: int) -> set[int]:
    """Every node below the unit (not the unit itself), level by level: one query a level."""
    found: set[int] = set()
    level = {unit_id}
    for _ in range(MAX_DEPTH):
        level = set(db.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.in_(level)))) - found - {unit_id}
        if not level:
            break
        found |= level
    return found


def school_of(db: Session, unit: OrgUnit) -> OrgUnit | None:
    """The school a node belongs to: itself, or the school above a campus or unit; None above schools."""
    if unit.kind == "school":
        return unit
    if unit.kind in ("campus", "unit"):
        return next((a for a in ancestors(db, unit) if a.kind == "school"), None)
    return None


def schools_under(db: Session, unit: OrgUnit) -> frozenset[str]:
    """The codes of the schools a person of this unit reads: the schools below a province, city or
    district; the unit's own school for a school, campus or college."""
    own = school_of(db, unit)
    if own is not None:
        return frozenset({own.code})
    below = descendant_ids(db, unit.id)
    if not below:
        return frozenset()
    return frozenset(db.scalars(select(OrgUnit.code).where(OrgUnit.id.in_(below), OrgUnit.kind == "school")))


def readable_schools(db: Session, user: User) -> frozenset[str] | None:
    """The schools this person may read; None: every school."""
    if user.all_schools and user.unit_id is None:
        return None
    listed = frozenset(s.school for s in user.schools)
    unit = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    return listed | (schools_under(db, unit) if unit is not None else frozenset())


def is_within(db: Session, node: OrgUnit, scope: OrgUnit | None) -> bool:
    """Whether the node is the scope unit or below it (None: the whole tree)."""
    if scope is None or node.id == scope.id:
        return True
    return any(a.id == scope.id for a in ancestors(db, node))


def require_below(db: Session, node: OrgUnit, scope: OrgUnit | None, *, what: str) -> None:
    """Refuse a change to `node` unless it lies strictly below the scope unit (or scope is None)."""
    if scope is not None and (node.id == scope.id or not is_within(db, node, scope)):
        raise OutOfScope(f"{what} is outside what you manage ({scope.name_zh})",
                         zh=f"{what}不在您的管理范围（{scope.name_zh}）之内")


def require_within(db: Session, node: OrgUnit, scope: OrgUnit | None, *, what: str) -> None:
    """Refuse unless the node is the scope unit or below it: where a new child may be put."""
    if not is_within(db, node, scope):
        raise OutOfScope(f"{what} is outside what you manage ({scope.name_zh if scope else ''})",
                         zh=f"{what}不在您的管理范围（{scope.name_zh if scope else ''}）之内")
