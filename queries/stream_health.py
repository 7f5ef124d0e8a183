"""What the stream processes reported about themselves (streams/stream_metrics.py) and the wall
screens open, read back from Redis for /metrics and /healthz. Reads only; one round trip a group.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import redis

from kernel import keys
from kernel.keys import BATCH_BUCKETS, BUCKET_NAMES

_REASON = re.compile(r"[a-z][a-z0-9_]{0,39}")
OTHER_REASON = "other"


@dataclass
class StreamFigures:
    """One consumer group's figures: totals since they began, the lag of each partition as last
    measured (messages, epoch ms), the last heartbeat of each process (epoch ms), and its dead
    letters by reason."""

    consumed: int = 0
    applied: int = 0
    # per bucket, not cumulative
    batch_buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKET_NAMES))
    batch_sum: float = 0.0
    batch_count: int = 0
    lag: dict[int, tuple[int, int]] = field(default_factory=dict)
    heartbeats: dict[str, int] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)

    def cumulative_buckets(self) -> list[tuple[str, int]]:
        """(le, batches that took at most le seconds), as Prometheus histograms count."""
        bounds = [f"{bound:g}" for bound in BATCH_BUCKETS] + ["+Inf"]
        total, out = 0, []
        for bound, count in zip(bounds, self.batch_buckets):
            total += count
            out.append((bound, total))
        return out

    def alive(self, now_ms: int, stale_after_s: float) -> list[float]:
        """Seconds since each process's last heartbeat, of those heard within stale_after_s,
        youngest first."""
        ages = sorted(max(0.0, (now_ms - at) / 1000) for at in self.heartbeats.values())
        return [age for age in ages if age <= stale_after_s]

    def last_heartbeat_age(self, now_ms: int) -> float | None:
        return max(0.0, (now_ms - max(self.heartbeats.values())) / 1000) if self.heartbeats else None


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def read_group(client: redis.Redis, group: str, topic: str) -> StreamFigures:
    """The group's figures (raises redis.RedisError when Redis cannot be read)."""
    with client.pipeline(transaction=False) as pipe:
        pipe.hgetall(keys.stream_metrics(group))
        pipe.hgetall(keys.stream_lag(group, topic))
        pipe.zrange(keys.heartbeats(group), 0, -1, withscores=True)
        pipe.smembers(keys.dead_letter_partitions(group, topic))
        counts, lag, beats, partitions = pipe.execute()
    letters = []
    if partitions:
        with client.pipeline(transaction=False) as pipe:
            for partition in sorted(partitions, key=str):
                pipe.hgetall(keys.dead_letters(group, topic, partition))
            letters = pipe.execute()
    figures = StreamFigures(consumed=_int(counts.get("consumed")), applied=_int(counts.get("applied")),
                            batch_buckets=[_int(counts.get(name)) for name in BUCKET_NAMES],
                            batch_count=_int(counts.get("batch_count")))
    try:
        figures.batch_sum = float(counts.get("batch_sum") or 0)
    except ValueError:
        figures.batch_sum = 0.0
    for partition, value in lag.items():
        behind, _, at = str(value).partition("|")
        if str(partition).isdigit():
            figures.lag[int(partition)] = (_int(behind), _int(at))
    figures.heartbeats = {str(member): int(score) for member, score in beats}
    for counted in letters:
        for name, count in counted.items():
            if name == "next":
                continue
            reason = name.rpartition("|")[2]  # "<school>|<reason>": schools are not a label
            reason = reason if _REASON.fullmatch(reason) else OTHER_REASON
            figures.dead_letters[reason] = figures.dead_letters.get(reason, 0) + _int(count)
    return figures


def open_wall_screens(client: redis.Redis, now_ms: int, within_ms: int) -> int:
    """Wall screens that asked for changes within the last `within_ms` (dashboard/wall_sync.py)."""
    return int(client.zcount(keys.WALL_SCREENS, now_ms - within_ms, "+inf"))
