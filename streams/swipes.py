"""Attendance swipes planned by the batch instead of one by one: the same writes as
streams/registers.py would make for them in order, for a fraction of the Python.

Swipes are most of a school's events around the bells (a quarter at 09:00, half at 07:40), and
each cost ~3.5 µs one by one. They need not be: a person's entry in the day's register ends the
batch at their latest swipe by event time (ties to the later message) if that is not older than
the stored entry, else as stored; and the day's counts move by the difference between the entry
before and after the batch, whatever swipes lay between (each step takes away what the step
before added: present by group, seen by group). So per day: each person's latest swipe is picked
in C (a stable sort of the batch's swipes by event time, then a dict that keeps the last), the
people not yet in the register — nearly all of them, in the morning — are counted by (group,
in/out) in C, and only those with a stored entry are compared one by one.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import compress, filterfalse, repeat
from operator import add, attrgetter, getitem, itemgetter
from typing import TYPE_CHECKING

from queries import keys
from streams.catalogue import GROUP
from streams.registers import DAY_KEY_TTL_S

if TYPE_CHECKING:
    from streams.aggregation import Writes

SWIPE_TYPES = frozenset(("attendance.in", "attendance.out"))
_STATE = {"attendance.in": "in", "attendance.out": "out"}
_PRESENT = {group: f"present|{group}" for group in GROUP[2]}
_SEEN = {group: f"seen|{group}" for group in GROUP[2]}
_TS = attrgetter("ts")
_TYPE = attrgetter("type")
_DATA = attrgetter("data")
_STORED = itemgetter(1)
_ENTRY = "{}|{}|{}".format  # the register's value: event time, in/out, group
_TAIL = {t: {group: f"|{state}|{group}" for group in GROUP[2]} for t, state in _STATE.items()}  # after the time
_IN = "attendance.in"


@dataclass
class SwipeDay:
    """A batch's swipes of one local day (most batches: one), as `reads_for` found them."""

    key: str  # the day's register of people (keys.people)
    day: str  # YYYYMMDD
    day_end: int  # epoch second the day ends
    indices: list[int]  # the swipes' places in the batch, in order
    stamps: list[int]  # their event times
    people: list[str]  # their data.person


def swipe_days(school: str, events: list, indices: list[int], stamps: list[int], day_of) -> list[SwipeDay]:
    """The swipes at `indices` of `events` (event times `stamps`, the batch's), by local day."""
    if not indices:
        return []
    times = list(map(stamps.__getitem__, indices))
    first, last = day_of(min(times)), day_of(max(times))
    if first == last:
        groups = {first: (indices, times)}
    else:  # around midnight, or late swipes of the day before: rare
        groups = {}
        for index, ts in zip(indices, times):
            at, of_day = groups.setdefault(day_of(ts), ([], []))
            at.append(index)
            of_day.append(ts)
    days = []
    for (day, day_end), (at, of_day) in groups.items():
        people = list(map(getitem, map(_DATA, map(events.__getitem__, at)), repeat("person")))
        days.append(SwipeDay(keys.people(school, day), day, day_end, at, of_day, people))
    return days


def plan_swipes(writes: Writes, registers: dict[str, dict[str, str | None]], counts: str,
                swipes: SwipeDay, events: list, skip: set[int]) -> None:
    """Add to `writes` what one day's swipes change: the people register `swipes.key` as read
    into `registers` (changed there too, as streams/registers.Registers does) and the day's
    `counts` hash. `skip`: places in the batch of events not to apply (repeats)."""
    indices, people = swipes.indices, swipes.people
    order = sorted(range(len(indices)), key=swipes.stamps.__getitem__)  # stable: ties keep order
    if skip and not skip.isdisjoint(indices):
        order = [place for place in order if indices[place] not in skip]
    latest = dict(zip(map(people.__getitem__, order), order))  # person -> place of their latest
    if not latest:
        return
    values = registers.setdefault(swipes.key, {})
    stored = dict(filter(_STORED, values.items()))
    incr = writes.incr
    entries: dict[str, str] = {}

    # Not in the register yet: each latest swipe applies; seen once, present if in.
    new = list(filterfalse(stored.__contains__, latest)) if stored else list(latest)
    if new:
        swiped = list(map(events.__getitem__, map(indices.__getitem__, map(latest.__getitem__, new))))
        types = list(map(_TYPE, swiped))
        groups = list(map(getitem, map(_DATA, swiped), repeat("group")))
        tails = map(getitem, map(_TAIL.__getitem__, types), groups)
        entries.update(zip(new, map(add, map(str, map(_TS, swiped)), tails)))
        for group, n in Counter(groups).items():
            incr[(counts, _SEEN[group])] += n
        for group, n in Counter(compress(groups, map(_IN.__eq__, types))).items():
            incr[(counts, _PRESENT[group])] += n

    # In the register: the latest swipe applies if not older than the entry.
    for person in filter(stored.__contains__, latest) if stored else ():
        event = events[indices[latest[person]]]
        current = stored[person].split("|")
        if event.ts < int(current[0]):
            continue  # late: changes nothing
        group, state, old_group = event.data["group"], _STATE[event.type], current[2]
        if current[1] == "in":
            incr[(counts, _PRESENT.get(old_group) or f"present|{old_group}")] -= 1
        if state == "in":
            incr[(counts, _PRESENT[group])] += 1
        if old_group != group:
            incr[(counts, _SEEN.get(old_group) or f"seen|{old_group}")] -= 1
            incr[(counts, _SEEN[group])] += 1
        entries[person] = _ENTRY(event.ts, state, group)

    if entries:
        writes.expire_at[counts] = writes.expire_at[swipes.key] = swipes.day_end + DAY_KEY_TTL_S
        values.update(entries)
        deleted = writes.hdel.get(swipes.key)
        if deleted:
            deleted.difference_update(entries)
        writes.hset[swipes.key].update(entries)
