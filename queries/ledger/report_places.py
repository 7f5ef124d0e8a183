"""Where a person may report a hazard from their phone (issue 15, 随手拍): the schools they read,
each with its buildings and their zones (retired ones left out), and the place of a risk point
whose notice card's QR code they scanned. Reads only; the ledger's report command checks the place
again when the report is sent (ledger/commands/hazard_work.py `report`)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Building, OrgUnit, RiskPoint, Zone


@dataclass(frozen=True)
class Named:
    code: str
    name_zh: str
    name_en: str | None

    def name(self, lang: str) -> str:
        return (self.name_en or self.name_zh) if lang == "en" else self.name_zh


@dataclass(frozen=True)
class BuildingPlace(Named):
    zones: tuple[Named, ...] = ()


@dataclass(frozen=True)
class SchoolPlaces(Named):
    buildings: tuple[BuildingPlace, ...] = ()


@dataclass(frozen=True)
class PointPlace:
    """A risk point as its card's code fills the form: its school, its name and its place."""

    school: str
    code: str
    name: str
    building: str | None
    zone: str | None


def report_places(db: Session, schools: frozenset[str] | None) -> list[SchoolPlaces]:
    """The schools of `schools` (None: every school), by code, with their buildings and zones."""
    query = select(OrgUnit).where(OrgUnit.kind == "school").order_by(OrgUnit.code)
    if schools is not None:
        query = query.where(OrgUnit.code.in_(sorted(schools)))
    found = list(db.scalars(query))
    ids = [s.id for s in found]
    buildings = list(db.scalars(select(Building).where(Building.school_id.in_(ids), Building.retired_at.is_(None))
                                .order_by(Building.id))) if ids else []
    zones: dict[int, list[Named]] = {}
    if buildings:
        for z in db.scalars(select(Zone).where(Zone.building_id.in_([b.id for b in buildings]),
                                               Zone.retired_at.is_(None)).order_by(Zone.id)):
            zones.setdefault(z.building_id, []).append(Named(z.code, z.name_zh, z.name_en))
    by_school: dict[int, list[BuildingPlace]] = {}
    for b in buildings:
        by_school.setdefault(b.school_id, []).append(
            BuildingPlace(b.code, b.name_zh, b.name_en, tuple(zones.get(b.id, ()))))
    return [SchoolPlaces(s.code, s.name_zh, s.name_en, tuple(by_school.get(s.id, ()))) for s in found]


def risk_point_place(db: Session, schools: frozenset[str] | None, school: str, code: str) -> PointPlace | None:
    """The risk point `code` of `school`, if the person reads that school and the point is in use;
    None otherwise (never which of the two)."""
    if schools is not None and school not in schools:
        return None
    row = db.execute(select(RiskPoint, OrgUnit.code).join(OrgUnit, OrgUnit.id == RiskPoint.school_id)
                     .where(OrgUnit.code == school, OrgUnit.kind == "school", RiskPoint.code == code,
                            RiskPoint.retired_on.is_(None))).first()
    if row is None:
        return None
    point, school_code = row
    building = db.get(Building, point.building_id) if point.building_id else None
    zone = db.get(Zone, point.zone_id) if point.zone_id else None
    return PointPlace(school_code, point.code, point.name, building.code if building else None,
                      zone.code if zone else None)
