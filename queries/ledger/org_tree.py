"""The organisation tree as the administration pages list it: the caller's unit and everything
below it (or the whole tree), in tree order, as plain rows."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import org_scope
from ledger.models import OrgUnit


@dataclass(frozen=True)
class TreeRow:
    code: str
    kind: str
    name_zh: str
    name_en: str | None
    school_type: str | None
    parent: str | None
    depth: int
    editable: bool  # below the caller's unit: theirs to rename (their own unit is the level above's)

    @property
    def unregistered(self) -> bool:
        """A school the recorder registered from its events (ledger/commands/recording.py
        `school_for`): named by its code, at the top of the tree, no type. An admin names it."""
        return self.kind == "school" and self.name_zh == self.code and self.parent is None and not self.school_type


def tree_rows(db: Session, scope: str | None) -> list[TreeRow]:
    units = list(db.scalars(select(OrgUnit).order_by(OrgUnit.kind, OrgUnit.code)))
    by_id = {u.id: u for u in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in by_id else None, []).append(unit)
    for kids in children.values():
        kids.sort(key=lambda u: (u.kind != "campus", u.kind != "school", u.name_zh, u.code))
    if scope is None:
        roots = children.get(None, [])
    else:
        top = next((u for u in units if u.code == scope), None)
        roots = [top] if top is not None else []
    rows: list[TreeRow] = []

    def walk(unit: OrgUnit, depth: int, below: bool) -> None:
        if len(rows) > 10_000 or depth > org_scope.MAX_DEPTH:
            return
        parent = by_id.get(unit.parent_id)
        rows.append(TreeRow(unit.code, unit.kind, unit.name_zh, unit.name_en, unit.school_type,
                            parent.code if parent is not None else None, depth, below))
        for kid in children.get(unit.id, []):
            walk(kid, depth + 1, True)

    for root in roots:
        walk(root, 0, scope is None)
    return rows
