"""Reads the JSON API needs beside the per-record modules: the codes behind row ids, and a
school's site plan with its four-colour map data in one document."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ledger import site_plans
from ledger.models import Building, OrgUnit, RiskPoint, SitePlanImage, Zone
from queries.ledger import org, risk_points


@dataclass(frozen=True)
class Codes:
    """Row id -> code of the buildings, zones, units and risk points a page of records names."""

    buildings: dict[int, str] = field(default_factory=dict)
    zones: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    risk_points: dict[int, str] = field(default_factory=dict)


def codes_by_id(session: Session, model, ids) -> dict[int, str]:
    """Row id -> code of `model` (Building, Zone, OrgUnit, RiskPoint) for the ids given, in one query."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(model.id, model.code).where(model.id.in_(wanted))).all())


def codes_for(session: Session, rows, *, units: tuple[str, ...] = (), risk_points_attr: str | None = None) -> Codes:
    """The id -> code maps a page of records names: its buildings, zones and the unit attributes
    listed in `units` (e.g. ("responsible_unit_id",)). Four small queries at most, per page."""
    rows = list(rows)
    return Codes(
        buildings=codes_by_id(session, Building, (r.building_id for r in rows)),
        zones=codes_by_id(session, Zone, (r.zone_id for r in rows)),
        units=codes_by_id(session, OrgUnit, (getattr(r, a) for r in rows for a in units)),
        risk_points=(codes_by_id(session, RiskPoint, (getattr(r, risk_points_attr) for r in rows))
                     if risk_points_attr else {}),
    )


def site_plan(session: Session, school: OrgUnit) -> dict:
    """The site plan of a school: its extent and campuses, every building and zone with its
    polygon (metres, x east, y north), each building's colour (its highest risk level) and a
    marker per risk point. A risk point without a stored position gets a fixed spot inside its
    zone (else its building) from ledger.site_plans.marker, so the map never moves on reload."""
    plan = school.site_plan or {}
    buildings = list(session.scalars(select(Building).where(Building.school_id == school.id,
                                                            Building.retired_at.is_(None))
                                      .options(selectinload(Building.zones)).order_by(Building.id)))
    colours = risk_points.colours_by_building(session, school_id=school.id)
    points = list(session.scalars(select(RiskPoint).where(RiskPoint.school_id == school.id,
                                                           RiskPoint.retired_on.is_(None))
                                  .order_by(RiskPoint.building_id, RiskPoint.zone_id, RiskPoint.code)))
    building_codes = {b.id: b.code for b in buildings}
    zones = {z.id: z for b in buildings for z in b.zones if z.retired_at is None}
    polygons = {("b", b.id): b.polygon for b in buildings} | {("z", z.id): z.polygon for z in zones.values()}
    placed: dict[tuple, int] = {}
    markers = []
    for point in points:
        x, y = point.x, point.y
        if x is None or y is None:
            where = ("z", point.zone_id) if polygons.get(("z", point.zone_id)) else ("b", point.building_id)
            polygon = polygons.get(where)
            if polygon:
                index = placed.get(where, 0)
                placed[where] = index + 1
                x, y = site_plans.marker(polygon, index)
        markers.append({
            "code": point.code, "name": point.name, "level": point.level, "colour": point.colour,
            "building": building_codes.get(point.building_id),
            "zone": zones[point.zone_id].code if point.zone_id in zones else None,
            "x": x, "y": y,
        })
    return {
        "school": school.code,
        "name_zh": school.name_zh,
        "name_en": school.name_en,
        "extent": {"width": plan.get("width"), "height": plan.get("height")},
        "campuses": plan.get("campuses", []),
        "gates": plan.get("gates", []),
        "images": plan_images(session, school),
        "buildings": [{
            "code": b.code, "name_zh": b.name_zh, "name_en": b.name_en, "kind": b.kind, "campus": b.campus,
            "polygon": b.polygon,
            "colour": colours.get(b.code, {}).get("colour"),
            "risk_points": {c: colours.get(b.code, {}).get(c, 0) for c in ("red", "orange", "yellow", "blue")},
            "zones": [{"code": z.code, "name_zh": z.name_zh, "polygon": z.polygon} for z in b.zones
                      if z.retired_at is None],
        } for b in buildings],
        "risk_points": markers,
    }


def plan_images(session: Session, school: OrgUnit) -> list[dict]:
    """The campus plan images the maps draw under the buildings: each one's address (the digest
    in it, so a new upload is never hidden by a cached old one) and its box in the school plan's
    metres. A campus the plan does not place has no box, so its image is not drawn."""
    boxes = {c.get("id"): c.get("box") for c in (school.site_plan or {}).get("campuses", []) if isinstance(c, dict)}
    rows = session.execute(select(SitePlanImage.campus, SitePlanImage.sha256)
                           .where(SitePlanImage.school_id == school.id).order_by(SitePlanImage.campus))
    return [{"href": f"/plans/{quote(school.code)}/{quote(campus)}?v={digest[:16]}", "box": list(boxes[campus])}
            for campus, digest in rows if boxes.get(campus)]


def school_names(session: Session) -> dict[str, dict]:
    """Every school of the ledger by code, with its names."""
    return {s.code: {"name_zh": s.name_zh, "name_en": s.name_en} for s in org.schools(session)}
