"""POST /api/v1/events on the real app, the real Redis, the real Kafka-protocol broker and the real
aggregator: verdicts per event, what lands in Kafka (once), and the wall's figures afterwards
against the independent reference; keys, refusals, limits and failures."""
from __future__ import annotations

import http.client
import math
import threading
import time
from zoneinfo import ZoneInfo

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from dashboard.app import create_app
from dashboard.event_claims import event_key
from dashboard.services import LazyLedger
from dashboard.source_keys import EXTENSION as SOURCE_CHECKS
from dashboard.source_limits import Bucket, SourceLimits, take
from dashboard.token_checks import TokenChecks
from devstack import local_services
from kernel import contract, keys
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import DEFAULT_ALERT_RULES
from ledger.commands import event_sources
from queries.summary import school_summary
from streams.alert_rules import load_rules
from tests.dashboard.conftest import client_with, issue_token, make_user, now_ms, signed_in
from tests.dashboard.source_support import issue_source, revoke_source
from tests.streams import events as ev
from tests.streams.harness import make_topic, running_aggregator, wait_consumed
from tests.streams.reference import comparable, expected_summary
from tests.streams.stream import generate

pytestmark = pytest.mark.kafka
TZ = ZoneInfo("Asia/Shanghai")
RULES = load_rules(DEFAULT_ALERT_RULES)
PATH = "/api/v1/events"


def post(app, key: str | None, body, **headers):
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return app.server.test_client().post(PATH, data=data, headers=headers, content_type="application/json")


def read_topic(bootstrap: str, topic: str) -> list:
    """Every record of the topic, read until none came for 2 s (the local broker's end offsets
    can trail its last batch, so they cannot say where the end is)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=2000,
                             fetch_max_wait_ms=100)
    try:
        consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()])
        consumer.seek_to_beginning()
        return list(consumer)
    finally:
        consumer.close()


@pytest.fixture
def events_settings(settings_factory, redis_client, kafka_bootstrap):
    # A rate no test but the rate limit's reaches.
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, secret_key="e" * 32, events_api_rate=1e6)
    make_topic(kafka_bootstrap, settings)
    return settings


@pytest.fixture
def apps():
    """make(settings) -> a new app; their producers are closed after the test."""
    made = []

    def make(settings):
        made.append(create_app(settings))
        return made[-1]

    yield make
    for app in made:
        app.server.extensions["campus"].close()


# ---- a day's mixed batches, end to end -------------------------------------------------------------

def _expected_verdict(school: str, raw: bytes, reason: str | None, allowed: set[str], seen: set) -> tuple:
    """What the documented checks say of one message, worked out here from what the test made."""
    if reason is not None:
        # A forged handling step is valid by the contract: the route refuses it for its type.
        return "refused", "console_only" if reason == contract.BAD_PROOF else reason
    doc = orjson.loads(raw)
    if doc["type"].startswith("alert."):
        return "refused", "console_only"
    if school not in allowed:
        return "refused", "school_not_allowed"
    if (school, doc["id"]) in seen:
        return "duplicate", None
    seen.add((school, doc["id"]))
    return "accepted", None


def test_mixed_batches_get_a_verdict_per_event_and_the_wall_counts_exactly_the_accepted(
        events_settings, apps, kafka_bootstrap, redis_client):
    settings = events_settings
    app = apps(settings)
    _, key = issue_source(settings, "s1", "s2")
    now = now_ms()
    # The test stream: good events of many kinds with repeats, late events and alarms with their
    # handling, and one bad message of every class but broken JSON (which makes a whole body 400).
    messages, _ = generate(seed=12, count=2400, now_ms=now, schools=("s1", "s2", "s3"), bad_every=40)
    messages = [m for m in messages if m[2] != contract.NOT_JSON]
    seen: set = set()
    expected = [_expected_verdict(school, raw, reason, {"s1", "s2"}, seen) for school, raw, reason in messages]
    assert {v for v, _ in expected} == {"accepted", "refused", "duplicate"}
    assert {r for _, r in expected} >= {"console_only", "school_not_allowed", contract.TOO_LARGE, contract.TOO_OLD}

    got, sizes = [], (1000, 1, 377)
    start = posts = 0
    while start < len(messages):
        chunk = messages[start:start + sizes[posts % 3]]
        posts += 1
        body = b"[" + b",".join(raw for _, raw, _ in chunk) + b"]" if len(chunk) > 1 else chunk[0][1]
        answer = post(app, key, body)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
        assert answer.headers["Cache-Control"] == "no-store"
        verdicts = answer.json["events"]
        assert [v["index"] for v in verdicts] == list(range(len(chunk)))
        for verdict, (_, raw, _) in zip(verdicts, chunk):
            doc_id = orjson.loads(raw).get("id") if raw.startswith(b"{") else None
            assert verdict["id"] == (doc_id if isinstance(doc_id, str) else None), verdict
        got.extend((v["verdict"], v.get("reason")) for v in verdicts)
        start += len(chunk)
    assert got == expected

    # A retried POST (the client never heard the answer): every accepted event is a duplicate now.
    retried = post(app, key, b"[" + b",".join(raw for _, raw, _ in messages[:1000]) + b"]").json
    assert retried["accepted"] == 0 and retried["retry"] == 0
    assert retried["duplicate"] == sum(v != "refused" for v, _ in expected[:1000])

    # Kafka holds each accepted event once: the sender's bytes, keyed by its school.
    accepted = [(school, raw) for (school, raw, _), (verdict, _) in zip(messages, expected) if verdict == "accepted"]
    records = read_topic(kafka_bootstrap, settings.events_topic)
    assert sorted((r.key.decode(), r.value) for r in records) == sorted(accepted)
    by_partition: dict[str, set[int]] = {}
    for record in records:
        by_partition.setdefault(record.key.decode(), set()).add(record.partition)
    assert all(len(partitions) == 1 for partitions in by_partition.values())  # keyed: a school's order holds

    # The real aggregator reads the topic: each school's figures are the reference's over exactly
    # the accepted events; nothing of s3 (the key's other school) and no refused event counts.
    ends: dict[int, int] = {}
    for record in records:
        ends[record.partition] = max(ends.get(record.partition, 0), record.offset + 1)
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
    for school in ("s1", "s2"):
        docs = [orjson.loads(raw) for s, raw in accepted if s == school]
        summary = school_summary(redis_client, school, now_ms=now, tz=TZ, group=settings.consumer_group,
                                 stale_after_s=settings.stale_after_seconds)
        assert comparable(summary) == expected_summary(docs, now_ms=now, tz=TZ, rules=RULES), school
        assert summary["dead_letters"] == {}  # the consumers refused nothing the API accepted
    assert school_summary(redis_client, "s3", now_ms=now, tz=TZ, group=settings.consumer_group,
                          stale_after_s=settings.stale_after_seconds) is None
    # And the wall's own API shows them.
    wall = client_with(app, issue_token(settings)).get("/api/v1/schools/s1/summary")
    assert wall.status_code == 200 and wall.json["events_total"] == sum(s == "s1" for s, _ in accepted)


# ---- who may send ----------------------------------------------------------------------------------

@pytest.fixture
def ledger_events_settings(settings_factory, redis_client, kafka_bootstrap, ledger_settings, engine):
    """Like events_settings, with the ledger on SQLite and on a real PostgreSQL."""
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, database_url=ledger_settings.database_url,
                                secret_key="k" * 32, events_api_rate=1e6)
    make_topic(kafka_bootstrap, settings)
    return settings


def test_only_a_valid_source_key_may_send_and_only_for_its_schools(ledger_events_settings, apps, kafka_bootstrap):
    settings = ledger_events_settings
    app = apps(settings)
    app.server.extensions[SOURCE_CHECKS] = TokenChecks(fresh_s=0)  # ask the ledger on every request
    source_id, key = issue_source(settings, "s1")
    wall_token = issue_token(settings)
    make_user(settings, "admin", role="admin")
    event = ev.smoke(now_ms() - 1000, id="fire-1")

    def refused(response, status, says):
        assert response.status_code == status, response.get_data(as_text=True)
        assert says in response.json["error"] and "Set-Cookie" not in response.headers
        return response

    missing = refused(post(app, None, event), 401, "a source key is needed")
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="campus-events"'
    refused(post(app, "", event), 401, "a source key is needed")
    wall = refused(post(app, wall_token, event), 401, "not a source key")  # a wall token is no source key
    assert 'error="invalid_token"' in wall.headers["WWW-Authenticate"]
    refused(post(app, "csk_" + "A" * 43, event), 401, "not valid or has been revoked")
    # A wall's browser (signed in by its token) and an admin's session cookie: cookies are no key.
    browser = app.server.test_client()
    assert browser.get(f"/?token={wall_token}").status_code == 302
    refused(browser.post(PATH, json=event), 401, "a source key is needed")
    admin = signed_in(app, "admin")
    refused(admin.post(PATH, json=event), 401, "a source key is needed")
    refused(admin.post(PATH, json=event, headers={"Authorization": f"Bearer {wall_token}"}), 401, "not a source key")
    # A page of another site cannot make a browser send events either.
    refused(post(app, key, event, Origin="https://evil.example"), 403, "must come from this site")
    # The key sends for its school; the event for another school is refused, the rest accepted.
    mixed = post(app, key, [event, ev.smoke(now_ms() - 1000, id="fire-2", school="s2"),
                            ev.smoke(now_ms() - 1000, id="fire-3")])
    assert mixed.status_code == 200
    assert [(v["verdict"], v.get("reason")) for v in mixed.json["events"]] == [
        ("accepted", None), ("refused", "school_not_allowed"), ("accepted", None)]
    # The key opens nothing else.
    for path in ("/api/v1/schools", "/api/v1/me", "/api/v1/schools/s1/summary"):
        refused(client_with(app, key).get(path), 401, "not valid or has been revoked")
    refused(client_with(app, key).post("/api/v1/alerts/1/acknowledge"), 401, "not valid or has been revoked")
    # Revoked: refused at the next check (here every request; in production within FRESH_S).
    revoke_source(settings, source_id)
    refused(post(app, key, ev.smoke(now_ms(), id="fire-4")), 401, "not valid or has been revoked")
    produced = [orjson.loads(r.value)["id"] for r in read_topic(kafka_bootstrap, settings.events_topic)]
    assert sorted(produced) == ["fire-1", "fire-3"]


def test_use_is_noted_and_a_checked_key_rides_out_a_ledger_outage(events_settings, apps, settings_factory):
    settings = events_settings
    app = apps(settings)
    checks = app.server.extensions[SOURCE_CHECKS] = TokenChecks(fresh_s=0)
    source_id, key = issue_source(settings, "s1")
    _, unseen = issue_source(settings, "s1", name="never used")
    assert post(app, key, ev.smoke(now_ms(), id="a")).status_code == 200
    engine = sql_engine(settings)
    with sql_sessions(engine)() as db:
        assert event_sources.active_source(db, source_id=source_id).last_used_at is not None
    engine.dispose()
    # Cut: the ledger is now a PostgreSQL port nobody listens on.
    app.server.extensions["campus"].ledger = LazyLedger(
        settings_factory(database_url="postgresql+psycopg://campus@127.0.0.1:1/none"))
    assert post(app, key, ev.smoke(now_ms(), id="b")).json["accepted"] == 1  # checked a moment ago
    never = post(app, unseen, ev.smoke(now_ms(), id="c"))
    assert never.status_code == 503 and never.json["error"].startswith("the source key cannot be checked")
    assert never.headers["Retry-After"] == "10"
    checks.grace_s = 0  # an outage longer than the grace
    assert post(app, key, ev.smoke(now_ms(), id="d")).status_code == 503


# ---- what the body may be --------------------------------------------------------------------------

def test_bodies_that_are_no_event_and_no_batch_are_400_and_oversized_ones_413(
        settings_factory, redis_client, kafka_bootstrap, apps, serve):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, events_api_max_bytes=20_000,
                                events_api_rate=1e6)
    make_topic(kafka_bootstrap, settings)
    app = apps(settings)
    _, key = issue_source(settings, "s1")
    for body, says in ((b"", "empty"), (b"[]", "empty"), (b'{"id": "broken', "not JSON"), (b"42", "one event"),
                       (b"[" * 5000 + b"]" * 5000, "not JSON"),
                       (orjson.dumps([{"id": n} for n in range(1001)]), "at most 1000")):
        answer = post(app, key, body)
        assert answer.status_code == 400 and says in answer.json["error"], (body[:20], answer.json)
    big = orjson.dumps([ev.smoke(now_ms(), id=f"big-{n}", zone="x" * 100) for n in range(100)])
    assert len(big) > 20_000
    too_large = post(app, key, big)
    assert too_large.status_code == 413 and too_large.json == {
        "error": "the body is larger than 20000 bytes: send fewer events a request", "limit": 20000}
    under = big[:19_000].rpartition(b",{")[0] + b"]"
    assert post(app, key, under).json["accepted"] == len(orjson.loads(under))  # just under the limit: in
    # A body without a length (chunked) is held to the limit too, on a real server.
    served = serve(settings)

    def chunked(body: bytes) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        connection.putrequest("POST", PATH)
        connection.putheader("Authorization", f"Bearer {key}")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for start in range(0, len(body), 4096):
            piece = body[start:start + 4096]
            connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        try:
            return response.status, orjson.loads(response.read())
        finally:
            connection.close()

    status, answer = chunked(big)
    assert status == 413 and answer["limit"] == 20000, answer
    exactly = under[:-1] + b" " * (20_000 - len(under)) + b"]"
    status, answer = chunked(exactly)  # 20,000 bytes: at the limit, not over it
    assert status == 200 and answer["duplicate"] == len(orjson.loads(under)), answer
    produced = read_topic(kafka_bootstrap, settings.events_topic)
    assert len(produced) == len(orjson.loads(under))


# ---- limits and failures ---------------------------------------------------------------------------

def test_a_key_sending_faster_than_its_rate_waits_and_others_do_not(settings_factory, redis_client,
                                                                     kafka_bootstrap, apps):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, events_api_rate=50.0)
    make_topic(kafka_bootstrap, settings)
    app = apps(settings)
    _, key = issue_source(settings, "s1")
    _, other = issue_source(settings, "s1", name="another system")
    batch = [ev.smoke(now_ms() - 1000, id=f"r{n}") for n in range(1000)]
    assert post(app, key, batch).json["accepted"] == 1000  # a full batch fits the burst at once
    limited = post(app, key, [ev.smoke(now_ms(), id="one-more")] * 30)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) == 1  # 30 events at 50/s
    assert "50 events a second" in limited.json["error"] and limited.json["events"] == 30
    assert post(app, other, [ev.smoke(now_ms(), id="other-1")]).json["accepted"] == 1  # a bucket per key
    time.sleep(0.7)  # 35 events' worth
    assert post(app, key, [ev.smoke(now_ms(), id=f"later-{n}") for n in range(30)]).json["accepted"] == 30
    ids = {orjson.loads(r.value)["id"] for r in read_topic(kafka_bootstrap, settings.events_topic)}
    assert "one-more" not in ids and len(ids) == 1000 + 1 + 30


def test_the_bucket_in_redis_follows_the_arithmetic_step_by_step(redis_client):
    import random

    rng = random.Random(5)
    for rate in (1000.0, 37.5, 0.3, 12_345.678):
        limits = SourceLimits(redis_client, rate)
        bucket, now = None, 1_700_000_000_000
        for _ in range(200):
            now += rng.choice([0, 1, 7, 250, 1000, 30_000, -500])  # a host whose clock is behind too
            cost = rng.randint(1, 1000)
            bucket, wait = take(bucket, now_ms=now, rate=rate, burst=limits.burst, cost=cost)
            assert limits.wait_ms(9, cost, now) == wait
            held = redis_client.hgetall(keys.source_rate(9))
            assert Bucket(int(held["tokens"]), int(held["at"])) == bucket
        # Kept as long as an empty bucket takes to fill up again, and a second more.
        assert 0 < redis_client.pttl(keys.source_rate(9)) <= math.ceil(limits.burst * 1000 / rate) + 1000
        redis_client.delete(keys.source_rate(9))


def test_when_kafka_does_not_take_the_events_nothing_is_kept_and_sending_again_later_works(
        events_settings, apps, settings_factory, kafka_bootstrap):
    batch = [ev.smoke(now_ms() - 1000, id="k1"), ev.smoke(now_ms() - 1000, id="k2"), {"id": "bad"}]
    _, key = issue_source(events_settings, "s1")
    down = apps(settings_factory(**{**events_settings.__dict__,
                                    "kafka_bootstrap_servers": f"127.0.0.1:{local_services.free_port()}"}))
    answer = post(down, key, batch)
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "10"
    assert [(v["verdict"], v.get("reason")) for v in answer.json["events"]] == [
        ("retry", "kafka_unavailable"), ("retry", "kafka_unavailable"), ("refused", contract.MISSING_FIELD)]
    assert answer.json["accepted"] == 0 and "send it again later" in answer.json["events"][0]["detail"]
    # Kafka is back (an app of the same Redis reaching the broker): the events are sent, not "duplicate".
    up = apps(events_settings)
    again = post(up, key, batch)
    assert again.status_code == 200 and [v["verdict"] for v in again.json["events"]] == [
        "accepted", "accepted", "refused"]
    assert post(up, key, batch).json["duplicate"] == 2
    assert sorted(orjson.loads(r.value)["id"] for r in read_topic(kafka_bootstrap, events_settings.events_topic)) \
        == ["k1", "k2"]


def test_when_the_broker_goes_away_the_events_are_answered_retry_and_the_next_requests_at_once(
        settings_factory, redis_client, apps):
    """A broker of this test's own, stopped under a running app: the producer's deliveries time
    out (EVENTS_KAFKA_DELIVERY_MS); then requests are told at once, holding no web worker."""
    port = local_services.free_port()
    broker = local_services.start_broker(port)
    try:
        settings = settings_factory(kafka_bootstrap_servers=f"127.0.0.1:{port}", events_api_rate=1e6)
        make_topic(settings.kafka_bootstrap_servers, settings)
        app = apps(settings)
        _, key = issue_source(settings, "s1")
        assert post(app, key, [ev.smoke(now_ms(), id="before")]).json["accepted"] == 1
    finally:
        local_services.stop(broker)
    gone = post(app, key, [ev.smoke(now_ms(), id="lost-1"), ev.smoke(now_ms(), id="lost-2")])
    assert gone.status_code == 503 and gone.headers["Retry-After"] == "10"
    assert {(v["verdict"], v["reason"]) for v in gone.json["events"]} == {("retry", "kafka_unavailable")}
    assert all(redis_client.get(event_key("s1", f"lost-{n}")) is None for n in (1, 2))  # claims released
    started = time.monotonic()
    again = post(app, key, [ev.smoke(now_ms(), id="lost-1")])
    assert again.status_code == 503 and time.monotonic() - started < 1
    assert again.json["events"][0]["detail"] == "Kafka cannot be reached now; send it again later"


def test_an_event_another_request_is_sending_is_waited_for_then_answered(events_settings, apps, redis_client):
    """Another request's claims, set and settled by hand: two real requests cannot be timed to
    overlap reliably. The request waits up to a second for the other one."""
    app = apps(events_settings)
    _, key = issue_source(events_settings, "s1")
    events = {name: ev.smoke(now_ms() - 1000, id=name) for name in ("sent-meanwhile", "failed-meanwhile", "stuck")}
    for name in events:
        redis_client.set(event_key("s1", name), "claimed:another-request", px=60_000)
    # The other request settles two of them within the wait: one is in Kafka, one failed there.
    settle = threading.Timer(0.3, lambda: (redis_client.set(event_key("s1", "sent-meanwhile"), "sent", px=60_000),
                                           redis_client.delete(event_key("s1", "failed-meanwhile"))))
    settle.start()
    started = time.monotonic()
    answer = post(app, key, [*events.values(), ev.smoke(now_ms() - 1000, id="free")])
    settle.join()
    assert 0.9 < time.monotonic() - started < 5
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "2"
    assert [(v["verdict"], v.get("reason")) for v in answer.json["events"]] == [
        ("duplicate", None), ("accepted", None), ("retry", "in_progress"), ("accepted", None)]
    redis_client.delete(event_key("s1", "stuck"))  # the claim of a worker that died lapses
    assert post(app, key, [events["stuck"]]).json["accepted"] == 1
    assert redis_client.get(event_key("s1", "stuck")) == "sent"
    assert 3_500_000 < redis_client.pttl(event_key("s1", "stuck")) <= 3_600_000  # EVENTS_API_DEDUPE_SECONDS


def test_the_api_puts_a_schools_events_where_every_other_producer_does(kafka_bootstrap):
    """The partition is worked out once per school (dashboard/api_events.py: partition_of); it
    must be the one kafka-python's default partitioner picks for the key, as the simulator's."""
    from kafka import KafkaProducer

    from dashboard.api_events import partition_of

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    try:
        for count in (1, 3, 6):
            topic = f"partitions-{count}-{now_ms()}"
            local_services.create_topic(kafka_bootstrap, topic, count)
            partitions = tuple(sorted(producer.partitions_for(topic)))
            schools = [f"school-{n}" for n in range(40)] + ["demo-univ", "demo-middle", "demo-primary", "学校"]
            placed = {school: producer.send(topic, key=school.encode(), value=b"{}").get(30).partition
                      for school in schools}
            assert placed == {school: partition_of(school.encode(), partitions) for school in schools}
            assert len(set(placed.values())) == count
    finally:
        producer.close()


def test_with_redis_down_nothing_is_sent(settings_factory, kafka_bootstrap, apps):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap,
                                redis_url=f"redis://127.0.0.1:{local_services.free_port()}/0")
    make_topic(kafka_bootstrap, settings)
    _, key = issue_source(settings, "s1")
    answer = post(apps(settings), key, [ev.smoke(now_ms(), id="r1")])
    assert answer.status_code == 503 and answer.json["error"] == "live data store unavailable"
    assert read_topic(kafka_bootstrap, settings.events_topic) == []
