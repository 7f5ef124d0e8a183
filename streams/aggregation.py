"""Rolling aggregates as pure functions: a school's batch of events plus a snapshot of the state
they touch in, the Redis writes that apply them out.

Applying a batch is two steps around one read: `reads_for` names what must be read (the
latest-state registers of the people, visitors, vehicles, devices, hazards and alerts in the
batch) and groups the events' dedupe digests by dedupe key, the store reads, and `plan` turns
events + snapshot into `Writes`. The store sends those writes, a check that no digest is already
stored and the partition's next offset as one atomic Redis script, which is what makes the effect
exactly-once (streams/store.py); a digest found stored comes back into `Snapshot.seen` and the
batch is planned again. Nothing here does I/O, so it is tested in microseconds.

This is the consumer's per-event hot path. Most events (sensor readings, patrols) only add to
counters: those are counted in one pass over the batch, a `Counter` of (minute, type, domain,
severity) expanded once per distinct key. Events that touch a register or may open an alert are
planned one by one, in order, as their meaning depends on what came before.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from xxhash import xxh3_64_intdigest

from queries import keys
from streams.alert_rules import AlertRules
from streams.catalogue import CATALOGUE, DOMAINS, HAZARD_STAGE_OF_TYPE, SEVERITIES, SEVERITY_RANK
from streams.contract import Event

HOUR_MS = 3_600_000
MINUTE_MS = 60_000
DAY_S = 86_400
# Buckets outlive their window by an hour, so a reader at the window's edge never misses one.
HOUR_BUCKET_TTL_S = 7 * DAY_S + 3600
MINUTE_BUCKET_TTL_S = DAY_S + 3600
DAY_KEY_TTL_S = 2 * DAY_S
RECENT_ALERTS = 100
RESOLVED_ALERT_TTL_S = DAY_S
# Hash field names of the count buckets, made once (see queries/keys.py for the layout).
_TYPE_FIELD = {t: f"{d}|t|{t}" for t, (d, _) in CATALOGUE.items()}
_SEVERITY_FIELD = {(d, s): f"{d}|s|{s}" for d in DOMAINS for s in SEVERITIES}
_MINUTE_FIELD = {d: [f"{d}|{m}" for m in range(60)] for d in DOMAINS}
# Types whose events update a latest-state register (see _register_keys).
_REGISTER_TYPES = frozenset(
    t for t in CATALOGUE
    if t.split(".", 1)[0] in ("attendance", "visitor", "device", "hazard")
    or t in ("vehicle.entry", "vehicle.exit", "alert.acknowledged", "alert.resolved")
)

SEEN_SHARDS = 128  # up to ~65k events an hour per school stay in intsets (512 each)
# A digest's shard is its top 7 bits, so sorting a batch's digests (in C) lines the shards up.
_SHARD_SHIFT = 57
_SHARD_BOUNDS = [(shard - SEEN_SHARDS // 2) << _SHARD_SHIFT for shard in range(SEEN_SHARDS + 1)]
_SIGNED = 1 << 63


def shard_of(mark: int) -> int:
    return (mark >> _SHARD_SHIFT) + SEEN_SHARDS // 2


def digest(event_id: str) -> int:
    """A signed 64-bit integer standing for an event id in the dedupe sets (ids may be 128
    characters; integers keep the sets in Redis's compact intset form). xxh3: ~0.1 µs an id,
    where blake2b took ~0.6."""
    return xxh3_64_intdigest(event_id.encode()) - _SIGNED


def local_day(ts_ms: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz).strftime("%Y%m%d")


def day_end_epoch(day: str, tz: ZoneInfo) -> int:
    """Epoch seconds of the local midnight that ends `day` (YYYYMMDD)."""
    start = datetime.strptime(day, "%Y%m%d").replace(tzinfo=tz)
    return int((start + timedelta(days=1)).timestamp())


def deadline_ms(text: str | None, tz: ZoneInfo) -> int | None:
    """A hazard deadline as epoch ms: a bare date means the end of that local day."""
    if not text:
        return None
    if "T" not in text:
        end = datetime.combine(date.fromisoformat(text), time.max, tz)
        return int(end.timestamp() * 1000)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return int(moment.timestamp() * 1000)


@dataclass
class ReadRequest:
    """What must be read from Redis before a batch can be planned, and what `reads_for` worked
    out per event on the way, for `plan` to reuse."""

    registers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Dedupe key -> the digests of the batch's events in it (repeats within the batch included),
    # and the event hour each dedupe key belongs to.
    seen: dict[str, list[int]] = field(default_factory=dict)
    seen_hour: dict[str, int] = field(default_factory=dict)
    digests: list[int] = field(default_factory=list)  # per event, in order
    stamps: list[int] = field(default_factory=list)  # per event, its time (epoch ms)
    repeated: set[int] = field(default_factory=set)  # digests more than one event has
    # Filled in by `Planner.count`, which needs no reads (the store runs it while Redis answers):
    # the events skipped as repeats within the batch, and the counts of the events that only
    # add to counters, by (minute, type, domain, severity).
    skip: set[int] | None = None
    counts: Counter | None = None
    # The events planned one by one, in order: index, and register (key, field) or None.
    singles: list[tuple[int, tuple[str, str] | None]] = field(default_factory=list)


@dataclass
class Snapshot:
    """The answers to a ReadRequest. `seen` holds, per dedupe key, the batch's digests that are
    already stored (found by the store's write script; usually none)."""

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


def _register_keys(school: str, event: Event, day_of) -> tuple[str, str] | None:
    """The latest-state register (key, field) an event updates, if any."""
    kind = event.type.split(".", 1)[0]
    data = event.data
    if kind == "attendance":
        return keys.people(school, day_of(event.ts)[0]), data["person"]
    if kind == "visitor":
        return keys.visitors(school, day_of(event.ts)[0]), data["visitor"]
    if event.type in ("vehicle.entry", "vehicle.exit"):
        return keys.vehicles(school, day_of(event.ts)[0]), data["plate"]
    if kind == "device":
        return keys.devices(school), data["device"]
    if kind == "hazard":
        return keys.hazards(school), data["hazard"]
    if event.type in ("alert.acknowledged", "alert.resolved"):
        return keys.open_alerts(school), data["alert"]
    return None


def single_gates(rules) -> dict[str, object]:
    """Per type, which of its events must be planned one by one: absent - none; True - all;
    (field, least, None) - those whose data.field is at least `least`, the lowest threshold of the
    type's rules; (field, None, values) - those whose data.field is one of `values`, all the
    type's rules' values. A cheap test that lets through every event a rule could match."""
    by_type = getattr(rules, "_by_type", None)  # AlertRules' rules by type; a stand-in has none
    if by_type is None:
        return dict.fromkeys(CATALOGUE, True)
    gates: dict[str, object] = dict.fromkeys(_REGISTER_TYPES, True)
    for event_type, type_rules in by_type.items():
        if event_type in gates:
            continue
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
    digests = request.digests = [xxh3_64_intdigest(e.id.encode()) - _SIGNED for e in events]
    stamps = request.stamps = [e.ts for e in events]
    ordered = sorted(digests)
    if len(set(ordered)) != len(ordered):  # a sender repeated itself: repeats sort side by side
        request.repeated = {mark for mark, after in zip(ordered, ordered[1:]) if mark == after}
    first, last = min(stamps) // HOUR_MS, max(stamps) // HOUR_MS
    if first == last:  # the usual batch: cut the sorted digests at the shard bounds
        cuts = [bisect_left(ordered, bound) for bound in _SHARD_BOUNDS]
        for shard in range(SEEN_SHARDS):
            if cuts[shard] < cuts[shard + 1]:
                key = keys.seen(school, first, shard)
                request.seen[key] = ordered[cuts[shard]:cuts[shard + 1]]
                request.seen_hour[key] = first
    else:
        grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
        for ts, mark in zip(stamps, digests):
            grouped[ts // HOUR_MS, shard_of(mark)].append(mark)
        for (hour, shard), members in grouped.items():
            key = keys.seen(school, hour, shard)
            request.seen[key] = members
            request.seen_hour[key] = hour
    gate_of = (gates if gates is not None else dict.fromkeys(CATALOGUE, True)).get
    singles = request.singles
    for index, event in enumerate(events):
        gate = gate_of(event.type)
        if gate is None:
            continue
        if gate is not True:
            value = event.data.get(gate[0])
            if gate[2] is None:
                if value is None or value < gate[1]:
                    continue
            elif value not in gate[2]:
                continue
        register = _register_keys(school, event, day_of) if event.type in _REGISTER_TYPES else None
        if register:
            request.registers[register[0]].add(register[1])
        singles.append((index, register))
    return request


def duplicates(school: str, request: ReadRequest, stored: dict[str, set[int]]) -> set[int]:
    """Indexes of the events to skip: repeats of an earlier event of the batch (same digest) or
    of one already stored in the dedupe key of the event's hour."""
    if not request.repeated and not stored:
        return set()  # the usual batch
    # Only events whose digest repeats in the batch or is stored can be repeats: look at those.
    digests, stamps = request.digests, request.stamps
    suspects = request.repeated.union(*stored.values())
    skip, seen_now = set(), set()
    for index in [i for i, mark in enumerate(digests) if mark in suspects]:
        mark = digests[index]
        if mark in seen_now or mark in stored.get(keys.seen(school, stamps[index] // HOUR_MS, shard_of(mark)), ()):
            skip.add(index)
        else:
            seen_now.add(mark)
    return skip


class _Registers:
    """Latest-state registers seen through the batch: the snapshot plus this batch's changes."""

    def __init__(self, snapshot: Snapshot, writes: Writes):
        self._values = snapshot.registers
        self._writes = writes

    def get(self, key: str, name: str) -> list[str] | None:
        value = self._values.get(key, {}).get(name)
        return value.split("|") if value else None

    def put(self, key: str, name: str, *parts: object) -> None:
        value = "|".join("" if p is None else str(p) for p in parts)
        self._values.setdefault(key, {})[name] = value
        self._writes.hdel[key].discard(name)
        self._writes.hset[key][name] = value

    def delete(self, key: str, name: str) -> None:
        self._values.setdefault(key, {})[name] = None
        self._writes.hset[key].pop(name, None)
        self._writes.hdel[key].add(name)


def _newer(event: Event, current: list[str] | None) -> bool:
    # Ties go to the later message: replays see the same order, so the outcome is the same.
    return current is None or event.ts >= int(current[0])


class Planner:
    """Turns a school's validated events into Redis writes. One per consumer process."""

    def __init__(self, rules: AlertRules, tz: ZoneInfo):
        self.rules = rules
        self.tz = tz
        self._days: dict[int, tuple[str, int]] = {}
        self._gates = single_gates(rules)

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
            skip = duplicates(school, request, snapshot.seen)
            counts = self._count_plain(events, request, skip)
        else:
            if request.counts is None:
                self.count(school, events, request)
            skip, counts = request.skip, request.counts
        writes.sadd = dict(request.seen)
        for index in skip:  # take each skipped event's digest out of its dedupe key, once
            mark = digests[index]
            seen_key = keys.seen(school, stamps[index] // HOUR_MS, shard_of(mark))
            members = writes.sadd[seen_key] = list(writes.sadd[seen_key])
            members.remove(mark)
            if not members:
                del writes.sadd[seen_key]
        for seen_key in writes.sadd:
            writes.expire_at[seen_key] = buckets_of(request.seen_hour[seen_key])[2]

        # Counters only: expanded once per distinct (minute, type, domain, severity).
        incr = writes.incr
        for (minute, event_type, domain, severity), n in counts.items():
            hour_key, minute_key, _ = buckets_of(minute // 60)
            incr[(hour_key, domain)] += n
            incr[(hour_key, _TYPE_FIELD[event_type])] += n
            incr[(hour_key, _SEVERITY_FIELD[domain, severity])] += n
            if minute_key is not None:
                incr[(minute_key, _MINUTE_FIELD[domain][minute % 60])] += n

        regs = _Registers(snapshot, writes)
        for index, register in request.singles:
            if index in skip:
                continue
            event = events[index]
            alert_severity = self.rules.severity_for(event)
            severity = event.severity
            if alert_severity and SEVERITY_RANK[alert_severity] > SEVERITY_RANK[severity]:
                severity = alert_severity
            self._count(writes, event, severity, buckets_of(event.ts // HOUR_MS))
            if register is not None:
                self._update_state(writes, regs, school, event, register)
            if alert_severity:
                self._open_alert(writes, regs, school, event, alert_severity)

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
        the events that only add to counters (one pass over the batch, in C where it can)."""
        request.skip = duplicates(school, request, {})
        request.counts = self._count_plain(events, request, request.skip)

    @staticmethod
    def _count_plain(events: list[Event], request: ReadRequest, skip: set[int]) -> Counter:
        if skip or request.singles:
            alone = skip.union(index for index, _ in request.singles)
            return Counter([(e.ts // MINUTE_MS, e.type, e.domain, e.severity)
                            for index, e in enumerate(events) if index not in alone])
        return Counter([(e.ts // MINUTE_MS, e.type, e.domain, e.severity) for e in events])

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

    @staticmethod
    def _count(writes: Writes, event: Event, severity: str, buckets: tuple) -> None:
        hour_key, minute_key = buckets[0], buckets[1]
        incr = writes.incr
        incr[(hour_key, event.domain)] += 1
        incr[(hour_key, _TYPE_FIELD[event.type])] += 1
        incr[(hour_key, _SEVERITY_FIELD[event.domain, severity])] += 1
        if minute_key is not None:
            incr[(minute_key, _MINUTE_FIELD[event.domain][(event.ts // MINUTE_MS) % 60])] += 1

    # -- latest-state registers and the counts derived from them --------------------------
    def _update_state(self, writes: Writes, regs: _Registers, school: str, event: Event, register) -> None:
        key, name = register
        kind = event.type.split(".", 1)[0]
        if kind == "alert":
            self._handle_alert(writes, regs, school, event, key, name)
            return
        current = regs.get(key, name)
        if not _newer(event, current):
            # A late event older than what we know changes no state, but a late check-in still
            # means the visitor did check in today.
            if event.type == "visitor.check_in" and current[2] != "1":
                day, _ = self.day_of(event.ts)
                writes.incr[(keys.day_counts(school, day), "visitors_checked_in")] += 1
                regs.put(key, name, current[0], current[1], 1)
            return
        if kind in ("attendance", "visitor", "vehicle"):
            self._presence(writes, regs, school, event, key, name, current)
        elif kind == "device":
            self._device(writes, regs, school, event, key, name, current)
        else:
            self._hazard(writes, regs, school, event, key, name, current)

    def _presence(self, writes, regs, school, event, key, name, current) -> None:
        day, day_end = self.day_of(event.ts)
        counts = keys.day_counts(school, day)
        writes.expire_at[counts] = writes.expire_at[key] = day_end + DAY_KEY_TTL_S
        inside = event.type in ("attendance.in", "visitor.check_in", "vehicle.entry")
        was_inside = current is not None and current[1] == "in"
        kind = event.type.split(".", 1)[0]
        if kind == "attendance":
            group = event.data["group"]
            old_group = current[2] if current else group
            if was_inside:
                writes.incr[(counts, f"present|{old_group}")] -= 1
            if inside:
                writes.incr[(counts, f"present|{group}")] += 1
            if current is None:
                writes.incr[(counts, f"seen|{group}")] += 1
            elif old_group != group:
                writes.incr[(counts, f"seen|{old_group}")] -= 1
                writes.incr[(counts, f"seen|{group}")] += 1
            regs.put(key, name, event.ts, "in" if inside else "out", group)
        elif kind == "visitor":
            ever_in = current is not None and current[2] == "1"
            writes.incr[(counts, "visitors_on_campus")] += int(inside) - int(was_inside)
            if inside:
                writes.incr[(counts, f"checkins|{event.data['gate']}")] += 1
                if not ever_in:
                    writes.incr[(counts, "visitors_checked_in")] += 1
            regs.put(key, name, event.ts, "in" if inside else "out", int(ever_in or inside))
        else:
            writes.incr[(counts, "vehicles_on_campus")] += int(inside) - int(was_inside)
            if current is None:
                writes.incr[(counts, "vehicles_seen")] += 1
            regs.put(key, name, event.ts, "in" if inside else "out")

    def _device(self, writes, regs, school, event, key, name, current) -> None:
        counts = keys.device_counts(school)
        state = "online" if event.type == "device.online" else "offline"
        system = event.data["system"]
        if current is not None:
            writes.incr[(counts, f"{current[2]}|{current[1]}")] -= 1
        writes.incr[(counts, f"{system}|{state}")] += 1
        regs.put(key, name, event.ts, state, system)

    def _hazard(self, writes, regs, school, event, key, name, current) -> None:
        counts = keys.hazard_counts(school)
        stage = HAZARD_STAGE_OF_TYPE[event.type]
        grade = event.data.get("grade") or (current[2] if current else "ordinary")
        due = deadline_ms(event.data.get("deadline"), self.tz)
        if due is None and current and current[3]:
            due = int(current[3])
        if current is not None:
            writes.incr[(counts, f"stage|{current[1]}")] -= 1
            if current[2] == "major" and current[1] != "accepted":
                writes.incr[(counts, "major_open")] -= 1
        writes.incr[(counts, f"stage|{stage}")] += 1
        if grade == "major" and stage != "accepted":
            writes.incr[(counts, "major_open")] += 1
        due_key = keys.hazard_deadlines(school)
        if stage == "accepted" or due is None:
            writes.zadd[due_key].pop(name, None)
            writes.zrem[due_key].add(name)
        else:
            writes.zrem[due_key].discard(name)
            writes.zadd[due_key][name] = due
        regs.put(key, name, event.ts, stage, grade, due)

    # -- alerts ----------------------------------------------------------------------------
    def _open_alert(self, writes: Writes, regs: _Registers, school: str, event: Event, severity: str) -> None:
        # The alert id is the event id: dedupe has made sure it is new.
        regs.put(keys.open_alerts(school), event.id, severity, event.domain, event.ts, "new")
        counts = keys.alert_counts(school)
        writes.incr[(counts, f"sev|{severity}")] += 1
        writes.incr[(counts, f"dom|{event.domain}")] += 1
        detail = keys.alert(school, event.id)
        writes.hset[detail].update({
            "id": event.id, "ts": str(event.ts), "domain": event.domain, "type": event.type,
            "severity": severity, "state": "new", "building": event.building or "",
            "zone": event.zone or "", "source": event.source or "",
        })
        recent = keys.recent_alerts(school)
        writes.zadd[recent][event.id] = event.ts
        writes.trim_rank[recent] = RECENT_ALERTS

    def _handle_alert(self, writes, regs, school, event, key, name) -> None:
        current = regs.get(key, name)
        if current is None:
            return  # unknown or already resolved alert: nothing is open to change
        severity, domain, raised, _state = current
        detail = keys.alert(school, name)
        if event.type == "alert.acknowledged":
            regs.put(key, name, severity, domain, raised, "acknowledged")
            writes.hset[detail]["state"] = "acknowledged"
            return
        regs.delete(key, name)
        counts = keys.alert_counts(school)
        writes.incr[(counts, f"sev|{severity}")] -= 1
        writes.incr[(counts, f"dom|{domain}")] -= 1
        writes.hset[detail]["state"] = event.data.get("outcome") or "resolved"
        writes.hset[detail]["resolved_ts"] = str(event.ts)
        writes.expire_in[detail] = RESOLVED_ALERT_TTL_S
