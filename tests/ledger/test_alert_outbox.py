"""A step's events reach the wall through the real broker and aggregator: sent right after the
commit and deleted; kept while Kafka is unreachable and sent by the recorder later; the live
registers in Redis follow acknowledged → dispatched → resolved."""
from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from dashboard.services import Services
from devstack import local_services
from kernel import keys, proof
from kernel.connections import kafka_consumer, kafka_producer, redis_client, sql_sessions
from ledger.commands import alert_outbox
from ledger.commands.alert_handling import handle
from streams.recorder import Recorder
from tests.ledger.alarms import raise_alarm
from tests.streams import events as ev
from tests.streams.harness import kafka_settings, make_topic, produce, running_aggregator, wait_consumed

pytestmark = pytest.mark.kafka


def topic_events(bootstrap: str, topic: str, expected: int) -> list[dict]:
    consumer = kafka_consumer(kafka_settings(bootstrap), auto_offset_reset="earliest",
                              consumer_timeout_ms=10_000, group_id=None)
    consumer.subscribe([topic])
    found = []
    try:
        for message in consumer:
            found.append(json.loads(message.value))
            if len(found) >= expected:
                break
    finally:
        consumer.close()
    return found


@pytest.fixture
def live(kafka_bootstrap, settings_factory, ledger_settings, engine):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, database_url=ledger_settings.database_url,
                                recorder_group=f"rec-{time.time_ns()}")
    make_topic(kafka_bootstrap, settings)
    return settings


def test_a_steps_events_are_sent_after_commit_and_the_outbox_emptied(live, engine, kafka_bootstrap):
    now = datetime.now(timezone.utc)
    sessions = sql_sessions(engine)
    with sessions() as s:
        alert = raise_alarm(s, event_id="a1", at=now)
        raise_alarm(s, event_id="a2", at=now)
        step = handle(s, alert_id=alert.id, action="acknowledge", by="张三", at=now)
        producer = kafka_producer(live)
        try:
            assert alert_outbox.send(s, producer, live.events_topic, timeout_s=10,
                                     sign=lambda value: proof.headers_for(
                                         value, proof.keys_from(live.event_signing_key)),
                                     event_ids=[e["id"] for e in step.events]) == 2
        finally:
            producer.close()
        assert alert_outbox.pending_count(s) == 0
    sent = topic_events(kafka_bootstrap, live.events_topic, 2)
    assert sorted(e["id"] for e in sent) == ["duty-acknowledge-a1", "duty-acknowledge-a2"]


def test_while_kafka_is_down_the_events_wait_and_the_recorder_sends_them(live, engine, kafka_bootstrap,
                                                                        redis_client):
    down = dataclasses.replace(live, kafka_bootstrap_servers=f"127.0.0.1:{local_services.free_port()}")
    web = Services(down, redis_client)  # the web app's services, with nothing listening at its broker
    now = datetime.now(timezone.utc)
    with web.ledger_session() as s:
        alert = raise_alarm(s, event_id="a1", at=now)
        step = handle(s, alert_id=alert.id, action="acknowledge", by="张三", at=now)
    started = time.monotonic()
    assert web.publish_outbox([e["id"] for e in step.events]) == 0
    assert time.monotonic() - started < 5  # the officer is not kept waiting
    assert web.producer() is None  # not tried again at once
    with sql_sessions(engine)() as s:
        assert alert_outbox.pending_count(s) == 1
    web.ledger.dispose()
    recorder = Recorder(live, consumer=object(), client=redis_client, engine=engine)
    try:
        assert recorder.send_outbox(now=now) == 0  # fresh: left to the web app a moment longer
        assert recorder.send_outbox(now=now + timedelta(seconds=5)) == 1
    finally:
        recorder.producer.close()
    with sql_sessions(engine)() as s:
        assert alert_outbox.pending_count(s) == 0
    assert [e["id"] for e in topic_events(kafka_bootstrap, live.events_topic, 1)] == ["duty-acknowledge-a1"]


def test_the_wall_sees_acknowledged_dispatched_and_resolved(live, engine, kafka_bootstrap, redis_client):
    """The alarms and the console's events through the real broker and aggregator into Redis."""
    now_ms = int(time.time() * 1000)
    alarms = [{**ev.event("fire.smoke_alarm", "environment", now_ms + i, id=f"a{i}", severity="critical"),
               "source": "smoke-305", "building": "chem"} for i in (1, 2)]
    ends = produce(kafka_bootstrap, live.events_topic, [("s1", ev.raw(a)) for a in alarms])
    web = Services(live, redis_client_for(live))
    moment = datetime.fromtimestamp(now_ms / 1000, timezone.utc)
    with web.ledger_session() as s:
        alert = raise_alarm(s, event_id="a1", at=moment, device="smoke-305", building="chem")
        raise_alarm(s, event_id="a2", at=moment, device="smoke-305", building="chem")
    try:
        with running_aggregator(live):
            wait_consumed(redis_client, live, ends)
            assert states(redis_client) == {"a1": "new", "a2": "new"}
            for action, extra, expected in (
                    ("acknowledge", {}, "acknowledged"),
                    ("dispatch", {"assignee": "保卫处一组", "note": "上三楼"}, "dispatched")):
                with web.ledger_session() as s:
                    step = handle(s, alert_id=alert.id, action=action, by="张三", at=moment, **extra)
                assert web.publish_outbox([e["id"] for e in step.events]) == 2
                wait_for(lambda expected=expected: states(redis_client) == {"a1": expected, "a2": expected})
            assert redis_client.hget(keys.alert("s1", "a1"), "dispatched_to") == "保卫处一组"
            with web.ledger_session() as s:
                step = handle(s, alert_id=alert.id, action="resolve", by="张三", at=moment, note="误报",
                              outcome="false_alarm")
            assert web.publish_outbox([e["id"] for e in step.events]) == 2
            wait_for(lambda: states(redis_client) == {})
            assert redis_client.hget(keys.alert("s1", "a2"), "state") == "false_alarm"
    finally:
        web.close()
        web.ledger.dispose()


def redis_client_for(settings):
    return redis_client(settings)


def states(client) -> dict[str, str]:
    return {k: v.split("|")[3] for k, v in client.hgetall(keys.open_alerts("s1")).items()}


def wait_for(check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("not seen in time")
        time.sleep(0.1)
