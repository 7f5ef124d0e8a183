"""A partition the aggregator silently stops reading is noticed, kicked, and if it stays stuck the
process exits for a fresh one (streams/stalls.py, streams/consumer.py)."""
from __future__ import annotations

import logging
import threading
import time

from kafka import TopicPartition

from streams.consumer import EXIT_STALLED, Aggregator
from streams.stalls import STALLED_FETCH_WAIT_MS, StallWatch, fetch_wait
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed


def now_ms() -> int:
    return int(time.time() * 1000)


def test_a_partition_behind_and_not_moving_is_stalled_once_per_period():
    watch = StallWatch(after_s=30)
    assert watch.observe(0, {"p0": 10, "p1": 5}, {"p0": 10, "p1": 50}) == []
    assert watch.observe(29, {"p0": 10, "p1": 5}, {"p0": 12, "p1": 60}) == []
    # p1 stood at 5 for 30 s while behind; p0 is behind only since t=29.
    assert watch.observe(30, {"p0": 10, "p1": 5}, {"p0": 12, "p1": 70}) == ["p1"]
    assert watch.observe(40, {"p0": 10, "p1": 5}, {"p0": 12, "p1": 70}) == []  # not again at once
    assert watch.observe(60, {"p0": 10, "p1": 5}, {"p0": 12, "p1": 70}) == ["p0", "p1"]


def test_moving_or_caught_up_partitions_are_never_stalled():
    watch = StallWatch(after_s=30)
    for t in range(0, 300, 10):
        # p0 reads slowly but reads; p1 is idle at its end (nothing to read is not a stall).
        assert watch.observe(t, {"p0": t, "p1": 7}, {"p0": 10_000, "p1": 7}) == []
    watch.observe(300, {"p0": 300}, {"p0": 10_000})
    assert watch.observe(340, {"p0": 300}, {"p0": 10_000}) == ["p0"]
    watch.forget()  # a Redis outage holds positions on purpose: start over afterwards
    assert watch.observe(350, {"p0": 300}, {"p0": 10_000}) == []


def test_the_aggregator_kicks_a_stalled_partition_and_reads_on(settings_factory, redis_client, kafka_bootstrap,
                                                              caplog):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, stall_after_seconds=1)
    make_topic(kafka_bootstrap, settings, partitions=1)
    tp = TopicPartition(settings.events_topic, 0)
    first = produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(ev.smoke(now_ms() - 1000)))])
    with caplog.at_level(logging.ERROR, logger="streams.stalls"), running_aggregator(settings) as aggregator:
        wait_consumed(redis_client, settings, first, timeout=60)
        # The fetcher stops returning the partition's records, as it did in the hour-long
        # benchmark. A real consumer state (paused), set from outside: the stuck fetch itself
        # cannot be produced on demand.
        configured = fetch_wait(aggregator.consumer)
        assert configured == settings.fetch_max_wait_ms
        aggregator.consumer.pause(tp)
        ends = produce(kafka_bootstrap, settings.events_topic,
                       [("s1", ev.raw(ev.smoke(now_ms() - 500 + n))) for n in range(5)])
        waits = []
        deadline = time.monotonic() + 60
        # Kicked, its fetches get the long wait (the local broker answers a deep fetch only with
        # more time); once near the end again, the configured one back.
        while not (STALLED_FETCH_WAIT_MS in waits and waits[-1] == configured) and time.monotonic() < deadline:
            waits.append(fetch_wait(aggregator.consumer))
            time.sleep(0.05)
        wait_consumed(redis_client, settings, ends, timeout=60)
    assert any("kicking its fetch" in r.getMessage() for r in caplog.records)
    assert STALLED_FETCH_WAIT_MS in waits and waits[-1] == configured, sorted(set(waits))


def test_a_partition_stuck_again_after_its_kick_ends_the_process(settings_factory, redis_client, kafka_bootstrap,
                                                               caplog):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, stall_after_seconds=1)
    make_topic(kafka_bootstrap, settings, partitions=1)
    tp = TopicPartition(settings.events_topic, 0)
    first = produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(ev.smoke(now_ms() - 1000)))])
    aggregator = Aggregator(settings)
    ended: list[BaseException] = []

    def run() -> None:
        try:
            aggregator.run(threading.Event())
        except SystemExit as exit_:
            ended.append(exit_)

    thread = threading.Thread(target=run, daemon=True)
    with caplog.at_level(logging.ERROR, logger="streams.stalls"):
        thread.start()
        wait_consumed(redis_client, settings, first, timeout=60)
        # Stuck for good: whatever the kick does, the partition is paused again at once.
        original_resume = aggregator.consumer.resume
        aggregator.consumer.resume = lambda *tps: (original_resume(*tps), aggregator.consumer.pause(*tps))
        aggregator.consumer.pause(tp)
        produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(ev.smoke(now_ms() - 500)))])
        thread.join(60)
    assert not thread.is_alive() and ended and ended[0].code == EXIT_STALLED
    messages = [r.getMessage() for r in caplog.records]
    assert any("kicking its fetch" in m for m in messages) and any("exiting so a fresh process" in m for m in messages)


def test_the_recorder_kicks_a_stalled_partition_too(settings_factory, redis_client, kafka_bootstrap, caplog):
    """The recorder (a second group over the same topic) watches its partitions the same way."""
    from kernel.connections import sql_engine
    from ledger.db import migrate
    from streams.recorder import Recorder

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, stall_after_seconds=1)
    ledger = sql_engine(settings)
    migrate(ledger)
    ledger.dispose()
    make_topic(kafka_bootstrap, settings, partitions=1)
    tp = TopicPartition(settings.events_topic, 0)
    produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(ev.smoke(now_ms() - 1000)))])
    recorder = Recorder(settings)
    stop = threading.Event()
    thread = threading.Thread(target=recorder.run, args=(stop,), daemon=True)
    with caplog.at_level(logging.ERROR, logger="streams.stalls"):
        thread.start()
        deadline = time.monotonic() + 60
        while recorder.consumer.assignment() == set() or recorder.consumer.position(tp) < 1:
            assert time.monotonic() < deadline, "the recorder never read the first event"
            time.sleep(0.1)
        recorder.consumer.pause(tp)  # the fetcher stops returning the partition's records
        produce(kafka_bootstrap, settings.events_topic,
                [("s1", ev.raw(ev.smoke(now_ms() - 500 + n))) for n in range(3)])
        while recorder.consumer.position(tp) < 4:
            assert time.monotonic() < deadline, "the stalled partition was never read again"
            time.sleep(0.1)
        stop.set()
        thread.join(30)
    assert any("recorder: partition 0 has not moved" in r.getMessage() for r in caplog.records)
