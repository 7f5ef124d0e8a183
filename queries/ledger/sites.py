"""What the site administration page (/admin/sites) and the plan image route read: the schools an
admin manages, a school's campuses with their plans, its buildings, its units, and a stored image."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ledger import org_scope
from ledger.campuses import campuses
from ledger.models import Building, Device, OrgUnit, RiskPoint, SitePlanImage


@dataclass(frozen=True)
class SchoolSite:
    code: str
    name_zh: str
    name_en: str | None
    campuses: list[dict]  # {"id", "name_zh", "name_en", "box", "image": href or None}
    # active buildings: code, names, kind, floors, campus, unit, polygon, zones, and what is in them:
    # "risk_points" {colour: count} of the points in use, "devices" the registered devices in use
    buildings: list[dict]
    units: list[dict]  # the school's units: code, name_zh, name_en


def managed_schools(db: Session, scope: str | None) -> list[OrgUnit]:
    """The schools whose site an admin of `scope` manages: every school within the scope unit."""
    schools = list(db.scalars(select(OrgUnit).where(OrgUnit.kind == "school").order_by(OrgUnit.name_zh,
OrgUnit.code)))
    if scope is None:
        return schools
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == scope))
    if unit is None:
        return []
    return [s for s in schools if org_scope.is_within(db, s, unit)]


def school_site(db: Session, school: OrgUnit) -> SchoolSite:
    images = dict(db.execute(select(SitePlanImage.campus, SitePlanImage.sha256)
                             .where(SitePlanImage.school_id == school.id)).all())
    found = [{**c, "image": f"/plans/{school.code}/{c['id']}?v={images[c['id']][:16]}" if c["id"] in images else None}
             for c in campuses(db, school)]
    buildings = db.scalars(select(Building).where(Building.school_id == school.id, Building.retired_at.is_(None))
                           .options(selectinload(Building.zones), selectinload(Building.unit))
                           .order_by(Building.campus, Building.name_zh))
    units = [u for u in db.scalars(select(OrgUnit).where(OrgUnit.kind == "unit").order_by(OrgUnit.name_zh))
             if org_scope.is_within(db, u, school)]
    points: dict[int, dict[str, int]] = {}
    for building_id, colour, count in db.execute(
            select(RiskPoint.building_id, RiskPoint.colour, func.count())
            .where(RiskPoint.school_id == school.id, RiskPoint.retired_on.is_(None), RiskPoint.building_id.is_not(None))
            .group_by(RiskPoint.building_id, RiskPoint.colour)):
        points.setdefault(building_id, {})[colour] = count
    devices = dict(db.execute(select(Device.building_id, func.count())
                              .where(Device.school_id == school.id, Device.retired_on.is_(None),
                                     Device.building_id.is_not(None))
                              .group_by(Device.building_id)).all())
    return SchoolSite(school.code, school.name_zh, school.name_en, found, [{
        "code": b.code, "name_zh": b.name_zh, "name_en": b.name_en, "kind": b.kind, "floors": b.floors,
        "campus": b.campus, "unit": b.unit.code if b.unit is not None else None, "polygon": b.polygon,
        "zones": [{"code": z.code, "name_zh": z.name_zh, "name_en": z.name_en} for z in b.zones
                  if z.retired_at is None],
        "risk_points": points.get(b.id, {}), "devices": devices.get(b.id, 0),
    } for b in buildings], [{"code": u.code, "name_zh": u.name_zh, "name_en": u.name_en} for u in units])


def plan_image(db: Session, school: str, campus: str) -> SitePlanImage | None:
    return db.scalar(select(SitePlanImage).join(OrgUnit, OrgUnit.id == SitePlanImage.school_id)
                     .where(OrgUnit.code == school, SitePlanImage.campus == campus))
