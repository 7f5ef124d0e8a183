"""How many events each source key may send: a token bucket per key, in Redis.

A key may send EVENTS_API_RATE events a second on average and a burst of `burst_for(rate)` at
once: at least one full batch, so a source that waits its turn can always send one. A request
costs one token per event it carries (refused ones included: they cost the checks); a request the
bucket cannot pay for is refused whole (429 with Retry-After), nothing of it produced.

The arithmetic is `take`, a plain function; Redis runs the same steps in one Lua script (`TAKE`),
so concurrent requests of one key, on any worker or host, take from the bucket one at a time. The
amounts are integers (thousandths of an event) and the clock is the web process's, passed in:
the script and `take` then give the same answers, step for step (tests/dashboard test both on
the same sequences). A host whose clock runs behind refills nothing until the time recorded.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import redis

from dashboard.event_intake import MAX_EVENTS
from kernel import keys

MILLI = 1000  # tokens are kept in thousandths of an event: integers, the same in Lua and Python


def burst_for(rate: float) -> int:
    """The most events a key may send at once: a second's worth, at least one full batch."""
    return max(math.ceil(rate), MAX_EVENTS)


@dataclass(frozen=True)
class Bucket:
    tokens: int  # thousandths of an event
    at_ms: int  # when `tokens` was counted


def take(bucket: Bucket | None, *, now_ms: int, rate: float, burst: int, cost: int) -> tuple[Bucket, int]:
    """The bucket after asking for `cost` events at `now_ms`, and how many ms to wait before
    asking again (0: taken). A new key starts full."""
    capacity = burst * MILLI
    if bucket is None:
        tokens, at_ms = capacity, now_ms
    else:
        elapsed = max(0, now_ms - bucket.at_ms)
        tokens = min(capacity, bucket.tokens + math.floor(elapsed * rate))  # rate: thousandths per ms
        at_ms = max(bucket.at_ms, now_ms)
    need = cost * MILLI
    if need <= tokens:
        return Bucket(tokens - need, at_ms), 0
    return Bucket(tokens, at_ms), math.ceil((need - tokens) / rate)


# The same steps as `take`, atomically. KEYS[1] the bucket; ARGV now_ms, rate, burst, cost.
TAKE = """
local now, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local capacity, need = tonumber(ARGV[3]) * 1000, tonumber(ARGV[4]) * 1000
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(held[1]), tonumber(held[2])
if tokens == nil or at == nil then
  tokens, at = capacity, now
else
  tokens = math.min(capacity, tokens + math.floor(math.max(0, now - at) * rate))
  at = math.max(at, now)
end
local wait = 0
if need <= tokens then tokens = tokens - need else wait = math.ceil((need - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', string.format('%d', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return wait
"""


class SourceLimits:
    """The buckets of every source key, in the web app's Redis."""

    def __init__(self, client: redis.Redis, rate: float):
        self.rate, self.burst = rate, burst_for(rate)
        self._take = client.register_script(TAKE)

    def wait_ms(self, source_id: int, cost: int, now_ms: int) -> int:
        """0 when the source may send `cost` events now (they are taken from its bucket), else
        the ms to wait. Raises redis.RedisError when Redis does not answer."""
        return int(self._take(keys=[keys.source_rate(source_id)], args=[now_ms, repr(self.rate), self.burst, cost]))
