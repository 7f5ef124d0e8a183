"""The JSON API a screen or an education authority reads."""
from __future__ import annotations

import time

from queries.settings import Settings
from dashboard.app import create_app
from tests.streams import events as ev


def now_ms():
    return int(time.time() * 1000)


def test_summary_counts_people_windows_and_alerts(app, apply_events):
    t = now_ms()
    apply_events([
        ev.attendance("in", "p1", "student", t - 9000), ev.attendance("in", "p1", "student", t - 8000),
        ev.attendance("in", "t1", "staff", t - 7000),
        ev.visitor("check_in", "v1", t - 6000, gate="east"), ev.visitor("check_out", "v1", t - 5000),
        ev.visitor("check_in", "v2", t - 4000, gate="west"),
        ev.smoke(t - 3000, id="alarm-1", building="chem-north"),
        ev.event("sensor.gas", "environment", t - 2 * 3_600_000, value=1.0),
    ])
    client = app.server.test_client()
    assert client.get("/api/v1/schools").json == {"schools": ["s1"]}
    body = client.get("/api/v1/schools/s1/summary").json
    assert body["attendance"]["students_present"] == 1 and body["attendance"]["staff_present"] == 1
    assert body["visitors"] == {"on_campus": 1, "checked_in_today": 2, "checkins_by_gate": {"east": 1, "west": 1}}
    assert body["domains"]["environment"]["events"] == {"5m": 1, "1h": 1, "24h": 2, "7d": 2}
    assert body["domains"]["personal_safety"]["events"]["5m"] == 6
    assert body["domains"]["environment"]["by_severity"]["critical"] == 1
    assert body["alerts"]["open"] == 1 and body["alerts"]["by_severity"]["critical"] == 1
    assert body["alerts"]["recent"][0]["id"] == "alarm-1"
    assert body["domains"]["environment"]["alerts_open"] == 1
    assert body["lag_seconds"] is not None and body["as_of"]


def test_unknown_school_is_a_json_404(app):
    response = app.server.test_client().get("/api/v1/schools/nowhere/summary")
    assert response.status_code == 404
    assert response.json == {"error": "no events received from this school", "school": "nowhere"}


def test_redis_down_is_a_json_503_not_a_500(settings_factory):
    app = create_app(settings_factory(redis_url="redis://127.0.0.1:1/0"))
    client = app.server.test_client()
    for path in ("/api/v1/schools", "/api/v1/schools/s1/summary", "/healthz"):
        response = client.get(path)
        assert response.status_code == 503 and response.json["error"] == "live data store unavailable"


def test_trend_is_validated_and_counts_per_minute(app, apply_events):
    t = now_ms()
    apply_events([ev.smoke(t - 1000), ev.smoke(t - 61_000)])
    client = app.server.test_client()
    assert client.get("/api/v1/schools/s1/trend?minutes=0").status_code == 400
    assert client.get("/api/v1/schools/s1/trend?minutes=abc").status_code == 400
    body = client.get("/api/v1/schools/s1/trend?minutes=5").json
    assert sum(body["per_minute"]["environment"]) == 2 and len(body["per_minute"]["environment"]) == 5
