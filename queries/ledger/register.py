"""Reads for the register pages (/admin/risks, /admin/devices) and for placing events and alerts by
their registered device (the wall's live summary and the leadership pages): plain rows, nothing
that writes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ledger import org_scope
from ledger.models import Alert, Building, Device, OrgUnit, RiskPoint, Zone


@dataclass(frozen=True)
class Choice:
    code: str
    name_zh: str
    name_en: str | None
    parent: str | None = None  # a zone's building


@dataclass(frozen=True)
class SchoolParts:
    buildings: list[Choice]
    zones: list[Choice]
    units: list[Choice]


def managed_schools(db: Session, scope: str | None) -> list[Choice]:
    """The schools an admin of this unit manages the register of: every school (None), the unit's
    own school (a school, campus or college admin), or the schools below a district or city."""
    query = select(OrgUnit).where(OrgUnit.kind == "school").order_by(OrgUnit.name_zh, OrgUnit.code)
    schools = list(db.scalars(query))
    if scope is not None:
        unit = db.scalar(select(OrgUnit).where(OrgUnit.code == scope))
        if unit is None:
            return []
        schools = [s for s in schools if org_scope.is_within(db, s, unit)]
    return [Choice(s.code, s.name_zh, s.name_en) for s in schools]


def school_parts(db: Session, school: str) -> SchoolParts:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if found is None:
        return SchoolParts([], [], [])
    buildings = list(db.scalars(select(Building).where(Building.school_id == found.id).order_by(Building.code)))
    zones = list(db.execute(select(Zone, Building.code).join(Building, Building.id == Zone.building_id)
                            .where(Building.school_id == found.id).order_by(Building.code, Zone.code)))
    below = org_scope.descendant_ids(db, found.id)
    units = list(db.scalars(select(OrgUnit).where(OrgUnit.id.in_(below), OrgUnit.kind == "unit")
                            .order_by(OrgUnit.name_zh))) if below else []
    return SchoolParts([Choice(b.code, b.name_zh, b.name_en) for b in buildings],
                       [Choice(z.code, z.name_zh, z.name_en, b) for z, b in zones],
                       [Choice(u.code, u.name_zh, u.name_en) for u in units])


@dataclass(frozen=True)
class PointRow:
    code: str
    name: str
    method: str
    l_value: float | None
    e_value: float | None
    c_value: float | None
    s_value: float | None
    score: float
    level: str
    colour: str
    control_level: str
    control_measures: str
    unit: str | None
    unit_name: str | None
    responsible_person: str | None
    building: str | None
    building_name: str | None
    zone: str | None
    category: str | None
    last_reviewed_on: date
    retired_on: date | None
    school: str
    school_name: str


MAX_ROWS = 2000  # a school's register; more is an import's job, not a page's


def risk_point_rows(db: Session, school: str, *, code: str | None = None,
                    include_retired: bool = False) -> list[PointRow]:
    unit = OrgUnit.__table__.alias("unit")
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if found is None:
        return []
    query = (select(RiskPoint, unit.c.code, unit.c.name_zh, Building.code, Building.name_zh, Zone.code)
             .outerjoin(unit, unit.c.id == RiskPoint.unit_id).outerjoin(Building, Building.id == RiskPoint.building_id)
             .outerjoin(Zone, Zone.id == RiskPoint.zone_id).where(RiskPoint.school_id == found.id))
    if code is not None:
        query = query.where(RiskPoint.code == code)
    if not include_retired:
        query = query.where(RiskPoint.retired_on.is_(None))
    rows = []
    for p, unit_code, unit_name, b_code, b_name, z_code in db.execute(query.order_by(RiskPoint.code).limit(MAX_ROWS)):
        rows.append(PointRow(p.code, p.name, p.method, p.l_value, p.e_value, p.c_value, p.s_value, p.score,
                             p.level, p.colour, p.control_level, p.control_measures or "", unit_code, unit_name,
                             p.responsible_person, b_code, b_name, z_code, p.category, p.last_reviewed_on,
                             p.retired_on, found.code, found.name_zh))
    return rows


@dataclass(frozen=True)
class DeviceRow:
    source: str
    name: str
    system: str
    building: str | None
    building_name: str | None
    zone: str | None
    stream_url: str | None


def device_rows(db: Session, school: str) -> list[DeviceRow]:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if found is None:
        return []
    query = (select(Device, Building.code, Building.name_zh, Zone.code)
             .outerjoin(Building, Building.id == Device.building_id).outerjoin(Zone, Zone.id == Device.zone_id)
             .where(Device.school_id == found.id, Device.retired_on.is_(None)).order_by(Device.source)
             .limit(MAX_ROWS * 5))
    return [DeviceRow(d.source, d.name, d.system, b, bn, z, d.stream_url) for d, b, bn, z in db.execute(query)]


Placements = dict[str, tuple[str, str | None]]  # source -> (building code, zone code or None)


def _registered():
    """The register's live devices that name a building: (school id, source, building, zone)."""
    return (select(Device.school_id, Device.source, Building.code.label("building"), Zone.code.label("zone"))
            .join(Building, Building.id == Device.building_id).outerjoin(Zone, Zone.id == Device.zone_id)
            .where(Device.retired_on.is_(None)))


def placements(db: Session, school: str) -> Placements:
    """Registered sources of a school with a building: source -> (building code, zone code or None).
    What the wall places an event by when the event names no building (queries/summary.py)."""
    registered = _registered().subquery()
    query = (select(registered.c.source, registered.c.building, registered.c.zone)
             .join(OrgUnit, OrgUnit.id == registered.c.school_id).where(OrgUnit.code == school))
    return {source: (building, zone) for source, building, zone in db.execute(query)}


# Where an alert (or the event that raised it) is placed: the building it names, else the building
# of its registered source (the device register), with the zone it names or else the device's.
# Applied when read, never stored: a device registered after its alert was raised places that alert
# too, and the consumer does no lookup per event. One rule, in two forms that must agree
# (tests/ledger/test_alert_placement.py): `place` for the live summary's alerts (Redis,
# queries/summary.py); `alert_building`, `alert_zone` and `alert_in_building` for the ledger's
# alerts (the leadership pages), both from the register's one `_registered` read.

def place(building: str | None, zone: str | None, source: str | None,
          placed_by: Placements | None) -> tuple[str | None, str | None]:
    """(building, zone) of an alert naming `building`, `zone`, raised by `source`."""
    if building or not placed_by:
        return building or None, zone or None
    found = placed_by.get(source or "")
    if found is None:
        return None, zone or None
    return found[0], zone or found[1]


def _registered_of_alert():
    registered = _registered().subquery()
    return registered, (registered.c.school_id == Alert.school_id) & (registered.c.source == Alert.device)


def alert_building():
    """SQL: the building an alert of the `alerts` table is placed in (see `place`); NULL for none."""
    registered, of_alert = _registered_of_alert()
    return func.coalesce(Alert.building_code, select(registered.c.building).where(of_alert).scalar_subquery())


def alert_zone():
    """SQL: the zone an alert is placed in (see `place`)."""
    registered, of_alert = _registered_of_alert()
    registered_zone = select(registered.c.zone).where(of_alert).scalar_subquery()
    return case((Alert.building_code.is_not(None), Alert.zone_code),
                else_=func.coalesce(Alert.zone_code, registered_zone))


def alert_in_building(school_id: int, code: str):
    """SQL: the alert is placed in building `code` of the school (see `place`). The building's own
    alerts are found by index (school, building); only those naming no building by their source."""
    registered = _registered().subquery()
    sources = select(registered.c.source).where(registered.c.school_id == school_id, registered.c.building == code)
    return or_(Alert.building_code == code, and_(Alert.building_code.is_(None), Alert.device.in_(sources)))


def sources_and_accidents(db: Session, school: str, code: str) -> tuple[list[str], list[str]]:
    """A risk point's hazard sources (危险源) and possible accident types, for its notice card."""
    point = db.scalar(select(RiskPoint).join(OrgUnit, OrgUnit.id == RiskPoint.school_id)
                      .where(OrgUnit.code == school, RiskPoint.code == code))
    if point is None:
        return [], []
    return [s.name for s in point.hazard_sources], list(point.accident_types or [])
