"""CPU per event of each step of the aggregator's own work on one batch, without Kafka or Redis.

    python bench/consumer_steps.py [--events 5000] [--reps 20] [--hour H] [--step NAME]

One school's batch of simulated events (the simulator's mix of the hour, as in
consumer_throughput.py), then each pure step REPS times: the best thread CPU time per event. It
complements the end-to-end benchmark, whose figures swing with whatever else runs on the shared
machine: thread time swings less, and instruction counts not at all (run one step under
`valgrind --tool=cachegrind` with --reps 0 and --reps N: the difference over N × events).
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from demo.campus_stream import simulate  # noqa: E402
from kernel import contract  # noqa: E402
from kernel.settings import DEFAULT_ALERT_RULES  # noqa: E402
from streams import resp
from streams.aggregation import Planner, Snapshot  # noqa: E402
from streams.alert_rules import load_rules  # noqa: E402
from streams.store import transaction  # noqa: E402

SCHOOL_TZ = ZoneInfo("Asia/Shanghai")
LIMITS = dict(max_bytes=16_384, max_future_ms=300_000, max_age_ms=7 * 86_400_000)


def batch(count: int, hour: int | None) -> tuple[list[bytes], int]:
    """Simulated messages of one school and the time they are validated at."""
    now = datetime.now(SCHOOL_TZ)
    start = now - timedelta(seconds=count / 2000)
    if hour is not None:
        start = (now - timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
        while start.weekday() >= 5:
            start -= timedelta(days=1)
    stream = simulate(["demo-univ"], seed=1, start_ms=int(start.timestamp() * 1000), rate=2000.0)
    return [payload for _, payload in itertools.islice(stream, count)], int(now.timestamp() * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--hour", type=int, choices=range(24), metavar="H")
    parser.add_argument("--step", help="only this step")
    args = parser.parse_args()

    raws, now_ms = batch(args.events, args.hour)
    planner = Planner(load_rules(DEFAULT_ALERT_RULES), SCHOOL_TZ)
    events = contract.validate_batch(raws, now_ms=now_ms, **LIMITS)[0]
    request = planner.reads_for("demo-univ", events)
    planner.count("demo-univ", events, request)
    texts = {key: resp.integers(members) for key, members in request.seen.items()}
    writes = planner.plan("demo-univ", events, Snapshot(), now_ms, request)

    def count() -> None:
        request.counts = None
        planner.count("demo-univ", events, request)

    def validate() -> None:
        # In a consumer, nearly every batch brings event seconds not seen before (a batch spans
        # ~2.5 s of event time): validate as if this one did, not on the seconds cached by the
        # last pass (the rests, ".123+08:00", repeat from batch to batch).
        contract._SECONDS.clear()
        contract.validate_batch(raws, now_ms=now_ms, **LIMITS)

    steps = {
        "validate": validate,
        "reads_for": lambda: planner.reads_for("demo-univ", events),
        "count": count,
        "plan": lambda: planner.plan("demo-univ", events, Snapshot(), now_ms, request),
        "digest text": lambda: [resp.integers(members) for members in request.seen.values()],
        "transaction": lambda: b"".join(transaction(
            "demo-univ", "t/0", writes, len(events), now_ms,
            texts={key: (request.seen[key], text) for key, text in texts.items()})),
    }
    print(f"{len(events)} events, {len(request.singles)} planned one by one")
    total = 0.0
    for name, step in steps.items():
        if args.step and name != args.step:
            continue
        best = float("inf")
        for _ in range(args.reps):
            started = time.thread_time()
            step()
            best = min(best, time.thread_time() - started)
        total += best
        if args.reps:
            print(f"{name:12s} {best / len(events) * 1e6:6.3f} µs/event")
    if args.reps and not args.step:
        print(f"{'all':12s} {total / len(events) * 1e6:6.3f} µs/event")


if __name__ == "__main__":
    main()
