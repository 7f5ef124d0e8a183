"""How long the web app believes what the ledger last said about a token.

The ledger is asked about a token at most every FRESH_S seconds per web process, so a revocation
takes effect within that time, and a wall asking twice a second costs the ledger one read per
FRESH_S instead of two a second.

When the ledger cannot be reached, a token it found valid within the last GRACE_S seconds stays
valid. The wall reads Redis, not SQL, and is built to keep showing the campus while the ledger
is down; it must not go dark because PostgreSQL restarted or failed over. An hour covers a
restart, a failover and most planned maintenance. The cost is bounded: a token revoked while
this web process cannot reach the ledger (only possible when just the link between them is cut,
since the revocation is itself written to the ledger) is honoured until the link is back or the
hour is over. A token never checked, or checked longer ago, is answered "cannot check now" (503),
not "invalid" (401): its holder did nothing wrong and should retry.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from dashboard.roles import Principal

FRESH_S = 10.0
GRACE_S = 3600.0
# Remembered tokens per process. Walls and API clients are a few dozen; the bound only keeps a
# client sending random tokens from growing the memory (least recently asked ones go first).
MAX_ENTRIES = 4096


class LedgerUnreachable(Exception):
    """The ledger could not be asked whether a token is valid."""


@dataclass(frozen=True)
class Check:
    principal: Principal | None  # None: the ledger knows no such active token
    checked_at: float  # when this was last asked of the ledger (or tried), epoch seconds
    valid_at: float | None  # when the ledger last said the token is valid


class TokenChecks:
    """What the ledger last said about each token, and about each person's session (same rules)."""

    def __init__(self, *, fresh_s: float = FRESH_S, grace_s: float = GRACE_S, max_entries: int = MAX_ENTRIES):
        self.fresh_s, self.grace_s, self.max_entries = fresh_s, grace_s, max_entries
        self._entries: OrderedDict[Hashable, Check] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, key: Hashable, load: Callable[[], Principal | None], *, now: float,
                remembered: Check | None = None, fresh_s: float | None = None) -> Check:
        """What holds for the token under `key`: from memory while fresh, else from `load()` (asks
        the ledger; raises LedgerUnreachable). `remembered` is what the caller knows from elsewhere
        (the signed session cookie, which outlives this process), used like memory when the ledger
        cannot be reached. Raises LedgerUnreachable when neither is recent enough. `fresh_s`: a
        shorter memory for this one question (a wall's stream re-checks its caller with it, so a
        revoked token's screens stop within 10 s: dashboard/wall_stream.py)."""
        with self._lock:
            known = self._entries.get(key)
        fresh = self.fresh_s if fresh_s is None else min(fresh_s, self.fresh_s)
        if known is not None and now - known.checked_at < fresh:
            return known
        try:
            principal = load()
        except LedgerUnreachable:
            recent = [c for c in (known, remembered)
                      if c is not None and c.principal is not None and c.valid_at is not None
                      and now - c.valid_at < self.grace_s]
            if not recent:
                raise
            best = max(recent, key=lambda c: c.valid_at)
            # Marked as checked now: the ledger is tried again after fresh_s, not on every request.
            found = Check(best.principal, now, best.valid_at)
        else:
            found = Check(principal, now, now if principal is not None else None)
        with self._lock:
            self._entries[key] = found
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return found

    def forget(self, key: Hashable) -> None:
        """Drop what is known under `key`: a session ended here is refused here at once."""
        with self._lock:
            self._entries.pop(key, None)
