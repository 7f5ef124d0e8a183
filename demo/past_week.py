"""The demo's past week: `make run` starts with seven days already counted, so a first look at the
wall shows a day of hourly trends and a week of totals, not 24 empty bars.

`send_past_week` writes the simulator's own stream (the demo schools' realistic mix, demo/
campus_stream.py: school bells, visitors, sensors, alarms and their handling) for the last seven days
to the events topic, each message at its past time; `python -m demo past-week` sends it and counts it
through the rebuild's fast path (streams/rebuild.py), before the consumers and the live simulator
start. Its rate (DEMO_PAST_RATE, 0.1 events/s: ~60,000 events) is far below the live simulator's
20/s: sending costs ~95 µs an event here (the simulator's Python ~40, kafka-python's send ~55, on
top of a few seconds for the simulated week's clock) and counting ~33, so a week at 1/s held
`make run`'s start up by 80 s and 0.25/s by 39 s; the hourly bars still show the campus day's
shape, at a lower level than the live hour's.
"""
from __future__ import annotations

import logging
import time

from demo.campus_stream import simulate_labelled
from demo.simulator import simulated_headers
from kernel import connections, proof
from kernel.clock import DAY_MS, WINDOW_MS
from kernel.settings import Settings
from streams.alert_rules import load_rules

log = logging.getLogger("demo.past_week")
# The week starts this long after the oldest time the consumers accept (kernel/clock.py WINDOW_MS),
# so nothing of it is refused as too old while it is being counted, and ends a minute ago.
EDGE_MS = 15 * 60_000
PAST_SEED_OFFSET = 7  # a seed of its own: its ids never meet the live simulator's


def week_span(now_ms: int, days: int = 7) -> tuple[int, int]:
    """(first, end) epoch ms of the past stream: the last `days` days within the window."""
    return max(now_ms - days * DAY_MS, now_ms - WINDOW_MS + EDGE_MS), now_ms - 60_000


def send_past_week(settings: Settings, *, rate: float | None = None, now_ms: int | None = None,
                   days: int = 7, producer=None) -> int:
    """Send the demo schools' last `days` days (valid events only) at `rate` (default
    DEMO_PAST_RATE) to the events topic; returns how many messages were sent."""
    rate = settings.demo_past_rate if rate is None else rate
    if rate <= 0:
        return 0
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    first, end = week_span(now_ms, days)
    stream = simulate_labelled(settings.schools, seed=settings.simulator_seed + PAST_SEED_OFFSET, start_ms=first,
                               rate=rate, bad_rate=0.0, tz=settings.tz, rules=load_rules(settings.alert_rules_file),
                               max_event_bytes=settings.max_event_bytes)
    own = producer is None
    producer = producer or connections.kafka_producer(settings, linger_ms=20, batch_size=512 * 1024,
                                                      metrics_enabled=False)
    signing = proof.keys_from(settings.event_signing_key)
    topic, sent = settings.events_topic, 0
    try:
        for message in stream:
            if message.clock_ms >= end:
                break
            producer.send(topic, value=message.payload, key=message.school.encode(),
                          headers=simulated_headers(message, signing))
            sent += 1
        producer.flush(timeout=60)
    finally:
        if own:
            producer.close(timeout=10)
    return sent


def topic_is_empty(settings: Settings) -> bool:
    """No event sent yet (a fresh broker): the past week is sent only then, never twice."""
    from kafka import TopicPartition

    consumer = connections.kafka_consumer(settings, group_id=None)
    try:
        partitions = consumer.partitions_for_topic(settings.events_topic) or set()
        tps = [TopicPartition(settings.events_topic, p) for p in partitions]
        return not tps or not any(consumer.end_offsets(tps).values())
    finally:
        consumer.close()
