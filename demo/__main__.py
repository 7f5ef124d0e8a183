"""`python -m demo seed [--today YYYY-MM-DD]`: migrate the ledger as `python -m ledger init-db`
does, then load the demo campus into it unless it is there already (`make run`, compose's `demo`
profile, benchmarks). The product never imports this package: the demo reaches a ledger only
through this command. Exit status 0 done, 2 bad use."""
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
    args = parser.parse_args(argv)
    try:
        settings = settings or Settings.from_env()
    except SettingsError as problem:
        print(f"python -m demo: {problem}", file=sys.stderr)
        return 2
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


if __name__ == "__main__":
    sys.exit(main())
