"""A stream process's local heartbeat: a file it touches every loop, for its container's health check.

The consume loops of the aggregator and the recorder touch `<HEARTBEAT_DIR>/<part>.beat` each time
round (at most once a second: a system call, not a round trip). Its age says whether the loop
still turns: a process that hangs (a wedged client, a deadlock) stops touching it although it is
alive, which no `ps` would show. `python -m streams.health <part>` (streams/health.py) reads the age
for compose's healthcheck. The process's heartbeat in Redis, which /healthz reads for every
replica, is sent with its metrics (streams/stream_metrics.py).
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

PARTS = ("aggregator", "recorder", "notifier")  # the notifier: issue 16, its send loop
TOUCH_EVERY_S = 1.0


def beat_file(directory: str | os.PathLike, part: str) -> Path:
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}: one of {', '.join(PARTS)}")
    return Path(directory) / f"{part}.beat"


def age_s(path: Path, now: float | None = None) -> float | None:
    """Seconds since the file was last touched; None when there is no such file."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, (time.time() if now is None else now) - touched)


class Heartbeat:
    """The file one process touches; made (with its folder) on the first beat, not before."""

    def __init__(self, directory: str | os.PathLike, part: str):
        self.path = beat_file(directory, part)
        self._touched = float("-inf")
        self._complained = False

    def beat(self) -> None:
        now = time.monotonic()
        if now - self._touched < TOUCH_EVERY_S:
            return
        self._touched = now
        try:
            try:
                self.path.touch()
            except FileNotFoundError:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
        except OSError as exc:  # the health check will say so; the stream goes on meanwhile
            if not self._complained:
                log.error("cannot touch the heartbeat file %s (%s): health checks will fail", self.path, exc)
                self._complained = True
