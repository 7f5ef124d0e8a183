"""The site administration's server side over HTTP: who may fetch a campus plan image and how it is
served (its type from its bytes, nosniff, an SVG sandboxed), and the page's write callback holding a
school admin to their own school whatever the page sends back."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from dashboard.app import create_app
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, sites, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.models import AuditEntry, Building, OrgUnit, Zone
from queries.ledger import lookups
from tests.dashboard.conftest import PASSWORD, client_with, issue_token, make_user, signed_in
from tests.dashboard.lead_support import demo_ledger  # noqa: F401 (fixture)
from tests.dashboard.test_access import _callback_body, _callback_key, _router

ROOT = Actor("root", "admin")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 80"><rect width="100" height="80" fill="#eee"/></svg>'


@pytest.fixture
def sites_ledger(app_settings):
    """Schools s1 and s2, a campus each (s1's with an SVG plan), and admin1, the admin of s1."""
    engine = sql_engine(app_settings)
    now = datetime.now(timezone.utc)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            for code in ("s1", "s2"):
                org.create_unit(db, actor=ROOT, scope=None, kind="school", code=code, name_zh=f"{code}中学",
                                school_type="middle", now=now)
                org.create_unit(db, actor=ROOT, scope=None, kind="campus", code=f"{code}-main", name_zh="本部",
                                parent=code, now=now)
                sites.set_campus_plan(db, actor=ROOT, scope=None, school=code, campus=f"{code}-main", width=100,
                                      height=80, image=SVG if code == "s1" else None, now=now)
            sites.create_building(db, actor=ROOT, scope=None, school="s2", code="gym", name_zh="体育馆", kind="gym",
                                  campus="s2-main", now=now)
            users.create_user(db, username="admin1", display_name="王管理", role="admin", password=PASSWORD,
                              unit="s1", now=now)
    finally:
        engine.dispose()
    return app_settings


def _href(settings, school: str) -> str:
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            unit = db.scalar(select(OrgUnit).where(OrgUnit.code == school))
            return lookups.site_plan(db, unit)["images"][0]["href"]
    finally:
        engine.dispose()


def test_a_plan_image_is_served_sandboxed_to_those_who_read_the_school(app, sites_ledger):
    href = _href(sites_ledger, "s1")
    assert href.startswith("/plans/s1/s1-main?v=")
    got = client_with(app, issue_token(sites_ledger, school="s1")).get(href)
    assert got.status_code == 200 and got.data == SVG
    assert got.mimetype == "image/svg+xml"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    policy = got.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and policy.endswith("; sandbox")
    assert client_with(app, issue_token(sites_ledger, school="s2")).get(href).status_code == 403
    assert app.server.test_client().get(href).status_code in (401, 303)
    assert client_with(app, issue_token(sites_ledger, school="s1")).get("/plans/s1/nowhere").status_code == 404


def _save_building(app, client, school: str, changed: str = "admin-sites-save-building", **values):
    key = _callback_key(app, "admin-sites-message")
    body = _callback_body(app, key, {
        "admin-sites-save-building": 1, "admin-sites-school": school, "admin-sites-campus": f"{school}-main",
        "admin-sites-building": "", "admin-sites-code": "new", "admin-sites-name-zh": "新楼",
        "admin-sites-use": "teaching", "admin-sites-outline": [], "admin-sites-view": {"lang": "en"}, **values})
    body["changedPropIds"] = [f"{changed}.n_clicks"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_the_page_holds_a_school_admin_to_their_school_whatever_it_sends(app, sites_ledger):
    admin = signed_in(app, "admin1")
    answer = _save_building(app, admin, "s2", **{"admin-sites-building": "gym"})
    assert "Not saved" in answer and "outside what you manage" in answer
    answer = _save_building(app, admin, "s2")
    assert "Not saved" in answer and "outside what you manage" in answer
    answer = _save_building(app, admin, "s1", **{"admin-sites-outline": [[0, 0], [50, 50], [50, 0], [0, 50]]})
    assert "crosses itself" in answer
    answer = _save_building(app, admin, "s1", **{"admin-sites-outline": [[0, 0], [50, 50], [50, 0], [0, 50]],
                                                 "admin-sites-view": {"lang": "zh"}})
    assert "未保存：轮廓自相交" in answer and "crosses" not in answer  # the page's language
    answer = _save_building(app, admin, "s1", **{"admin-sites-outline": [[10, 10], [50, 10], [50, 40]]})
    assert "Building saved: 新楼" in answer
    engine = sql_engine(sites_ledger)
    try:
        with sql_sessions(engine)() as db:
            assert sorted(db.scalars(select(Building.code))) == ["gym", "new"]
            assert db.scalar(select(Building.name_zh).where(Building.code == "gym")) == "体育馆"
            [entry] = db.scalars(select(AuditEntry).where(AuditEntry.actor == "admin1"))
            assert (entry.action, entry.school, entry.ip) == ("building.create", "s1", "127.0.0.1")
    finally:
        engine.dispose()


def _import(app, client, school: str, geojson: dict) -> str:
    key = _callback_key(app, "admin-sites-plan-message")
    data = "data:application/geo+json;base64," + base64.b64encode(json.dumps(geojson).encode()).decode()
    body = _callback_body(app, key, {"admin-sites-geojson": data, "admin-sites-school": school,
                                     "admin-sites-campus": f"{school}-main", "admin-sites-view": {"lang": "en"}})
    body["changedPropIds"] = ["admin-sites-geojson.contents"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json(), ensure_ascii=False)


def _feature(code: str, ring: list) -> dict:
    return {"type": "Feature", "properties": {"code": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_outlines_imported_from_the_page_are_all_or_nothing(app, sites_ledger):
    admin = signed_in(app, "admin1")
    _save_building(app, admin, "s1")  # "new", without an outline
    square = [[10, 10], [40, 10], [40, 30], [10, 30], [10, 10]]
    bow_tie = [[0, 0], [20, 20], [20, 0], [0, 20], [0, 0]]
    answer = _import(app, admin, "s1", {"type": "FeatureCollection",
                                        "features": [_feature("new", square), _feature("nowhere", bow_tie)]})
    assert "nothing imported" in answer and "no building 'nowhere'" in answer
    answer = _import(app, admin, "s2", {"type": "FeatureCollection", "features": [_feature("gym", square)]})
    assert "outside what you manage" in answer
    answer = _import(app, admin, "s1", {"type": "FeatureCollection", "features": [_feature("新楼", square)]})
    assert "1 building outlines imported" in answer
    engine = sql_engine(sites_ledger)
    try:
        with sql_sessions(engine)() as db:
            polygons = dict(db.execute(select(Building.code, Building.polygon)).all())
            assert polygons == {"new": square[:-1], "gym": None}
    finally:
        engine.dispose()


def test_the_page_is_for_admins_and_speaks_english_when_asked(app, sites_ledger):
    admin = signed_in(app, "admin1")
    assert admin.get("/admin/sites?lang=en").status_code == 200
    drawn = _router(admin, "?lang=en", "/admin/sites")
    assert drawn.status_code == 200
    text = drawn.get_data(as_text=True)
    assert "Sites and buildings" in text and "Draw a building outline" in text and "s1中学" in text
    assert "s2中学" not in text  # only the schools the admin manages
    engine = sql_engine(sites_ledger)
    try:
        with sql_sessions(engine).begin() as db:
            users.create_user(db, username="duty1", display_name="值班", role="duty", password=PASSWORD,
                              now=datetime.now(timezone.utc))
    finally:
        engine.dispose()
    duty = signed_in(app, "duty1")
    assert duty.get("/admin/sites").status_code == 403


def test_the_demo_schools_show_their_campuses_and_buildings(demo_ledger):  # noqa: F811
    """The demo's plans name campuses ("main", "xinxiang") with no campus units: the page still
    shows them, with their boxes and buildings, for an admin over the whole tree."""
    make_user(demo_ledger, "root1", role="admin")
    app = create_app(demo_ledger)
    admin = signed_in(app, "root1")
    key = _callback_key(app, "admin-sites-campus")
    body = _callback_body(app, key, {"admin-sites-school": "demo-univ", "admin-sites-view": {"lang": "zh"}})
    body["changedPropIds"] = ["admin-sites-school.value"]
    answer = admin.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    shown = answer.get_json()["response"]
    assert [o["label"] for o in shown["admin-sites-campus"]["options"]] == ["本部校区", "新乡校区"]
    assert shown["admin-sites-campus"]["value"] == "main"
    assert shown["admin-sites-plan"]["data"]["box"] == [0, 0, 430, 480]
    codes = {o["value"] for o in shown["admin-sites-building"]["options"]}
    assert {"chem-north", "qinzheng"} <= codes and "library" not in codes  # the library is on 新乡校区
    # Each building says what is in it: its risk points in use by colour and its registered devices,
    # as the ledger counts them.
    engine = sql_engine(demo_ledger)
    with engine.connect() as db:
        colours = dict(db.execute(text(
            "SELECT r.colour, count(*) FROM risk_points r JOIN buildings b ON b.id = r.building_id "
            "WHERE b.code = 'chem-north' AND r.retired_on IS NULL GROUP BY r.colour")).all())
        devices = db.execute(text("SELECT count(*) FROM devices d JOIN buildings b ON b.id = d.building_id "
                                  "WHERE b.code = 'chem-north' AND d.retired_on IS NULL")).scalar()
    engine.dispose()
    said = _texts(_with_code(shown["admin-sites-buildings"]["children"], "chem-north"))
    assert f"风险点 {sum(colours.values())} 个" in said and f"登记设备 {devices} 台" in said
    names = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}
    assert {f"{names[c]} {n}" for c, n in colours.items()} <= set(said) and colours


def _with_code(component, code: str):
    """The component (in a Dash answer's JSON) whose data-code is `code`."""
    if isinstance(component, dict):
        if component.get("props", {}).get("data-code") == code:
            return component
        component = component.get("props", {}).get("children")
    for child in component if isinstance(component, list) else [component] if isinstance(component, dict) else []:
        found = _with_code(child, code)
        if found is not None:
            return found
    return None


def _texts(component) -> list[str]:
    if isinstance(component, str):
        return [component]
    if isinstance(component, dict):
        return _texts(component.get("props", {}).get("children"))
    return [t for child in component or [] for t in _texts(child)]


def test_a_zone_is_added_and_retired_from_the_page(app, sites_ledger):
    admin = signed_in(app, "admin1")
    assert "Building saved" in _save_building(app, admin, "s1")
    assert "Zone added: 一层" in _save_building(app, admin, "s1", **{
        "admin-sites-building": "new", "admin-sites-add-zone": 1, "admin-sites-save-building": None,
        "admin-sites-zone-code": "f1", "admin-sites-zone-name": "一层"}, changed="admin-sites-add-zone")
    assert "Pick a zone" in _save_building(app, admin, "s1", **{
        "admin-sites-building": "new", "admin-sites-retire-zone": 1, "admin-sites-save-building": None},
        changed="admin-sites-retire-zone")
    assert "Zone retired: 一层" in _save_building(app, admin, "s1", **{
        "admin-sites-building": "new", "admin-sites-retire-zone": 1, "admin-sites-save-building": None,
        "admin-sites-zone": "f1"}, changed="admin-sites-retire-zone")
    engine = sql_engine(sites_ledger)
    try:
        with sql_sessions(engine)() as db:
            school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            [building] = lookups.site_plan(db, school)["buildings"]
            assert building["zones"] == []  # retired: off the map
            actions = list(db.scalars(select(AuditEntry.action).where(AuditEntry.actor == "admin1")
                                      .order_by(AuditEntry.id)))
            assert actions == ["building.create", "zone.create", "zone.retire"]
    finally:
        engine.dispose()


def _zone_call(app, client, output: str, changed: str, **values):
    body = _callback_body(app, _callback_key(app, output), {
        "admin-sites-save-zone": 1, "admin-sites-school": "s1", "admin-sites-campus": "s1-main",
        "admin-sites-building": "lab", "admin-sites-zone": "f1", "admin-sites-view": {"lang": "en"}, **values})
    body["changedPropIds"] = [changed]
    return client.post("/_dash-update-component", json=body)


def _rename(app, client, **values) -> str:
    response = _zone_call(app, client, "admin-sites-zone-message", "admin-sites-save-zone.n_clicks", **values)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_a_zone_is_renamed_from_the_page_within_the_admins_school(app, sites_ledger):
    engine = sql_engine(sites_ledger)
    try:
        with sql_sessions(engine).begin() as db:
            now = datetime.now(timezone.utc)
            sites.create_building(db, actor=ROOT, scope=None, school="s1", code="lab", name_zh="实验楼", kind="lab",
                                  campus="s1-main", now=now)
            for school, building, code, name in (("s1", "lab", "f1", "一层"), ("s1", "lab", "f2", "二层"),
                                                 ("s2", "gym", "hall", "大厅")):
                sites.create_zone(db, actor=ROOT, scope=None, school=school, building=building, code=code,
                                  name_zh=name, now=now)
        admin = signed_in(app, "admin1")
        # Picking the zone fills the inputs with its names, read from the ledger.
        picked = _zone_call(app, admin, "admin-sites-zone-edit-zh", "admin-sites-zone.value").get_json()
        assert picked["response"]["admin-sites-zone-edit-zh"]["value"] == "一层"
        said = _rename(app, admin, **{"admin-sites-zone-edit-zh": "一层东区", "admin-sites-zone-edit-en": "East"})
        assert "Zone saved: East" in said and '"building": "lab"' in said  # the refresh: the list is read again
        assert "Zone saved" in _rename(app, admin, **{"admin-sites-zone-edit-zh": "一层东区",
                                                      "admin-sites-zone-edit-en": "East"})  # a double submit
        assert "already has a zone named 二层" in _rename(app, admin, **{"admin-sites-zone-edit-zh": "二层"})
        assert "invisible character" in _rename(app, admin, **{"admin-sites-zone-edit-zh": "一\x1b层"})
        assert "at most 128" in _rename(app, admin, **{"admin-sites-zone-edit-zh": "区" * 5000})
        assert "Pick a zone" in _rename(app, admin, **{"admin-sites-zone": None})
        theirs = {"admin-sites-school": "s2", "admin-sites-campus": "s2-main", "admin-sites-building": "gym",
                  "admin-sites-zone": "hall", "admin-sites-zone-edit-zh": "我的大厅"}
        assert "outside what you manage" in _rename(app, admin, **theirs)
        assert "未保存：实验楼已有名为二层的区域" in _rename(app, admin, **{"admin-sites-zone-edit-zh": "二层",
                                                                "admin-sites-view": {"lang": "zh"}})
        picked = _zone_call(app, admin, "admin-sites-zone-edit-zh", "admin-sites-zone.value", **theirs).get_json()
        assert "我的大厅" not in json.dumps(picked, ensure_ascii=False) and "大厅" not in json.dumps(
            picked, ensure_ascii=False)  # another school's zone is not even read
        with sql_sessions(engine).begin() as db:
            users.create_user(db, username="duty2", display_name="值班", role="duty", password=PASSWORD,
                              now=datetime.now(timezone.utc))
        refused = _zone_call(app, signed_in(app, "duty2"), "admin-sites-zone-message",
                             "admin-sites-save-zone.n_clicks", **{"admin-sites-zone-edit-zh": "值班改名"})
        assert refused.status_code == 403
        with sql_sessions(engine)() as db:
            assert sorted(db.scalars(select(Zone.name_zh))) == ["一层东区", "二层", "大厅"]
            entries = list(db.execute(select(AuditEntry.actor, AuditEntry.after)
                                      .where(AuditEntry.action == "zone.update")))
            assert entries == [("admin1", {"name_zh": "一层东区", "name_en": "East"})]
    finally:
        engine.dispose()
