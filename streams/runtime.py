"""What every long-running stream process does first: its settings, its logging (kernel/logs.py),
and a stop flag that SIGINT and SIGTERM set, so the loop finishes its batch and closes its clients."""
from __future__ import annotations

import argparse
import signal
import threading

from kernel import logs
from kernel.settings import LOG_LEVELS, Settings


def start_process(process: str, description: str,
                  argv: list[str] | None = None) -> tuple[Settings, threading.Event]:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, help="overrides LOG_LEVEL")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    logs.setup(process, settings, level=args.log_level)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return settings, stop
