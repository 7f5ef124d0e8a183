"""The JSON API (docs/api.md) as a screen or an education authority reads it, on the real Redis."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.app import create_app
from tests.dashboard.conftest import client_with, issue_token, now_ms
from tests.streams import events as ev

MINUTE, HOUR, DAY = 60_000, 3_600_000, 86_400_000


def placed(doc: dict, **place) -> dict:
    """An event doc with envelope fields (building, zone, source) set."""
    return {**doc, **place}


def test_schools_lists_every_school_that_sent_an_event(client, apply_events):
    # The ledger knows no school: the list comes from Redis alone (docs/api.md).
    assert client.get("/api/v1/schools").json == {"schools": [], "details": [], "ledger_available": True}
    t = now_ms()
    apply_events([ev.smoke(t - 1000, school="demo-univ"), ev.smoke(t - 1000, school="demo-middle")])
    response = client.get("/api/v1/schools")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json["schools"] == ["demo-middle", "demo-univ"]
    assert response.json["details"][0] == {"school": "demo-middle", "name_zh": None, "name_en": None,
                                           "live": True, "ledger": False}


def test_summary_counts_each_window_by_event_time(client, apply_events):
    t = now_ms()
    apply_events([
        ev.event("sensor.gas", "environment", t - 1000, value=1.0),  # in every window
        ev.event("sensor.gas", "environment", t - 10 * MINUTE, value=1.0),  # 1h, 24h, 7d
        ev.event("sensor.gas", "environment", t - 2 * HOUR, value=1.0),  # 24h, 7d
        ev.event("sensor.gas", "environment", t - 3 * DAY, value=1.0),  # 7d only
    ])
    body = client.get("/api/v1/schools/s1/summary").json
    assert body["domains"]["environment"]["events"] == {"5m": 1, "1h": 2, "24h": 3, "7d": 4}
    assert body["domains"]["environment"]["by_type_24h"] == {"sensor.gas": 3}
    assert body["domains"]["personal_safety"]["events"] == {"5m": 0, "1h": 0, "24h": 0, "7d": 0}
    assert body["events_total"] == 4


def test_summary_counts_people_once_and_follows_check_out(client, apply_events):
    t = now_ms()
    apply_events([
        # A double swipe at the gate is one student present.
        ev.attendance("in", "p1", "student", t - 9000), ev.attendance("in", "p1", "student", t - 8000),
        ev.attendance("in", "p2", "student", t - 7500), ev.attendance("out", "p2", "student", t - 7000),
        ev.attendance("in", "t1", "staff", t - 7000),
        ev.visitor("check_in", "v1", t - 6000, gate="east"),
        ev.visitor("check_out", "v1", t - 5000, gate="east"),
        ev.visitor("check_in", "v2", t - 4000, gate="west"),
        ev.event("vehicle.entry", "active_defence", t - 3000, plate="京A12345", gate="north"),
        ev.event("vehicle.entry", "active_defence", t - 2500, plate="京B00001", gate="north"),
        ev.event("vehicle.exit", "active_defence", t - 2000, plate="京B00001", gate="north"),
    ])
    body = client.get("/api/v1/schools/s1/summary").json
    assert body["attendance"] == {"staff_present": 1, "students_present": 1,
                                  "staff_today": 1, "students_today": 2}
    assert body["visitors"] == {"on_campus": 1, "checked_in_today": 2,
                                "checkins_by_gate": {"east": 1, "west": 1}}
    assert body["vehicles"] == {"on_campus": 1, "seen_today": 2}
    assert body["domains"]["personal_safety"]["events"]["5m"] == 8


def test_summary_counts_open_alerts_and_hazards(client, apply_events):
    t = now_ms()
    overdue = (datetime.now(timezone.utc) - timedelta(days=2)).date().isoformat()
    apply_events([
        placed(ev.smoke(t - 9000, id="a1"), building="chem-north", zone="3F-305"),  # critical
        ev.event("sensor.gas", "environment", t - 8000, id="a2", value=30.0),  # critical (>= 25 %LEL)
        ev.event("alarm.one_key", "personal_safety", t - 7000, id="a3"),  # critical
        ev.event("perimeter.intrusion", "active_defence", t - 6000, id="a4"),  # high
        ev.event("sensor.temperature", "environment", t - 5500, value=25.0),  # below threshold: no alert
        ev.resolve("a3", t - 5000),
        ev.hazard("reported", "h1", t - 4000, id="r1", grade="major", deadline=overdue),  # high: major hazard
        ev.hazard("reported", "h2", t - 3000, grade="ordinary"), ev.hazard("accepted", "h2", t - 2000),
    ])
    body = client.get("/api/v1/schools/s1/summary").json
    assert body["alerts"]["by_severity"] == {"critical": 2, "high": 2, "medium": 0, "low": 0}
    assert body["alerts"]["open"] == 4
    recent = body["alerts"]["recent"]
    assert [a["id"] for a in recent] == ["r1", "a4", "a3", "a2", "a1"]  # newest first, resolved ones too
    assert recent[2]["state"] == "resolved" and recent[2]["type"] == "alarm.one_key"
    assert recent[4]["building"] == "chem-north" and recent[4]["zone"] == "3F-305"
    assert {d: body["domains"][d]["alerts_open"] for d in ("environment", "personal_safety", "active_defence",
                                                            "operations")} \
        == {"environment": 2, "personal_safety": 0, "active_defence": 1, "operations": 1}
    hazards = body["hazards"]
    assert (hazards["open"], hazards["overdue"], hazards["major_open"]) == (1, 1, 1)
    assert body["stale"] is False and body["lag_seconds"] is not None and body["as_of"]


def test_unknown_school_is_a_json_404_in_utf8(client):
    response = client.get("/api/v1/schools/nowhere/summary")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.json == {"error": "no events received from this school", "school": "nowhere"}
    # Chinese is sent as UTF-8 text, not \u escapes.
    response = client.get("/api/v1/schools/实验小学/summary")
    assert response.status_code == 404
    assert "实验小学" in response.get_data(as_text=True)
    assert client.get("/api/v1/schools/nowhere/trend").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/schools", "/api/v1/schools/s1/summary",
                                  "/api/v1/schools/s1/trend?minutes=5"])
def test_redis_down_is_a_json_503_not_a_500(settings_factory, path):
    settings = settings_factory(redis_url="redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client_with(create_app(settings), issue_token(settings)).get(path)
    assert response.status_code == 503 and response.mimetype == "application/json"
    assert response.json == {"error": "live data store unavailable", "detail": "ConnectionError"}


def test_healthz_says_whether_redis_answers(app, settings_factory):
    # No token: load balancers ask it. 200 while this process serves; the parts in the body
    # (tests/dashboard/test_health.py has the rest).
    up = app.server.test_client().get("/healthz")
    assert up.status_code == 200 and up.json["parts"]["redis"] == {"status": "ok"}
    unreachable = create_app(settings_factory(redis_url="redis://127.0.0.1:1/0"))
    down = unreachable.server.test_client().get("/healthz")
    assert down.status_code == 200 and down.json["status"] == "degraded"
    assert down.json["parts"]["redis"] == {"status": "down", "detail": "ConnectionError"}


def test_trend_counts_per_minute_oldest_first(client, apply_events):
    t = now_ms()
    apply_events([ev.smoke(t - 1000), ev.smoke(t - 1500), ev.smoke(t - 3 * MINUTE),
                  ev.attendance("in", "p1", "student", t - 1000)])
    body = client.get("/api/v1/schools/s1/trend?minutes=5").json
    assert body["school"] == "s1"
    environment = body["per_minute"]["environment"]
    assert len(environment) == 5 and sum(environment) == 3
    # The request may fall in the minute after `t`: then everything sits one place further left.
    shift = body["first_minute_ms"] // MINUTE - (t // MINUTE - 4)
    assert shift in (0, 1)
    newest = [environment[i - shift] for i in (-2, -1)]
    assert sum(newest) == 2 and environment[-4 - shift] == 1  # two 1-1.5 s ago, one three minutes ago
    assert sum(body["per_minute"]["personal_safety"]) == 1
    default = client.get("/api/v1/schools/s1/trend").json
    assert all(len(series) == 60 for series in default["per_minute"].values())


@pytest.mark.parametrize("minutes", ["0", "1441", "abc", "-5", "1.5", "", "١٠"])
def test_trend_minutes_out_of_range_is_a_json_400(client, apply_events, minutes):
    apply_events([ev.smoke(now_ms() - 1000)])
    response = client.get(f"/api/v1/schools/s1/trend?minutes={minutes}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json == {"error": "minutes must be a whole number from 1 to 1440", "minutes": minutes}


def test_unknown_api_paths_and_methods_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json["path"] == "/api/v1/nothing-here"
    wrong_method = client.post("/api/v1/schools")
    assert wrong_method.status_code == 405 and "error" in wrong_method.json


def test_wall_alias_keeps_the_school_and_language(client):
    response = client.get("/wall?school=demo-univ&lang=en")
    assert response.status_code == 302
    assert response.headers["Location"] == "/?school=demo-univ&lang=en"
    assert client.get("/").status_code == 200
