"""`python -m streams.health <part>`: is this container's stream process still turning its loop?

    python -m streams.health aggregator      # also: consumer (the compose service's name)
    python -m streams.health recorder [--max-age SECONDS]
    python -m streams.health notifier

Exit 0 when `<HEARTBEAT_DIR>/<part>.beat` was touched within HEARTBEAT_STALE_SECONDS (or
--max-age), 1 otherwise, with one line saying which: compose's healthcheck (docker-compose.yml).
It reads a file only, so it answers while Redis or Kafka are down: those are /healthz's to report;
this one asks whether the process itself is alive and not wedged.
"""
from __future__ import annotations

import argparse
import sys

from kernel.heartbeat import PARTS, age_s, beat_file
from kernel.settings import Settings, SettingsError

ALIASES = {"consumer": "aggregator"}


def check(part: str, settings: Settings, max_age_s: float | None = None,
          now: float | None = None) -> tuple[bool, str]:
    """(healthy, the line to print)."""
    part = ALIASES.get(part, part)
    path = beat_file(settings.heartbeat_dir, part)
    limit = settings.heartbeat_stale_seconds if max_age_s is None else max_age_s
    age = age_s(path, now)
    if age is None:
        return False, f"{part}: no heartbeat yet ({path} does not exist)"
    if age > limit:
        return False, (f"{part}: last heartbeat {age:.0f} s ago (more than {limit:g} s): "
                       "the loop is stuck or gone")
    return True, f"{part}: ok, last heartbeat {age:.1f} s ago"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Health check of a stream process, by its heartbeat file")
    parser.add_argument("part", choices=PARTS + tuple(ALIASES))
    parser.add_argument("--max-age", type=float, help="seconds (default HEARTBEAT_STALE_SECONDS)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"{args.part}: {exc}", file=sys.stderr)
        return 1
    healthy, line = check(args.part, settings, args.max_age)
    print(line, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
