"""Attendance swipes and vehicles' gate passes planned by the batch instead of one by one: the
same writes as streams/registers.py would make for them in order, for a fraction of the Python.

Swipes are most of a school's events around the bells (a quarter at 09:00, half at 07:40), and
each cost ~3.5 µs one by one. They need not be: a person's entry in the day's register ends the
batch at their latest swipe by event time (ties to the later message) if that is not older than
the stored entry, else as stored; and the day's counts move by the difference between the entry
before and after the batch, whatever swipes lay between (each step takes away what the step
before added: present by group, seen by group). So per day: each person's latest swipe is picked
in C (a stable sort of the batch's swipes by event time, then a dict that keeps the last), the
people not yet in the register — nearly all of them, in the morning — are counted by group in C,
and only those with a stored entry are compared one by one. Vehicles are the same without groups
(on campus, seen today). Visitors are not: each check-in counts at its gate.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, filterfalse, repeat
from operator import add, attrgetter, getitem, is_, itemgetter
from typing import TYPE_CHECKING

from kernel import figures, keys
from kernel.catalogue import GROUP
from streams.registers import DAY_KEY_TTL_S

if TYPE_CHECKING:
    from streams.aggregation import Writes

@dataclass(frozen=True, eq=False)  # one of each, told apart by identity
class _Kind:
    """What differs between attendance swipes and vehicles' gate passes."""

    name: str  # the data field naming the register's entry
    register: Callable[[str, str], str]  # its key, by school and day
    grouped: bool  # entries carry data.group: present and seen are counted per group
    present: dict[str, str]  # count field of those inside, per group ("" if not grouped)
    seen: dict[str, str]  # count field of those seen today, per group


# Count fields from the figures table (kernel/figures.py), made once.
_PEOPLE = _Kind("person", keys.people, True, {g: figures.PRESENT[g].field for g in GROUP[2]},
                {g: figures.SEEN[g].field for g in GROUP[2]})
_VEHICLES = _Kind("plate", keys.vehicles, False, {"": figures.VEHICLES_ON_CAMPUS.field},
                  {"": figures.VEHICLES_TODAY.field})
_KIND_OF = {"attendance.in": _PEOPLE, "attendance.out": _PEOPLE,
            "vehicle.entry": _VEHICLES, "vehicle.exit": _VEHICLES}
SWIPE_TYPES = frozenset(_KIND_OF)
_INSIDE = frozenset(("attendance.in", "vehicle.entry"))
# The register's value after the event time: "|in|student", "|out"; per type and group.
_TAIL = {t: {g: f"|{'in' if t in _INSIDE else 'out'}" + (f"|{g}" if kind.grouped else "")
             for g in kind.present} for t, kind in _KIND_OF.items()}
_TS = attrgetter("ts")
_TYPE = attrgetter("type")
_DATA = attrgetter("data")
_STORED = itemgetter(1)


@dataclass
class SwipeDay:
    """A batch's swipes of one kind (people, vehicles) and local day, as `reads_for` found them."""

    kind: _Kind
    key: str  # the day's register (keys.people, keys.vehicles)
    day: str  # YYYYMMDD
    day_end: int  # epoch second the day ends
    indices: list[int]  # the swipes' places in the batch, in order
    stamps: list[int]  # their event times
    names: list[str]  # their data.person or data.plate


def swipe_days(school: str, events: list, indices: list[int], stamps: list[int], day_of) -> list[SwipeDay]:
    """The swipes at `indices` of `events` (event times `stamps`, the batch's), by kind and
    local day."""
    if not indices:
        return []
    kinds = list(map(_KIND_OF.__getitem__, map(_TYPE, map(events.__getitem__, indices))))
    times = list(map(stamps.__getitem__, indices))
    first, last = day_of(min(times)), day_of(max(times))
    groups: dict[tuple, tuple[list[int], list[int]]] = {}
    if first == last:
        for kind in (_PEOPLE, _VEHICLES):
            chosen = list(map(is_, kinds, repeat(kind)))
            if any(chosen):
                groups[kind, first] = (list(compress(indices, chosen)), list(compress(times, chosen)))
    else:  # around midnight, or late swipes of the day before: rare
        for index, ts, kind in zip(indices, times, kinds):
            at, of_day = groups.setdefault((kind, day_of(ts)), ([], []))
            at.append(index)
            of_day.append(ts)
    days = []
    for (kind, (day, day_end)), (at, of_day) in groups.items():
        names = list(map(getitem, map(_DATA, map(events.__getitem__, at)), repeat(kind.name)))
        days.append(SwipeDay(kind, kind.register(school, day), day, day_end, at, of_day, names))
    return days


def plan_swipes(writes: Writes, registers: dict[str, dict[str, str | None]], counts: str,
                swipes: SwipeDay, events: list, skip: set[int]) -> None:
    """Add to `writes` what one day's swipes of one kind change: the register `swipes.key` as
    read into `registers` (changed there too, as streams/registers.Registers does) and the day's
    `counts` hash. `skip`: places in the batch of events not to apply (repeats)."""
    kind, indices, names = swipes.kind, swipes.indices, swipes.names
    order = sorted(range(len(indices)), key=swipes.stamps.__getitem__)  # stable: ties keep order
    if skip and not skip.isdisjoint(indices):
        order = [place for place in order if indices[place] not in skip]
    latest = dict(zip(map(names.__getitem__, order), order))  # name -> place of its latest
    if not latest:
        return
    values = registers.setdefault(swipes.key, {})
    stored = dict(filter(_STORED, values.items()))
    incr, present, seen = writes.incr, kind.present, kind.seen
    entries: dict[str, str] = {}

    # Not in the register yet: each latest swipe applies; seen once, present if in.
    new = list(filterfalse(stored.__contains__, latest)) if stored else list(latest)
    if new:
        swiped = list(map(events.__getitem__, map(indices.__getitem__, map(latest.__getitem__, new))))
        types = list(map(_TYPE, swiped))
        groups = list(map(getitem, map(_DATA, swiped), repeat("group"))) if kind.grouped else [""] * len(new)
        tails = map(getitem, map(_TAIL.__getitem__, types), groups)
        entries.update(zip(new, map(add, map(str, map(_TS, swiped)), tails)))
        for group, n in Counter(groups).items():
            incr[(counts, seen[group])] += n
        for group, n in Counter(compress(groups, map(_INSIDE.__contains__, types))).items():
            incr[(counts, present[group])] += n

    # In the register: the latest swipe applies if not older than the entry.
    for name in filter(stored.__contains__, latest) if stored else ():
        event = events[indices[latest[name]]]
        current = stored[name].split("|")
        if event.ts < int(current[0]):
            continue  # late: changes nothing
        group, old_group = (event.data["group"], current[2]) if kind.grouped else ("", "")
        if current[1] == "in":
            incr[(counts, present.get(old_group) or figures.PRESENT_PREFIX + old_group)] -= 1
        if event.type in _INSIDE:
            incr[(counts, present[group])] += 1
        if old_group != group:
            incr[(counts, seen.get(old_group) or figures.SEEN_PREFIX + old_group)] -= 1
            incr[(counts, seen[group])] += 1
        entries[name] = f"{event.ts}{_TAIL[event.type][group]}"

    if entries:
        writes.expire_at[counts] = writes.expire_at[swipes.key] = swipes.day_end + DAY_KEY_TTL_S
        values.update(entries)
        deleted = writes.hdel.get(swipes.key)
        if deleted:
            deleted.difference_update(entries)
        writes.hset[swipes.key].update(entries)
