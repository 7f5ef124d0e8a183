"""Schools, units, buildings and zones: lookups by the codes the outside world uses.

Here rather than in queries/ because the ledger's commands look places up too (a hazard reported
in a building, a deduction for a unit) and the ledger imports nothing above it; the web app reads
them through queries/ledger/org.py, which names these same functions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.errors import NotFound
from ledger.models import Building, OrgUnit, Zone


def school(session: Session, code: str) -> OrgUnit:
    found = session.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind == "school"))
    if found is None:
        raise NotFound(f"no school {code!r} in the ledger", zh=f"台账中没有学校 {code!r}")
    return found


def find_school(session: Session, code: str) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind == "school"))


def schools(session: Session) -> list[OrgUnit]:
    return list(session.scalars(select(OrgUnit).where(OrgUnit.kind == "school").order_by(OrgUnit.code)))


def units_of(session: Session, school_id: int) -> list[OrgUnit]:
    return list(session.scalars(
        select(OrgUnit).where(OrgUnit.parent_id == school_id, OrgUnit.kind == "unit").order_by(OrgUnit.code)))


def unit_by_code(session: Session, code: str) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def buildings_of(session: Session, school_id: int) -> list[Building]:
    return list(session.scalars(
        select(Building).where(Building.school_id == school_id).order_by(Building.id)))


def building(session: Session, school_id: int, code: str | None) -> Building | None:
    if not code:
        return None
    return session.scalar(select(Building).where(Building.school_id == school_id, Building.code == code))


def zone(session: Session, building_row: Building | None, code: str | None) -> Zone | None:
    if building_row is None or not code:
        return None
    return session.scalar(select(Zone).where(Zone.building_id == building_row.id, Zone.code == code))
