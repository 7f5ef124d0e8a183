"""The alert-handling API: 200 / 409 / 404 / 400, who may act (duty, admin) and who may only read
the history (leader) or nothing (wall, anonymous), school scope, and typed text returned as text."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from dashboard.app import create_app
from kernel.connections import sql_engine, sql_sessions
from ledger.models import AlertTransition
from tests.dashboard.conftest import client_with, issue_token
from tests.ledger.alarms import raise_alarm

pytestmark = pytest.mark.kafka  # the steps' events go to the real broker


@pytest.fixture
def settings(settings_factory, redis_client, kafka_bootstrap):
    return settings_factory(kafka_bootstrap_servers=kafka_bootstrap)


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    from dashboard.services import services

    with app.server.app_context():
        services().close()


@pytest.fixture
def alarms(settings):
    """Two alerts of s1 and one of s2, in the app's ledger (migrated by the first token)."""
    issue_token(settings, role="admin")
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    with sql_sessions(engine)() as s:
        found = {"s1": raise_alarm(s, event_id="a1", at=now).id,
                 "s1b": raise_alarm(s, event_id="b1", at=now, device="gas-1", type="sensor.gas").id,
                 "s2": raise_alarm(s, event_id="c1", at=now, school="s2").id}
    yield found
    engine.dispose()


def as_role(app, settings, role, school=None):
    return client_with(app, issue_token(settings, role=role, school=school))


def post(client, alert_id, action, body=None, **kw):
    return client.post(f"/api/v1/alerts/{alert_id}/{action}", json=body, **kw)


def test_a_duty_officer_acknowledges_and_the_second_is_told_who_was_first(app, settings, alarms):
    first, second = as_role(app, settings, "duty"), as_role(app, settings, "duty")
    done = post(first, alarms["s1"], "acknowledge")
    assert done.status_code == 200, done.json
    assert (done.json["ok"], done.json["state"], done.json["events"]) == (True, "acknowledged", 1)
    assert done.json["published"] == 1  # Kafka took it right after the commit
    late = post(second, alarms["s1"], "acknowledge", {"note": "我也看到了"})
    assert late.status_code == 409
    assert late.json["conflict"]["by"] == done.json["by"] and late.json["conflict"]["action"] == "acknowledge"
    assert late.json["error"].startswith(f"already acknowledged by {done.json['by']} at ")
    assert post(first, alarms["s1"], "dispatch", {"assignee": "保卫处一组", "note": "带上灭火器"}).status_code == 200
    resolved = post(first, alarms["s1"], "resolve", {"outcome": "true_alarm", "note": "已扑灭"})
    assert resolved.status_code == 200 and resolved.json["state"] == "resolved"


@pytest.mark.parametrize("action, body, message", [
    ("dispatch", {"note": "快去"}, "assignee"),
    ("resolve", {"note": "看过了"}, "outcome"),
    ("resolve", {"outcome": "true_alarm"}, "outcome note"),
    ("acknowledge", {"colour": "red"}, "unknown field"),
    ("acknowledge", {"note": 5}, "must be text"),
    ("acknowledge", ["note"], "JSON object"),
])
def test_bad_input_is_a_400_saying_what_is_wrong(app, settings, alarms, action, body, message):
    duty = as_role(app, settings, "duty")
    if action == "dispatch":
        post(duty, alarms["s1"], "acknowledge")
    answer = post(duty, alarms["s1"], action, body)
    assert answer.status_code == 400 and message in answer.json["error"]


def test_a_body_that_is_not_json_is_a_400(app, settings, alarms):
    answer = as_role(app, settings, "duty").post(f"/api/v1/alerts/{alarms['s1']}/acknowledge",
                                                 data="note=hi", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 400 and "application/json" in answer.json["error"]


def test_unknown_alerts_actions_and_other_schools_alerts_are_404(app, settings, alarms):
    duty = as_role(app, settings, "duty")
    assert post(duty, 999_999, "acknowledge").status_code == 404
    for past_integers in (2**31, 10**20):  # no alert can have it: "no such alert", never a server error
        assert post(duty, past_integers, "acknowledge").status_code == 404
        assert duty.get(f"/api/v1/alerts/{past_integers}/history").status_code == 404
    assert post(duty, alarms["s1"], "escalate").status_code == 404
    scoped = as_role(app, settings, "duty", school="s1")
    assert post(scoped, alarms["s2"], "acknowledge").status_code == 404
    assert scoped.get(f"/api/v1/alerts/{alarms['s2']}/history").status_code == 404
    assert post(scoped, alarms["s1"], "acknowledge").status_code == 200


def test_only_duty_and_admin_act_leaders_read_the_history_walls_and_strangers_nothing(app, settings, alarms):
    history = f"/api/v1/alerts/{alarms['s1']}/history"
    for role in ("wall", "leader"):
        refused = post(as_role(app, settings, role), alarms["s1"], "acknowledge")
        assert refused.status_code == 403, role
    assert as_role(app, settings, "wall").get(history).status_code == 403
    assert as_role(app, settings, "leader").get(history).status_code == 200
    anonymous = app.server.test_client()
    assert post(anonymous, alarms["s1"], "acknowledge").status_code == 401
    assert anonymous.get(history).status_code == 401
    assert post(as_role(app, settings, "admin"), alarms["s1"], "acknowledge").status_code == 200
    engine = sql_engine(settings)
    with sql_sessions(engine)() as s:  # the refused calls left nothing
        assert len(s.query(AlertTransition).all()) == 1
    engine.dispose()


def test_a_script_in_a_note_is_stored_as_text_and_returned_json_escaped(app, settings, alarms):
    duty = as_role(app, settings, "duty")
    note = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    post(duty, alarms["s1b"], "acknowledge", {"note": note})
    engine = sql_engine(settings)
    with sql_sessions(engine)() as s:
        assert s.query(AlertTransition).one().note == note
    engine.dispose()
    answer = duty.get(f"/api/v1/alerts/{alarms['s1b']}/history")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    raw = answer.get_data(as_text=True)
    assert "<" not in raw and ">" not in raw and "\\u003cscript\\u003e" in raw
    entries = json.loads(raw)["history"]
    assert [(e["kind"], e["note"]) for e in entries] == [("raised", ""), ("acknowledge", note)]
