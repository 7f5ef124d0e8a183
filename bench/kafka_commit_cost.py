"""CPU of one asynchronous offset commit to Kafka, request to callback, all threads of the process.

    python bench/kafka_commit_cost.py [--commits 200] [--rounds 6] [--partitions 6]

The aggregator commits its checkpoints to Kafka for monitoring (streams/consumer.py); this says
what each commit costs, to choose how often. Starts its own Tansu broker (or uses
KAFKA_BOOTSTRAP_SERVERS), joins a consumer group over a topic, then alternates, round by round:
  commit    - commit_async of every assigned partition's offset, poll(0), sleep 20 ms, n times,
              then polls until every callback has come;
  poll only - poll(0), sleep 20 ms, n times: the same loop without the commit (the ceiling).
Reports the median of each round's process CPU a loop, and their difference: one commit's cost.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kafka import KafkaConsumer, OffsetAndMetadata  # noqa: E402

from devstack import local_services  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--partitions", type=int, default=6)
    args = parser.parse_args()
    started = []
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        port = local_services.free_port()
        started.append(local_services.start_broker(port))
        bootstrap = f"127.0.0.1:{port}"
    try:
        topic = f"commit-cost-{time.time_ns()}"
        local_services.create_topic(bootstrap, topic, args.partitions)
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=topic, enable_auto_commit=False,
                                 session_timeout_ms=10_000, heartbeat_interval_ms=1_000)
        consumer.subscribe([topic])
        while not consumer.assignment():
            consumer.poll(timeout_ms=100)
        assigned = sorted(consumer.assignment())
        answered, failed = [0], []

        def callback(_offsets, response):
            answered[0] += 1
            if isinstance(response, Exception):
                failed.append(type(response).__name__)

        rounds: dict[str, list[float]] = {"commit": [], "poll only": []}
        for _ in range(args.rounds):
            for mode in rounds:
                answered[0] = 0
                cpu = time.process_time()
                for i in range(args.commits):
                    if mode == "commit":
                        consumer.commit_async({tp: OffsetAndMetadata(i, "", -1) for tp in assigned},
                                              callback=callback)
                    consumer.poll(timeout_ms=0)
                    time.sleep(0.02)
                deadline = time.monotonic() + 30
                while mode == "commit" and answered[0] < args.commits and time.monotonic() < deadline:
                    consumer.poll(timeout_ms=5)
                if mode == "commit" and answered[0] < args.commits:
                    raise SystemExit(f"only {answered[0]} of {args.commits} commits answered")
                rounds[mode].append((time.process_time() - cpu) / args.commits * 1e6)
        consumer.close()
        for mode, values in rounds.items():
            print(f"{mode:9}: median {statistics.median(values):5.0f} µs of process CPU a loop "
                  f"({', '.join(f'{v:.0f}' for v in values)})")
        cost = statistics.median(c - p for c, p in zip(rounds["commit"], rounds["poll only"]))
        if failed:
            print(f"failed commits: {len(failed)} ({', '.join(sorted(set(failed)))})")
        print(f"one commit of {len(assigned)} partitions: {cost:.0f} µs of process CPU (median of the rounds' "
              f"differences); at one a second, {cost / 1e4:.3f} % of a core")
    finally:
        for process in started:
            local_services.stop(process)


if __name__ == "__main__":
    main()
