"""Noticing a partition the consumer has silently stopped reading. Pure.

Seen in the hour-long wall benchmarks (docs/benchmarks.md, video wall): once the aggregator was
~200k messages behind, fetches of those partitions came back empty, fetch after fetch — no error,
no log line, the consume loop idle in `poll` — while the topic's end moved on at 2,000 events/s.
(Isolated since: the local broker cannot serve that deep a backlog within fetch_max_wait_ms=50;
a fresh consumer stops at the same offsets, so the restart below does not cure that cause.)
Nothing else would ever notice: the process is alive and healthy-looking. So
the consume loop asks, every few seconds, where each assigned partition ends and where it
stands; a partition that stays behind its end without moving for STALL_AFTER_S is stalled. The
loop then kicks it (resume and seek to its own position, which drops the fetcher's state for it)
and, if it is stalled again, exits so the supervisor starts a fresh consumer — safe, because all
state is in Redis and the checkpoints make the restart exactly-once.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

STALL_AFTER_S = 30.0
CHECK_EVERY_S = 5.0


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
