"""The simulator's message stream: realistic days of one or more schools as contract-v1 messages.

`simulate()` is pure and deterministic: a virtual clock advances 1/rate seconds per message and all
randomness comes from one `random.Random(seed)`, so the same arguments give byte-identical output.
Besides valid events it mixes in, on purpose, what a consumer must survive: bad messages of every
class the contract refuses (`bad_rate`), exact duplicates (`duplicate_rate`) and events up to ten
minutes late (`late_rate`).

`demo.simulator` sends this stream to Kafka in real time.
"""
from __future__ import annotations

import random
from bisect import bisect
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from heapq import heappop, heappush
from itertools import accumulate, count
from typing import NamedTuple
from zoneinfo import ZoneInfo

import orjson

from demo.bad_messages import BAD_KINDS, bad_message
from demo.campus_day import DAY_TURNOVER_HOUR, Draft, SchoolDay
from demo.campus_mix import daily_share, hour_mixes
from demo.sites import SCHOOLS, SCHOOLS_BY_ID, School
from kernel.catalogue import CATALOGUE
from kernel.contract import Event
from streams.alert_rules import AlertRules, load_rules

DEFAULT_DUPLICATE_RATE = 0.002
DEFAULT_LATE_RATE = 0.01
LATE_MS = (60_000, 600_000)  # how late a late event is: 1 to 10 minutes
HOUR_MS = 3_600_000
SWIPES_PER_PERSON = 6  # in and out about three times a day (arrival, lunch, leaving)
RECENT = 256  # duplicates repeat one of the last RECENT valid messages
_DOMAIN_OF = {event_type: domain for event_type, (domain, _) in CATALOGUE.items()}


class Simulated(NamedTuple):
    """One simulated message: its Kafka key (school id), bytes, virtual send time, and for a bad
    message the kind of badness (one of `demo.bad_messages.BAD_KINDS`), else None."""

    school: str
    payload: bytes
    clock_ms: int
    bad: str | None


class IsoTime:
    """Epoch ms -> ISO-8601 local time with offset and milliseconds, cached per second."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz
        self._second: int | None = None
        self._head = self._offset = ""

    def __call__(self, ms: int) -> str:
        second, milli = divmod(ms, 1000)
        if second != self._second:
            text = datetime.fromtimestamp(second, self.tz).isoformat()
            self._second, self._head, self._offset = second, text[:19], text[19:]
        return f"{self._head}.{milli:03d}{self._offset}"


def _schools(schools: Iterable[School | str] | None) -> list[School]:
    if schools is None:
        return list(SCHOOLS)
    out = []
    for school in schools:
        if isinstance(school, str):
            if school not in SCHOOLS_BY_ID:
                raise ValueError(f"unknown school {school!r}; known: {', '.join(SCHOOLS_BY_ID)}")
            school = SCHOOLS_BY_ID[school]
        out.append(school)
    if not out:
        raise ValueError("no schools to simulate")
    return out


def simulate(schools: Iterable[School | str] | None = None, **options) -> Iterator[tuple[str, bytes]]:
    """(school id, payload bytes) pairs: the Kafka key and value of each message. Endless.

    Takes the same arguments as `simulate_labelled`.
    """
    return ((message.school, message.payload) for message in simulate_labelled(schools, **options))


def simulate_labelled(
    schools: Iterable[School | str] | None = None,
    *,
    seed: int,
    start_ms: int,
    rate: float,
    bad_rate: float = 0.0,
    duplicate_rate: float = DEFAULT_DUPLICATE_RATE,
    late_rate: float = DEFAULT_LATE_RATE,
    tz: str | ZoneInfo = "Asia/Shanghai",
    rules: AlertRules | None = None,
    max_event_bytes: int = 16_384,
) -> Iterator[Simulated]:
    """Simulated messages of `schools` (default: all demo schools) from `start_ms` at `rate`
    messages per second of virtual time, in total over the schools. Endless: slice it.

    `rules` decide which events open alerts that duty officers later acknowledge and resolve
    (default: the shipped alert_rules.toml). Bad messages cycle through every bad kind in turn.
    """
    if rate <= 0:
        raise ValueError("rate must be positive")
    for name, value in (("bad_rate", bad_rate), ("duplicate_rate", duplicate_rate), ("late_rate", late_rate)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must lie between 0 and 1")
    sites = _schools(schools)
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if rules is None:
        from kernel.settings import DEFAULT_ALERT_RULES

        rules = load_rules(DEFAULT_ALERT_RULES)
    return _Simulation(sites, seed, start_ms, rate, bad_rate, duplicate_rate, late_rate, zone, rules,
                       max_event_bytes).run()


class _Simulation:
    """One run: the virtual clock, the queue of follow-ups, and each school's day."""

    def __init__(self, sites, seed, start_ms, rate, bad_rate, duplicate_rate, late_rate, tz, rules,
                 max_event_bytes):
        self.rng = random.Random(seed)
        self.start_ms = start_ms
        self.ms_per_message = 1000 / rate
        self.bad_rate, self.duplicate_rate, self.late_rate = bad_rate, duplicate_rate, late_rate
        self.tz = tz
        self.iso = IsoTime(tz)
        self.rules = rules
        self.alert_types = rules.types
        self.max_event_bytes = max_event_bytes
        # In every id, so a rerun (same seed, new start) never collides with an earlier run's ids.
        self.run_tag = f"{seed:x}.{start_ms // 1000:x}"
        self.clock = start_ms
        self.pending: list = []  # heap of follow-ups: (due ms, order, school day, maker, args)
        self._order = count()
        self.days = [SchoolDay(s, rng=self.rng, schedule=self._schedule_for(i), run=self.run_tag, tz=tz)
                     for i, s in enumerate(sites)]
        self.mixes = [hour_mixes(day, late=False) for day in self.days]
        self.late_mixes = [hour_mixes(day, late=True) for day in self.days]
        # Bigger schools send more: weight by the square root of head count.
        self.school_weights = list(accumulate((day.population ** 0.5 for day in self.days)))
        previous = 0.0
        for day, mix, weight in zip(self.days, self.mixes, self.school_weights):
            school_rate = rate * (weight - previous) / self.school_weights[-1]
            swipes_a_day = school_rate * daily_share(mix, "attendance") * 86_400
            day.set_card_holders(int(swipes_a_day / SWIPES_PER_PERSON))
            previous = weight
        self.recent: deque[tuple[str, bytes]] = deque(maxlen=RECENT)
        self.seq = 0

    def _schedule_for(self, index: int):
        def later(delay_ms: int, maker, *args) -> None:
            heappush(self.pending, (self.clock + delay_ms, next(self._order), index, maker, args))
        return later

    def _hour(self, ms: int) -> tuple[tuple[bool, int], int]:
        """The (weekend, hour) at `ms` and when that local hour ends; tells each school the hour."""
        local = datetime.fromtimestamp(ms // 1000, self.tz)
        campus_day = (local - timedelta(hours=DAY_TURNOVER_HOUR)).date()
        for day in self.days:
            day.set_hour(local.hour, campus_day)
        hour_ends = ms - (local.minute * 60 + local.second) * 1000 - ms % 1000 + HOUR_MS
        return (local.weekday() >= 5, local.hour), hour_ends

    def _pick_school(self) -> int:
        weights = self.school_weights
        return bisect(weights, self.rng.random() * weights[-1]) if len(weights) > 1 else 0

    def _encode(self, index: int, draft: Draft, ts_ms: int) -> bytes:
        day = self.days[index]
        school = day.school.id
        event_id = f"{school}-{self.run_tag}-{self.seq}"
        domain = _DOMAIN_OF[draft.type]
        doc = {"id": event_id, "ts": self.iso(ts_ms), "school": school, "domain": domain,
               "type": draft.type, "severity": draft.severity}
        if draft.building:
            doc["building"] = draft.building
        if draft.zone:
            doc["zone"] = draft.zone
        if draft.source:
            doc["source"] = draft.source
        doc["data"] = draft.data
        payload = orjson.dumps(doc)
        if draft.type in self.alert_types:
            event = Event(event_id, ts_ms, school, domain, draft.type, draft.severity, draft.building,
                          draft.zone, draft.source, draft.data)
            severity = self.rules.severity_for(event)
            if severity:
                day.on_alert(event_id, draft, severity)
        self.recent.append((school, payload))
        return payload

    def run(self) -> Iterator[Simulated]:
        rng, random_ = self.rng, self.rng.random
        pending, days = self.pending, self.days
        bad_rate, dup_rate, late_rate = self.bad_rate, self.duplicate_rate, self.late_rate
        hour_key, hour_ends = self._hour(self.start_ms)
        bad_count = 0
        while True:
            clock = self.start_ms + int(self.seq * self.ms_per_message)
            self.clock = clock
            if clock >= hour_ends:
                hour_key, hour_ends = self._hour(clock)
            roll = random_()
            if roll < bad_rate:
                index = self._pick_school()
                kind = BAD_KINDS[bad_count % len(BAD_KINDS)]
                bad_count += 1
                school = days[index].school
                payload = bad_message(kind, school=school, event_id=f"{school.id}-{self.run_tag}-{self.seq}",
                                      clock_ms=clock, rng=rng, iso_time=self.iso,
                                      max_event_bytes=self.max_event_bytes)
                yield Simulated(school.id, payload, clock, kind)
                self.seq += 1
                continue
            if roll < bad_rate + dup_rate and self.recent:  # delivered again, byte for byte
                school_id, payload = self.recent[rng.randrange(len(self.recent))]
                yield Simulated(school_id, payload, clock, None)
                self.seq += 1
                continue
            draft = None
            ts = clock
            if pending and pending[0][0] <= clock:
                _, _, index, maker, args = heappop(pending)
                draft = maker(clock, *args)  # None when the follow-up no longer applies
            if draft is None:
                index = self._pick_school()
                late = random_() < late_rate
                mix = (self.late_mixes if late else self.mixes)[index][hour_key]
                maker = mix.makers[bisect(mix.cumulative, random_() * mix.cumulative[-1])]
                draft = maker(clock) or days[index].sensor_reading(clock)
                if late:
                    ts = clock - rng.randint(*LATE_MS)
            payload = self._encode(index, draft, ts)
            yield Simulated(days[index].school.id, payload, clock, None)
            self.seq += 1

