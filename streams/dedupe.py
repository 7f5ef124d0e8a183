"""Dedupe as pure functions: which events of a batch repeat an event already counted.

Senders may deliver an event twice (docs/events.md: ids are unique per sender). Each event id
stands as a 64-bit digest in a Redis set per school, event hour and shard (`keys.seen`); the store
asks which of a batch's digests are stored and adds the new ones in the batch's transaction
(streams/store.py). Here: the digests, the dedupe key each one goes in, and which events to skip.

This runs once per event on the consumer's hot path, so each step is one loop in C over the whole
batch (`map`, numpy); only repeats, which are rare, are looked at one by one.
"""
from __future__ import annotations

from operator import attrgetter

import numpy as np
from xxhash import xxh3_64_intdigest

from kernel import keys
from kernel.clock import HOUR_MS

SEEN_SHARDS = 128
# Redis keeps an all-integer set this small as an intset (8 bytes a digest); past it, a hash table of
# ~50 bytes a digest. Its default, 512, held ~65k events an hour per school: a school at 24 events/s
# (the demo university at 30/s) cost 51 bytes an event in dedupe instead of 9. 2,048 holds 260k an
# hour; the product's Redis is started with it (devstack, docker-compose.yml), and the consumer says
# so at start when its Redis has less (streams/store.py).
INTSET_ENTRIES = 2048
# A digest's shard is its top 7 bits, so sorting a batch's digests (in C) lines the shards up.
_SHARD_SHIFT = 57
_SHARD_BOUNDS = [(shard - SEEN_SHARDS // 2) << _SHARD_SHIFT for shard in range(SEEN_SHARDS + 1)]
# Where each shard starts, as int64 (the last bound, 2**63, is one past int64: the end instead).
_SHARD_STARTS = np.array(_SHARD_BOUNDS[:-1], dtype=np.int64)
_SIGNED = 1 << 63
_TO_SIGNED = (-_SIGNED).__add__
_ID = attrgetter("id")


def shard_of(mark: int) -> int:
    return (mark >> _SHARD_SHIFT) + SEEN_SHARDS // 2


def digest(event_id: str) -> int:
    """A signed 64-bit integer standing for an event id in the dedupe sets (ids may be 128
    characters; integers keep the sets in Redis's compact intset form). xxh3: ~0.1 µs an id,
    where blake2b took ~0.6."""
    return xxh3_64_intdigest(event_id.encode()) - _SIGNED


def digests_of(events: list) -> list[int]:
    """`digest` of each event's id, in order."""
    return list(map(_TO_SIGNED, map(xxh3_64_intdigest, map(str.encode, map(_ID, events)))))


class DedupeGroups:
    """A batch's digests by dedupe key: `members[key]` the digests that go in it, ascending
    (repeats within the batch included), `hour[key]` the event hour it belongs to, `repeated`
    the digests more than one event of the batch has.

    Grouped in numpy: sorting the batch's digests as Python ints, taking the late events of an
    earlier hour out one by one and finding repeats cost ~0.45 µs an event in the consumer; as
    int64 arrays ~0.15. A sort by digest lines up each hour's shards (a shard is the top bits)."""

    __slots__ = ("members", "hour", "repeated")

    def __init__(self, school: str, digests: list[int], stamps: list[int]):
        self.members: dict[str, list[int]] = {}
        self.hour: dict[str, int] = {}
        self.repeated: set[int] = set()
        if not digests:
            return
        marks = np.array(digests, dtype=np.int64)
        ordered = np.sort(marks)
        same = ordered[1:] == ordered[:-1]
        if same.any():  # a sender repeated itself: rare
            self.repeated = set(ordered[1:][same].tolist())
        first, last = min(stamps) // HOUR_MS, max(stamps) // HOUR_MS
        if first == last:  # the usual batch
            self._cut(school, first, ordered)
            return
        # Late events of an earlier hour (1 % of events, in most batches of an hour's first ten
        # minutes), or a batch across the hour: by hour, then by digest.
        hours = np.array(stamps, dtype=np.int64) // HOUR_MS
        order = np.lexsort((marks, hours))
        by_hour, marks = hours[order], marks[order]
        starts = [0, *(np.flatnonzero(by_hour[1:] != by_hour[:-1]) + 1).tolist(), len(order)]
        for begin, end in zip(starts, starts[1:]):
            self._cut(school, int(by_hour[begin]), marks[begin:end])

    def _cut(self, school: str, hour: int, ordered: np.ndarray) -> None:
        """Cut an hour's sorted digests at the shard bounds."""
        cuts = np.searchsorted(ordered, _SHARD_STARTS).tolist() + [len(ordered)]
        values = ordered.tolist()
        for shard in range(SEEN_SHARDS):
            if cuts[shard] < cuts[shard + 1]:
                key = keys.seen(school, hour, shard)
                self.members[key] = values[cuts[shard]:cuts[shard + 1]]
                self.hour[key] = hour


def repeats(school: str, digests: list[int], stamps: list[int], repeated: set[int],
            stored: dict[str, set[int]]) -> set[int]:
    """Indexes of the events to skip: repeats of an earlier event of the batch (same digest) or
    of one already stored (`stored`: per dedupe key, the batch's digests found in it)."""
    if not repeated and not stored:
        return set()  # the usual batch
    # Only events whose digest repeats in the batch or is stored can be repeats: look at those.
    suspects = repeated.union(*stored.values())
    skip, seen_now = set(), set()
    for index in [i for i, mark in enumerate(digests) if mark in suspects]:
        mark = digests[index]
        key = keys.seen(school, stamps[index] // HOUR_MS, shard_of(mark))
        if mark in seen_now or mark in stored.get(key, ()):
            skip.add(index)
        else:
            seen_now.add(mark)
    return skip


def without(members: dict[str, list[int]], school: str, digests: list[int], stamps: list[int],
            skip: set[int]) -> dict[str, list[int]]:
    """The digests to add per dedupe key: `members` less each skipped event's digest, once (a
    repeat within the batch leaves the first one's). Lists that lose nothing stay the same
    objects, which lets the store send their text once for both the check and the add."""
    kept = dict(members)
    for index in skip:
        mark = digests[index]
        key = keys.seen(school, stamps[index] // HOUR_MS, shard_of(mark))
        left = kept[key]
        if left is members[key]:
            left = kept[key] = list(left)
        left.remove(mark)
        if not left:
            del kept[key]
    return kept
