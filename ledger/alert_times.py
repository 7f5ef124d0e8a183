"""How fast alerts were handled: count, mean, median and P90 of the seconds from raised to
acknowledged (or resolved). Pure; the leadership domain page computes the same in SQL
(queries/ledger/lead_domain.py) and its tests hold the two together.

Median and P90 are nearest-rank: the ⌈q·n⌉-th smallest of the n durations, always one of them
(no interpolation), which SQL gets with ORDER BY ... LIMIT 1 OFFSET ⌈q·n⌉ − 1 on any back-end.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


def rank_index(n: int, q: float) -> int:
    """The 0-based position of the nearest-rank q-quantile among n sorted values (n >= 1)."""
    return max(0, math.ceil(q * n) - 1)


@dataclass(frozen=True)
class DurationStats:
    """Seconds from raised to acknowledged (or resolved) over `n` alerts; None figures when n is 0."""

    n: int
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


def duration_stats(seconds: list[float]) -> DurationStats:
    if not seconds:
        return DurationStats(0)
    ordered = sorted(seconds)
    n = len(ordered)
    return DurationStats(n, sum(ordered) / n, ordered[rank_index(n, 0.5)], ordered[rank_index(n, 0.9)])
