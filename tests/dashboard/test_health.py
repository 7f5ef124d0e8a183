"""GET /healthz on a real app: which part is down, with the heartbeats' ages, answered 200 while the
web process serves, public and free of secrets."""
from __future__ import annotations

import json
import time

from dashboard.app import create_app
from streams.stream_metrics import StreamMetrics

DB_PASSWORD = "Pg-Secret-pw-77"


def beat(client, group: str, topic: str, instance: str, at_ms: int) -> None:
    """A process's heartbeat, written as the stream processes write it (with their figures)."""
    with client.pipeline(transaction=False) as pipe:
        StreamMetrics(group, topic, instance=instance).report(pipe, now_ms=at_ms)
        pipe.execute()


def test_every_part_up(settings_factory, redis_client):
    settings = settings_factory()
    now = int(time.time() * 1000)
    beat(redis_client, settings.consumer_group, settings.events_topic, "c1:10", now - 2_000)
    beat(redis_client, settings.consumer_group, settings.events_topic, "c2:11", now - 500)
    beat(redis_client, settings.recorder_group, settings.events_topic, "r1:12", now - 1_000)
    response = create_app(settings).server.test_client().get("/healthz")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.json
    assert body["status"] == "ok"
    assert {name: part["status"] for name, part in body["parts"].items()} == dict.fromkeys(
        ("web", "redis", "ledger", "aggregator", "recorder"), "ok")
    aggregator = body["parts"]["aggregator"]
    assert aggregator["processes"] == 2 and len(aggregator["heartbeat_age_s"]) == 2
    assert 0.3 <= aggregator["heartbeat_age_s"][0] < aggregator["heartbeat_age_s"][1] < 10
    assert "c1" not in response.get_data(as_text=True)  # no host names: it is public


def test_a_silent_stream_process_is_down_with_its_last_heartbeats_age(settings_factory, redis_client):
    settings = settings_factory(heartbeat_stale_seconds=30)
    now = int(time.time() * 1000)
    beat(redis_client, settings.consumer_group, settings.events_topic, "c1:10", now - 95_000)
    body = create_app(settings).server.test_client().get("/healthz").json
    assert body["status"] == "degraded"
    assert body["parts"]["aggregator"]["status"] == "down" and body["parts"]["aggregator"]["processes"] == 0
    assert 94 <= body["parts"]["aggregator"]["last_heartbeat_age_s"] < 110
    assert body["parts"]["recorder"] == {"status": "down", "processes": 0, "heartbeat_age_s": [],
                                         "last_heartbeat_age_s": None}  # never heard of
    assert body["parts"]["redis"]["status"] == "ok"


def test_redis_and_the_ledger_down_are_named_and_no_secret_is_told(settings_factory):
    # Nothing listens on port 1: PostgreSQL and Redis both refuse at once.
    settings = settings_factory(redis_url="redis://:Redis-pw-9@127.0.0.1:1/0",
                                database_url=f"postgresql+psycopg://campus:{DB_PASSWORD}@127.0.0.1:1/campus")
    response = create_app(settings).server.test_client().get("/healthz")
    assert response.status_code == 200  # this process serves: a load balancer keeps it
    body = response.json
    assert body["status"] == "degraded"
    assert body["parts"]["web"] == {"status": "ok"}
    assert body["parts"]["redis"] == {"status": "down", "detail": "ConnectionError"}
    assert body["parts"]["ledger"] == {"status": "down", "detail": "OperationalError"}
    assert body["parts"]["aggregator"] == body["parts"]["recorder"] == {"status": "unknown", "detail": "redis down"}
    text = json.dumps(body)
    for secret in (DB_PASSWORD, "Redis-pw-9", "127.0.0.1", "postgres"):
        assert secret not in text
