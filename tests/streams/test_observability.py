"""What the aggregator tells IT about itself, on the real broker and the real Redis: its figures
and heartbeats in Redis (read back as /metrics reads them), its offsets committed to Kafka for
standard tools, and that a restart still resumes from Redis's checkpoints, not Kafka's."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from kafka import KafkaConsumer, OffsetAndMetadata, TopicPartition

from kernel import keys
from kernel.heartbeat import age_s, beat_file
from queries.stream_health import read_group
from streams import health
from tests.streams.harness import dump_aggregates, make_topic, produce, running_aggregator, wait_consumed
from tests.streams.stream import generate

pytestmark = pytest.mark.kafka
SCHOOLS = ("s1", "s2", "s3")


def committed(bootstrap: str, settings, partitions) -> dict[int, int | None]:
    """The group's offsets as Kafka's own tools see them (an outside client, not a member)."""
    client = KafkaConsumer(bootstrap_servers=bootstrap, group_id=settings.consumer_group, enable_auto_commit=False)
    try:
        return {p: client.committed(TopicPartition(settings.events_topic, p)) for p in partitions}
    finally:
        client.close()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} within {timeout:.0f} s")


@pytest.fixture
def observed(kafka_bootstrap, settings_factory, redis_client, tmp_path):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, heartbeat_dir=str(tmp_path / "beats"))
    make_topic(kafka_bootstrap, settings, partitions=3)
    return settings


def test_the_aggregator_reports_what_it_consumed_applied_and_refused_with_its_lag_and_heartbeat(
        observed, kafka_bootstrap, redis_client):
    settings = observed
    messages, _ = generate(seed=21, count=1500, now_ms=int(time.time() * 1000), schools=SCHOOLS, bad_every=30)
    bad = {}
    for _school, _payload, reason in messages:
        if reason:
            bad[reason] = bad.get(reason, 0) + 1
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    total = sum(ends.values())
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)

        def reported():  # reports go out once a second: wait for the one after the last batch
            found = read_group(redis_client, settings.consumer_group, settings.events_topic)
            # Every partition, those that got no message too (nothing landed there: the position).
            return found if found.consumed == total and set(found.lag) == {0, 1, 2} \
                and all(behind == 0 for behind, _ in found.lag.values()) else None

        figures = wait_for(reported, 15, "the figures of every event and a lag of 0 on every partition")
        assert figures.applied == total - sum(bad.values())
        assert figures.dead_letters == bad  # per reason, as streams/dead_letters.py counted them once
        assert figures.batch_count >= len(ends) and sum(figures.batch_buckets) == figures.batch_count
        assert 0 < figures.batch_sum < 60
        now_ms = int(time.time() * 1000)
        assert all(now_ms - at < 10_000 for _, at in figures.lag.values())
        assert len(figures.alive(now_ms, settings.heartbeat_stale_seconds)) == 1  # this process
        assert age_s(beat_file(settings.heartbeat_dir, "aggregator")) < 5
        assert health.check("consumer", settings) == (True, health.check("aggregator", settings)[1])
    # Stopped: the file ages; the health check says so once it is older than allowed.
    time.sleep(1.2)
    healthy, line = health.check("aggregator", settings, max_age_s=1.0)
    assert not healthy and "loop is stuck or gone" in line


def test_lag_is_reported_while_the_aggregator_is_behind(observed, kafka_bootstrap, redis_client):
    settings = observed
    messages, _ = generate(seed=22, count=3000, now_ms=int(time.time() * 1000), schools=SCHOOLS)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    seen = []
    with running_aggregator(settings, max_poll_records=20):  # many small batches: it takes a while
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            lag = read_group(redis_client, settings.consumer_group, settings.events_topic).lag
            seen.append(sum(behind for behind, _ in lag.values()))
            # Every partition that got events reported, and nothing behind (the lag also names the
            # topic's empty partitions, at 0: waiting for `set(lag) == set(ends)` waited out the deadline).
            if set(ends) <= set(lag) and seen[-1] == 0:
                break
            time.sleep(0.02)
        wait_consumed(redis_client, settings, ends)
    assert max(seen) > 0 and seen[-1] == 0, seen[:20]


def test_offsets_are_committed_to_kafka_after_applied_batches_but_a_restart_resumes_from_redis(
        observed, kafka_bootstrap, redis_client):
    settings = observed
    now_ms = int(time.time() * 1000)
    first, _ = generate(seed=23, count=900, now_ms=now_ms, schools=SCHOOLS)
    ends = produce(kafka_bootstrap, settings.events_topic, first)
    checkpoints = keys.checkpoints(settings.consumer_group, settings.events_topic)
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
        # Kafka's view follows the applied batches, asynchronously: it catches up with Redis's.
        wait_for(lambda: committed(kafka_bootstrap, settings, ends) == ends, 20,
                 "the group's committed offsets at the applied ones")
    assert {int(p): int(o) for p, o in redis_client.hgetall(checkpoints).items()} == ends
    assert committed(kafka_bootstrap, settings, ends) == ends  # the final commit on a clean stop
    once = dump_aggregates(redis_client, SCHOOLS)
    consumed = read_group(redis_client, settings.consumer_group, settings.events_topic).consumed

    # Kafka says "from the start" now, Redis "from the end": a restart reads nothing again.
    rewind = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=settings.consumer_group,
                           enable_auto_commit=False)
    rewind.commit({TopicPartition(settings.events_topic, p): OffsetAndMetadata(0, "", -1) for p in ends})
    rewind.close()
    assert set(committed(kafka_bootstrap, settings, ends).values()) == {0}
    more, _ = generate(seed=24, count=300, now_ms=now_ms, schools=SCHOOLS)
    ends_after = produce(kafka_bootstrap, settings.events_topic, more)
    added = sum(ends_after.values()) - sum(ends.values())
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends_after)
        wait_for(lambda: read_group(redis_client, settings.consumer_group, settings.events_topic).consumed
                 >= consumed + added, 15, "the new events' figures")
        time.sleep(1.5)  # one more report: nothing beyond the new events was read
        assert read_group(redis_client, settings.consumer_group, settings.events_topic).consumed == consumed + added
        wait_for(lambda: committed(kafka_bootstrap, settings, ends_after) == ends_after, 20,
                 "the committed offsets moved to the new ends")

    # And the other way round: Redis lost (rebuilt by replaying the topic), Kafka at the end. A
    # restart reads every event again from Redis's "nothing applied" and rebuilds the same state.
    whole = dump_aggregates(redis_client, SCHOOLS)
    assert whole != once
    redis_client.flushdb()
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends_after)
    assert dump_aggregates(redis_client, SCHOOLS) == whole


def test_the_consumer_process_beats_logs_json_and_its_health_check_passes(
        observed, kafka_bootstrap, redis_client, tmp_path):
    settings = observed
    ends = produce(kafka_bootstrap, settings.events_topic,
                   generate(seed=25, count=200, now_ms=int(time.time() * 1000), schools=SCHOOLS)[0])
    env = dict(os.environ, REDIS_URL=settings.redis_url, KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap,
               EVENTS_TOPIC=settings.events_topic, DEAD_LETTER_TOPIC=settings.dead_letter_topic,
               CONSUMER_GROUP=settings.consumer_group, HEARTBEAT_DIR=settings.heartbeat_dir, LOG_FORMAT="json")
    process = subprocess.Popen([sys.executable, "-m", "streams.consumer"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    check = [sys.executable, "-m", "streams.health", "consumer"]
    try:
        wait_consumed(redis_client, settings, ends)
        ok = subprocess.run(check, env=env, capture_output=True, text=True, timeout=30)
        assert ok.returncode == 0 and ok.stdout.startswith("aggregator: ok"), ok
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    lines = [json.loads(line) for line in stderr.splitlines()]  # every line one JSON record
    assert lines and all(entry["process"] == "aggregator" and entry["pid"] == process.pid for entry in lines)
    assert any("partitions assigned" in entry["message"] for entry in lines)
    stale = subprocess.run(check + ["--max-age", "0.01"], env=env, capture_output=True, text=True, timeout=30)
    assert stale.returncode == 1 and "stuck or gone" in stale.stderr
    missing = subprocess.run(check, env={**env, "HEARTBEAT_DIR": str(tmp_path / "none")}, capture_output=True,
                             text=True, timeout=30)
    assert missing.returncode == 1 and "no heartbeat yet" in missing.stderr
