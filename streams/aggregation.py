"""Rolling aggregates as pure functions: a school's batch of events plus a snapshot of the state
they touch in, the Redis writes that apply them out.

Applying a batch is two steps around one read: `reads_for` names what must be read (the
latest-state registers of the people, visitors, vehicles, devices, hazards and alerts in the
batch, and which of the events' dedupe digests are stored: streams/dedupe.py), the store reads it,
and `plan` turns events + snapshot into `Writes`. The store sends those writes and the partition's
next offset as one transaction that lands only if nothing it read changed meanwhile, which is what
makes the effect exactly-once (streams/store.py). Nothing here does I/O, so it is tested in
microseconds.

This is the consumer's per-event hot path. Every event adds to counters: those are counted over
the whole batch in C, a `Counter` of (minute, type, severity) expanded once per distinct key.
Events that touch a register or may open an alert are also planned one by one, in order, as their
meaning depends on what came before (streams/registers.py); but attendance swipes, a quarter to a
half of the events around the school bells, and vehicles' gate passes are planned together per
day (streams/swipes.py).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import attrgetter, getitem
from zoneinfo import ZoneInfo

import numpy as np

from kernel import keys
from kernel.catalogue import CATALOGUE, DOMAINS, SEVERITIES, SEVERITY_RANK
from kernel.clock import DAY_S, HOUR_MS, MINUTE_MS, day_end_epoch, local_day
from kernel.contract import Event
from streams.alert_rules import AlertRules
from streams.dedupe import DedupeGroups, digests_of, repeats, without
from streams.registers import REGISTER_TYPES, Registers, StatePlanner, register_of
from streams.swipes import SWIPE_TYPES, SwipeDay, plan_swipes, swipe_days

# Buckets outlive their window by an hour, so a reader at the window's edge never misses one.
HOUR_BUCKET_TTL_S = 7 * DAY_S + 3600
MINUTE_BUCKET_TTL_S = DAY_S + 3600
# Hash field names of the count buckets, made once (see kernel/keys.py for the layout).
_DOMAIN_OF = {t: d for t, (d, _) in CATALOGUE.items()}  # validation made sure each event agrees
_TYPE_FIELD = {t: f"{d}|t|{t}" for t, (d, _) in CATALOGUE.items()}
_SEVERITY_FIELD = {(d, s): f"{d}|s|{s}" for d in DOMAINS for s in SEVERITIES}
_MINUTE_FIELD = {d: [f"{d}|{m}" for m in range(60)] for d in DOMAINS}
# (type, severity) as one small integer, for counting in numpy (Planner._count_plain).
_COUNTED = [(t, s) for t in CATALOGUE for s in SEVERITIES]
_COUNT_CODES = len(_COUNTED)
_COUNT_CODE = {t: {s: _COUNTED.index((t, s)) for s in SEVERITIES} for t in CATALOGUE}
_TS = attrgetter("ts")
_TYPE = attrgetter("type")
_SEVERITY = attrgetter("severity")
SWIPE = "swipe"  # the gate of swipes and gate passes, planned together (streams/swipes.py)


@dataclass
class ReadRequest:
    """What must be read from Redis before a batch can be planned, and what `reads_for` worked
    out per event on the way, for `plan` to reuse."""

    registers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Dedupe key -> the digests of the batch's events in it, ascending (repeats within the batch
    # included), and the event hour each dedupe key belongs to.
    seen: dict[str, list[int]] = field(default_factory=dict)
    seen_hour: dict[str, int] = field(default_factory=dict)
    digests: list[int] = field(default_factory=list)  # per event, in order
    stamps: list[int] = field(default_factory=list)  # per event, its time (epoch ms)
    repeated: set[int] = field(default_factory=set)  # digests more than one event has
    # Filled in by `Planner.count`, which needs no reads (the store runs it while Redis answers):
    # the events skipped as repeats within the batch, and the counts of the others by (minute,
    # type, severity), each under its own severity (an alert may raise it: `plan` moves those).
    skip: set[int] | None = None
    counts: Counter | None = None
    # The events planned one by one, in order: index, and register (key, field) or None. They
    # are in `counts` too, under their own severity.
    singles: list[tuple[int, tuple[str, str] | None]] = field(default_factory=list)
    # Attendance swipes and vehicles' gate passes, planned together per kind and local day
    # (streams/swipes.py).
    swipes: list[SwipeDay] = field(default_factory=list)


@dataclass
class Snapshot:
    """The answers to a ReadRequest. `seen` holds, per dedupe key, the batch's digests that are
    already stored (usually none)."""

    seen: dict[str, set[int]] = field(default_factory=dict)
    registers: dict[str, dict[str, str | None]] = field(default_factory=dict)


@dataclass
class Writes:
    """Redis writes of one batch, in the order they must be sent."""

    incr: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    hset: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    hdel: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sadd: dict[str, list[int]] = field(default_factory=dict)  # dedupe key -> new digests
    zadd: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    zrem: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    expire_at: dict[str, int] = field(default_factory=dict)
    expire_in: dict[str, int] = field(default_factory=dict)
    trim_rank: dict[str, int] = field(default_factory=dict)  # keep only the N highest scores
    applied: int = 0  # events that changed the aggregates
    duplicates: int = 0


def single_gates(rules) -> dict[str, object]:
    """Per type, which of its events must be planned one by one: absent - none; True - all;
    (field, least, None) - those whose data.field is at least `least`, the lowest threshold of the
    type's rules; (field, None, values) - those whose data.field is one of `values`, all the
    type's rules' values. A cheap test that lets through every event a rule could match.
    SWIPE - planned with the batch's other swipes, unless a rule names a swipe."""
    if not isinstance(rules, AlertRules):  # a stand-in (tests): plan every event one by one
        return dict.fromkeys(CATALOGUE, True)
    gates: dict[str, object] = dict.fromkeys(REGISTER_TYPES, True)
    if not SWIPE_TYPES & rules.types:
        gates.update(dict.fromkeys(SWIPE_TYPES, SWIPE))
    for event_type in rules.types - REGISTER_TYPES:
        type_rules = rules.rules_for(event_type)
        names = {rule.field for rule in type_rules}
        name = next(iter(names))
        gates[event_type] = True
        if len(names) != 1 or name is None:
            continue
        if all(r.at_least is not None for r in type_rules) and CATALOGUE[event_type][1][name][0] in ("num", "int"):
            gates[event_type] = (name, min(r.at_least for r in type_rules), None)
        elif all(r.one_of is not None for r in type_rules):
            gates[event_type] = (name, None, frozenset().union(*(r.one_of for r in type_rules)))
    return gates


def reads_for(school: str, events: list[Event], day_of, gates: dict | None = None) -> ReadRequest:
    """What planning these events needs to read; `day_of(ts)` gives (local day, its end)."""
    request = ReadRequest()
    request.registers[keys.meta(school)].add("last_event_ms")
    if not events:
        return request
    digests = request.digests = digests_of(events)
    stamps = request.stamps = list(map(_TS, events))
    groups = DedupeGroups(school, digests, stamps)
    request.seen, request.seen_hour, request.repeated = groups.members, groups.hour, groups.repeated
    gate_of = (gates if gates is not None else dict.fromkeys(CATALOGUE, True)).get
    singles = request.singles
    swipes: list[int] = []
    swipe = swipes.append
    made: dict = {}  # register keys, each made once
    for index, event in enumerate(events):
        gate = gate_of(event.type)
        if gate is None:
            continue
        if gate is SWIPE:
            swipe(index)
            continue
        if gate is not True:
            value = event.data.get(gate[0])
            if gate[2] is None:
                if value is None or value < gate[1]:
                    continue
            elif value not in gate[2]:
                continue
        register = register_of(school, event, day_of, made) if event.type in REGISTER_TYPES else None
        if register:
            request.registers[register[0]].add(register[1])
        singles.append((index, register))
    request.swipes = swipe_days(school, events, swipes, stamps, day_of)
    for day in request.swipes:
        request.registers[day.key].update(day.names)
    return request


class Planner:
    """Turns a school's validated events into Redis writes. One per consumer process."""

    def __init__(self, rules: AlertRules, tz: ZoneInfo):
        self.tz = tz
        self._days: dict[int, tuple[str, int]] = {}
        self._state = StatePlanner(self.day_of, tz)
        self.use_rules(rules)

    def use_rules(self, rules: AlertRules) -> None:
        """Plan with these rules from the next batch on (an admin saved new ones, ledger/live_rules.py).
        Called by the consume loop between batches, the only thread that plans, so no batch sees
        half of one set and half of the other."""
        self.rules = rules
        self._gates = single_gates(rules)
        # The types an alert rule names: other events need not ask the rules (a stand-in: all do).
        self._alerting = rules.types if isinstance(rules, AlertRules) else None

    def day_of(self, ts_ms: int) -> tuple[str, int]:
        """The local day (YYYYMMDD) of an event time and the epoch second it ends.

        Cached per minute: every time zone's offset is a whole number of minutes, and working
        the day out afresh costs more than the rest of an event's planning."""
        minute = ts_ms // MINUTE_MS
        found = self._days.get(minute)
        if found is None:
            if len(self._days) > 50_000:
                self._days.clear()
            day = local_day(ts_ms, self.tz)
            found = self._days[minute] = (day, day_end_epoch(day, self.tz))
        return found

    def reads_for(self, school: str, events: list[Event]) -> ReadRequest:
        return reads_for(school, events, self.day_of, self._gates)

    def plan(self, school: str, events: list[Event], snapshot: Snapshot, now_ms: int,
             request: ReadRequest | None = None) -> Writes:
        """The writes that apply `events` on top of `snapshot` (read as `request` asked)."""
        request = request or self.reads_for(school, events)
        writes = Writes()
        now_hour = now_ms // HOUR_MS
        hour_keys: dict[int, tuple[str, str | None, int]] = {}

        def buckets_of(hour: int) -> tuple[str, str | None, int]:
            found = hour_keys.get(hour)
            if found is None:
                found = hour_keys[hour] = self._hour_buckets(writes, school, hour, now_hour)
            return found

        digests, stamps = request.digests, request.stamps
        if snapshot.seen:  # events already stored (rare): the skips and counts change
            skip = repeats(school, digests, stamps, request.repeated, snapshot.seen)
            counts = self._count_plain(events, request, skip)
        else:
            if request.counts is None:
                self.count(school, events, request)
            skip, counts = request.skip, request.counts
        writes.sadd = without(request.seen, school, digests, stamps, skip) if skip else dict(request.seen)
        for seen_key in writes.sadd:
            writes.expire_at[seen_key] = buckets_of(request.seen_hour[seen_key])[2]

        # One by one, in order: what changes a register or opens an alert. Their counts are in
        # `counts` already, under the event's own severity: moved where an alert raises it.
        raised = []
        regs = Registers(snapshot, writes)
        alerting, severity_for, state = self._alerting, self.rules.severity_for, self._state
        for index, register in request.singles:
            if index in skip:
                continue
            event = events[index]
            alert_severity = severity_for(event) if alerting is None or event.type in alerting else None
            if alert_severity and SEVERITY_RANK[alert_severity] > SEVERITY_RANK[event.severity]:
                raised.append((event.ts // MINUTE_MS, event.type, event.severity, alert_severity))
            if register is not None:
                state.update(writes, regs, school, event, register)
            if alert_severity:
                state.open_alert(writes, regs, school, event, alert_severity)
        for day in request.swipes:
            plan_swipes(writes, snapshot.registers, state.day_counts_key(school, day.day), day, events, skip)
        if raised:
            counts = counts.copy()  # the request's: the batch may be planned again
            for minute, event_type, severity, alert_severity in raised:
                counts[minute, event_type, severity] -= 1
                counts[minute, event_type, alert_severity] += 1

        # Counted per distinct (minute, type, severity), expanded here once each.
        incr = writes.incr
        for (minute, event_type, severity), n in counts.items():
            if not n:
                continue
            hour_key, minute_key, _ = buckets_of(minute // 60)
            domain = _DOMAIN_OF[event_type]
            incr[(hour_key, domain)] += n
            incr[(hour_key, _TYPE_FIELD[event_type])] += n
            incr[(hour_key, _SEVERITY_FIELD[domain, severity])] += n
            if minute_key is not None:
                incr[(minute_key, _MINUTE_FIELD[domain][minute % 60])] += n

        writes.applied = len(events) - len(skip)
        writes.duplicates = len(skip)
        meta = keys.meta(school)
        if writes.applied:
            writes.incr[(meta, "events")] += writes.applied
            last_event_ms = max(stamps)
            if skip and stamps.index(last_event_ms) in skip:  # the latest was a repeat: rare
                last_event_ms = max(ts for index, ts in enumerate(stamps) if index not in skip)
            known = snapshot.registers.get(meta, {}).get("last_event_ms")
            if last_event_ms > int(known or 0):  # late events must not move it back
                writes.hset[meta]["last_event_ms"] = str(last_event_ms)
        return writes

    def count(self, school: str, events: list[Event], request: ReadRequest) -> None:
        """The part of planning that needs no reads: repeats within the batch, and the counts of
        the other events under their own severities."""
        request.skip = repeats(school, request.digests, request.stamps, request.repeated, {})
        request.counts = self._count_plain(events, request, request.skip)

    @staticmethod
    def _count_plain(events: list[Event], request: ReadRequest, skip: set[int]) -> Counter:
        # Each event's (type, severity) as a small integer and its minute, counted in numpy:
        # a Counter of (minute, type, severity) tuples cost ~0.15 µs an event more.
        codes = np.fromiter(map(getitem, map(_COUNT_CODE.__getitem__, map(_TYPE, events)), map(_SEVERITY, events)),
                            dtype=np.int64, count=len(events))
        minutes = np.array(request.stamps, dtype=np.int64) // MINUTE_MS
        if skip:
            kept = np.ones(len(events), dtype=bool)
            kept[list(skip)] = False
            codes, minutes = codes[kept], minutes[kept]
        if not len(codes):
            return Counter()
        first = int(minutes.min())
        found, counts = np.unique((minutes - first) * _COUNT_CODES + codes, return_counts=True)
        return Counter({(first + key // _COUNT_CODES, *_COUNTED[key % _COUNT_CODES]): n
                        for key, n in zip(found.tolist(), counts.tolist())})

    # -- event counts by event time -------------------------------------------------------
    @staticmethod
    def _hour_buckets(writes: Writes, school: str, hour: int, now_hour: int) -> tuple:
        """The count keys of an event hour, with their expiry set once per batch."""
        hour_key = keys.hour_counts(school, hour)
        hour_expiry = writes.expire_at[hour_key] = (hour + 1) * 3600 + HOUR_BUCKET_TTL_S
        minute_key = None
        if hour > now_hour - 25:  # minute series cover only the last 24 hours
            minute_key = keys.minute_counts(school, hour)
            writes.expire_at[minute_key] = (hour + 1) * 3600 + MINUTE_BUCKET_TTL_S
        return hour_key, minute_key, hour_expiry
