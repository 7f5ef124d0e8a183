"""Redis memory of the live aggregates at a realistic event rate, per event and per key family.

    python bench/redis_memory.py [--rate 10] [--hours 24]

Simulates --hours of campus time (the three demo schools together at --rate events/s, ending
now), validates every message and applies it through the consumer's own write path
(SchoolStore.apply, in batches of 5,000) into a fresh redis-server; Kafka plays no part in memory.
Then reports used_memory per event and what each key family holds (MEMORY USAGE of every key).
A week at the same rate holds seven times the dedupe and hour buckets and no more of the rest:
expired buckets leave by themselves.
"""
from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402

from demo.campus_stream import simulate  # noqa: E402
from devstack import local_services  # noqa: E402
from kernel import contract
from kernel.settings import DEFAULT_ALERT_RULES, Settings  # noqa: E402
from streams.aggregation import Planner  # noqa: E402
from streams.alert_rules import load_rules  # noqa: E402
from streams.store import SchoolStore  # noqa: E402

BATCH = 5000


def family(key: str) -> str:
    """`{s:demo-univ}:seen:498748:3f` -> `seen`."""
    return key.split("}:", 1)[-1].split(":", 1)[0] if key.startswith("{s:") else key.split(":", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10.0, help="events/s over all schools")
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()

    settings = Settings.from_env()
    count = int(args.rate * args.hours * 3600)
    now = int(time.time() * 1000)
    start = now - int(args.hours * 3_600_000) + 60_000
    with tempfile.TemporaryDirectory() as scratch:
        port = local_services.free_port()
        server = local_services.start_redis(port, Path(scratch))
        try:
            client = redis.Redis(port=port, decode_responses=True)
            store = SchoolStore(client, Planner(load_rules(DEFAULT_ALERT_RULES), settings.tz))
            baseline = client.info("memory")["used_memory"]
            applied, offset = 0, 0
            stream = simulate(seed=3, start_ms=start, rate=args.rate, bad_rate=0.0)
            while offset < count:
                by_school = defaultdict(list)
                for _, payload in itertools.islice(stream, min(BATCH, count - offset)):
                    event = contract.validate(payload, now_ms=now, max_bytes=16_384,
                                              max_future_ms=300_000, max_age_ms=7 * 86_400_000)
                    if isinstance(event, contract.Event):
                        by_school[event.school].append((offset, event))
                    offset += 1
                for school, records in by_school.items():
                    writes, _ = store.apply(school, "bench/0", records, offset)
                    applied += writes.applied if writes else 0
            used = client.info("memory")["used_memory"] - baseline
            per_family: Counter = Counter()
            keys_per_family: Counter = Counter()
            for key in client.scan_iter(count=1000):
                per_family[family(key)] += client.memory_usage(key, samples=0) or 0
                keys_per_family[family(key)] += 1
        finally:
            local_services.stop(server)
    print(f"{applied:,} events over {args.hours:g} h at {args.rate:g}/s: "
          f"{used / 1e6:.1f} MB, {used / applied:.1f} bytes per event")
    for name, size in per_family.most_common():
        print(f"  {name:<10} {keys_per_family[name]:>7,} keys {size / 1e6:8.2f} MB  {size / applied:6.1f} B/event")


if __name__ == "__main__":
    main()
