"""`python -m streams rebuild`'s speed: seconds per million events, replayed, counted and switched.

    python bench/rebuild.py [--events 1000000] [--runs 3] [--partitions 3] [--hour H]

Starts its own Tansu broker and redis-server on free ports (or uses KAFKA_BOOTSTRAP_SERVERS and
REDIS_URL), fills a topic with simulated campus events ending now (the simulator's realistic mix at
2,000 events/s of event time, no bad messages: bench/consumer_throughput.py's stream; --hour H takes
it from H:00 school time of the latest weekday, when more events update a register), then runs the
rebuild `--runs` times in this process, each over the aggregates the one before switched in (the
first over empty ones), and prints each run's time, the median, and the median per million events.
The machine is shared and noisy: medians; the CPU of this process is printed to tell a slowed
machine from a slow rebuild.
"""
from __future__ import annotations

import argparse
import io
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import redis  # noqa: E402
from consumer_throughput import broker_and_redis, fill_topic  # noqa: E402

from kernel.settings import Settings  # noqa: E402
from streams.rebuild import Rebuild  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--hour", type=int, choices=range(24), metavar="H")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, broker_and_redis(Path(scratch)) as (bootstrap, redis_url):
        topic = f"bench-rebuild-{time.time_ns()}"
        settings = Settings.from_env(
            kafka_bootstrap_servers=bootstrap, redis_url=redis_url, events_topic=topic,
            dead_letter_topic=topic + ".dlq", event_signing_key=secrets.token_urlsafe(32),
            database_url=f"sqlite:///{scratch}/campus.db",
        )
        print(f"filling {topic} with {args.events:,} simulated events ...", flush=True)
        fill_topic(settings, topic, args.events, args.partitions, args.hour)
        client = redis.Redis.from_url(redis_url, decode_responses=True)
        seconds, cpus = [], []
        for run in range(args.runs):
            cpu = time.process_time()
            wall = time.perf_counter()
            report = Rebuild(settings, client=client, out=io.StringIO()).run()
            seconds.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            print(f"run {run + 1}: {report.events:,} events in {seconds[-1]:.1f} s "
                  f"({report.events / seconds[-1]:,.0f}/s; read to switched {report.seconds:.1f} s), "
                  f"{len(report.schools)} schools switched, CPU of this process {cpus[-1]:.1f} s", flush=True)
        median = statistics.median(seconds)
        print(f"median: {median:.1f} s for {args.events:,} events = {median / args.events * 1e6:.1f} s per "
              f"million events (target <= 60); CPU of this process, median {statistics.median(cpus):.1f} s; "
              f"Redis memory {client.info('memory')['used_memory'] / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
