"""The organisation tree above the campuses (province, city, district, school), read in one query,
and who may read which of its units: the scope of the rollups and the league (issue 17).

One query loads every node of these four kinds (a province of 2,000 schools is ~2,100 rows, a few
ms); walking the tree is then done in memory, so a league over a province never asks SQL per unit.

Scope follows the tree: a person reads their own unit and everything below it (a city officer its
districts and their schools; a district officer its schools; a school person their school only).
Someone over the whole tree (no unit, every school) reads every unit. Schools listed one by one on
an account (the older way, `user_schools`) are readable as schools, never as the unit above them:
a district's rollup would otherwise show figures of schools the person may not read.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import OrgUnit
from ledger.org_scope import OutOfScope

TREE_KINDS: tuple[str, ...] = ("province", "city", "district", "school")
MAX_CODE = 64  # OrgUnit.code's length: anything longer is no unit, never sent to SQL


@dataclass(frozen=True)
class Node:
    id: int
    code: str
    kind: str
    name_zh: str
    name_en: str | None
    parent_id: int | None

    def name(self, lang: str) -> str:
        return (self.name_en or self.name_zh) if lang == "en" else self.name_zh


class Tree:
    """The province-to-school part of the organisation tree, in memory. Children in code order."""

    def __init__(self, nodes: Iterable[Node]):
        self.by_id: dict[int, Node] = {n.id: n for n in nodes}
        self.by_code: dict[str, Node] = {n.code: n for n in self.by_id.values()}
        self.children: dict[int | None, list[Node]] = {}
        for node in sorted(self.by_id.values(), key=lambda n: n.code):
            parent = node.parent_id if node.parent_id in self.by_id else None
            self.children.setdefault(parent, []).append(node)

    def get(self, code: object) -> Node | None:
        return self.by_code.get(code) if isinstance(code, str) and len(code) <= MAX_CODE else None

    def parent(self, node: Node) -> Node | None:
        return self.by_id.get(node.parent_id) if node.parent_id is not None else None

    def path(self, node: Node) -> list[Node]:
        """From the root down to the node (itself last). Bounded: bad data with a cycle cannot loop."""
        out = [node]
        while (up := self.parent(out[-1])) is not None and len(out) < 16:
            out.append(up)
        return out[::-1]

    def descendants(self, node: Node) -> list[Node]:
        """Every node below, depth first in code order (the picker's order)."""
        out, seen, stack = [], {node.id}, list(reversed(self.children.get(node.id, [])))
        while stack:
            current = stack.pop()
            if current.id in seen:  # a cycle in bad data
                continue
            seen.add(current.id)
            out.append(current)
            stack.extend(reversed(self.children.get(current.id, [])))
        return out

    def schools_under(self, node: Node) -> list[Node]:
        """The schools a unit rolls up, in code order: itself for a school."""
        if node.kind == "school":
            return [node]
        return sorted((n for n in self.descendants(node) if n.kind == "school"), key=lambda n: n.code)

    def child_units(self, node: Node) -> list[Node]:
        """The units directly under a unit that hold schools of their own (cities, districts), in
        code order; schools directly under it are ranked with the schools."""
        return [n for n in self.children.get(node.id, []) if n.kind != "school"]

    def roots(self) -> list[Node]:
        return self.children.get(None, [])


def load_tree(db: Session) -> Tree:
    # A Core statement on the session's connection: plain rows, not the ORM's per-row loading (a province's
    # 2,100 units are read on every page over it).
    rows = db.connection().execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.kind, OrgUnit.name_zh, OrgUnit.name_en,
                                          OrgUnit.parent_id).where(OrgUnit.kind.in_(TREE_KINDS))).all()
    return Tree(Node(*row) for row in rows)


def may_read(tree: Tree, node: Node, *, unit: str | None, schools: frozenset[str] | None) -> bool:
    """Whether a principal (its unit code and readable schools, dashboard.roles.Principal) may read
    the unit's rollup. Pure."""
    if unit is None and schools is None:
        return True  # the whole tree
    own = tree.get(unit) if unit is not None else None
    if own is not None and any(n.id == own.id for n in tree.path(node)):
        return True  # the caller's unit or below it
    return node.kind == "school" and schools is not None and node.code in schools


def readable_tops(tree: Tree, *, unit: str | None, schools: frozenset[str] | None) -> list[Node]:
    """Where the caller's part of the tree starts: the roots for the whole tree, their unit, or
    (a school person, or schools listed one by one) their schools."""
    if unit is None and schools is None:
        return tree.roots()
    own = tree.get(unit) if unit is not None else None
    if own is not None:
        return [own]
    return [tree.by_code[c] for c in sorted(schools or ()) if c in tree.by_code]


def require_unit(tree: Tree, code: object, *, unit: str | None, schools: frozenset[str] | None) -> Node:
    """The unit asked for if the principal may read it; else refused (an unknown code is refused
    the same way, so a probe learns nothing about units outside the caller's scope)."""
    node = tree.get(code)
    if node is None or not may_read(tree, node, unit=unit, schools=schools):
        shown = code if isinstance(code, str) and len(code) <= MAX_CODE else "?"
        raise OutOfScope(f"the unit {shown!r} is not one you may read",
                         zh=f"单位 {shown!r} 不在您的查看范围之内")
    return node
