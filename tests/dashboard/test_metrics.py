"""GET /metrics on a real app and the real Redis: who may scrape it, and what it says — request time
by route rule (never by path), sign-in failures by reason, open wall screens, and the stream
processes' figures as they write them (the real aggregator on the real broker for the lag)."""
from __future__ import annotations

import ipaddress
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dashboard import roles
from dashboard.app import create_app
from dashboard.metrics import SIGNIN_REASONS, scraper_refusal
from dashboard.pages.wall import ids
from kernel import contract
from kernel.settings import Settings, SettingsError
from streams.dead_letters import DeadLetter, DeadLetters
from streams.stream_metrics import StreamMetrics
from tests.dashboard.conftest import client_with, issue_token, make_user, now_ms, sign_in
from tests.dashboard.test_access import _callback_body, _callback_key
from tests.streams import events as ev

METRICS_TOKEN = "m" * 20 + "-scrape"


def samples(response) -> dict[tuple, float]:
    """{(sample name, ((label, value), ...)): value} of a scrape."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scraper(app):
    return client_with(app, METRICS_TOKEN)


@pytest.fixture
def metrics_settings(settings_factory, redis_client):
    return settings_factory(metrics_token=METRICS_TOKEN, secret_key="k" * 32)


@pytest.fixture
def metrics_app(metrics_settings):
    return create_app(metrics_settings)


# ---- who may scrape --------------------------------------------------------------------------------

def _networks(text: str) -> tuple:
    return tuple(ipaddress.ip_network(part, strict=False) for part in text.split(","))


@pytest.mark.parametrize("token, allow, address, header, expected", [
    ("", "", "127.0.0.1", "", 403),  # neither set: nobody, not even this machine
    ("", "", "127.0.0.1", f"Bearer {METRICS_TOKEN}", 403),
    (METRICS_TOKEN, "", "10.0.0.5", f"Bearer {METRICS_TOKEN}", None),
    (METRICS_TOKEN, "", "10.0.0.5", f"bearer {METRICS_TOKEN}", None),
    (METRICS_TOKEN, "", "10.0.0.5", "Bearer wrong-token-of-length-20", 401),
    (METRICS_TOKEN, "", "10.0.0.5", f"Basic {METRICS_TOKEN}", 401),
    (METRICS_TOKEN, "", "10.0.0.5", "", 401),
    ("", "10.0.0.0/8", "10.200.1.2", "", None),
    ("", "10.0.0.0/8", "192.168.1.2", "", 403),
    ("", "10.0.0.0/8", "::ffff:10.1.1.1", "", None),  # IPv4 seen through an IPv6 socket
    ("", "fd00::/8", "fd00::1", "", None),
    ("", "fd00::/8", "10.1.1.1", "", 403),
    ("", "10.0.0.0/8", "not-an-address", "", 403),
    ("", "10.0.0.0/8", None, "", 403),
    (METRICS_TOKEN, "10.0.0.0/8", "10.1.1.1", "", None),  # either suffices
    (METRICS_TOKEN, "10.0.0.0/8", "10.1.1.1", "Bearer wrong-token-of-length-20", 401),  # a wrong one is wrong
    (METRICS_TOKEN, "10.0.0.0/8", "192.168.0.9", "", 401),
])
def test_who_may_scrape(token, allow, address, header, expected):
    settings = Settings.from_env(environ={}, metrics_token=token, metrics_allow=allow)
    refused = scraper_refusal(settings, settings.metrics_networks, address, header)
    assert (refused and refused[0]) == expected


@pytest.mark.parametrize("environ", [{"METRICS_ALLOW": "10.0.0.0/8,not-a-network"},
                                     {"METRICS_ALLOW": "300.1.1.1"}, {"METRICS_TOKEN": "too-short"}])
def test_bad_metrics_settings_are_refused(environ):
    with pytest.raises(SettingsError):
        Settings.from_env(environ=environ)


def test_the_secret_stays_out_of_the_settings_repr():
    assert METRICS_TOKEN not in repr(Settings.from_env(environ={"METRICS_TOKEN": METRICS_TOKEN}))


def test_metrics_take_the_token_or_the_network_and_nobody_else(metrics_app, metrics_settings, settings_factory):
    assert roles.route_permission("metrics.metrics", "GET") == roles.METRICS
    assert all(roles.METRICS not in grants for grants in roles.GRANTS.values())
    assert scraper(metrics_app).get("/metrics").status_code == 200
    anonymous = metrics_app.server.test_client().get("/metrics")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert client_with(metrics_app, "wrong-token-of-length-20").get("/metrics").status_code == 401
    # A wall token, or a signed-in administrator, is no scraper.
    assert client_with(metrics_app, issue_token(metrics_settings)).get("/metrics").status_code == 401
    make_user(metrics_settings, "it.admin", role="admin")
    admin = metrics_app.server.test_client()
    assert sign_in(admin, "it.admin").status_code == 303
    assert admin.get("/metrics").status_code == 401
    assert scraper(metrics_app).post("/metrics").status_code in (401, 403, 405)  # GET only

    # By network: the test client's address is 127.0.0.1.
    local = create_app(settings_factory(metrics_allow="127.0.0.0/8"))
    assert local.server.test_client().get("/metrics").status_code == 200
    far = local.server.test_client()
    far.environ_base["REMOTE_ADDR"] = "192.0.2.10"  # a request as if from elsewhere: no traffic leaves
    assert far.get("/metrics").status_code == 403
    assert create_app(settings_factory()).server.test_client().get("/metrics").status_code == 403


# ---- what it says ---------------------------------------------------------------------------------

def test_request_time_is_by_route_rule_never_by_path(metrics_app, metrics_settings, apply_events):
    apply_events([ev.smoke(now_ms() - 1000, school="s1")])
    wall = client_with(metrics_app, issue_token(metrics_settings))
    schools = ["s1", "s2", "no-such-school-4711", "实验小学"]
    for school in schools:
        wall.get(f"/api/v1/schools/{school}/summary")
    wall.get("/api/v1/schools/s1/trend?minutes=5")
    wall.get("/duty/nothing-here-42")
    metrics_app.server.test_client().get("/some/random/path/99")
    wall.open("/api/v1/schools", method="BREW42")  # a method made up by the client
    found = samples(scraper(metrics_app).get("/metrics"))
    routes = {dict(labels)["route"] for name, labels in found if name == "campus_web_request_seconds_count"}
    assert "/api/v1/schools/<school>/summary" in routes and "/api/v1/schools/<school>/trend" in routes
    assert any(route.startswith("/<path:path> [") for route in routes)
    text = scraper(metrics_app).get("/metrics").get_data(as_text=True)
    assert {dict(labels)["method"] for name, labels in found if name == "campus_web_request_seconds_count"} \
        == {"GET", "other"}
    for raw in ("s2", "no-such-school-4711", "nothing-here-42", "random", "99", "BREW42"):
        assert f'"{raw}' not in text and f"/{raw}" not in text, raw  # no path, id or school as a label
    summary = {dict(labels)["status"]: value for (name, labels), value in found.items()
               if name == "campus_web_request_seconds_count"
               and dict(labels)["route"] == "/api/v1/schools/<school>/summary"}
    assert summary == {"2xx": 1.0, "4xx": 3.0}  # s1; the other three refused or unknown


def test_callbacks_are_timed_by_the_page_that_owns_them(metrics_app, metrics_settings, apply_events):
    apply_events([ev.smoke(now_ms() - 1000, school="s1")])
    browser = metrics_app.server.test_client()
    assert browser.get(f"/?school=s1&token={issue_token(metrics_settings)}").status_code == 302
    key = _callback_key(metrics_app, ids.HEARTBEAT)
    for screen in ("screen-a", "screen-b", "screen-a"):
        body = _callback_body(metrics_app, key, {ids.POLL: {"n": 1}, ids.VIEW: {"school": "s1", "lang": "zh"},
                                                 ids.SYNC: {"screen": screen}})
        assert browser.post("/_dash-update-component", json=body).status_code == 200
    found = samples(scraper(metrics_app).get("/metrics"))
    wall_calls = [value for (name, labels), value in found.items() if name == "campus_web_request_seconds_count"
                  and dict(labels)["route"] == "/_dash-update-component [wall]"]
    assert wall_calls == [3.0]
    assert found[("campus_wall_screens_open", ())] == 2.0  # two screens, one refreshed twice


def test_sign_in_failures_are_counted_by_reason_never_by_name(metrics_app, metrics_settings):
    make_user(metrics_settings, "zhang.wei")
    browser = metrics_app.server.test_client()
    for _ in range(2):
        assert sign_in(browser, "zhang.wei", "wrong password 1").status_code == 401
    assert sign_in(browser, "zhang.wei").status_code == 303
    assert metrics_app.server.test_client().post("/login", data={"csrf": "stale", "username": "li.na",
                                                                 "password": "x" * 12}).status_code == 400
    response = scraper(metrics_app).get("/metrics")
    found = samples(response)
    failures = {dict(labels)["reason"]: value for (name, labels), value in found.items()
                if name == "campus_signin_failures_total"}
    assert failures == {"bad_credentials": 2.0, "rate_limited": 0.0, "form_expired": 1.0, "ledger_unavailable": 0.0}
    assert set(failures) == set(SIGNIN_REASONS)
    text = response.get_data(as_text=True)
    assert "zhang.wei" not in text and "li.na" not in text


def test_stream_figures_as_the_processes_write_them(metrics_app, metrics_settings, redis_client):
    s = metrics_settings
    aggregator = StreamMetrics(s.consumer_group, s.events_topic, instance="host-a:1")
    for seconds in (0.004, 0.02, 0.02, 0.7):
        aggregator.batch(consumed=1000, applied=990, seconds=seconds)
    aggregator.lag(0, 12)
    aggregator.lag(1, 0)
    with redis_client.pipeline(transaction=False) as pipe:
        aggregator.report(pipe)
        pipe.execute()
    letters = [DeadLetter(5, b"s1", b"{", contract.NOT_JSON, "x"),
               DeadLetter(6, b"s2", b"[]", contract.NOT_OBJECT, "x"),
               DeadLetter(7, b"s1", b"{", contract.NOT_JSON, "x")]

    class _Producer:  # the dead-letter topic itself is not what is counted here (tests/streams has it)
        def send(self, *args, **kwargs):
            pass

        def flush(self, timeout=None):
            pass

    DeadLetters(redis_client, _Producer(), group=s.consumer_group, dead_letter_topic=s.dead_letter_topic) \
        .record(s.events_topic, 0, letters, 8)
    found = samples(scraper(metrics_app).get("/metrics"))

    def value(name, **labels):
        return found[(name, tuple(sorted(labels.items())))]

    assert value("campus_stream_events_consumed_total", consumer="aggregator") == 4000
    assert value("campus_stream_events_applied_total", consumer="aggregator") == 3960
    assert value("campus_stream_events_consumed_total", consumer="recorder") == 0
    assert value("campus_stream_events_dead_lettered_total", consumer="aggregator", reason="not_json") == 2
    assert value("campus_stream_events_dead_lettered_total", consumer="aggregator", reason="not_object") == 1
    assert value("campus_stream_events_dead_lettered_total", consumer="aggregator", reason="too_old") == 0
    assert value("campus_stream_batch_seconds_bucket", consumer="aggregator", le="0.005") == 1
    assert value("campus_stream_batch_seconds_bucket", consumer="aggregator", le="0.025") == 3
    assert value("campus_stream_batch_seconds_bucket", consumer="aggregator", le="0.5") == 3
    assert value("campus_stream_batch_seconds_bucket", consumer="aggregator", le="+Inf") == 4
    assert value("campus_stream_batch_seconds_count", consumer="aggregator") == 4
    assert value("campus_stream_batch_seconds_sum", consumer="aggregator") == pytest.approx(0.744)
    assert value("campus_stream_lag_messages", consumer="aggregator", partition="0") == 12
    assert value("campus_stream_lag_messages", consumer="aggregator", partition="1") == 0
    assert time.time() - value("campus_stream_lag_measured_timestamp_seconds", consumer="aggregator",
                               partition="0") < 10
    assert value("campus_stream_processes_alive", consumer="aggregator") == 1
    assert value("campus_stream_processes_alive", consumer="recorder") == 0
    assert value("campus_stream_heartbeat_age_seconds", consumer="aggregator") < 10
    assert value("campus_part_up", part="redis") == 1 and value("campus_part_up", part="ledger") == 1
    schools = {dict(labels).get("school") for _, labels in found}
    assert schools == {None}  # dead letters are by reason only: a school is no label


def test_with_redis_down_metrics_still_answer_and_say_so(settings_factory):
    app = create_app(settings_factory(redis_url="redis://127.0.0.1:1/0", metrics_token=METRICS_TOKEN))
    found = samples(scraper(app).get("/metrics"))
    assert found[("campus_part_up", (("part", "redis"),))] == 0
    assert not any(name.startswith("campus_stream_") for name, _ in found)


@pytest.mark.kafka
def test_metrics_show_the_real_aggregators_lag_and_dead_letters(metrics_app, metrics_settings, kafka_bootstrap,
                                                              redis_client, settings_factory):
    from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed
    from tests.streams.stream import generate

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, events_topic=metrics_settings.events_topic,
                                dead_letter_topic=metrics_settings.dead_letter_topic,
                                consumer_group=metrics_settings.consumer_group)
    make_topic(kafka_bootstrap, settings, partitions=2)
    messages, _ = generate(seed=41, count=600, now_ms=now_ms(), bad_every=25)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    bad = sum(1 for message in messages if message[2])
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
        deadline = time.monotonic() + 15
        while True:
            found = samples(scraper(metrics_app).get("/metrics"))
            lag = {dict(labels)["partition"]: value for (name, labels), value in found.items()
                   if name == "campus_stream_lag_messages"}
            if lag == {"0": 0.0, "1": 0.0} or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert lag == {"0": 0.0, "1": 0.0}
    assert found[("campus_stream_events_consumed_total", (("consumer", "aggregator"),))] == sum(ends.values())
    dead = sum(value for (name, labels), value in found.items()
               if name == "campus_stream_events_dead_lettered_total" and dict(labels)["consumer"] == "aggregator")
    assert dead == bad


def test_the_operations_guide_and_the_grafana_dashboard_name_only_what_metrics_says(
        metrics_app, metrics_settings, redis_client):
    import json
    import re
    from pathlib import Path

    s = metrics_settings
    for group in (s.consumer_group, s.recorder_group):  # every family present, as in production
        figures = StreamMetrics(group, s.events_topic, instance="h:1")
        figures.batch(10, 10, 0.01)
        figures.lag(0, 0)
        with redis_client.pipeline(transaction=False) as pipe:
            figures.report(pipe)
            pipe.execute()
    text = scraper(metrics_app).get("/metrics").get_data(as_text=True)
    exposed = {family.name + ("_total" if family.type == "counter" else ""): family.type
               for family in text_string_to_metric_families(text)
               if not family.name.endswith("_created")}  # one process only: gunicorn's workers have none
    assert len(exposed) == 12
    docs = Path(__file__).resolve().parents[2] / "docs"
    guide = (docs / "operations.md").read_text(encoding="utf-8")
    assert [name for name in exposed if f"| `{name}` |" not in guide] == []  # each in the table
    dashboard = json.loads((docs / "grafana" / "campus-command-centre.json").read_text(encoding="utf-8"))
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {re.sub(r"_(bucket|sum|count)$", "", name) for expr in expressions
            for name in re.findall(r"\bcampus_[a-z_]+", expr)}
    assert used <= set(exposed), used - set(exposed)
    for histogram in ("campus_stream_batch_seconds", "campus_web_request_seconds"):
        assert any("histogram_quantile(0.95, sum by" in e and f"{histogram}_bucket" in e for e in expressions)
    assert {"campus_stream_lag_messages", "campus_stream_events_consumed_total", "campus_stream_events_applied_total",
            "campus_stream_events_dead_lettered_total", "campus_wall_screens_open",
            "campus_signin_failures_total"} <= used
    assert any("by (route, le)" in e for e in expressions) and any("by (consumer, reason)" in e for e in expressions)
