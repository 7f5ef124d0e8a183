"""When the sender tries a message again, and how many it may send a channel now (issue 16). Pure."""
from __future__ import annotations

from datetime import datetime, timedelta

BACKOFF_FIRST_S = 5.0
BACKOFF_CAP_S = 600.0
WINDOW = timedelta(seconds=60)


def backoff(attempts: int, *, first_s: float = BACKOFF_FIRST_S, cap_s: float = BACKOFF_CAP_S) -> timedelta:
    """The wait after the n-th failed attempt (n ≥ 1): 5 s, 10 s, 20 s … doubling, never above the cap."""
    return timedelta(seconds=min(cap_s, first_s * 2 ** max(0, attempts - 1)))


def after_failure(attempts: int, max_attempts: int, now: datetime) -> tuple[str, datetime]:
    """(status, next attempt) for a row that has now failed `attempts` times: failed for good after N."""
    if attempts >= max_attempts:
        return "failed", now
    return "retrying", now + backoff(attempts)


def budget(rate_per_minute: int, sent_at: list[datetime], now: datetime) -> int:
    """How many messages the channel may still take in the minute ending now (a sliding window over
    the delivery log, so a restarted sender and a second sender count the same sends)."""
    recent = sum(1 for at in sent_at if now - at < WINDOW)
    return max(0, rate_per_minute - recent)
