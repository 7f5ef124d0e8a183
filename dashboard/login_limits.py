"""Login rate limits: failed sign-ins counted per username and per client address.

5 failures for one username in 15 minutes stop guessing one person's password (from anywhere);
20 from one address stop trying one password on many usernames. A refusal says when to try again
(Retry-After). Counts live in Redis with the window as their TTL, so every web process shares
them; when Redis does not answer, each process counts in a bounded memory of its own rather than
letting guesses through unlimited. A successful sign-in clears its username's count, not the
address's (an office behind one NAT address shares it).

An attempt is counted *before* its password is checked, in one atomic step with the check of the
limit (a Lua script in Redis, a lock in memory), and handed back when it turns out not to be a
failure (the right password, or a ledger that could not answer). Checking first and counting after
the password let 16 parallel guesses at one username check 6 passwords against a limit of 5: all
of them read the count before any had added to it.

The decision is a plain function (`decide`); the counters are thin.
"""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    per_username: int = 5
    per_address: int = 20
    window_s: int = 15 * 60


@dataclass(frozen=True)
class Count:
    failures: int
    retry_after_s: int  # seconds until the count is forgotten (0: nothing counted)


def decide(by_username: Count, by_address: Count, limits: Limits) -> int | None:
    """Seconds to wait before trying again, or None: the attempt may go ahead."""
    waits = [count.retry_after_s for count, limit in ((by_username, limits.per_username),
                                                      (by_address, limits.per_address))
             if count.failures >= limit]
    return max(1, max(waits)) if waits else None


def _key(kind: str, value: str) -> str:
    # A digest: what a client types becomes no part of a key name, and keys stay short.
    return f"campus:login-fail:{kind}:{hashlib.sha256(value.encode('utf-8')).hexdigest()[:32]}"


# KEYS: the username's and the address's counters. ARGV: their limits, the window in seconds.
# Returns 0 when the attempt is let through (and counted), else the seconds to wait.
_ATTEMPT = """
local limits = {tonumber(ARGV[1]), tonumber(ARGV[2])}
local wait = 0
for i = 1, 2 do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n >= limits[i] then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 1 then ttl = tonumber(ARGV[3]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[3]) end
end
return 0
"""
# Hands one counted attempt back (never below zero, the window kept).
_RELEASE = """
for i = 1, #KEYS do
  local n = tonumber(redis.call('GET', KEYS[i]) or '0')
  if n > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
"""


class LoginCounter:
    """Attempts per key in Redis (the window opens at the first), or in memory while Redis cannot be
    reached. `attempt` before the password is checked; `succeeded` or `released` after, when it
    was not a failure."""

    MAX_MEMORY = 10_000  # keys remembered per process while Redis is down; oldest go first

    def __init__(self, client: redis.Redis, limits: Limits = Limits(), clock=time.time):
        self.client, self.limits, self.clock = client, limits, clock
        self._memory: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (attempts, until)
        self._lock = threading.Lock()

    def keys(self, username: str, address: str) -> tuple[str, str]:
        return _key("user", username), _key("addr", address)

    def attempt(self, username: str, address: str) -> int | None:
        """None: the attempt may go ahead, and is counted as a failure until handed back; else the
        seconds to wait (nothing counted)."""
        user_key, addr_key = self.keys(username, address)
        limits = self.limits
        try:
            wait = int(self.client.eval(_ATTEMPT, 2, user_key, addr_key, limits.per_username,
                                        limits.per_address, limits.window_s))
            return max(1, wait) if wait else None
        except redis.RedisError as exc:
            self._warn(exc)
        with self._lock:
            counts = self._remembered(user_key), self._remembered(addr_key)
            wait = decide(*counts, limits)
            if wait is None:
                self._remember(user_key)
                self._remember(addr_key)
            return wait

    def succeeded(self, username: str, address: str) -> None:
        """The right password: the username's count starts again; the attempt is handed back to the
        address."""
        user_key, addr_key = self.keys(username, address)
        try:
            self.client.delete(user_key)
            self.client.eval(_RELEASE, 1, addr_key)
        except redis.RedisError as exc:
            self._warn(exc)
        with self._lock:
            self._memory.pop(user_key, None)
            self._forget_one(addr_key)

    def released(self, username: str, address: str) -> None:
        """The password could not be checked (the ledger did not answer): the attempt is no failure."""
        keys = self.keys(username, address)
        try:
            self.client.eval(_RELEASE, 2, *keys)
        except redis.RedisError as exc:
            self._warn(exc)
        with self._lock:
            for key in keys:
                self._forget_one(key)

    # ---- in memory, while Redis cannot be reached (callers hold the lock) -------------------------

    def _remembered(self, key: str) -> Count:
        now = self.clock()
        attempts, until = self._memory.get(key, (0, now))
        return Count(attempts, int(until - now)) if until > now else Count(0, 0)

    def _remember(self, key: str) -> None:
        now = self.clock()
        attempts, until = self._memory.get(key, (0, now))
        if until <= now:
            attempts, until = 0, now + self.limits.window_s
        self._memory[key] = (attempts + 1, until)
        self._memory.move_to_end(key)
        while len(self._memory) > self.MAX_MEMORY:
            self._memory.popitem(last=False)

    def _forget_one(self, key: str) -> None:
        attempts, until = self._memory.get(key, (0, 0.0))
        if attempts > 1:
            self._memory[key] = (attempts - 1, until)
        else:
            self._memory.pop(key, None)

    @staticmethod
    def _warn(exc: Exception) -> None:
        log.warning("sign-in attempts counted in this process only: Redis unavailable (%s)", type(exc).__name__)
