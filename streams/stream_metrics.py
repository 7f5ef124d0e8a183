"""What a stream process (the aggregator, the recorder) reports about itself, for /metrics and
/healthz: events consumed and applied, how long its batches take, how far behind each of its
partitions is, and that it is alive.

Why in Redis, not on a port of each process: the stream processes are separate containers (two
aggregator replicas, more at will) with no HTTP server, and all of them write to Redis anyway, so
their figures go into their group's keys (kernel/keys.py) in the round trip that writes the
checkpoints, at most once a second, and the web app's /metrics adds them up with one scrape
target for the whole product (docs/operations.md, "Metrics"). Counting is per batch in local
integers; the hot path pays two clock reads and a bisect a batch, nothing per event.

Counters are the group's totals (HINCRBY, all members of the group adding to one hash), so they
survive a member's restart; a Redis rebuilt from the topic starts them over, which Prometheus's
rate() reads as a reset. Dead letters are not counted here: streams/dead_letters.py already counts
them per school and reason, exactly once, and /metrics reads those counts.
"""
from __future__ import annotations

import os
import socket
import time
from bisect import bisect_left

from kernel import keys
from kernel.keys import BATCH_BUCKETS, BUCKET_NAMES

# Upper bounds (seconds) of the batch-time histogram's buckets; "+Inf" is the last.
REPORT_EVERY_S = 1.0
# A process not heard of for this long is dropped from its group's heartbeats (a container
# replaced, a pid gone): the list stays as long as the replicas that ran lately.
FORGET_AFTER_MS = 3_600_000


def instance_name() -> str:
    """This process among its group's members: host (the container's id in compose) and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class StreamMetrics:
    """One process's figures since its last report, and the report itself: commands added to a
    pipeline the caller sends (with its checkpoints, where it has them)."""

    def __init__(self, group: str, topic: str, instance: str | None = None):
        self.group, self.topic = group, topic
        self.instance = instance or instance_name()
        self._counts_key = keys.stream_metrics(group)
        self._lag_key = keys.stream_lag(group, topic)
        self._heartbeats_key = keys.heartbeats(group)
        self.consumed = 0
        self.applied = 0
        self._buckets = [0] * len(BUCKET_NAMES)
        self._seconds = 0.0
        self._batches = 0
        self._lag: dict[int, int] = {}
        self._reported = float("-inf")

    def batch(self, consumed: int, applied: int, seconds: float) -> None:
        """A batch is done: `consumed` records read, `applied` events whose effect landed."""
        self.consumed += consumed
        self.applied += applied
        self._buckets[bisect_left(BATCH_BUCKETS, seconds)] += 1
        self._seconds += seconds
        self._batches += 1

    def lag(self, partition: int, behind: int) -> None:
        """How many messages of the partition are not yet applied, as last seen."""
        self._lag[partition] = max(0, behind)

    def due(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) - self._reported >= REPORT_EVERY_S

    def report(self, pipe, now_ms: int | None = None) -> tuple:
        """Add the report to `pipe` and start counting afresh; returns what was reported, for
        `restore` if the pipeline fails (Redis down: the figures wait for the next report)."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        taken = (self.consumed, self.applied, self._buckets, self._seconds, self._batches)
        if self.consumed:
            pipe.hincrby(self._counts_key, "consumed", self.consumed)
        if self.applied:
            pipe.hincrby(self._counts_key, "applied", self.applied)
        if self._batches:
            for name, count in zip(BUCKET_NAMES, self._buckets):
                if count:
                    pipe.hincrby(self._counts_key, name, count)
            pipe.hincrbyfloat(self._counts_key, "batch_sum", self._seconds)
            pipe.hincrby(self._counts_key, "batch_count", self._batches)
        if self._lag:
            pipe.hset(self._lag_key,
                      mapping={str(p): f"{behind}|{now_ms}" for p, behind in self._lag.items()})
        pipe.zadd(self._heartbeats_key, {self.instance: now_ms})
        pipe.zremrangebyscore(self._heartbeats_key, "-inf", now_ms - FORGET_AFTER_MS)
        self.consumed = self.applied = self._batches = 0
        self._buckets = [0] * len(BUCKET_NAMES)
        self._seconds = 0.0
        self._reported = time.monotonic()
        return taken

    def restore(self, taken: tuple) -> None:
        """Put back figures whose report did not reach Redis."""
        consumed, applied, buckets, seconds, batches = taken
        self.consumed += consumed
        self.applied += applied
        self._buckets = [a + b for a, b in zip(self._buckets, buckets)]
        self._seconds += seconds
        self._batches += batches
        self._reported = float("-inf")

    def forget_partitions(self, partitions) -> None:
        """Partitions this process no longer reads: their lag is their new reader's to report."""
        for partition in partitions:
            self._lag.pop(partition, None)
