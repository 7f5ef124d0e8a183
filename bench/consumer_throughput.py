"""Events/s through one aggregator process, against the raw consume rate of kafka-python.

    python bench/consumer_throughput.py [--events 200000] [--runs 3] [--partitions 3] [--hour H]

Starts its own Tansu broker and redis-server on free ports (or uses KAFKA_BOOTSTRAP_SERVERS and
REDIS_URL), fills a topic with simulated campus events (the simulator's realistic mix, no bad
messages), then alternates, run by run, in the same process:
  raw  - a KafkaConsumer assigned to every partition reads the topic start to end, doing nothing;
  full - the aggregator (validate, dedupe, plan, one MULTI/EXEC per school batch) reads it all
         into a flushed Redis, from its first record to its last checkpoint.
Reports the median of each and their ratio. This machine is shared and noisy: medians, and the
ceiling is measured in the same run. Each side's CPU an event (this process, all threads) is
printed too: both are one Python process whose threads share the GIL, so on a quiet machine the
rates follow it, and a busy machine disturbs it far less than the rates. Of the batch work, the
checkpoint writes are printed apart: with them go, once a second, the aggregator's figures for
/metrics and its heartbeat, and after them its offsets are committed to Kafka (issue 12).

The simulated events cover ~100 s of event time (2,000/s), and the mix is that hour's of a campus
day: at night nearly all are sensor readings that only add to counters; from 06:00 to 22:00 up to
half are attendance swipes, which update a latest-state register (planned together per batch,
streams/swipes.py; other register updates one by one). By default the stream ends now, so the mix,
and the figures, follow the clock; --hour H takes the stream from H:00 school time of the latest
weekday instead. The share of register updates is printed with the figures.
"""
from __future__ import annotations

import argparse
import itertools
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec  # noqa: E402
import redis  # noqa: E402
from kafka import TopicPartition  # noqa: E402

from demo.campus_stream import simulate  # noqa: E402
from devstack import local_services  # noqa: E402
from kernel import connections, contract, keys, proof  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from streams.consumer import Aggregator  # noqa: E402
from streams.registers import REGISTER_TYPES  # noqa: E402

RATE = 2000.0  # events a second of event time
SCHOOL_TZ = ZoneInfo("Asia/Shanghai")  # the simulator's


def stream_start(count: int, hour: int | None) -> int:
    """Epoch ms where the simulated stream starts: so that it ends now, or at `hour`:00 school
    time of the latest weekday whose stream has ended by now."""
    now_ms = int(time.time() * 1000)
    span_ms = int(count / RATE * 1000)
    if hour is None:
        return now_ms - span_ms
    start = datetime.now(SCHOOL_TZ).replace(hour=hour, minute=0, second=0, microsecond=0)
    while start.weekday() >= 5 or start.timestamp() * 1000 + span_ms > now_ms:
        start -= timedelta(days=1)
    return int(start.timestamp() * 1000)


def fill_topic(settings: Settings, topic: str, count: int, partitions: int, hour: int | None) -> dict[int, int]:
    """The simulated duty console's steps are signed as the web app signs them (kernel/proof.py)."""
    keys = proof.keys_from(settings.event_signing_key)
    local_services.create_topic(settings, topic, partitions)
    producer = connections.kafka_producer(settings, linger_ms=20, batch_size=256 * 1024)
    start_ms = stream_start(count, hour)
    stream = simulate(seed=1, start_ms=start_ms, rate=RATE, bad_rate=0.0)
    registered = 0
    for school, payload in itertools.islice(stream, count):
        producer.send(topic, key=school.encode(), value=payload, headers=proof.sign_if_needed(payload, keys))
        registered += msgspec.json.decode(payload)["type"] in REGISTER_TYPES
    producer.flush()
    print(f"stream from {datetime.fromtimestamp(start_ms / 1000, SCHOOL_TZ):%a %Y-%m-%d %H:%M} school time; "
          f"{registered / count:.1%} of the events update a latest-state register",
          flush=True)
    producer.close()
    consumer = connections.kafka_consumer(settings, group_id=None)
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    ends = {tp.partition: offset for tp, offset in consumer.end_offsets(tps).items()}
    consumer.close()
    return ends


def raw_rate(settings: Settings, topic: str, ends: dict[int, int], fetch_max_wait_ms: int) -> tuple[float, float]:
    """Messages/s, and CPU µs a message of this process (all its threads); the aggregator's fetch
    settings (KAFKA_FETCH_MAX_WAIT_MS included), so the ceiling is the same consumer doing nothing."""
    consumer = connections.kafka_consumer(settings, group_id=None, max_poll_records=5000,
                                          fetch_max_wait_ms=fetch_max_wait_ms)
    consumer.assign([TopicPartition(topic, p) for p in ends])
    consumer.seek_to_beginning()
    total, seen, started = sum(ends.values()), 0, None
    while seen < total:
        batch = consumer.poll(timeout_ms=500)
        if batch and started is None:
            started, cpu = time.perf_counter(), time.process_time()
        for records in batch.values():
            for record in records:  # touch every value, as the aggregator must
                _ = record.value
            seen += len(records)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    consumer.close()
    return total / elapsed, cpu / total * 1e6


def aggregator_rate(settings: Settings, client: redis.Redis, ends: dict[int, int],
                    run: int) -> tuple[float, float, float, float, int]:
    """Events/s, CPU µs an event of this process (all its threads), of the batch work alone
    (BatchProcessor.process: our part, kafka-python's poll left out), and of the checkpoint writes
    within it (BatchProcessor.write_checkpoints: since issue 12 with the figures for /metrics, the
    heartbeat and the offsets committed to Kafka), and how many checkpoint writes there were."""
    client.flushdb()
    # Each run reads the same events again: forget the event seconds cached by the run before,
    # as a consumer meets new ones all the time (kernel/contract.py).
    contract._SECONDS.clear()
    settings = Settings.from_env(**{**settings.__dict__, "consumer_group": f"bench-{run}-{time.time_ns()}"})
    aggregator = Aggregator(settings)
    first: list[float] = []
    ours = [0.0]  # thread CPU in the batch work (validate .. send the transaction), not in poll
    process = aggregator.processor.process

    def timed(tp, records):  # the clock starts at the first record, after the group join
        if not first:
            first.extend((time.perf_counter(), time.process_time()))
        started = time.thread_time()
        try:
            return process(tp, records)
        finally:
            ours[0] += time.thread_time() - started

    aggregator.processor.process = timed
    checkpointing = [0.0, 0]
    write = aggregator.processor.write_checkpoints

    def timed_write():
        started = time.thread_time()
        try:
            return write()
        finally:
            checkpointing[0] += time.thread_time() - started
            checkpointing[1] += 1

    aggregator.processor.write_checkpoints = timed_write
    stop = threading.Event()
    thread = threading.Thread(target=aggregator.run, args=(stop,))
    thread.start()
    checkpoints = keys.checkpoints(settings.consumer_group, settings.events_topic)
    while True:
        stored = client.hgetall(checkpoints)
        if all(int(stored.get(str(p), -1)) >= end for p, end in ends.items()):
            break
        time.sleep(0.02)
    elapsed = time.perf_counter() - first[0]
    cpu = time.process_time() - first[1]
    stop.set()
    thread.join()
    total = sum(ends.values())
    return total / elapsed, cpu / total * 1e6, ours[0] / total * 1e6, checkpointing[0] / total * 1e6, checkpointing[1]


@contextmanager
def broker_and_redis(scratch: Path) -> Iterator[tuple[str, str]]:
    """(Kafka bootstrap, Redis URL): KAFKA_BOOTSTRAP_SERVERS and REDIS_URL when set, else a broker and a
    redis-server started here on free ports (data under `scratch`) and stopped on leaving."""
    started = []
    try:
        bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            port = local_services.free_port()
            started.append(local_services.start_broker(port))
            bootstrap = f"127.0.0.1:{port}"
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            port = local_services.free_port()
            started.append(local_services.start_redis(port, scratch))
            redis_url = f"redis://127.0.0.1:{port}/0"
        yield bootstrap, redis_url
    finally:
        for process in started:
            local_services.stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--hour", type=int, choices=range(24), metavar="H",
                        help="the stream from H:00 school time of the latest weekday (default: ends now)")
    args = parser.parse_args()

    env = Settings.from_env()
    with tempfile.TemporaryDirectory() as scratch, broker_and_redis(Path(scratch)) as (bootstrap, redis_url):
        topic = f"bench-{time.time_ns()}"
        settings = Settings.from_env(
            kafka_bootstrap_servers=bootstrap, redis_url=redis_url, events_topic=topic,
            dead_letter_topic=topic + ".dlq", poll_max_records=env.poll_max_records,
            fetch_max_wait_ms=env.fetch_max_wait_ms, event_signing_key=secrets.token_urlsafe(32),
        )
        print(f"filling {topic} with {args.events} simulated events ...", flush=True)
        ends = fill_topic(settings, topic, args.events, args.partitions, args.hour)
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        raw, full, raw_cpu, full_cpu, batch_cpu, checkpoint_cpu = [], [], [], [], [], []
        for run in range(args.runs):
            rate, cpu = raw_rate(settings, topic, ends, settings.fetch_max_wait_ms)
            raw.append(rate)
            raw_cpu.append(cpu)
            rate, cpu, ours, checkpoints, writes = aggregator_rate(settings, client, ends, run)
            full.append(rate)
            full_cpu.append(cpu)
            batch_cpu.append(ours)
            checkpoint_cpu.append(checkpoints)
            print(f"run {run + 1}: raw {raw[-1]:,.0f} msg/s, aggregator {full[-1]:,.0f} events/s; "
                  f"CPU of this process: raw {raw_cpu[-1]:.2f}, aggregator {full_cpu[-1]:.2f} "
                  f"µs an event (its batch work {batch_cpu[-1]:.2f}, of which checkpoint writes "
                  f"{checkpoint_cpu[-1]:.3f} in {writes})", flush=True)
        used = client.info("memory")["used_memory"]
        raw_median, full_median = statistics.median(raw), statistics.median(full)
        print(f"events: {sum(ends.values())}, partitions: {len(ends)}, runs: {args.runs}")
        print(f"raw kafka-python consume (ceiling), median: {raw_median:,.0f} msg/s")
        print(f"aggregator (one process), median:          {full_median:,.0f} events/s")
        print(f"ratio aggregator / raw:                    {full_median / raw_median:.2f}")
        # Both sides are one Python process whose threads share the GIL: on a quiet machine the
        # rates follow their CPU an event, which a busy machine disturbs less than the rates.
        cpu_raw, cpu_full = statistics.median(raw_cpu), statistics.median(full_cpu)
        print(f"CPU an event of the process, median: raw {cpu_raw:.2f} µs, "
              f"aggregator {cpu_full:.2f} µs (raw / aggregator {cpu_raw / cpu_full:.2f}); "
              f"the aggregator's batch work {statistics.median(batch_cpu):.2f} µs, of which "
              f"checkpoint writes {statistics.median(checkpoint_cpu):.3f} µs")
        print(f"Redis memory after the last run: {used / 1e6:.1f} MB "
              f"({used / sum(ends.values()):.0f} bytes per event, dedupe sets included)")


if __name__ == "__main__":
    main()
