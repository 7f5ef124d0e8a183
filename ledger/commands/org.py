"""Administration of the organisation tree: create and edit provinces, cities, districts, schools,
campuses and units, within the caller's scope (ledger/org_scope.py), every change audited in the
same transaction (ledger/commands/audit.py).

A node's code is what the outside world uses (a school's is the `school` of every event, every URL
and API path), so it is chosen once, checked, and never changed here: renaming a school changes its
names, not its code. Names are one line of printable text.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kernel.contract import SCHOOL_ID
from ledger import org_scope
from ledger.commands.audit import Actor, changed, record
from ledger.commands.risk_points import one_line
from ledger.errors import LedgerError, NotFound, Words
from ledger.models import ORG_CHILDREN, ORG_KINDS, SCHOOL_TYPES, OrgUnit
from ledger.models.org import ORG_KIND_ZH, SCHOOL_TYPE_ZH

MAX_NAME = 128
CHINESE_NAME = Words("the Chinese name", "中文名称")
ENGLISH_NAME = Words("the English name", "英文名称")


def _kinds_zh(kinds) -> str:
    return "、".join(ORG_KIND_ZH.get(k, k) for k in kinds)


def _holds_zh(parent_kind: str, kind: str) -> str:
    """"a school holds campus, unit, not a city", in Chinese."""
    allowed = ORG_CHILDREN[parent_kind]
    parent, child = ORG_KIND_ZH.get(parent_kind, parent_kind), ORG_KIND_ZH.get(kind, kind)
    if not allowed:
        return f"{parent}下不能再有下级，不能有{child}"
    return f"{parent}下只能有{_kinds_zh(allowed)}，不能有{child}"


def _name(text: str | None, what: str | Words, *, required: bool) -> str | None:
    return one_line(text, what, limit=MAX_NAME, required=required)


def snapshot(unit: OrgUnit) -> dict:
    """What the audit log keeps of a node."""
    return {"code": unit.code, "kind": unit.kind, "name_zh": unit.name_zh, "name_en": unit.name_en,
            "parent": unit.parent.code if unit.parent is not None else None, "school_type": unit.school_type}


def _target(unit: OrgUnit) -> str:
    return f"{unit.kind}:{unit.code}"


def _school_code(db: Session, unit: OrgUnit) -> str | None:
    school = org_scope.school_of(db, unit)
    return school.code if school is not None else None


def find_unit(db: Session, code: str) -> OrgUnit:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if found is None:
        raise NotFound(f"no organisation unit {code!r}", zh=f"没有机构 {code!r}")
    return found


def scope_of(db: Session, unit_code: str | None) -> OrgUnit | None:
    """The caller's scope unit by its code (None: the whole tree)."""
    return None if unit_code is None else find_unit(db, unit_code)


def create_unit(db: Session, *, actor: Actor, scope: str | None, kind: str, code: str, name_zh: str,
                name_en: str | None = None, parent: str | None = None, school_type: str | None = None,
                now: datetime) -> OrgUnit:
    """A new node under `parent` (None: a root, for an admin over the whole tree only)."""
    if kind not in ORG_KINDS:
        raise LedgerError(f"kind must be one of {', '.join(ORG_KINDS)}", zh=f"类别应为{_kinds_zh(ORG_KINDS)}之一")
    code = (code or "").strip()
    if not SCHOOL_ID.fullmatch(code):
        raise LedgerError("a code is 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit "
                          "(events and addresses carry it)",
                          zh="代码为 1 至 64 个 A-Z a-z 0-9 _ . - 字符，以字母或数字开头（事件和网址都带着它）")
    zh = _name(name_zh, CHINESE_NAME, required=True)
    en = _name(name_en, ENGLISH_NAME, required=False)
    if kind == "school":
        if school_type not in SCHOOL_TYPES:
            raise LedgerError(f"a school's type is one of {', '.join(SCHOOL_TYPES)}",
                              zh=f"学校类型应为{'、'.join(SCHOOL_TYPE_ZH.values())}之一")
    elif school_type is not None:
        raise LedgerError("only a school has a type", zh="只有学校有学校类型")
    scope_unit = scope_of(db, scope)
    if parent is None:
        if scope_unit is not None:
            raise org_scope.OutOfScope("only an administrator of the whole tree adds a top-level unit",
                                       zh="只有全局管理员可以添加顶级机构")
        if kind not in ("province", "city", "district", "school"):
            raise LedgerError(f"a {kind} belongs to a school", zh=f"{ORG_KIND_ZH.get(kind, kind)}须属于一所学校")
        parent_unit = None
    else:
        parent_unit = find_unit(db, parent)
        org_scope.require_within(db, parent_unit, scope_unit, what=parent_unit.name_zh)
        if kind not in ORG_CHILDREN[parent_unit.kind]:
            allowed = ", ".join(ORG_CHILDREN[parent_unit.kind]) or "nothing"
            raise LedgerError(f"a {parent_unit.kind} holds {allowed}, not a {kind}",
                              zh=_holds_zh(parent_unit.kind, kind))
    if db.scalar(select(func.count()).select_from(OrgUnit).where(func.lower(OrgUnit.code) == code.lower())):
        raise LedgerError(f"the code {code!r} is taken", zh=f"代码 {code!r} 已被占用")
    siblings = select(func.count()).select_from(OrgUnit).where(OrgUnit.name_zh == zh, OrgUnit.kind == kind)
    siblings = siblings.where(OrgUnit.parent_id == parent_unit.id) if parent_unit else siblings.where(
        OrgUnit.parent_id.is_(None))
    if db.scalar(siblings):
        raise LedgerError(f"there is already a {kind} named {zh} here",
                          zh=f"此处已有名为{zh}的{ORG_KIND_ZH.get(kind, kind)}")
    unit = OrgUnit(code=code, kind=kind, name_zh=zh, name_en=en, parent=parent_unit, school_type=school_type)
    db.add(unit)
    db.flush()
    record(db, actor=actor, action="org.create", target=_target(unit), now=now, school=_school_code(db, unit),
           after=snapshot(unit))
    return unit


def update_unit(db: Session, *, actor: Actor, scope: str | None, code: str, now: datetime,
                name_zh: str | None = None, name_en: str | None = None, school_type: str | None = None) -> OrgUnit:
    """Other names (or a school's type) for a node below the caller's unit. The code stays."""
    unit = find_unit(db, code)
    org_scope.require_below(db, unit, scope_of(db, scope), what=unit.name_zh)
    before = snapshot(unit)
    if name_zh is not None:
        unit.name_zh = _name(name_zh, CHINESE_NAME, required=True)
    if name_en is not None:
        unit.name_en = _name(name_en, ENGLISH_NAME, required=False)
    if school_type is not None:
        if unit.kind != "school" or school_type not in SCHOOL_TYPES:
            raise LedgerError(f"a school's type is one of {', '.join(SCHOOL_TYPES)}",
                              zh=f"学校类型应为{'、'.join(SCHOOL_TYPE_ZH.values())}之一")
        unit.school_type = school_type
    db.flush()
    old, new = changed(before, snapshot(unit))
    if new:
        record(db, actor=actor, action="org.update", target=_target(unit), now=now,
               school=_school_code(db, unit), before=old, after=new)
    return unit


def move_unit(db: Session, *, actor: Actor, scope: str | None, code: str, parent: str, now: datetime) -> OrgUnit:
    """Put a node (and everything under it) under another parent, both within the caller's scope: a
    school first known only from its events is put under its district; a school moves district."""
    unit = find_unit(db, code)
    scope_unit = scope_of(db, scope)
    org_scope.require_below(db, unit, scope_unit, what=unit.name_zh)
    target = find_unit(db, parent)
    org_scope.require_within(db, target, scope_unit, what=target.name_zh)
    if unit.kind not in ORG_CHILDREN[target.kind]:
        allowed = ", ".join(ORG_CHILDREN[target.kind]) or "nothing"
        raise LedgerError(f"a {target.kind} holds {allowed}, not a {unit.kind}",
                          zh=_holds_zh(target.kind, unit.kind))
    if target.id == unit.id or target.id in org_scope.descendant_ids(db, unit.id):
        raise LedgerError(f"{unit.name_zh} cannot go under itself or under a unit of its own",
                          zh=f"{unit.name_zh}不能移到自己或自己的下级之下")
    if unit.parent_id == target.id:
        return unit
    before = snapshot(unit)
    unit.parent = target
    db.flush()
    old, new = changed(before, snapshot(unit))
    record(db, actor=actor, action="org.move", target=_target(unit), now=now, school=_school_code(db, unit),
           before=old, after=new)
    return unit
