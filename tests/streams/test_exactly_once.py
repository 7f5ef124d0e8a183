"""Exactly-once effect: SIGKILL at random points, and rebalances between two consumers, leave the
aggregates equal to one clean pass over the same events."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
import redis

from devstack import local_services
from kernel import keys
from tests.streams.harness import (
    KILLED_SESSION_MS,
    dump_aggregates,
    make_topic,
    produce,
    running_aggregator,
    wait_consumed,
)
from tests.streams.stream import generate

pytestmark = pytest.mark.kafka
SCHOOLS = ("s1", "s2", "s3", "s4")
# Keyed by school, these land on partitions 1, 0, 3 and 2 of four (kafka-python's murmur2): every
# member of the group then has events to read, whichever partitions it is given.
SPREAD_SCHOOLS = ("s1", "s4", "s5", "s16")


def clean_pass(settings_factory, settings, redis_url, ends):
    """The same topic read once, start to end, by a fresh group into another Redis database."""
    clean = settings_factory(
        kafka_bootstrap_servers=settings.kafka_bootstrap_servers, events_topic=settings.events_topic,
        redis_url=redis_url.rsplit("/", 1)[0] + "/1",
    )
    client = redis.Redis.from_url(clean.redis_url, decode_responses=True)
    with running_aggregator(clean):
        wait_consumed(client, clean, ends)
    return clean, client


def dead_letter_counts(client, settings, partitions):
    counts = {}
    for p in partitions:
        stored = client.hgetall(keys.dead_letters(settings.consumer_group, settings.events_topic, p))
        stored.pop("next", None)
        counts[p] = stored
    return counts


def consumer_process(settings, log):
    env = dict(os.environ, REDIS_URL=settings.redis_url,
               KAFKA_BOOTSTRAP_SERVERS=settings.kafka_bootstrap_servers,
               EVENTS_TOPIC=settings.events_topic, DEAD_LETTER_TOPIC=settings.dead_letter_topic,
               CONSUMER_GROUP=settings.consumer_group, POLL_MAX_RECORDS="50",
               KAFKA_SESSION_TIMEOUT_MS=KILLED_SESSION_MS,
               EVENT_SIGNING_KEY=settings.event_signing_key)
    return subprocess.Popen([sys.executable, "-m", "streams.consumer"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def progress(client, settings):
    stored = client.hgetall(keys.checkpoints(settings.consumer_group, settings.events_topic))
    return sum(int(v) for v in stored.values())


def test_sigkill_at_random_points_counts_nothing_twice_and_loses_nothing(
        kafka_bootstrap, redis_url, redis_client, settings_factory, tmp_path):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=2)
    messages, _ = generate(seed=3, count=12_000, now_ms=int(time.time() * 1000), schools=SCHOOLS)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    total = sum(ends.values())
    rng = random.Random(2026)
    kills = 0
    with open(tmp_path / "consumer.log", "wb") as log:
        while kills < 4:
            process = consumer_process(settings, log)
            start = progress(redis_client, settings)
            # The kill lands at a random point of the stream, not of the clock: one consumer reads
            # the whole topic in well under a second, so a random sleep after its first batch often
            # found it done. Then a few random milliseconds more: mid-batch, mid-transaction, or not.
            target = start + rng.uniform(0.02, 0.15) * total
            deadline = time.monotonic() + 60
            while progress(redis_client, settings) < target and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.02))
            done = progress(redis_client, settings)
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            assert start < done < total, "the kill did not land inside the stream"
        process = consumer_process(settings, log)
        try:
            wait_consumed(redis_client, settings, ends, timeout=120)
        finally:
            process.terminate()
            process.wait(30)

    _, clean_client = clean_pass(settings_factory, settings, redis_url, ends)
    survived = dump_aggregates(redis_client, SCHOOLS)
    assert survived and survived == dump_aggregates(clean_client, SCHOOLS)


def test_a_rebalance_between_two_consumers_counts_nothing_twice(
        kafka_bootstrap, redis_url, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, poll_max_records=50)
    make_topic(kafka_bootstrap, settings, partitions=4)
    # The stream holds its last chunks back until the second member has read, however long the
    # group takes to settle: events are still arriving both when it joins and when it leaves.
    messages, _ = generate(seed=5, count=16_000, now_ms=int(time.time() * 1000), schools=SPREAD_SCHOOLS)
    before_join, chunk_size, held_back = 6000, 250, 4
    ends: dict[int, int] = {}
    shared, second_reading = threading.Event(), threading.Event()

    def send(chunk):
        for p, end in produce(kafka_bootstrap, settings.events_topic, chunk).items():
            ends[p] = max(ends.get(p, 0), end)
        time.sleep(0.4)

    def trickle():
        for start in range(0, before_join, 500):
            send(messages[start:start + 500])
        shared.wait(60)  # the rest only once both members hold partitions, however slow the join
        rest = [messages[i:i + chunk_size] for i in range(before_join, len(messages), chunk_size)]
        while len(rest) > held_back and not second_reading.is_set():
            send(rest.pop(0))
        second_reading.wait(60)
        for chunk in rest[:held_back]:
            send(chunk)  # a few more while the second leaves

    producer = threading.Thread(target=trickle)
    with running_aggregator(settings) as first:
        producer.start()
        with running_aggregator(settings) as second:  # joins: the partitions are shared out
            deadline = time.monotonic() + 60
            while not (first.consumer.assignment() and second.consumer.assignment()):
                assert time.monotonic() < deadline, "the second consumer never got partitions"
                time.sleep(0.1)
            shared.set()
            deadline = time.monotonic() + 60
            while not second.events_seen:
                assert time.monotonic() < deadline, "the second consumer never got events"
                time.sleep(0.1)
            second_reading.set()
            assert producer.is_alive(), "the producer stopped before the second member read"
        # the second leaves while events still arrive: its partitions go back to the first
        producer.join()
        wait_consumed(redis_client, settings, ends, timeout=120)
    assert second.events_seen > 0 and first.events_seen > 0

    clean, clean_client = clean_pass(settings_factory, settings, redis_url, ends)
    assert dump_aggregates(redis_client, SPREAD_SCHOOLS) == dump_aggregates(clean_client, SPREAD_SCHOOLS)
    assert dead_letter_counts(redis_client, settings, ends) == dead_letter_counts(clean_client, clean, ends)


def test_redis_unreachable_mid_stream_loses_nothing(kafka_bootstrap, redis_url, settings_factory, tmp_path,
                                                    caplog):
    """Redis hangs (SIGSTOP: it stops answering, as on a network partition) while events flow;
    the consumer waits and retries, and once Redis answers again the totals are exact."""
    port = local_services.free_port()
    server = local_services.start_redis(port, tmp_path / "redis")
    try:
        settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap,
                                    redis_url=f"redis://127.0.0.1:{port}/0", poll_max_records=100)
        client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        make_topic(kafka_bootstrap, settings, partitions=2)
        messages, _ = generate(seed=13, count=6000, now_ms=int(time.time() * 1000), schools=SCHOOLS)
        with running_aggregator(settings):
            ends = produce(kafka_bootstrap, settings.events_topic, messages[:3000])
            wait_consumed(client, settings, ends)
            server.send_signal(signal.SIGSTOP)
            more = produce(kafka_bootstrap, settings.events_topic, messages[3000:])
            time.sleep(7)  # longer than the client's 5 s socket timeout
            server.send_signal(signal.SIGCONT)
            wait_consumed(client, settings, {p: max(ends.get(p, 0), e) for p, e in more.items()})
            ends = {p: max(ends.get(p, 0), more.get(p, 0)) for p in set(ends) | set(more)}
        assert "Redis unavailable" in caplog.text  # the outage was felt, and retried
        _, clean_client = clean_pass(settings_factory, settings, redis_url, ends)
        assert dump_aggregates(client, SCHOOLS) == dump_aggregates(clean_client, SCHOOLS)
    finally:
        server.send_signal(signal.SIGCONT)
        local_services.stop(server)
