"""The events planned one by one, in order: latest-state registers (who is on campus, devices,
hazards) with the counts derived from them, and the alerts events open, acknowledge and resolve.

Pure, like the rest of planning (streams/aggregation.py): a register's value is read from the
batch's snapshot and changed in `Writes`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kernel import figures, keys
from kernel.catalogue import CATALOGUE, GROUP, HAZARD_STAGE_OF_TYPE
from kernel.clock import deadline_ms
from kernel.contract import Event

if TYPE_CHECKING:
    from streams.aggregation import Snapshot, Writes

DAY_S = 86_400
DAY_KEY_TTL_S = 2 * DAY_S
RECENT_ALERTS = 100
RESOLVED_ALERT_TTL_S = DAY_S
# Per type whose events update a latest-state register: the register's key (a function of the
# school, and of the local day for the daily ones), whether it is daily, and the data field that
# names its entry.
_BY_KIND = {"attendance": (keys.people, True, "person"), "visitor": (keys.visitors, True, "visitor"),
            "device": (keys.devices, False, "device"), "hazard": (keys.hazards, False, "hazard")}
_REGISTER_OF = {t: _BY_KIND[t.split(".", 1)[0]] for t in CATALOGUE if t.split(".", 1)[0] in _BY_KIND}
_REGISTER_OF.update({
    "vehicle.entry": (keys.vehicles, True, "plate"), "vehicle.exit": (keys.vehicles, True, "plate"),
    "alert.acknowledged": (keys.open_alerts, False, "alert"),
    "alert.dispatched": (keys.open_alerts, False, "alert"),
    "alert.resolved": (keys.open_alerts, False, "alert"),
})
# The open states an alert-handling event moves an open alert to, in their order: a step arriving
# after a later one (events of one school keep their order, but an external system and the duty
# console may both speak) never moves an alert back.
_OPEN_STEP = {"alert.acknowledged": "acknowledged", "alert.dispatched": "dispatched"}
_OPEN_ORDER = ("new", "acknowledged", "dispatched")
REGISTER_TYPES = frozenset(_REGISTER_OF)
_KIND = {t: t.split(".", 1)[0] for t in CATALOGUE}
_INSIDE = frozenset(("attendance.in", "visitor.check_in", "vehicle.entry"))
# Count fields, from the figures table (kernel/figures.py), made once: never built per event
# (attendance is most of a school day's events).
_PRESENT = {group: figures.PRESENT[group].field for group in GROUP[2]}
_SEEN = {group: figures.SEEN[group].field for group in GROUP[2]}
_PRESENT_PREFIX, _SEEN_PREFIX = figures.PRESENT_PREFIX, figures.SEEN_PREFIX
_CHECKINS = figures.CHECKINS_PREFIX
_VISITORS_ON_CAMPUS, _VISITORS_CHECKED_IN = figures.VISITORS_ON_CAMPUS.field, figures.VISITORS_TODAY.field
_VEHICLES_ON_CAMPUS, _VEHICLES_SEEN = figures.VEHICLES_ON_CAMPUS.field, figures.VEHICLES_TODAY.field
_STAGE = {stage: figure.field for stage, figure in figures.HAZARD_STAGE.items()}
_MAJOR_OPEN = figures.HAZARDS_MAJOR.field
_SEVERITY = {severity: figure.field for severity, figure in figures.ALERTS_BY_SEVERITY.items()}
_DOMAIN_ALERTS = {domain: figure.field for domain, figure in figures.DOMAIN_ALERTS.items()}


def register_of(school: str, event: Event, day_of, made: dict | None = None) -> tuple[str, str] | None:
    """The latest-state register (key, field) an event updates, if any. `made`: keys made
    already, by (key function, day), for a batch of one school to make each once."""
    spec = _REGISTER_OF.get(event.type)
    if spec is None:
        return None
    make, daily, name = spec
    day = day_of(event.ts)[0] if daily else None
    key = made.get((make, day)) if made is not None else None
    if key is None:
        key = make(school, day) if daily else make(school)
        if made is not None:
            made[make, day] = key
    return key, event.data[name]


class Registers:
    """Latest-state registers seen through the batch: the snapshot plus this batch's changes."""

    def __init__(self, snapshot: Snapshot, writes: Writes):
        self._values = snapshot.registers
        self._writes = writes

    def get(self, key: str, name: str) -> list[str] | None:
        value = self._values.get(key, {}).get(name)
        return value.split("|") if value else None

    def put(self, key: str, name: str, value: str) -> None:
        """Set an entry to `value`, its parts joined by "|"."""
        self._values.setdefault(key, {})[name] = value
        deleted = self._writes.hdel.get(key)
        if deleted:
            deleted.discard(name)
        self._writes.hset[key][name] = value

    def delete(self, key: str, name: str) -> None:
        self._values.setdefault(key, {})[name] = None
        self._writes.hset[key].pop(name, None)
        self._writes.hdel[key].add(name)


def _newer(event: Event, current: list[str] | None) -> bool:
    # Ties go to the later message: replays see the same order, so the outcome is the same.
    return current is None or event.ts >= int(current[0])


class StatePlanner:
    """Plans one event's register change and the alert it opens or closes. One per Planner."""

    def __init__(self, day_of: Callable[[int], tuple[str, int]], tz: ZoneInfo):
        self.day_of = day_of
        self.tz = tz
        self._day_counts: dict[tuple[str, str], str] = {}

    def day_counts_key(self, school: str, day: str) -> str:
        found = self._day_counts.get((school, day))
        if found is None:
            if len(self._day_counts) > 10_000:
                self._day_counts.clear()
            found = self._day_counts[school, day] = keys.day_counts(school, day)
        return found

    def update(self, writes: Writes, regs: Registers, school: str, event: Event, register) -> None:
        """The change an event makes to its register (key, field), and to the counts of it."""
        key, name = register
        kind = _KIND[event.type]
        if kind == "alert":
            self._handle_alert(writes, regs, school, event, key, name)
            return
        current = regs.get(key, name)
        if not _newer(event, current):
            # A late event older than what we know changes no state, but a late check-in still
            # means the visitor did check in today.
            if event.type == "visitor.check_in" and current[2] != "1":
                day, _ = self.day_of(event.ts)
                writes.incr[(keys.day_counts(school, day), _VISITORS_CHECKED_IN)] += 1
                regs.put(key, name, f"{current[0]}|{current[1]}|1")
            return
        if kind in ("attendance", "visitor", "vehicle"):
            self._presence(writes, regs, school, event, key, name, current)
        elif kind == "device":
            self._device(writes, regs, school, event, key, name, current)
        else:
            self._hazard(writes, regs, school, event, key, name, current)

    def _presence(self, writes, regs, school, event, key, name, current) -> None:
        day, day_end = self.day_of(event.ts)
        counts = self.day_counts_key(school, day)
        writes.expire_at[counts] = writes.expire_at[key] = day_end + DAY_KEY_TTL_S
        inside = event.type in _INSIDE
        was_inside = current is not None and current[1] == "in"
        kind = _KIND[event.type]
        incr = writes.incr
        if kind == "attendance":
            group = event.data["group"]
            old_group = current[2] if current else group
            if was_inside:
                incr[(counts, _PRESENT.get(old_group) or _PRESENT_PREFIX + old_group)] -= 1
            if inside:
                incr[(counts, _PRESENT[group])] += 1
            if current is None:
                incr[(counts, _SEEN[group])] += 1
            elif old_group != group:
                incr[(counts, _SEEN.get(old_group) or _SEEN_PREFIX + old_group)] -= 1
                incr[(counts, _SEEN[group])] += 1
            regs.put(key, name, f"{event.ts}|{'in' if inside else 'out'}|{group}")
        elif kind == "visitor":
            ever_in = current is not None and current[2] == "1"
            writes.incr[(counts, _VISITORS_ON_CAMPUS)] += int(inside) - int(was_inside)
            if inside:
                writes.incr[(counts, _CHECKINS + event.data["gate"])] += 1
                if not ever_in:
                    writes.incr[(counts, _VISITORS_CHECKED_IN)] += 1
            regs.put(key, name, f"{event.ts}|{'in' if inside else 'out'}|{int(ever_in or inside)}")
        else:
            writes.incr[(counts, _VEHICLES_ON_CAMPUS)] += int(inside) - int(was_inside)
            if current is None:
                writes.incr[(counts, _VEHICLES_SEEN)] += 1
            regs.put(key, name, f"{event.ts}|{'in' if inside else 'out'}")

    def _device(self, writes, regs, school, event, key, name, current) -> None:
        counts = keys.device_counts(school)
        state = "online" if event.type == "device.online" else "offline"
        system = event.data["system"]
        if current is not None:
            writes.incr[(counts, f"{current[2]}|{current[1]}")] -= 1
        writes.incr[(counts, f"{system}|{state}")] += 1
        regs.put(key, name, f"{event.ts}|{state}|{system}")

    def _hazard(self, writes, regs, school, event, key, name, current) -> None:
        counts = keys.hazard_counts(school)
        stage = HAZARD_STAGE_OF_TYPE[event.type]
        grade = event.data.get("grade") or (current[2] if current else "ordinary")
        due = deadline_ms(event.data.get("deadline"), self.tz)
        if due is None and current and current[3]:
            due = int(current[3])
        if current is not None:
            writes.incr[(counts, _STAGE.get(current[1]) or figures.STAGE_PREFIX + current[1])] -= 1
            if current[2] == "major" and current[1] != "accepted":
                writes.incr[(counts, _MAJOR_OPEN)] -= 1
        writes.incr[(counts, _STAGE[stage])] += 1
        if grade == "major" and stage != "accepted":
            writes.incr[(counts, _MAJOR_OPEN)] += 1
        due_key = keys.hazard_deadlines(school)
        if stage == "accepted" or due is None:
            writes.zadd[due_key].pop(name, None)
            writes.zrem[due_key].add(name)
        else:
            writes.zrem[due_key].discard(name)
            writes.zadd[due_key][name] = due
        regs.put(key, name, f"{event.ts}|{stage}|{grade}|{'' if due is None else due}")

    def open_alert(self, writes: Writes, regs: Registers, school: str, event: Event, severity: str) -> None:
        # The alert id is the event id: dedupe has made sure it is new.
        regs.put(keys.open_alerts(school), event.id, f"{severity}|{event.domain}|{event.ts}|new")
        counts = keys.alert_counts(school)
        writes.incr[(counts, _SEVERITY.get(severity) or figures.SEVERITY_PREFIX + severity)] += 1
        writes.incr[(counts, _DOMAIN_ALERTS[event.domain])] += 1
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
        severity, domain, raised, state = current
        detail = keys.alert(school, name)
        step = _OPEN_STEP.get(event.type)
        if step is not None:
            if _OPEN_ORDER.index(step) > (_OPEN_ORDER.index(state) if state in _OPEN_ORDER else 0):
                regs.put(key, name, f"{severity}|{domain}|{raised}|{step}")
                writes.hset[detail]["state"] = step
                if event.data.get("by"):
                    writes.hset[detail][f"{step}_by"] = event.data["by"]
                if event.data.get("assignee"):
                    writes.hset[detail]["dispatched_to"] = event.data["assignee"]
            return
        regs.delete(key, name)
        counts = keys.alert_counts(school)
        writes.incr[(counts, _SEVERITY.get(severity) or figures.SEVERITY_PREFIX + severity)] -= 1
        writes.incr[(counts, _DOMAIN_ALERTS.get(domain) or figures.DOMAIN_ALERTS_PREFIX + domain)] -= 1
        writes.hset[detail]["state"] = event.data.get("outcome") or "resolved"
        writes.hset[detail]["resolved_ts"] = str(event.ts)
        # A day after the resolving event's time, not after this write: a rebuild replaying a week
        # keeps exactly the details the live aggregates kept (streams/rebuild.py).
        writes.expire_at[detail] = event.ts // 1000 + RESOLVED_ALERT_TTL_S
