"""`python -m demo seed [--today YYYY-MM-DD]`: migrate the ledger as `python -m ledger init-db`
does, then load the demo campus into it unless it is there already (`make run`, compose's `demo`
profile, benchmarks). `python -m demo past-week`: into an empty events topic, the demo schools' last
seven days, counted through the rebuild's fast path (demo/past_week.py; `make run`). The product
never imports this package: the demo reaches a ledger only through this command. Exit status 0 done, 2 bad use."""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from demo.seed import load_demo
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings, SettingsError
from ledger.cli import init_schema
from ledger.grading import GradingRules


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="演示校园 · the demo campus")
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="migrate the ledger, then load the demo campus unless it is there")
    seed.add_argument("--today", type=date.fromisoformat, help="the demo's today (default: today at the schools)")
    commands.add_parser("past-week", help="send the demo schools' last seven days to an empty topic and count them")
    args = parser.parse_args(argv)
    try:
        settings = settings or Settings.from_env()
    except SettingsError as problem:
        print(f"python -m demo: {problem}", file=sys.stderr)
        return 2
    if args.command == "past-week":
        return past_week(settings)
    engine = sql_engine(settings)
    try:
        init_schema(engine)
        rules = GradingRules.load(settings.risk_grading_file)
        today = args.today or datetime.now(settings.tz).date()
        with sql_sessions(engine).begin() as session:
            result = load_demo(session, today=today, rules=rules, tz=settings.tz)
    finally:
        engine.dispose()
    if result.loaded:
        print("demo campus loaded: " + ", ".join(f"{n} {name}" for name, n in result.counts.items()))
    else:
        print("demo campus: already in the ledger, nothing loaded")
    return 0


def past_week(settings: Settings) -> int:
    import time

    from demo.past_week import send_past_week, topic_is_empty
    from streams.rebuild import Rebuild, RebuildFailed

    if not topic_is_empty(settings):
        print("past week: the events topic has events already, nothing sent")
        return 0
    started = time.monotonic()
    sent = send_past_week(settings)
    print(f"past week: {sent:,} events sent in {time.monotonic() - started:.1f} s", flush=True)
    try:
        report = Rebuild(settings, out=sys.stdout).run(switch_timeout_s=60)
    except RebuildFailed as exc:
        print(f"past week: not counted ({exc}; {exc.zh})", file=sys.stderr)
        return 1
    print(f"past week: counted in {report.seconds:.1f} s; {time.monotonic() - started:.1f} s in all", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
