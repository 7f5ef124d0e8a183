"""A school's site as administrators edit it (ledger/commands/sites.py), on SQLite and PostgreSQL:
campus plans and their images, buildings and zones, GeoJSON outlines; who may touch which school;
the audit entry each change leaves; nothing half-saved; and the site plan the maps read
(queries.ledger.lookups.site_plan) showing it all."""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from ledger import org_scope
from ledger.commands import org, sites
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.models import AuditEntry, Building, OrgUnit, SitePlanImage
from queries.ledger import lookups

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
ROOT = Actor("root", "admin", "10.0.0.1")
ADMIN = Actor("s1-admin", "admin", "10.0.0.2")
SQUARE = [[510, 300], [560, 300], [560, 340], [510, 340]]  # school plan metres, on the east campus


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (86, 96), "white").save(out, "PNG")
    return out.getvalue()


def tree(db):
    """District d1 with schools s1 (an east campus, a chemistry unit) and s2."""
    org.create_unit(db, actor=ROOT, scope=None, kind="district", code="d1", name_zh="金水区", now=NOW)
    for code, name in (("s1", "第一中学"), ("s2", "第二中学")):
        org.create_unit(db, actor=ROOT, scope=None, kind="school", code=code, name_zh=name, parent="d1",
                        school_type="middle", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="campus", code="s1-east", name_zh="东校区", parent="s1", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="campus", code="s2-main", name_zh="本部", parent="s2", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="unit", code="s1-chem", name_zh="化学组", parent="s1", now=NOW)
    db.flush()


def planned(db, school="s1", campus="s1-east", x=470, scope="s1"):
    sites.set_campus_plan(db, actor=ADMIN if scope else ROOT, scope=scope, school=school, campus=campus,
                          width=430, height=480, x=x, y=0, image=png(), now=NOW)


def audit(db, action):
    return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_school_admin_sets_a_campus_plan_and_the_maps_read_its_image_and_box(session):
    tree(session)
    planned(session)
    school = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    plan = lookups.site_plan(session, school)
    assert plan["extent"] == {"width": 900, "height": 480}  # the school plan grows to hold the campus
    assert plan["campuses"] == [{"id": "s1-east", "name_zh": "东校区", "box": [470, 0, 430, 480]}]
    stored = session.scalar(select(SitePlanImage))
    assert (stored.content_type, stored.pixel_width, stored.uploaded_by) == ("image/png", 86, "s1-admin")
    assert plan["images"] == [{"href": f"/plans/s1/s1-east?v={stored.sha256[:16]}", "box": [470, 0, 430, 480]}]
    [entry] = audit(session, "site_plan.update")
    assert (entry.actor, entry.ip, entry.school, entry.target) == ("s1-admin", "10.0.0.2", "s1", "campus:s1/s1-east")
    assert entry.after["image"]["sha256"] == stored.sha256 and entry.after["box"] == [470, 0, 430, 480]
    # A second upload replaces the image (one per campus); only the size changes: no new image row.
    sites.set_campus_plan(session, actor=ADMIN, scope="s1", school="s1", campus="s1-east", width=400, height=480,
                          x=470, y=0, now=NOW)
    assert session.scalar(select(func.count()).select_from(SitePlanImage)) == 1
    assert audit(session, "site_plan.update")[-1].before == {"box": [470, 0, 430, 480]}


def test_a_bad_image_or_size_saves_nothing(session):
    tree(session)
    for values, reason in (({"image": b"GIF89a fake"}, "not a PNG"), ({"width": 0}, "between 0"),
                           ({"width": "wide"}, "not a number"), ({"campus": "s2-main"}, "no campus")):
        args = {"school": "s1", "campus": "s1-east", "width": 100, "height": 100, "x": 0, "y": 0, **values}
        with pytest.raises(LedgerError, match=reason):
            sites.set_campus_plan(session, actor=ADMIN, scope="s1", now=NOW, **args)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SitePlanImage)) == 0
    assert audit(session, "site_plan.update") == []


def test_buildings_are_created_edited_and_retired_with_an_audit_entry_each(session):
    tree(session)
    planned(session)
    lab = sites.create_building(session, actor=ADMIN, scope="s1", school="s1", code="lab", name_zh="实验楼",
                                name_en="Labs", kind="lab", floors=5, campus="s1-east", unit="s1-chem",
                                outline=SQUARE, now=NOW)
    assert lab.polygon == SQUARE and lab.unit.code == "s1-chem"
    sites.create_zone(session, actor=ADMIN, scope="s1", school="s1", building="lab", code="f1", name_zh="一层",
                      now=NOW)
    sites.update_building(session, actor=ADMIN, scope="s1", school="s1", code="lab", name_zh="化学实验楼",
                          name_en="Labs", kind="lab", floors=6, campus="s1-east", unit="s1-chem", now=NOW)
    assert lab.polygon == SQUARE  # no outline sent: the outline stays
    [update] = audit(session, "building.update")
    assert update.before == {"name_zh": "实验楼", "floors": 5}
    assert update.after == {"name_zh": "化学实验楼", "floors": 6}
    school = session.get(OrgUnit, lab.school_id)
    plan = lookups.site_plan(session, school)
    assert [(b["code"], b["name_zh"], b["polygon"], [z["code"] for z in b["zones"]]) for b in plan["buildings"]] == [
        ("lab", "化学实验楼", SQUARE, ["f1"])]
    sites.retire_building(session, actor=ADMIN, scope="s1", school="s1", code="lab", now=NOW)
    assert lookups.site_plan(session, school)["buildings"] == []  # off the map, still in the ledger
    assert [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.actor == "s1-admin")
                                              .order_by(AuditEntry.id))] == [
        "site_plan.update", "building.create", "zone.create", "building.update", "building.retire"]
    with pytest.raises(LedgerError, match="already retired"):
        sites.retire_building(session, actor=ADMIN, scope="s1", school="s1", code="lab", now=NOW)


@pytest.mark.parametrize("values, reason", [
    ({"code": "bad code"}, "a building's code"),
    ({"code": "lab"}, "already has a building with the code lab"),
    ({"name_zh": "实验楼"}, "already has a building named 实验楼"),
    ({"kind": "castle"}, "use is one of"),
    ({"floors": 0}, "floors is between"),
    ({"floors": "many"}, "whole number"),
    # int() of these was 1, 1, a ValueError and an OverflowError: a wrong record, then a 400 and a 500
    ({"floors": 1.5}, "whole number"), ({"floors": True}, "whole number"), ({"floors": "²"}, "whole number"),
    ({"floors": float("inf")}, "whole number"),
    ({"unit": "s2-main"}, "is not a unit of"),
    ({"campus": "s2-main"}, "no campus"),
    ({"outline": [[510, 300], [560, 340], [560, 300], [510, 340]]}, "crosses itself"),
    ({"outline": [[510, 300], [560, 300]]}, "at least 3 points"),
    ({"outline": [[10, 300], [560, 300], [560, 340]]}, "outside the plan"),  # west of the east campus
])
def test_a_bad_building_is_refused_with_its_reason_and_nothing_is_added(session, values, reason):
    tree(session)
    planned(session)
    sites.create_building(session, actor=ADMIN, scope="s1", school="s1", code="lab", name_zh="实验楼",
                          kind="lab", campus="s1-east", now=NOW)
    session.commit()
    args = {"code": "new", "name_zh": "新楼", "kind": "teaching", "campus": "s1-east", **values}
    with pytest.raises(LedgerError, match=reason):
        sites.create_building(session, actor=ADMIN, scope="s1", school="s1", now=NOW, **args)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Building)) == 1
    assert len(audit(session, "building.create")) == 1


def test_a_school_admin_cannot_touch_another_schools_site(session):
    tree(session)
    planned(session, school="s2", campus="s2-main", x=0, scope=None)
    sites.create_building(session, actor=ROOT, scope=None, school="s2", code="gym", name_zh="体育馆", kind="gym",
                          campus="s2-main", now=NOW)
    session.commit()
    attempts = [
        lambda: planned(session, school="s2", campus="s2-main", x=0, scope="s1"),
        lambda: sites.create_building(session, actor=ADMIN, scope="s1", school="s2", code="x", name_zh="楼",
                                      kind="other", campus="s2-main", now=NOW),
        lambda: sites.update_building(session, actor=ADMIN, scope="s1", school="s2", code="gym", name_zh="新馆",
                                      kind="gym", campus="s2-main", now=NOW),
        lambda: sites.retire_building(session, actor=ADMIN, scope="s1", school="s2", code="gym", now=NOW),
        lambda: sites.create_zone(session, actor=ADMIN, scope="s1", school="s2", building="gym", code="z",
                                  name_zh="区", now=NOW),
        lambda: sites.import_outlines(session, actor=ADMIN, scope="s1", school="s2", campus="s2-main",
                                      text=_geojson(("gym", [[0, 0], [10, 0], [10, 10]])), now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(org_scope.OutOfScope):
            attempt()
        session.rollback()
    gym = session.scalar(select(Building).where(Building.code == "gym"))
    assert (gym.name_zh, gym.retired_at, gym.zones) == ("体育馆", None, [])
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.actor == "s1-admin")) == 0
    # The district admin above both schools may.
    sites.update_building(session, actor=ROOT, scope="d1", school="s2", code="gym", name_zh="新体育馆", kind="gym",
                          campus="s2-main", now=NOW)


def _geojson(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": name},
         "geometry": {"type": "Polygon", "coordinates": [ring + ring[:1]]}} for name, ring in features]})


def test_a_geojson_import_is_all_or_nothing_in_campus_metres(session):
    tree(session)
    planned(session)
    for code, name in (("lab", "实验楼"), ("canteen", "食堂")):
        sites.create_building(session, actor=ADMIN, scope="s1", school="s1", code=code, name_zh=name,
                              kind="other", campus="s1-east", now=NOW)
    session.commit()
    bad = _geojson(("lab", [[10, 10], [60, 10], [60, 50], [10, 50]]),
                   ("食堂", [[0, 0], [20, 20], [20, 0], [0, 20]]),  # crosses itself
                   ("library", [[0, 0], [5, 0], [5, 5]]))  # no such building
    with pytest.raises(LedgerError) as refused:
        sites.import_outlines(session, actor=ADMIN, scope="s1", school="s1", campus="s1-east", text=bad, now=NOW)
    assert "nothing imported" in str(refused.value) and "crosses itself" in str(refused.value)
    assert "no building 'library'" in str(refused.value)
    session.rollback()
    assert all(b.polygon is None for b in session.scalars(select(Building)))
    thousand = _geojson(("lab", [[10 + i * 0.01, 10 + (i % 2)] for i in range(1000)]))
    with pytest.raises(LedgerError, match="at most 200"):
        sites.import_outlines(session, actor=ADMIN, scope="s1", school="s1", campus="s1-east", text=thousand,
                              now=NOW)
    session.rollback()
    good = _geojson(("lab", [[10, 10], [60, 10], [60, 50], [10, 50]]), ("食堂", [[100, 100], [150, 100], [150, 160]]))
    done = sites.import_outlines(session, actor=ADMIN, scope="s1", school="s1", campus="s1-east", text=good, now=NOW)
    session.commit()
    assert [b.code for b in done] == ["lab", "canteen"]
    lab = session.scalar(select(Building).where(Building.code == "lab"))
    assert lab.polygon == [[480, 10], [530, 10], [530, 50], [480, 50]]  # shifted by the campus's box
    assert len(audit(session, "building.outline_import")) == 2
