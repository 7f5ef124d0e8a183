"""Administration of a school's site: the campus plans (image, extent, place in the school's plan)
and the buildings and zones drawn on them, within the caller's scope (ledger/org_scope.py: a
school admin manages its own school's site, a district admin every school below), every change
audited in the same transaction (ledger/commands/audit.py). Nothing is half-saved: each command
checks everything before it changes anything, and an import is all its features or none.

Coordinates: the school's plan is in metres, x east and y north from its south-west corner
(ledger/site_plans.py); each campus is a box in it. Outlines drawn in the browser arrive in the
school plan's metres; a GeoJSON file's coordinates are the campus plan's own metres (its
south-west corner at 0, 0, as a surveyor's drawing of the campus has them) and are shifted by the
campus's box. A building keeps its outline in the school plan's metres, as the maps read it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.contract import SCHOOL_ID
from ledger import org_scope, outlines, plan_images
from ledger.campuses import campuses
from ledger.commands.audit import Actor, changed, record
from ledger.commands.org import CHINESE_NAME, ENGLISH_NAME, _name, find_unit, scope_of
from ledger.errors import LedgerError, NotFound, Words
from ledger.models import BUILDING_USES, Building, OrgUnit, SitePlanImage, Zone
from ledger.models.org import BUILDING_USE_ZH

MAX_EXTENT = 20_000.0  # metres: a campus larger than 20 km a side is a typing error
MAX_FLOORS = 200
MAX_IMPORT_ERRORS = 20  # an import names this many problems, then says how many more


def _school(db: Session, scope: str | None, school: str) -> OrgUnit:
    unit = find_unit(db, school)
    if unit.kind != "school":
        raise LedgerError(f"{unit.name_zh} is not a school", zh=f"{unit.name_zh}不是学校")
    # A school admin manages its own school's site: the school itself may be the scope unit.
    org_scope.require_within(db, unit, scope_of(db, scope), what=unit.name_zh)
    return unit


def _campus(db: Session, school: OrgUnit, campus: str) -> dict:
    for found in campuses(db, school):
        if found["id"] == campus:
            return found
    raise NotFound(f"{school.name_zh} has no campus {campus!r} (add it on the organisation page)",
                   zh=f"{school.name_zh}没有校区 {campus!r}（请先在机构页面添加）")


def _extent(value, what: Words) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LedgerError(f"{what.en} is not a number", zh=f"{what.zh}不是数字") from None
    if not (0 < number <= MAX_EXTENT):
        raise LedgerError(f"{what.en} is between 0 and {MAX_EXTENT:g} metres",
                          zh=f"{what.zh}应大于 0、不超过 {MAX_EXTENT:g} 米")
    return round(number, 2)


def _offset(value, what: Words) -> float:
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        raise LedgerError(f"{what.en} is not a number", zh=f"{what.zh}不是数字") from None
    if not (0 <= number <= MAX_EXTENT):
        raise LedgerError(f"{what.en} is between 0 and {MAX_EXTENT:g} metres",
                          zh=f"{what.zh}应在 0 至 {MAX_EXTENT:g} 米之间")
    return round(number, 2)


def set_campus_plan(db: Session, *, actor: Actor, scope: str | None, school: str, campus: str, width, height,
                    x=0, y=0, image: bytes | None = None, now: datetime) -> dict:
    """The campus plan's extent (width × height metres), where it sits in the school's plan (its
    south-west corner at x, y), and, when given, its image (checked: ledger/plan_images.py). Returns the
    campus ({"id", "name_zh", "name_en", "box"}) as saved."""
    unit = _school(db, scope, school)
    place = _campus(db, unit, campus)
    box = [_offset(x, Words("east of the school plan's corner", "距学校平面图西南角的东向距离")),
           _offset(y, Words("north of the school plan's corner", "距学校平面图西南角的北向距离")),
           _extent(width, Words("the plan's width", "平面图宽度")),
           _extent(height, Words("the plan's height", "平面图高度"))]
    checked = plan_images.check(image) if image is not None else None
    plan = dict(unit.site_plan or {})
    entries = [dict(c) for c in plan.get("campuses", []) if isinstance(c, dict)]
    before_box = place.get("box")
    entry = next((c for c in entries if c.get("id") == campus), None)
    if entry is None:
        entry = {"id": campus, "name_zh": place["name_zh"]}
        entries.append(entry)
    entry["box"] = box
    plan["campuses"] = entries
    # The school's plan covers every campus box (it grows, never cuts a campus off).
    boxes = [c["box"] for c in entries if c.get("box")]
    plan["width"] = max([float(plan.get("width") or 0)] + [b[0] + b[2] for b in boxes])
    plan["height"] = max([float(plan.get("height") or 0)] + [b[1] + b[3] for b in boxes])
    unit.site_plan = plan  # a new dict: the JSON column sees the change
    before = {"box": before_box}
    after = {"box": box}
    if checked is not None:
        stored = db.scalar(select(SitePlanImage).where(SitePlanImage.school_id == unit.id,
                                                        SitePlanImage.campus == campus))
        if stored is None:
            stored = SitePlanImage(school_id=unit.id, campus=campus)
            db.add(stored)
        else:
            before["image"] = {"sha256": stored.sha256, "type": stored.content_type, "bytes": len(stored.data)}
        stored.content_type, stored.data, stored.sha256 = checked.content_type, checked.data, checked.sha256
        stored.pixel_width, stored.pixel_height = checked.pixel_width, checked.pixel_height
        stored.uploaded_at, stored.uploaded_by = now, actor.name[:64]
        after["image"] = {"sha256": checked.sha256, "type": checked.content_type, "bytes": len(checked.data)}
    db.flush()
    old, new = changed(before, after)
    if new:
        record(db, actor=actor, action="site_plan.update", target=f"campus:{school}/{campus}", school=school,
               before=old, after=new, now=now)
    return {**place, "box": box}


def _box(db: Session, school: OrgUnit, campus: str) -> list[float]:
    box = _campus(db, school, campus).get("box")
    if not box:
        raise LedgerError("set the campus plan's size first: an outline is checked against it",
                          zh="请先设置校区平面图的尺寸：轮廓要据此检查")
    return [float(v) for v in box]


def _outline(db: Session, school: OrgUnit, campus: str, raw, *, local: bool, what: Words) -> list[list[float]]:
    """An outline checked against the campus plan; `local`: given in the campus plan's own metres."""
    x, y, w, h = _box(db, school, campus)
    if not local and isinstance(raw, (list, tuple)):
        raw = [[p[0] - x, p[1] - y] if isinstance(p, (list, tuple)) and len(p) >= 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in p[:2]) else p for p in raw]
    return outlines.check(raw, width=w, height=h, origin=(x, y), what=what)


def snapshot(b: Building) -> dict:
    return {"code": b.code, "name_zh": b.name_zh, "name_en": b.name_en, "kind": b.kind, "floors": b.floors,
            "campus": b.campus, "unit": b.unit.code if b.unit is not None else None,
            "points": len(b.polygon or []), "polygon": b.polygon,
            "retired": b.retired_at.isoformat() if b.retired_at else None}


def find_building(db: Session, school: OrgUnit, code: str) -> Building:
    found = db.scalar(select(Building).where(Building.school_id == school.id, Building.code == code))
    if found is None:
        raise NotFound(f"{school.name_zh} has no building {code!r}", zh=f"{school.name_zh}没有楼宇 {code!r}")
    return found


def _fields(db: Session, school: OrgUnit, building: Building | None, *, name_zh, name_en, kind, floors, campus,
            unit) -> dict:
    zh = _name(name_zh, CHINESE_NAME, required=True)
    taken = select(Building.id).where(Building.school_id == school.id, Building.name_zh == zh,
                                      Building.retired_at.is_(None))
    if building is not None:
        taken = taken.where(Building.id != building.id)
    if db.scalar(taken.limit(1)) is not None:
        raise LedgerError(f"{school.name_zh} already has a building named {zh}",
                          zh=f"{school.name_zh}已有名为{zh}的楼宇")
    if kind not in BUILDING_USES:
        raise LedgerError(f"a building's use is one of {', '.join(BUILDING_USES)}",
                          zh=f"楼宇用途应为{'、'.join(BUILDING_USE_ZH.values())}之一")
    if floors in (None, ""):
        count = None
    else:
        try:
            # int() made 1 of 1.5 and of True (a wrong record) and raised OverflowError for infinity.
            if isinstance(floors, bool) or (isinstance(floors, float) and not floors.is_integer()):
                raise ValueError(floors)
            count = int(floors)
        except (TypeError, ValueError):
            raise LedgerError("floors is a whole number", zh="层数须是整数") from None
        if not 1 <= count <= MAX_FLOORS:
            raise LedgerError(f"floors is between 1 and {MAX_FLOORS}", zh=f"层数应在 1 至 {MAX_FLOORS} 之间")
    _campus(db, school, campus)
    responsible = None
    if unit:
        responsible = find_unit(db, unit)
        if responsible.kind != "unit" or org_scope.school_of(db, responsible) is None or \
                org_scope.school_of(db, responsible).id != school.id:
            raise LedgerError(f"{responsible.name_zh} is not a unit of {school.name_zh}",
                              zh=f"{responsible.name_zh}不是{school.name_zh}的单位")
    return {"name_zh": zh, "name_en": _name(name_en, ENGLISH_NAME, required=False), "kind": kind,
            "floors": count, "campus": campus, "unit": responsible}


def create_building(db: Session, *, actor: Actor, scope: str | None, school: str, code: str, name_zh: str,
                    kind: str, campus: str, name_en: str | None = None, floors=None, unit: str | None = None,
                    outline: list | None = None, now: datetime) -> Building:
    """A new building on a campus; its outline (school plan metres) is optional and checked."""
    owner = _school(db, scope, school)
    code = (code or "").strip()
    if not SCHOOL_ID.fullmatch(code):
        raise LedgerError("a building's code is 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit "
                          "(events carry it)",
                          zh="楼宇编号为 1 至 64 个 A-Z a-z 0-9 _ . - 字符，以字母或数字开头（事件带着它）")
    if db.scalar(select(Building.id).where(Building.school_id == owner.id, Building.code == code)) is not None:
        raise LedgerError(f"{owner.name_zh} already has a building with the code {code}",
                          zh=f"{owner.name_zh}已有编号为 {code} 的楼宇")
    values = _fields(db, owner, None, name_zh=name_zh, name_en=name_en, kind=kind, floors=floors, campus=campus,
                     unit=unit)
    polygon = _outline(db, owner, campus, outline, local=False, what=outlines.OUTLINE) if outline else None
    building = Building(school_id=owner.id, code=code, polygon=polygon, **values)
    db.add(building)
    db.flush()
    record(db, actor=actor, action="building.create", target=f"building:{school}/{code}", school=school,
           after=snapshot(building), now=now)
    return building


def update_building(db: Session, *, actor: Actor, scope: str | None, school: str, code: str, name_zh: str,
                    kind: str, campus: str, name_en: str | None = None, floors=None, unit: str | None = None,
                    outline: list | None = None, now: datetime) -> Building:
    """New names, use, floors, campus, unit and (when given) outline for a building; the code stays."""
    owner = _school(db, scope, school)
    building = find_building(db, owner, code)
    if building.retired_at is not None:
        raise LedgerError(f"{building.name_zh} is retired", zh=f"{building.name_zh}已停用")
    before = snapshot(building)
    values = _fields(db, owner, building, name_zh=name_zh, name_en=name_en, kind=kind, floors=floors,
                     campus=campus, unit=unit)
    polygon = _outline(db, owner, campus, outline, local=False, what=outlines.OUTLINE) if outline else None
    for key, value in values.items():
        setattr(building, key, value)
    if polygon is not None:
        building.polygon = polygon
    db.flush()
    old, new = changed(before, snapshot(building))
    if new:
        record(db, actor=actor, action="building.update", target=f"building:{school}/{code}", school=school,
               before=old, after=new, now=now)
    return building


def retire_building(db: Session, *, actor: Actor, scope: str | None, school: str, code: str,
                    now: datetime) -> Building:
    """Off the map and the pickers; its risk points and history keep pointing at it."""
    owner = _school(db, scope, school)
    building = find_building(db, owner, code)
    if building.retired_at is not None:
        raise LedgerError(f"{building.name_zh} is already retired", zh=f"{building.name_zh}已经停用")
    building.retired_at = now
    db.flush()
    record(db, actor=actor, action="building.retire", target=f"building:{school}/{code}", school=school,
           before={"retired": None}, after={"retired": now.isoformat()}, now=now)
    return building


def create_zone(db: Session, *, actor: Actor, scope: str | None, school: str, building: str, code: str,
                name_zh: str, name_en: str | None = None, now: datetime) -> Zone:
    owner = _school(db, scope, school)
    found = find_building(db, owner, building)
    if found.retired_at is not None:
        raise LedgerError(f"{found.name_zh} is retired", zh=f"{found.name_zh}已停用")
    code = (code or "").strip()
    if not SCHOOL_ID.fullmatch(code):
        raise LedgerError("a zone's code is 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit",
                          zh="区域编号为 1 至 64 个 A-Z a-z 0-9 _ . - 字符，以字母或数字开头")
    zh = _name(name_zh, CHINESE_NAME, required=True)
    for zone in found.zones:
        if zone.code == code:
            raise LedgerError(f"{found.name_zh} already has a zone with the code {code}",
                              zh=f"{found.name_zh}已有编号为 {code} 的区域")
        if zone.name_zh == zh and zone.retired_at is None:
            raise LedgerError(f"{found.name_zh} already has a zone named {zh}", zh=f"{found.name_zh}已有名为{zh}的区域")
    zone = Zone(building=found, code=code, name_zh=zh, name_en=_name(name_en, ENGLISH_NAME, required=False))
    db.add(zone)
    db.flush()
    record(db, actor=actor, action="zone.create", target=f"zone:{school}/{building}/{code}", school=school,
           after={"code": code, "name_zh": zh, "name_en": zone.name_en}, now=now)
    return zone


def _zone(db: Session, scope: str | None, school: str, building: str, code: str) -> tuple[Building, Zone]:
    """The building and its zone `code`, within the admin's scope; NotFound when it has none."""
    found = find_building(db, _school(db, scope, school), building)
    zone = next((z for z in found.zones if z.code == code), None)
    if zone is None:
        raise NotFound(f"{found.name_zh} has no zone {code!r}", zh=f"{found.name_zh}没有编号为 {code!r} 的区域")
    return found, zone


def update_zone(db: Session, *, actor: Actor, scope: str | None, school: str, building: str, code: str,
                name_zh: str, name_en: str | None = None, now: datetime) -> Zone:
    """New names for a zone in use (a zone has no floor or use of its own: its building has them); the
    code stays, as events carry it. The maps and lists read names, so a rename shows there."""
    found, zone = _zone(db, scope, school, building, code)
    if found.retired_at is not None:
        raise LedgerError(f"{found.name_zh} is retired: its zones are not renamed",
                          zh=f"{found.name_zh}已停用，其区域不能修改")
    if zone.retired_at is not None:
        raise LedgerError(f"{zone.name_zh} is retired: retired zones are not renamed",
                          zh=f"{zone.name_zh}已停用，不能修改")
    before = _zone_names(zone)
    zh = _name(name_zh, CHINESE_NAME, required=True)
    if any(z is not zone and z.name_zh == zh and z.retired_at is None for z in found.zones):
        raise LedgerError(f"{found.name_zh} already has a zone named {zh}", zh=f"{found.name_zh}已有名为{zh}的区域")
    zone.name_zh, zone.name_en = zh, _name(name_en, ENGLISH_NAME, required=False)
    db.flush()
    old, new = changed(before, _zone_names(zone))
    if new:
        record(db, actor=actor, action="zone.update", target=f"zone:{school}/{building}/{code}", school=school,
               before=old, after=new, now=now)
    return zone


def _zone_names(zone: Zone) -> dict:
    return {"name_zh": zone.name_zh, "name_en": zone.name_en}


def retire_zone(db: Session, *, actor: Actor, scope: str | None, school: str, building: str, code: str,
                now: datetime) -> Zone:
    found, zone = _zone(db, scope, school, building, code)
    if zone.retired_at is not None:
        raise LedgerError(f"{zone.name_zh} is already retired", zh=f"{zone.name_zh}已经停用")
    zone.retired_at = now
    db.flush()
    record(db, actor=actor, action="zone.retire", target=f"zone:{school}/{building}/{code}", school=school,
           before={"retired": None}, after={"retired": now.isoformat()}, now=now)
    return zone


def import_outlines(db: Session, *, actor: Actor, scope: str | None, school: str, campus: str, text: str | bytes,
                    now: datetime) -> list[Building]:
    """Outlines from a GeoJSON file for buildings of the school, each feature matched to a building
    by its code, else its Chinese name; every feature checked first, and nothing saved if any fails."""
    owner = _school(db, scope, school)
    features = outlines.read_geojson(text)
    active = list(db.scalars(select(Building).where(Building.school_id == owner.id, Building.retired_at.is_(None))))
    by_code = {b.code: b for b in active}
    by_name = {b.name_zh: b for b in active}
    errors: list[Words] = []
    planned: list[tuple[Building, list]] = []
    seen: dict[int, str] = {}
    for number, feature in enumerate(features, 1):
        building = by_code.get(feature.name) or by_name.get(feature.name)
        if building is None:
            errors.append(Words(f"feature {number}: {owner.name_zh} has no building {feature.name!r} "
                                "(create it first)",
                                f"第 {number} 个要素：{owner.name_zh}没有楼宇 {feature.name!r}（请先创建）"))
            continue
        if building.id in seen:
            errors.append(Words(f"feature {number}: {feature.name} is the same building as feature {seen[building.id]}",
                                f"第 {number} 个要素：{feature.name}与第 {seen[building.id]} 个要素是同一栋楼宇"))
            continue
        seen[building.id] = str(number)
        try:
            polygon = _outline(db, owner, campus, feature.ring, local=True,
                               what=Words(f"feature {number} ({feature.name})",
                                          f"第 {number} 个要素（{feature.name}）"))
        except LedgerError as exc:
            errors.append(Words(exc.text("en"), exc.text("zh")))
            continue
        planned.append((building, polygon))
    if errors:
        more = len(errors) - MAX_IMPORT_ERRORS
        listed = "; ".join(e.en for e in errors[:MAX_IMPORT_ERRORS]) + (f"; and {more} more" if more > 0 else "")
        listed_zh = "；".join(e.zh for e in errors[:MAX_IMPORT_ERRORS]) + (f"；另有 {more} 处" if more > 0 else "")
        raise outlines.BadOutline(f"nothing imported: {listed}", zh=f"未导入任何轮廓：{listed_zh}")
    for building, polygon in planned:
        before = {"campus": building.campus, "polygon": building.polygon}
        building.polygon, building.campus = polygon, campus
        old, new = changed(before, {"campus": campus, "polygon": polygon})
        if new:
            record(db, actor=actor, action="building.outline_import", target=f"building:{school}/{building.code}",
                   school=school, before=old, after=new, now=now)
    db.flush()
    return [b for b, _p in planned]
