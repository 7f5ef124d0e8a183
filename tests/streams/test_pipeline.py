"""Kafka -> aggregator -> Redis -> summary, on the real broker and the real Redis."""
from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import pytest

from kernel import connections, keys
from kernel.settings import DEFAULT_ALERT_RULES
from queries.summary import school_summary
from streams.alert_rules import load_rules
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed
from tests.streams.reference import comparable, expected_summary
from tests.streams.stream import BAD_KINDS, generate

pytestmark = pytest.mark.kafka
TZ = ZoneInfo("Asia/Shanghai")
RULES = load_rules(DEFAULT_ALERT_RULES)


def summary(client, settings, school, now_ms):
    return school_summary(client, school, now_ms=now_ms, tz=TZ, group=settings.consumer_group,
                          stale_after_s=settings.stale_after_seconds)


def test_aggregates_equal_an_independent_computation(kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings)
    now = int(time.time() * 1000)
    messages, good = generate(seed=7, count=3000, now_ms=now)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
    for school, docs in good.items():
        got = summary(redis_client, settings, school, now)
        assert comparable(got) == expected_summary(docs, now_ms=now, tz=TZ, rules=RULES), school
        assert got["lag_seconds"] is not None and got["lag_seconds"] < 60


def test_a_districts_partition_of_many_schools_is_counted_exactly(kafka_bootstrap, redis_client, settings_factory):
    # One partition carrying 150 schools, as a district's topic does: a batch holds more schools than
    # redis-py's pool of 100 connections could give one each (the consumer once retried such a batch
    # for ever: "Too many connections"); now at most SCHOOLS_IN_FLIGHT are in flight.
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    now = int(time.time() * 1000)
    schools = tuple(f"district-{n:03d}" for n in range(150))
    messages, good = generate(seed=18, count=3000, now_ms=now, schools=schools)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends, timeout=60)
    assert sum(1 for docs in good.values() if docs) == 150
    for school, docs in good.items():
        got = summary(redis_client, settings, school, now)
        assert comparable(got) == expected_summary(docs, now_ms=now, tz=TZ, rules=RULES), school


def test_every_bad_message_reaches_the_dead_letter_topic_with_its_reason(
        kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings)
    now = int(time.time() * 1000)
    messages, _ = generate(seed=11, count=1200, now_ms=now, bad_every=20)
    bad = [m for m in messages if m[2]]
    assert {m[2] for m in bad} == set(BAD_KINDS)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)

    letters = connections.kafka_consumer(settings, group_id=None, auto_offset_reset="earliest",
                                         consumer_timeout_ms=5000)
    letters.subscribe([settings.dead_letter_topic])
    received = [(dict(r.headers), r.value) for r in letters]
    letters.close()
    assert sorted(h["dlq.reason"].decode() for h, _ in received) == sorted(m[2] for m in bad)
    assert sorted(v for _, v in received) == sorted(m[1] for m in bad)  # the original bytes
    expected: dict[str, dict[str, int]] = {}
    for school, _, reason in bad:
        expected.setdefault(school, {}).setdefault(reason, 0)
        expected[school][reason] += 1
    for school, counts in expected.items():
        assert summary(redis_client, settings, school, now)["dead_letters"] == dict(sorted(counts.items()))


def test_repeated_ids_and_late_events(kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    now = int(time.time() * 1000)
    first = ev.smoke(now - 1000, id="dup-1")
    three_hours_ago = now - 3 * 3_600_000
    docs = [first, ev.attendance("in", "p1", "staff", now - 2000), first, first,
            ev.event("sensor.gas", "environment", three_hours_ago, value=1.0)]
    ends = produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(d)) for d in docs])
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
    got = summary(redis_client, settings, "s1", now)
    env = got["domains"]["environment"]["events"]
    assert env == {"5m": 1, "1h": 1, "24h": 2, "7d": 2}  # the late reading is in its own hour only
    assert got["alerts"]["open"] == 1 and got["events_total"] == 3
    late_hour = redis_client.hgetall(keys.hour_counts("s1", three_hours_ago // 3_600_000))
    assert late_hour["environment|t|sensor.gas"] == "1"


def test_expired_buckets_leave_redis_by_themselves(kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    now = int(time.time() * 1000)
    six_days_ago = now - 6 * 86_400_000
    docs = [ev.attendance("in", "p1", "staff", six_days_ago), ev.attendance("in", "p2", "staff", now - 1000)]
    ends = produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(d)) for d in docs])
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
    from kernel.clock import local_day

    old_day, today = local_day(six_days_ago, TZ), local_day(now, TZ)
    # The old day's head counts are past their two-day life: Redis dropped them on arrival...
    assert not redis_client.exists(keys.day_counts("s1", old_day), keys.people("s1", old_day))
    # ...while the hour bucket of that event lives until its 7-day window has passed.
    old_hour = keys.hour_counts("s1", six_days_ago // 3_600_000)
    ttl = redis_client.ttl(old_hour)
    assert 0 < ttl <= 86_400 + 2 * 3600
    assert 0 < redis_client.ttl(keys.day_counts("s1", today)) <= 3 * 86_400
    # Every time-bucketed key carries an expiry; only bounded registers (devices, hazards,
    # offsets, meta) and open alerts live without one.
    for key in redis_client.scan_iter("{s:s1}:*"):
        if any(part in key for part in (":hh:", ":mm:", ":seen:", ":day:", ":people:")):
            assert redis_client.ttl(key) > 0, key


def test_the_simulated_campus_day_aggregates_as_computed_independently(
        kafka_bootstrap, redis_client, settings_factory):
    """The simulator's realistic stream (class changes, visitors, alarms and their handling,
    hazard lifecycles, repeats, late and bad messages) through the real pipeline."""
    import itertools

    from demo.bad_messages import EXPECTED_REASON
    from demo.campus_stream import simulate_labelled

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=3)
    start = int(time.time() * 1000) - 60_000
    stream = list(itertools.islice(
        simulate_labelled(seed=42, start_ms=start, rate=200.0, bad_rate=0.02), 8000))
    # Each with its bad kind's reason: the forged handling steps go unsigned, as the simulator sends them.
    ends = produce(kafka_bootstrap, settings.events_topic,
                   [(m.school, m.payload, EXPECTED_REASON.get(m.bad)) for m in stream])
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
    now = int(time.time() * 1000)
    import orjson

    by_school: dict[str, list[dict]] = {}
    for message in stream:
        if message.bad is None:
            by_school.setdefault(message.school, []).append(orjson.loads(message.payload))
    assert len(by_school) == 3
    for school, docs in by_school.items():
        got = summary(redis_client, settings, school, now)
        assert comparable(got) == expected_summary(docs, now_ms=now, tz=TZ, rules=RULES), school
        assert sum(got["dead_letters"].values()) > 0
