"""The wall's history (issue 18): bytes per school per day, and what writing and reading a minute cost.

    python bench/wall_history.py [--rate 20] [--hours 24]

Simulates --hours of campus time with the demo's realistic mix (demo.campus_stream, the three demo
schools together at --rate events/s: the demo's SIMULATOR_RATE is 20), validating every message and
applying it through the consumer's own write path (SchoolStore.apply) into a fresh redis-server, in
event-time order. Each time the virtual clock passes a minute's end, the recorder's history writer
(streams/wall_history.HistoryWriter) takes that minute of every school into a fresh SQLite ledger, with
the summary the web app computes (queries.wall_summary.full_summary, the shipped alert deadlines, and
the ledger's figures refreshed every 30 s as the recorder keeps them: synthetic but of the real shape,
with a listed hazard and a month of inspections). Then reports: the kept bytes per school per day (the
rows' frames, and the SQLite file), what whole copies would have cost, the writer's time per school and
minute, and summary_at's read time.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from demo.campus_stream import simulate_labelled  # noqa: E402
from devstack import local_services  # noqa: E402
from kernel import contract, keys  # noqa: E402
from kernel.clock import MINUTE_MS  # noqa: E402
from kernel.connections import sql_sessions  # noqa: E402
from kernel.settings import DEFAULT_ALERT_RULES, Settings  # noqa: E402
from ledger import wall_history as wh  # noqa: E402
from ledger.db import migrate  # noqa: E402
from ledger.escalation import Deadlines  # noqa: E402
from ledger.models import WallHistory  # noqa: E402
from queries import wall_summary  # noqa: E402
from queries.ledger import wall_history as kept  # noqa: E402
from streams.aggregation import Planner  # noqa: E402
from streams.alert_rules import load_rules  # noqa: E402
from streams.store import SchoolStore  # noqa: E402
from streams.wall_history import HistoryWriter  # noqa: E402

BATCH = 2000


def ledger_figures(rng: random.Random, at_ms: int, state: dict) -> str:
    """The figures the recorder keeps for the wall (queries.ledger.figures.compute's shape), moving slowly."""
    if rng.random() < 0.05:
        state["open"] = max(0, state["open"] + rng.choice((-1, 1)))
    return json.dumps({
        "computed_at": datetime.fromtimestamp(at_ms / 1000, timezone.utc).isoformat(),
        "hazards": {"by_stage": {"reported": 2, "notified": 3, "rectifying": state["open"], "feedback": 1,
                                 "accepted": 41},
                    "open": state["open"] + 6, "overdue": 2, "due_soon": 1, "major_open": 1,
                    "major_open_by_building": {"chem-north": 1},
                    "listed_supervision": [{"code": "YH-20261120-0a1b2c3d4e", "title": "化学北楼305通风橱失效",
                                            "stage": "rectifying", "overdue": True, "deadline": "2026-12-01"}],
                    "found_365d": 53, "closed_365d": 41, "rectification_rate": 41 / 53},
        "risk": {"by_colour": {"red": 2, "orange": 5, "yellow": 11, "blue": 23},
                 "by_building": {"chem-north": "red", "canteen": "orange", "library": "yellow"}},
        "inspections": {"month": {"done": 40, "missed": 1, "late": 2, "due": 12}},
    }, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="events/s over the three demo schools")
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()

    settings = Settings.from_env(environ={})
    deadlines = Deadlines.load(settings.alert_deadlines_file)
    now = int(time.time() * 1000)
    start = (now - int(args.hours * 3_600_000)) // MINUTE_MS * MINUTE_MS + MINUTE_MS
    rng = random.Random(18)
    with tempfile.TemporaryDirectory() as scratch:
        port = local_services.free_port()
        server = local_services.start_redis(port, Path(scratch))
        engine = create_engine(f"sqlite:///{scratch}/ledger.db")
        migrate(engine)
        empty_bytes = Path(f"{scratch}/ledger.db").stat().st_size
        try:
            client = redis.Redis(port=port, decode_responses=True)
            store = SchoolStore(client, Planner(load_rules(DEFAULT_ALERT_RULES), settings.tz))
            copies: dict[str, int] = defaultdict(int)

            def summary(school: str, at_ms: int) -> dict | None:
                found = wall_summary.full_summary(client, school, now_ms=at_ms, tz=settings.tz,
                                                  group=settings.consumer_group, stale_after_s=30.0,
                                                  deadlines=deadlines, placements={})
                if found is not None:
                    copies[school] += len(json.dumps(found, ensure_ascii=False, separators=(",", ":")).encode())
                return found

            writer = HistoryWriter(sessions=sql_sessions(engine), client=client, summary=summary,
                                   retention_days=90)
            figures_state: dict[str, dict] = defaultdict(lambda: {"open": 4})
            pending: dict[str, list] = defaultdict(list)
            offset, minute, minutes, events = 0, start // MINUTE_MS, 0, 0
            end_minute = now // MINUTE_MS - 1
            write_s: list[float] = []
            stream = simulate_labelled(seed=3, start_ms=start, rate=args.rate, bad_rate=0.0)

            def flush() -> None:
                for school, records in pending.items():
                    store.apply(school, "bench/0", records, records[-1][0] + 1)
                pending.clear()

            for message in itertools.takewhile(lambda m: m.clock_ms // MINUTE_MS <= end_minute, stream):
                while message.clock_ms // MINUTE_MS > minute:  # minute has ended: take it
                    flush()
                    for school in client.smembers(keys.SCHOOLS):  # the recorder refreshes them every 30 s
                        client.set(keys.ledger_figures(school),
                                   ledger_figures(rng, wh.taken_ms(minute), figures_state[school]))
                    began = time.perf_counter()
                    saved = writer.record(minute)
                    if saved:
                        write_s.append((time.perf_counter() - began) / saved)
                    minute += 1
                    minutes += 1
                event = contract.validate(message.payload, now_ms=now, max_bytes=16_384, max_future_ms=300_000,
                                          max_age_ms=7 * 86_400_000)
                offset += 1
                if isinstance(event, contract.Event):
                    pending[event.school].append((offset, event))
                    events += 1
                    if sum(len(r) for r in pending.values()) >= BATCH:
                        flush()
            flush()
            with sql_sessions(engine)() as db:
                rows = db.execute(select(WallHistory.school, func.count(), func.sum(func.length(WallHistory.frames)))
                                  .group_by(WallHistory.school)).all()
                samples = [(school, datetime.fromtimestamp(rng.randrange(start, now - MINUTE_MS) / 1000, timezone.utc))
                           for school, _, _ in rows for _ in range(100)]
                reads = []
                for school, at in samples:
                    began = time.perf_counter()
                    kept.summary_at(db, school, at)
                    reads.append(time.perf_counter() - began)
            file_bytes = Path(f"{scratch}/ledger.db").stat().st_size - empty_bytes
            with engine.connect() as connection:
                connection.exec_driver_sql("VACUUM")
            vacuumed = Path(f"{scratch}/ledger.db").stat().st_size - empty_bytes
            engine.dispose()
        finally:
            local_services.stop(server)
    days = minutes / 1440
    print(f"{events:,} events, {minutes:,} minutes ({days:.2f} days) of {len(rows)} schools at {args.rate:g}/s")
    for school, hours, frames in rows:
        print(f"  {school:<14} {hours:>4} hours  kept {frames / days / 1e3:8.1f} kB/day "
              f"(whole copies {copies[school] / days / 1e6:6.1f} MB/day, {copies[school] / frames:5.0f}x)")
    per_day = sum(frames for _, _, frames in rows) / len(rows) / days
    print(f"kept per school per day: frames {per_day / 1e3:.1f} kB; the SQLite file grew "
          f"{file_bytes / len(rows) / days / 1e3:.1f} kB ({vacuumed / len(rows) / days / 1e3:.1f} kB after VACUUM); "
          f"90 days of one school: {per_day * 90 / 1e6:.1f} MB")
    print(f"writer per school and minute: median {statistics.median(write_s) * 1e3:.1f} ms, "
          f"p95 {statistics.quantiles(write_s, n=20)[18] * 1e3:.1f} ms")
    print(f"summary_at: median {statistics.median(reads) * 1e3:.1f} ms, "
          f"p95 {statistics.quantiles(reads, n=20)[18] * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
