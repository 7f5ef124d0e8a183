"""The ledger's JSON API (docs/api.md) on SQLite and a real PostgreSQL, and the live endpoints
beside it on the real Redis. The ledger is built with the same write functions the recorder
and the screens use; times are relative to the real clock, as the API reads it."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from dashboard.access import COOKIE
from dashboard.app import create_app
from demo.seed import load_demo
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import alerts, campaigns, hazards
from ledger.commands.risk_points import save_risk_point
from ledger.grading import GradingRules
from ledger.models import (
    AssessmentDeduction,
    Building,
    Campaign,
    CampaignPhase,
    ChecklistItem,
    OrgUnit,
    RiskPoint,
    Zone,
)
from streams import ledger_figures
from tests.conftest import settings_for
from tests.dashboard.conftest import client_with, event_applier, issue_token, now_ms
from tests.streams import events as ev

SCHOOL = "t-univ"
RULES = GradingRules()


def ledger(session) -> dict:
    """A small school: two buildings, three risk points, eight hazards, two alerts, one campaign."""
    now = datetime.now(timezone.utc)
    school = OrgUnit(code=SCHOOL, kind="school", name_zh="测试大学", name_en="Test University",
                     site_plan={"width": 300, "height": 200,
                                "campuses": [{"id": "main", "name_zh": "本部", "box": [0, 0, 300, 200]}]})
    chem = OrgUnit(code="t-chem", kind="unit", name_zh="化学学院", parent=school)
    logistics = OrgUnit(code="t-logistics", kind="unit", name_zh="后勤处", parent=school)
    lab = Building(school=school, code="chem-north", name_zh="化学北楼", kind="lab", campus="main", unit=chem,
                   polygon=[[10, 10], [110, 10], [110, 60], [10, 60]])
    canteen = Building(school=school, code="canteen", name_zh="学苑餐厅", kind="canteen", campus="main",
                       unit=logistics, polygon=[[150, 10], [250, 10], [250, 80], [150, 80]])
    room = Zone(building=lab, code="3F-305", name_zh="305实验室", polygon=[[11, 11], [50, 11], [50, 59], [11, 59]])
    session.add_all([school, chem, logistics, lab, canteen, room])
    session.flush()

    today = now.date()
    save_risk_point(session, RiskPoint(
        school_id=school.id, code="rp-lab", name="305实验室危化品", unit_id=chem.id, building_id=lab.id,
        zone_id=room.id, accident_types=["火灾", "中毒"], control_measures="双人双锁", control_level="unit",
        method="LEC", l_value=3, e_value=6, c_value=40, identified_on=today, last_reviewed_on=today),
        hazard_sources=["乙醚", "浓硫酸"], rules=RULES)  # D = 720: red
    save_risk_point(session, RiskPoint(
        school_id=school.id, code="rp-gas", name="燃气间", unit_id=logistics.id, building_id=canteen.id,
        control_level="post", method="LS", l_value=3, s_value=4, identified_on=today, last_reviewed_on=today,
        x=200.0, y=40.0), hazard_sources=["天然气"], rules=RULES)  # R = 12: yellow
    save_risk_point(session, RiskPoint(
        school_id=school.id, code="rp-store", name="药品库", unit_id=chem.id, building_id=lab.id,
        control_level="section", method="LEC", l_value=1, e_value=3, c_value=15,
        identified_on=today - timedelta(days=800), last_reviewed_on=today - timedelta(days=400)),
        hazard_sources=[], rules=RULES)  # D = 45: blue, review overdue

    major = hazards.report_hazard(session, school=school, code="H-major", title="<b>通风橱</b>失效",
                                  found_at=now - timedelta(days=10), by="张三", grade="major",
                                  building_code="chem-north", zone_code="3F-305", deadline=now - timedelta(days=2),
                                  source="school_inspection")
    for action in ("notify", "rectify"):
        hazards.transition_hazard(session, hazard=major, action=action, by="王五", at=now - timedelta(days=9))
    hazards.report_hazard(session, school=school, code="H-soon", title="灭火器过期", found_at=now - timedelta(days=1),
                          by="李四", building_code="canteen", deadline=now + timedelta(days=1))
    closed = hazards.report_hazard(session, school=school, code="H-closed", title="线路老化",
                                   found_at=now - timedelta(days=20), by="张三", building_code="chem-north",
                                   deadline=now + timedelta(days=10))
    for action in ("notify", "rectify", "feedback", "reject", "feedback", "accept"):
        hazards.transition_hazard(session, hazard=closed, action=action, by="王五", at=now - timedelta(days=5),
                                  note=f"{action} 备注")
    for n in range(5):
        hazards.report_hazard(session, school=school, code=f"H-{n}", title=f"地面湿滑{n}",
                              found_at=now - timedelta(hours=n + 1), building_code="canteen")

    window = timedelta(minutes=10)
    for minutes in (30, 29, 28):
        first, _ = alerts.raise_alert(session, school=school, event_id=f"smoke-{minutes}", type="fire.smoke_alarm",
                                      domain="environment", severity="critical",
                                      raised_at=now - timedelta(minutes=minutes), device="smoke-305",
                                      building="chem-north", zone="3F-305", detail=None, window=window)
    alerts.transition_alert(session, alert=first, action="acknowledge", by="值班员", at=now - timedelta(minutes=27))
    gate, _ = alerts.raise_alert(session, school=school, event_id="fence-1", type="perimeter.intrusion",
                                 domain="active_defence", severity="high", raised_at=now - timedelta(hours=3),
                                 device="fence-7", building=None, zone=None, detail=None, window=window)
    alerts.transition_alert(session, alert=gate, action="resolve", by="值班员", at=now - timedelta(hours=2),
                            outcome="false_alarm")

    campaign = Campaign(code="fire-2026", name_zh="消防安全专项整治", phases=[
        CampaignPhase(phase="deploy", starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=11)),
        CampaignPhase(phase="inspect", starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=20)),
    ], items=[ChecklistItem(position=1, text="疏散通道畅通"), ChecklistItem(position=2, text="灭火器在有效期内")])
    session.add(campaign)
    session.flush()
    for building, result in (("chem-north", "pass"), ("canteen", "fail")):
        campaigns.record_result(session, school=school, campaign_code="fire-2026", item_text="疏散通道畅通",
                                result=result, at=now - timedelta(days=2), by="检查组", building=building)
    session.add(AssessmentDeduction(unit_id=chem.id, article=8, points=4, count=2, reason="告知牌损毁",
                                    by="督查组", at=now - timedelta(days=3), period=str(now.astimezone().year)))
    session.commit()
    return {"school": school}


@pytest.fixture
def built(session):
    return ledger(session)


@pytest.fixture
def fresh_client(settings_factory, redis_client, ledger_settings, engine):
    """A client of an app on this test's own ledger, for the tests that write to it or to Redis."""
    settings = settings_factory(database_url=ledger_settings.database_url)
    return client_with(create_app(settings), issue_token(settings))


@pytest.fixture(scope="module")
def client(module_database_url, redis_url, tmp_path_factory):
    """A client of one app on one built ledger for the module's tests that only read (most of them):
    building the ledger and the app per test cost more than the tests."""
    settings = settings_for(redis_url, tmp_path_factory.mktemp("api-ledger"), database_url=module_database_url)
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as session:
            ledger(session)
    finally:
        engine.dispose()
    return client_with(create_app(settings), issue_token(settings))


def get(client, path: str, status: int = 200) -> dict:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.json


def codes(body: dict) -> list[str]:
    return [item["code"] for item in body["items"]]


def test_hazards_are_listed_most_urgent_first_with_their_deadline_figures(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/hazards")
    assert (body["page"], body["per_page"], body["total"]) == (1, 50, 8)
    assert codes(body)[:2] == ["H-major", "H-soon"] and codes(body)[-1] == "H-closed"
    major = body["items"][0]
    assert major["title"] == "<b>通风橱</b>失效"  # user text is data: returned as sent, in JSON
    assert (major["grade"], major["grade_zh"], major["stage"], major["stage_zh"]) == ("major", "重大隐患",
                                                                                       "rectifying", "整改中")
    assert (major["building"], major["zone"], major["responsible_unit"]) == ("chem-north", "3F-305", "t-chem")
    assert major["overdue"] and not major["due_soon"] and -2.1 < major["days_left"] < -1.9
    assert major["listed_supervision"] and major["found_by"] == "张三"
    assert (major["source"], major["source_zh"]) == ("school_inspection", "学校检查")
    assert major["deadline"].endswith("+08:00") and major["found_at"].endswith("+08:00")
    soon = body["items"][1]
    assert soon["due_soon"] and not soon["overdue"] and soon["responsible_unit"] == "t-logistics"
    assert body["items"][-1]["days_left"] is None  # closed: no deadline figures


@pytest.mark.parametrize("query, expected", [
    ("stage=rectifying", ["H-major"]),
    ("grade=major", ["H-major"]),
    ("overdue=true", ["H-major"]),
    ("overdue=false&building=chem-north", ["H-closed"]),
    ("unit=t-logistics&stage=reported", ["H-soon", "H-4", "H-3", "H-2", "H-1", "H-0"]),
    ("building=nowhere", []),
    ("unit=t-nobody", []),
    ("stage=accepted&grade=ordinary", ["H-closed"]),
])
def test_hazard_filters(client, query, expected):
    body = get(client, f"/api/v1/schools/{SCHOOL}/hazards?{query}")
    assert sorted(codes(body)) == sorted(expected) and body["total"] == len(expected)


def test_pages_cut_the_same_order_and_keep_the_total(client):
    whole = codes(get(client, f"/api/v1/schools/{SCHOOL}/hazards"))
    pages = [get(client, f"/api/v1/schools/{SCHOOL}/hazards?per_page=3&page={n}") for n in (1, 2, 3, 4)]
    assert [p["total"] for p in pages] == [8] * 4 and [p["page"] for p in pages] == [1, 2, 3, 4]
    assert [len(p["items"]) for p in pages] == [3, 3, 2, 0]  # past the end: an empty page, not an error
    assert sum((codes(p) for p in pages), []) == whole
    assert get(client, f"/api/v1/schools/{SCHOOL}/hazards?per_page=200")["per_page"] == 200


def test_hazard_detail_has_the_whole_closed_loop(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/hazards/H-closed")
    assert body["school"] == SCHOOL and body["stage"] == "accepted" and body["closed_at"].endswith("+08:00")
    steps = [(s["action"], s["from_stage"], s["to_stage"]) for s in body["history"]]
    assert steps == [("report", None, "reported"), ("notify", "reported", "notified"),
                     ("rectify", "notified", "rectifying"), ("feedback", "rectifying", "feedback"),
                     ("reject", "feedback", "rectifying"), ("feedback", "rectifying", "feedback"),
                     ("accept", "feedback", "accepted")]
    assert body["history"][-1]["action_zh"] == "验收销号" and body["history"][-1]["note"] == "accept 备注"
    assert body["history"][-1]["by"] == "王五" and body["recheck_result"] == "accept 备注"
    missing = get(client, f"/api/v1/schools/{SCHOOL}/hazards/H-none", 404)
    assert missing == {"error": "no such hazard in this school's ledger", "school": SCHOOL, "hazard": "H-none"}


def test_risk_points_with_their_grading_and_filters(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/risk-points")
    assert codes(body)[0] == "rp-lab" and sorted(codes(body)) == ["rp-gas", "rp-lab", "rp-store"]
    assert body["total"] == 3
    lab, gas, store = (next(i for i in body["items"] if i["code"] == c) for c in ("rp-lab", "rp-gas", "rp-store"))
    assert (lab["method"], lab["factors"], lab["score"]) == ("LEC", {"L": 3, "E": 6, "C": 40}, 720)
    assert (lab["level"], lab["level_zh"], lab["colour"]) == ("major", "重大风险", "red")
    assert lab["hazard_sources"] == ["乙醚", "浓硫酸"] and lab["accident_types"] == ["火灾", "中毒"]
    assert (lab["control_level"], lab["control_level_zh"]) == ("unit", "院（处）级")
    placed = (lab["building"], lab["zone"], lab["unit"], lab["review_overdue"])
    assert placed == ("chem-north", "3F-305", "t-chem", False)
    assert gas["factors"] == {"L": 3, "S": 4} and store["review_overdue"]
    for query, expected in (("colour=yellow", ["rp-gas"]), ("level=low", ["rp-store"]),
                            ("building=chem-north", ["rp-lab", "rp-store"]), ("unit=t-logistics", ["rp-gas"]),
                            ("level=major&colour=blue", []), ("level=major&colour=red", ["rp-lab"]),
                            ("building=nowhere", [])):
        assert codes(get(client, f"/api/v1/schools/{SCHOOL}/risk-points?{query}")) == expected, query


def test_alerts_group_repeats_and_filter_by_state(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/alerts")
    assert codes(body) == ["smoke-30", "fence-1"]
    smoke, fence = body["items"]
    assert smoke["count"] == 3 and smoke["state"] == "acknowledged" and smoke["acknowledged_by"] == "值班员"
    assert smoke["raised_at"] < smoke["last_raised_at"] and smoke["acknowledged_at"].endswith("+08:00")
    assert (fence["state"], fence["outcome"], fence["resolved_by"]) == ("resolved", "false_alarm", "值班员")
    for query, expected in (("open=true", ["smoke-30"]), ("open=false", ["fence-1"]), ("state=new", []),
                            ("severity=high", ["fence-1"]), ("open=true&state=resolved", []),
                            ("open=false&state=acknowledged", [])):
        assert codes(get(client, f"/api/v1/schools/{SCHOOL}/alerts?{query}")) == expected, query


def test_campaigns_show_phases_and_results(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/campaigns")
    assert body["total"] == 1
    fire = body["items"][0]
    assert (fire["campaign"], fire["phase"], fire["phase_zh"]) == ("fire-2026", "inspect", "排查整治")
    assert [p["phase"] for p in fire["phases"]] == ["deploy", "inspect"]
    assert (fire["checked"], fire["pass"], fire["fail"]) == (2, 1, 1)
    first, second = fire["items"]
    assert (first["item"], first["pass"], first["fail"]) == ("疏散通道畅通", 1, 1)
    assert first["last_checked"].endswith("+08:00") and second["last_checked"] is None


def test_assessment_scores_each_unit_with_its_deductions(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/assessment")
    scores = {item["unit"]: item for item in body["items"]}
    assert set(scores) == {"t-chem", "t-logistics"} and body["total"] == 2
    chem = scores["t-chem"]
    articles = sorted(d["article"] for d in chem["deductions"])
    # overdue major hazard (17), with no plan (18), a risk point a year unreviewed (13), entered (8)
    assert articles == [8, 9, 12, 13, 17, 18]  # 9, 12: no training or drill recorded
    assert chem["score"] == 100 - chem["deducted"] and body["items"][0]["unit"] == "t-chem"  # lowest first
    assert any(not d["computed"] and d["reason"] == "告知牌损毁" for d in chem["deductions"])


def test_site_plan_colours_buildings_by_their_highest_risk(client):
    body = get(client, f"/api/v1/schools/{SCHOOL}/site-plan")
    assert body["extent"] == {"width": 300, "height": 200} and body["campuses"][0]["id"] == "main"
    buildings = {b["code"]: b for b in body["buildings"]}
    assert buildings["chem-north"]["colour"] == "red" and buildings["canteen"]["colour"] == "yellow"
    assert buildings["chem-north"]["risk_points"] == {"red": 1, "orange": 0, "yellow": 0, "blue": 1}
    assert buildings["chem-north"]["zones"][0]["code"] == "3F-305" and len(buildings["canteen"]["polygon"]) == 4
    markers = {m["code"]: m for m in body["risk_points"]}
    assert (markers["rp-gas"]["x"], markers["rp-gas"]["y"]) == (200.0, 40.0)  # stored position kept
    lab = markers["rp-lab"]  # no stored position: placed inside its zone
    assert 11 <= lab["x"] <= 50 and 11 <= lab["y"] <= 59 and lab["colour"] == "red"


@pytest.mark.parametrize("path", ["hazards", "hazards/H-major", "risk-points", "alerts", "campaigns",
                                  "assessment", "site-plan"])
def test_a_school_the_ledger_does_not_know_is_a_json_404(client, path):
    assert get(client, f"/api/v1/schools/nowhere/{path}", 404) == {
        "error": "no such school in the safety ledger", "school": "nowhere"}
    assert get(client, f"/api/v1/schools/{'x' * 65}/{path}", 404)["school"] == "x" * 65


@pytest.mark.parametrize("query, parameter", [
    ("hazards?page=0", "page"), ("hazards?page=abc", "page"), ("hazards?per_page=201", "per_page"),
    ("hazards?per_page=0", "per_page"), ("hazards?stage=closed", "stage"), ("hazards?grade=huge", "grade"),
    ("hazards?overdue=yes", "overdue"), ("hazards?stag=reported", "stag"), ("risk-points?colour=green", "colour"),
    ("risk-points?level=red", "level"), ("alerts?open=1", "open"), ("alerts?state=open", "state"),
    ("alerts?severity=info", "severity"), ("campaigns?page=-1", "page"), ("site-plan?page=1", "page"),
])
def test_bad_parameters_are_a_json_400_naming_the_parameter(client, query, parameter):
    body = get(client, f"/api/v1/schools/{SCHOOL}/{query}", 400)
    assert body["parameter"] == parameter and parameter in body["error"]


def test_the_school_list_has_ledger_schools_without_events(fresh_client, built, redis_client, app_settings):
    event_applier(redis_client, app_settings)([ev.smoke(now_ms() - 1000, school="s-live")])
    body = get(fresh_client, "/api/v1/schools")
    assert body["schools"] == ["s-live", SCHOOL] and body["ledger_available"] is True
    assert body["details"] == [
        {"school": "s-live", "name_zh": None, "name_en": None, "live": True, "ledger": False},
        {"school": SCHOOL, "name_zh": "测试大学", "name_en": "Test University", "live": False, "ledger": True}]


def test_the_summary_carries_the_ledger_figures_from_redis(fresh_client, built, session, redis_client, app_settings):
    event_applier(redis_client, app_settings)([ev.smoke(now_ms() - 1000, school=SCHOOL)])
    assert get(fresh_client, f"/api/v1/schools/{SCHOOL}/summary")["ledger"] is None  # no figures yet
    ledger_figures.refresh(session, redis_client, now=datetime.now(timezone.utc), due_soon_days=3)
    body = get(fresh_client, f"/api/v1/schools/{SCHOOL}/summary")
    assert list(body).index("ledger") == list(body).index("hazards") + 1
    block = body["ledger"]
    assert block["hazards"]["by_stage"] == {"reported": 6, "notified": 0, "rectifying": 1, "feedback": 0,
                                            "accepted": 1}
    assert (block["hazards"]["open"], block["hazards"]["overdue"], block["hazards"]["due_soon"],
            block["hazards"]["major_open"]) == (7, 1, 1, 1)
    assert block["hazards"]["rectification_rate"] == 0.125
    listed = block["hazards"]["listed_supervision"]
    assert listed == [{"code": "H-major", "title": "<b>通风橱</b>失效", "stage": "rectifying", "overdue": True,
                       "deadline": listed[0]["deadline"]}]
    assert block["hazards"]["listed_supervision"][0]["deadline"].endswith("+08:00")
    assert block["risk"]["by_colour"] == {"red": 1, "orange": 0, "yellow": 1, "blue": 1}
    assert block["risk"]["by_building"]["chem-north"]["colour"] == "red"
    assert block["computed_at"].endswith("+08:00")


def test_without_the_ledger_the_live_endpoints_answer_and_the_ledger_ones_say_503(
        settings_factory, redis_client, app_settings, tmp_path):
    # A wall signed in while the ledger was up; then the web app restarts (same SECRET_KEY) while
    # the ledger is down: a PostgreSQL port nobody listens on, every read fails to connect.
    key = "test-secret-key-" + "k" * 16
    token = issue_token(app_settings)
    wall = create_app(settings_factory(secret_key=key)).server.test_client()
    assert wall.get(f"/?token={token}").status_code == 302
    app = create_app(settings_factory(secret_key=key, database_url="postgresql+psycopg://campus@127.0.0.1:1/none"))
    lazy = app.server.extensions["campus"].ledger
    assert not lazy.created  # the factory connects nothing and creates no engine
    event_applier(redis_client, app_settings)([ev.smoke(now_ms() - 1000, school="s-live")])
    client = app.server.test_client()
    client.set_cookie(COOKIE, wall.get_cookie(COOKIE).value)
    # The cookie says when the token was last found valid: recent enough to honour it without asking.
    assert get(client, "/api/v1/schools/s-live/summary")["ledger"] is None
    assert get(client, "/api/v1/schools/s-live/trend?minutes=5")["school"] == "s-live"
    # A token this process cannot check and never saw: "cannot check now", not "invalid".
    assert get(client_with(app, token), "/api/v1/schools", 503)["error"].startswith("access cannot be checked")
    body = get(client, "/api/v1/schools")
    assert body["schools"] == ["s-live"] and body["ledger_available"] is False
    assert get(client, "/api/v1/schools/s-live/hazards", 503) == {"error": "safety ledger unavailable",
                                                                  "detail": "OperationalError"}
    engine = lazy.engine
    get(client, "/api/v1/schools/s-live/alerts", 503)
    assert lazy.engine is engine  # one engine per app, made on first use


def test_the_demo_campus_answers_on_every_endpoint(fresh_client, session):
    assert load_demo(session, today=date.today(), rules=RULES).loaded
    session.commit()
    for path in ("hazards", "risk-points", "alerts", "campaigns", "assessment"):
        body = get(fresh_client, f"/api/v1/schools/demo-univ/{path}?per_page=200")
        assert body["total"] >= len(body["items"]) > 0 or path == "alerts", path
    plan = get(fresh_client, "/api/v1/schools/demo-univ/site-plan")
    assert len(plan["buildings"]) == 8 and all(b["polygon"] for b in plan["buildings"])
    assert {b["colour"] for b in plan["buildings"]} <= {"red", "orange", "yellow", "blue", None}
    assert all(m["x"] is not None and m["y"] is not None for m in plan["risk_points"])
    first = get(fresh_client, "/api/v1/schools/demo-univ/hazards?per_page=1")["items"][0]["code"]
    assert get(fresh_client, f"/api/v1/schools/demo-univ/hazards/{first}")["history"]
