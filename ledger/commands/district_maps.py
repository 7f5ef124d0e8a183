"""A district's map for its wall (issue 17, the district wall), as administrators keep it: the image
of a unit above schools (a district, a city) and each of its schools' places on it, within the
admin's scope (ledger/org_scope.py: the unit itself or below it). Each change is audited.

The image is checked as a campus plan's is (ledger/plan_images.py: type from the bytes, size and
pixels bounded, decoded) and must be a raster image: the wall draws it as an <img> whose shape it
reads from the stored pixel size.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ledger import org_scope, plan_images
from ledger.commands.audit import Actor, record
from ledger.commands.org import find_unit, scope_of
from ledger.errors import LedgerError
from ledger.models import DistrictMap, DistrictMapPlace, OrgUnit

ABOVE_SCHOOLS = ("province", "city", "district")


def check_map_image(data: bytes) -> plan_images.PlanImage:
    """The image as the ledger keeps it, or plan_images.BadImage: a PNG or JPEG within the plan
    images' bounds (a map drawn as SVG is refused: save it as PNG)."""
    checked = plan_images.check(data)
    if checked.content_type == "image/svg+xml" or not checked.pixel_width or not checked.pixel_height:
        raise plan_images.BadImage("a district map is a PNG or JPG image (save an SVG map as PNG)",
                                   zh="区域地图须为 PNG 或 JPG 图片（SVG 地图请另存为 PNG）")
    return checked


def _district(db: Session, scope: str | None, unit_code: str) -> OrgUnit:
    unit = find_unit(db, (unit_code or "").strip())
    if unit.kind not in ABOVE_SCHOOLS:
        raise LedgerError(f"{unit.name_zh} is not a district, city or province: a school's wall has its site plan",
                          zh=f"{unit.name_zh}不是区县、市或省：学校大屏使用本校平面图")
    org_scope.require_within(db, unit, scope_of(db, scope), what=unit.name_zh)
    return unit


def set_district_map(db: Session, *, actor: Actor, scope: str | None, unit: str, image: bytes,
                     now: datetime) -> dict:
    """Keep `image` as the map of `unit`; returns {"unit", "sha256", "type", "width", "height"}.
    The same image again changes nothing (a double submit is harmless)."""
    district = _district(db, scope, unit)
    checked = check_map_image(image)
    row = db.get(DistrictMap, district.id)
    saved = {"unit": district.code, "sha256": checked.sha256, "type": checked.content_type,
             "width": checked.pixel_width, "height": checked.pixel_height}
    if row is not None and row.sha256 == checked.sha256:
        return saved
    before = None if row is None else {"sha256": row.sha256, "type": row.content_type, "bytes": len(row.data)}
    if row is None:
        row = DistrictMap(unit_id=district.id)
        db.add(row)
    row.content_type, row.sha256, row.data = checked.content_type, checked.sha256, checked.data
    row.pixel_width, row.pixel_height = checked.pixel_width, checked.pixel_height
    row.uploaded_at, row.uploaded_by = now, actor.name[:64]
    record(db, actor=actor, action="district_map.image", target=district.code, now=now, before=before,
           after={"sha256": checked.sha256, "type": checked.content_type, "bytes": len(checked.data)})
    db.flush()
    return saved


def _fraction(value, what_en: str, what_zh: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LedgerError(f"{what_en} is not a number", zh=f"{what_zh}不是数字") from None
    if not 0 <= number <= 1:
        raise LedgerError(f"{what_en} is between 0 and 1 (a fraction of the map)",
                          zh=f"{what_zh}应在 0 至 1 之间（占地图的比例）")
    return round(number, 4)


def place_school(db: Session, *, actor: Actor, scope: str | None, unit: str, school: str, x, y,
                 now: datetime) -> dict:
    """Put `school` (one of the unit's schools) at x, y on the unit's map (fractions of its width
    and height from the top-left corner); x and y None take it off the map. Returns the place."""
    district = _district(db, scope, unit)
    found = find_unit(db, (school or "").strip())
    if found.kind != "school" or found.code not in org_scope.schools_under(db, district):
        raise LedgerError(f"{found.name_zh} is not a school of {district.name_zh}",
                          zh=f"{found.name_zh}不是{district.name_zh}的学校")
    row = db.get(DistrictMapPlace, (district.id, found.id))
    before = None if row is None else {"x": row.x, "y": row.y}
    if x is None and y is None:
        if row is not None:
            db.execute(delete(DistrictMapPlace).where(DistrictMapPlace.unit_id == district.id,
                                                      DistrictMapPlace.school_id == found.id))
            record(db, actor=actor, action="district_map.unplace", target=f"{district.code}/{found.code}",
                   now=now, school=found.code, before=before)
        return {"unit": district.code, "school": found.code, "x": None, "y": None}
    fx, fy = _fraction(x, "x", "横向位置"), _fraction(y, "y", "纵向位置")
    if row is None:
        row = DistrictMapPlace(unit_id=district.id, school_id=found.id, x=fx, y=fy)
        db.add(row)
    elif (row.x, row.y) == (fx, fy):
        return {"unit": district.code, "school": found.code, "x": fx, "y": fy}
    row.x, row.y = fx, fy
    record(db, actor=actor, action="district_map.place", target=f"{district.code}/{found.code}", now=now,
           school=found.code, before=before, after={"x": fx, "y": fy})
    db.flush()
    return {"unit": district.code, "school": found.code, "x": fx, "y": fy}

