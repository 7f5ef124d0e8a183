"""The domain page's figures as pure functions: what a range covers, response-time statistics,
false-alarm rates per device system, and the devices offline.

Ranges (`?range=`):
- day: the last 24 hours by the hour: the current, partial hour and the 23 before it, starting at
  whole UTC hours like Redis's hourly counts (queries/summary.py `trend_24h`), so the events and
  the alerts are counted over the same buckets.
- week, month: the last 7 or 30 of the school's local days, today included (to now), by day: the
  events from `daily_domain_events`, the alerts from `alerts`.

Alert figures are over the alerts *raised* in the range (one alert however many alarms were folded
into it): their types and buildings, how fast they were acknowledged and resolved, and of those
resolved how many were false alarms. Median and P90 are nearest-rank (ledger/alert_times.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from kernel.catalogue import DOMAINS
from kernel.device_systems import SYSTEMS, system_of

RANGES: tuple[str, ...] = ("day", "week", "month")
DEFAULT_RANGE = "week"
DAYS = {"week": 7, "month": 30}
HOUR = timedelta(hours=1)


def pick_domain(value: object) -> str:
    """The domain asked for, else personal safety (the first) for anything else."""
    return value if isinstance(value, str) and value in DOMAINS else DOMAINS[0]


def pick_range(value: object) -> str:
    return value if isinstance(value, str) and value in RANGES else DEFAULT_RANGE


@dataclass(frozen=True)
class Window:
    """A range's buckets: `edges` are their n+1 boundaries (aware, UTC), `labels` what the chart's
    axis says of each (school local time), `days` the local days of a by-day range."""

    range: str
    edges: tuple[datetime, ...]
    labels: tuple[str, ...]
    days: tuple[date, ...] = ()

    @property
    def start(self) -> datetime:
        return self.edges[0]

    @property
    def end(self) -> datetime:
        return self.edges[-1]


def window(range_: str, now: datetime, tz: ZoneInfo) -> Window:
    if range_ == "day":
        current = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
        edges = tuple(current + (i - 23) * HOUR for i in range(25))
        return Window(range_, edges, tuple(e.astimezone(tz).strftime("%H:00") for e in edges[:-1]))
    today = now.astimezone(tz).date()
    days = tuple(today - timedelta(days=back) for back in range(DAYS[range_] - 1, -1, -1))
    # Local midnights (DST-safe: 00:00 of each local date), the last one ending today.
    ends = days + (today + timedelta(days=1),)
    edges = tuple(datetime.combine(d, time(0), tz).astimezone(timezone.utc) for d in ends)
    return Window(range_, edges, tuple(d.strftime("%m-%d") for d in days), days)


@dataclass(frozen=True)
class SystemRate:
    """Of the alerts a system raised in the range and that are resolved, how many were false."""

    system: str
    resolved: int
    false_alarms: int

    @property
    def rate(self) -> float | None:
        return self.false_alarms / self.resolved if self.resolved else None


def false_alarm_rates(rows: list[tuple[str, str | None, int, int]]) -> list[SystemRate]:
    """Per system from (alert type, the system its event named, resolved, false alarms) rows,
    highest rate first (then most resolved); systems with no resolved alert are left out."""
    totals: dict[str, list[int]] = {}
    for alert_type, named, resolved, false_alarms in rows:
        entry = totals.setdefault(system_of(alert_type, named), [0, 0])
        entry[0] += int(resolved)
        entry[1] += int(false_alarms)
    found = [SystemRate(system, resolved, false) for system, (resolved, false) in totals.items() if resolved]
    order = {s: i for i, s in enumerate(SYSTEMS)}
    return sorted(found, key=lambda r: (-(r.rate or 0), -r.resolved, order.get(r.system, len(order)),
                                        r.system))


def overall_false_rate(rates: list[SystemRate]) -> SystemRate:
    return SystemRate("all", sum(r.resolved for r in rates), sum(r.false_alarms for r in rates))


@dataclass(frozen=True)
class OfflineDevice:
    device: str
    system: str
    since_ms: int


def device_counts(summary: dict | None, systems: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Online and offline devices of `systems` (in that order) from the live summary's `devices`;
    a system no device has reported on shows 0 and 0."""
    live = (summary or {}).get("devices") or {}
    return {s: {"online": int((live.get(s) or {}).get("online", 0)),
                "offline": int((live.get(s) or {}).get("offline", 0))} for s in systems}


def offline_devices(register: dict[str, str], systems: tuple[str, ...],
                    limit: int) -> tuple[list[OfflineDevice], int]:
    """The devices of `systems` whose latest event says offline, longest offline first, at most
    `limit`, and how many there are, from the device register (device -> "ts|state|system")."""
    wanted = set(systems)
    found = []
    for device, value in register.items():
        ts, _, rest = value.partition("|")
        state, _, system = rest.partition("|")
        if state == "offline" and system in wanted:
            found.append(OfflineDevice(device, system, int(ts or 0)))
    found.sort(key=lambda d: (d.since_ms, d.device))
    return found[:limit], len(found)
