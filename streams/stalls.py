"""Noticing a partition the consumer has silently stopped reading. Pure.

Seen in the hour-long wall benchmarks (docs/benchmarks.md, video wall): once the aggregator was
~200k messages behind, fetches of those partitions came back empty, fetch after fetch — no error,
no log line, the consume loop idle in `poll` — while the topic's end moved on at 2,000 events/s.
(Isolated since: the local broker could not answer those fetches within fetch_max_wait_ms=50, and
a fresh consumer stopped at the same offsets; 100 ms did the same 1.3 million messages in, once the
consumer was 30k behind. So a kick also gives this process's fetches STALLED_FETCH_WAIT_MS until
every partition is near its end again, then the configured wait back.)
Whatever the cause, nothing else would ever notice: the process is alive and healthy-looking. So
the consume loop asks, every few seconds, where each assigned partition ends and where it
stands; a partition that stays behind its end without moving for STALL_AFTER_S is stalled. The
loop then kicks it (resume and seek to its own position, which drops the fetcher's state for it)
and, if it is stalled again, exits so the supervisor starts a fresh consumer — safe, because all
state is in Redis and the checkpoints make the restart exactly-once.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

STALL_AFTER_S = 30.0
CHECK_EVERY_S = 5.0
# The exit code a stream process ends with when a partition stays stalled after a kick: `make run`
# (devstack/local_stack.py) and compose (restart: unless-stopped) start a fresh process.
EXIT_STALLED = 75
# The fetch wait while a kicked partition catches up, and how near its end (messages) every
# partition must be for the configured wait to come back.
STALLED_FETCH_WAIT_MS = 1000
NEAR_END = 2000

log = logging.getLogger(__name__)


@dataclass
class StallWatch:
    after_s: float = STALL_AFTER_S
    _standing: dict = field(default_factory=dict)  # partition -> (position, since when)

    def observe(self, now: float, positions: Mapping[Hashable, int], ends: Mapping[Hashable, int]) -> list:
        """The partitions behind their end whose position has not moved for `after_s`; each is
        reported once per `after_s` while it stays so."""
        stalled = []
        for tp, position in positions.items():
            end = ends.get(tp)
            held = self._standing.get(tp)
            if end is None or position >= end:
                self._standing.pop(tp, None)  # at its end: nothing to read is not a stall
                continue
            if held is None or held[0] != position:
                self._standing[tp] = (position, now)  # behind since now, or moving: the clock restarts
                continue
            if now - held[1] >= self.after_s:
                stalled.append(tp)
                self._standing[tp] = (position, now)
        for gone in set(self._standing) - set(positions):
            del self._standing[gone]
        return stalled

    def forget(self) -> None:
        """Start over (after a Redis outage, whose retries hold positions still on purpose)."""
        self._standing.clear()


class StallGuard:
    """The consume loop's side of StallWatch, for any kafka-python consumer: every few seconds
    compare each assigned partition's position with its end; kick a stalled one once (resume, seek
    to its own position: the fetcher drops its state for it); if it stalls again, exit with
    EXIT_STALLED for the supervisor to start a fresh process (all state is in Redis or SQL with
    the offsets, so a restart is exactly-once)."""

    def __init__(self, consumer, after_s: float, name: str):
        self.consumer = consumer
        self.watch = StallWatch(after_s)
        self.name = name  # for the log: which process stalled
        self._kicked: set = set()  # partitions kicked once already; a second stall ends the process
        self._last_check = time.monotonic()
        self.wait_ms = fetch_wait(consumer)  # as configured (KAFKA_FETCH_MAX_WAIT_MS)

    def forget(self) -> None:
        self.watch.forget()

    def check(self) -> None:
        now = time.monotonic()
        if now - self._last_check < min(CHECK_EVERY_S, self.watch.after_s / 3):
            return
        self._last_check = now
        assigned = list(self.consumer.assignment())
        if not assigned:
            return
        try:
            ends = self.consumer.end_offsets(assigned)
            positions = {tp: self.consumer.position(tp) for tp in assigned}
        except Exception as exc:  # noqa: BLE001 - a slow broker: look again next time, never stop reading
            log.debug("stall check skipped (%s)", exc)
            return
        self._kicked &= {tp for tp in assigned if positions[tp] < ends.get(tp, 0)}
        if self.wait_ms is not None and fetch_wait(self.consumer) != self.wait_ms and \
                all(ends.get(tp, 0) - positions[tp] <= NEAR_END for tp in assigned):
            set_fetch_wait(self.consumer, self.wait_ms)
            log.warning("%s: near the end again; fetches wait %d ms again", self.name, self.wait_ms)
        for tp in self.watch.observe(now, positions, ends):
            behind = ends[tp] - positions[tp]
            if tp in self._kicked:
                log.critical("%s: partition %d still not read after a kick (%d messages behind at offset %d); "
                             "exiting so a fresh process takes over", self.name, tp.partition, behind, positions[tp])
                raise SystemExit(EXIT_STALLED)
            log.error("%s: partition %d has not moved for %.0f s while %d messages behind (offset %d); "
                      "kicking its fetch", self.name, tp.partition, self.watch.after_s, behind, positions[tp])
            self._kicked.add(tp)
            if self.wait_ms is not None and self.wait_ms < STALLED_FETCH_WAIT_MS:
                set_fetch_wait(self.consumer, STALLED_FETCH_WAIT_MS)
            self.consumer.resume(tp)
            self.consumer.seek(tp, positions[tp])


def fetch_wait(consumer) -> int | None:
    """The fetch wait the consumer's next fetch asks for; None where it cannot be told."""
    config = getattr(getattr(consumer, "_fetcher", None), "config", None)
    return config.get("fetch_max_wait_ms") if isinstance(config, dict) else None


def set_fetch_wait(consumer, wait_ms: int) -> None:
    """kafka-python (3.x) has no setter; its fetcher reads its own config's fetch_max_wait_ms for
    each fetch request it builds (kafka/consumer/fetcher.py), so the change holds from the next."""
    consumer._fetcher.config["fetch_max_wait_ms"] = wait_ms
