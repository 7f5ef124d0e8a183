"""Rolling aggregates as pure functions: a school's batch of events plus a snapshot of the state
they touch in, the Redis writes that apply them out.

Applying a batch is two steps around one read: `reads_for` names what must be read (dedupe
digests, the latest-state registers of the people, visitors, vehicles, devices, hazards and alerts
in the batch), the store reads it, and `plan` turns events + snapshot into `Writes`. The store sends
those writes and the partition's next offset in one MULTI/EXEC, which is what makes the effect
exactly-once (streams/store.py). Nothing here does I/O, so it is tested in microseconds.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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


SEEN_SHARDS = 128  # up to ~65k events an hour per school stay in intsets (512 each)


def digest(event_id: str) -> int:
    """A signed 64-bit integer standing for an event id in the dedupe sets (ids may be 128
    characters; integers keep the sets in Redis's compact intset form)."""
    return int.from_bytes(hashlib.blake2b(event_id.encode(), digest_size=8).digest(), "big", signed=True)


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
    """What must be read from Redis before a batch can be planned."""

    seen: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    registers: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # Per event, in order: its dedupe key and digest, and its register (key, field) or None.
    # Worked out once here and reused by `plan`: this is the consumer's per-event hot path.
    marks: list[tuple[str, int, tuple[str, str] | None]] = field(default_factory=list)


@dataclass
class Snapshot:
    """The answers to a ReadRequest. `seen` holds the digests already present in each key."""

    seen: dict[str, set[int]] = field(default_factory=dict)
    registers: dict[str, dict[str, str | None]] = field(default_factory=dict)


@dataclass
class Writes:
    """Redis writes of one batch, in the order they must be sent."""

    incr: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    hset: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    hdel: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sadd: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
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


def reads_for(school: str, events: list[Event], day_of) -> ReadRequest:
    """What planning these events needs to read; `day_of(ts)` gives (local day, its end)."""
    request = ReadRequest()
    request.registers[keys.meta(school)].add("last_event_ms")
    seen_keys: dict[tuple[int, int], str] = {}
    for event in events:
        mark = digest(event.id)
        bucket = (event.ts // HOUR_MS, mark % SEEN_SHARDS)
        seen_key = seen_keys.get(bucket) or seen_keys.setdefault(bucket, keys.seen(school, *bucket))
        request.seen[seen_key].append(mark)
        register = _register_keys(school, event, day_of)
        if register:
            request.registers[register[0]].add(register[1])
        request.marks.append((seen_key, mark, register))
    return request


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
        return reads_for(school, events, self.day_of)

    def plan(self, school: str, events: list[Event], snapshot: Snapshot, now_ms: int,
             request: ReadRequest | None = None) -> Writes:
        """The writes that apply `events` on top of `snapshot` (read as `request` asked)."""
        request = request or self.reads_for(school, events)
        writes = Writes()
        regs = _Registers(snapshot, writes)
        seen_now: set[int] = set()
        now_hour = now_ms // HOUR_MS
        last_event_ms = 0
        hour_keys: dict[int, tuple[str, str | None, int]] = {}
        for event, (seen_key, mark, register) in zip(events, request.marks):
            hour = event.ts // HOUR_MS
            if mark in seen_now or mark in snapshot.seen.get(seen_key, ()):
                writes.duplicates += 1
                continue
            seen_now.add(mark)
            buckets = hour_keys.get(hour)
            if buckets is None:
                buckets = hour_keys[hour] = self._hour_buckets(writes, school, hour, now_hour)
            if seen_key not in writes.sadd:
                writes.expire_at[seen_key] = buckets[2]
            writes.sadd[seen_key].add(mark)

            alert_severity = self.rules.severity_for(event)
            severity = event.severity
            if alert_severity and SEVERITY_RANK[alert_severity] > SEVERITY_RANK[severity]:
                severity = alert_severity
            self._count(writes, event, severity, buckets)
            if register is not None:
                self._update_state(writes, regs, school, event, register)
            if alert_severity:
                self._open_alert(writes, regs, school, event, alert_severity)
            last_event_ms = max(last_event_ms, event.ts)
            writes.applied += 1

        meta = keys.meta(school)
        if writes.applied:
            writes.incr[(meta, "events")] += writes.applied
            known = snapshot.registers.get(meta, {}).get("last_event_ms")
            if last_event_ms > int(known or 0):  # late events must not move it back
                writes.hset[meta]["last_event_ms"] = str(last_event_ms)
        return writes

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
