"""What every long-running stream process does first: its log level, its settings, and a stop
flag that SIGINT and SIGTERM set, so the loop finishes its batch and closes its clients."""
from __future__ import annotations

import argparse
import logging
import signal
import threading

from queries.settings import Settings


def start_process(description: str, argv: list[str] | None = None) -> tuple[Settings, threading.Event]:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return Settings.from_env(), stop
