"""Login rate limits: failed sign-ins counted per username and per client address.

5 failures for one username in 15 minutes stop guessing one person's password (from anywhere);
20 from one address stop trying one password on many usernames. A refusal says when to try again
(Retry-After). Counts live in Redis with the window as their TTL, so every web process shares
them; when Redis does not answer, each process counts in a bounded memory of its own rather than
letting guesses through unlimited. A successful sign-in clears its username's count, not the
address's (an office behind one NAT address shares it).

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


class LoginCounter:
    """Failures per key in Redis (SET NX EX, then INCR: the window opens at the first failure), or in
    memory while Redis cannot be reached."""

    MAX_MEMORY = 10_000  # keys remembered per process while Redis is down; oldest go first

    def __init__(self, client: redis.Redis, limits: Limits = Limits(), clock=time.time):
        self.client, self.limits, self.clock = client, limits, clock
        self._memory: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, until)
        self._lock = threading.Lock()

    def keys(self, username: str, address: str) -> tuple[str, str]:
        return _key("user", username), _key("addr", address)

    def retry_after(self, username: str, address: str) -> int | None:
        """None when an attempt may go ahead; else the seconds to wait."""
        user_key, addr_key = self.keys(username, address)
        try:
            pipe = self.client.pipeline(transaction=False)
            for key in (user_key, addr_key):
                pipe.get(key)
                pipe.ttl(key)
            user_n, user_ttl, addr_n, addr_ttl = pipe.execute()
            counts = Count(int(user_n or 0), max(0, user_ttl)), Count(int(addr_n or 0), max(0, addr_ttl))
        except redis.RedisError as exc:
            self._warn(exc)
            counts = self._remembered(user_key), self._remembered(addr_key)
        return decide(*counts, self.limits)

    def failed(self, username: str, address: str) -> None:
        keys = self.keys(username, address)
        try:
            pipe = self.client.pipeline(transaction=True)
            for key in keys:
                pipe.set(key, 0, ex=self.limits.window_s, nx=True)  # the window opens at the first
                pipe.incr(key)
            pipe.execute()
        except redis.RedisError as exc:
            self._warn(exc)
            for key in keys:
                self._remember(key)

    def succeeded(self, username: str) -> None:
        key = _key("user", username)
        try:
            self.client.delete(key)
        except redis.RedisError as exc:
            self._warn(exc)
        with self._lock:
            self._memory.pop(key, None)

    # ---- in memory, while Redis cannot be reached ---------------------------------------------------

    def _remembered(self, key: str) -> Count:
        now = self.clock()
        with self._lock:
            failures, until = self._memory.get(key, (0, now))
        return Count(failures, int(until - now)) if until > now else Count(0, 0)

    def _remember(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            failures, until = self._memory.get(key, (0, now))
            if until <= now:
                failures, until = 0, now + self.limits.window_s
            self._memory[key] = (failures + 1, until)
            self._memory.move_to_end(key)
            while len(self._memory) > self.MAX_MEMORY:
                self._memory.popitem(last=False)

    @staticmethod
    def _warn(exc: Exception) -> None:
        log.warning("login failures counted in this process only: Redis unavailable (%s)", type(exc).__name__)
