"""A school's campuses, as the site administration and its commands read them: the school's
campus units (organisation tree, kind "campus": the id is the unit's code) and the campuses its
site plan already names without such a unit (the demo's "main", "xinxiang"), each with its box
in the school plan's metres when the plan places it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import OrgUnit


def campuses(db: Session, school: OrgUnit) -> list[dict]:
    plan = school.site_plan or {}
    boxes = {c.get("id"): c for c in plan.get("campuses", []) if isinstance(c, dict)}
    units = db.scalars(select(OrgUnit).where(OrgUnit.parent_id == school.id, OrgUnit.kind == "campus")
                       .order_by(OrgUnit.code))
    found = [{"id": u.code, "name_zh": u.name_zh, "name_en": u.name_en, "box": boxes.get(u.code, {}).get("box")}
             for u in units]
    known = {c["id"] for c in found}
    found += [{"id": cid, "name_zh": c.get("name_zh") or cid, "name_en": c.get("name_en"), "box": c.get("box")}
              for cid, c in boxes.items() if cid not in known]
    return found
