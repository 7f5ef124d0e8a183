"""Reads of the live aggregates for the screens and the JSON API.

Each reader fetches with one or two Redis pipelines and hands plain data to a pure builder.
Window semantics (docs/api.md): 5m and 1h are counted by event-time minute buckets, 24h and 7d by
hour buckets; a window of N buckets is the current, partial bucket and the N-1 before it.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import redis

from kernel import figures, keys
from kernel.catalogue import ALERT_SEVERITIES, DOMAINS, SEVERITIES
from kernel.clock import HOUR_MS, MINUTE_MS, local_day
from ledger.escalation import Deadlines
from queries.ledger import register

RECENT_ALERTS_SHOWN = 20
# Open alerts whose place is looked up for the map's overlay: a campus with more open at once is
# in a state no map helps with, and the read must stay bounded.
OPEN_ALERT_PLACES = 1000
HOURLY_TYPES = {"visitor_check_ins": "personal_safety|t|visitor.check_in",
                "attendance_in": "personal_safety|t|attendance.in"}
DUE_SOON_MS = 3 * 86_400_000  # "due soon": deadline within three days
WINDOW_MINUTES = {"5m": 5, "1h": 60}
WINDOW_HOURS = {"24h": 24, "7d": 168}
_RANK = {s: i for i, s in enumerate(ALERT_SEVERITIES)}  # critical first
_MINUTE_FIELDS = [f"{d}|{m}" for d in DOMAINS for m in range(60)]
# The figures each kept as one field of a count hash (kernel/figures.py), by the hash they are in.
_DAY_FIGURES = tuple(f for f in figures.FIGURES if f.key is keys.day_counts and f.field)
_ALERT_FIGURES = tuple(f for f in figures.FIGURES if f.key is keys.alert_counts and f.field
                       and f not in figures.DOMAIN_ALERTS.values())  # those are read per domain
_HAZARD_FIGURES = tuple(f for f in figures.FIGURES if f.key is keys.hazard_counts and f.field)


def iso(ms: int | None, tz: ZoneInfo | None = None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz or timezone.utc).isoformat(timespec="milliseconds")


def list_schools(client: redis.Redis) -> list[str]:
    return sorted(client.smembers(keys.SCHOOLS))


def school_summary(client: redis.Redis, school: str, *, now_ms: int, tz: ZoneInfo,
                   group: str, stale_after_s: float, deadlines: Deadlines | None = None,
                   placements: dict[str, tuple[str, str | None]] | None = None) -> dict | None:
    """The live summary of one school, or None when the school has never sent a valid event.

    `placements` is the device register (source -> building, zone; queries/ledger/register.py): an
    alert whose event named no building is placed by its registered source. Applied here, at read
    time, not by the consumer: the consumer stays as fast as it is (no lookup per event), and a
    device registered after its alert was raised places that alert too."""
    now_hour = now_ms // HOUR_MS
    hours = [now_hour - i for i in range(WINDOW_HOURS["7d"])]
    # One MULTI/EXEC: a rebuild switches a school's keys in one script (streams/rebuild.py), so
    # these reads see all the old aggregates or all the new, never some of each.
    with client.pipeline(transaction=True) as pipe:
        pipe.sismember(keys.SCHOOLS, school)
        pipe.hgetall(keys.meta(school))
        for hour in hours[:24]:
            pipe.hgetall(keys.hour_counts(school, hour))
        for hour in hours[24:]:
            pipe.hmget(keys.hour_counts(school, hour), DOMAINS)
        pipe.hmget(keys.minute_counts(school, now_hour), _MINUTE_FIELDS)
        pipe.hmget(keys.minute_counts(school, now_hour - 1), _MINUTE_FIELDS)
        pipe.hgetall(keys.day_counts(school, local_day(now_ms, tz)))
        pipe.hgetall(keys.alert_counts(school))
        pipe.zrevrange(keys.recent_alerts(school), 0, RECENT_ALERTS_SHOWN - 1)
        pipe.hgetall(keys.device_counts(school))
        pipe.hgetall(keys.hazard_counts(school))
        pipe.zcount(keys.hazard_deadlines(school), "-inf", now_ms)
        pipe.zcount(keys.hazard_deadlines(school), f"({now_ms}", now_ms + DUE_SOON_MS)
        pipe.hgetall(keys.open_alerts(school))
        results = pipe.execute()
    known, meta, *rest = results
    if not known:
        return None
    recent_hours, older_hours = rest[:24], rest[24:168]
    (minutes_now, minutes_before, day, alert_counts, recent_ids, devices, hazards, overdue, due_soon,
     open_alerts) = rest[168:]
    placed_ids = sorted(open_alerts)[:OPEN_ALERT_PLACES]

    stream = meta.get("stream", "")
    topic, _, partition = stream.rpartition("/")
    with client.pipeline(transaction=False) as pipe:
        for alert_id in recent_ids:
            pipe.hgetall(keys.alert(school, alert_id))
        pipe.hget(keys.caught_up(group, topic), partition)
        pipe.smembers(keys.dead_letter_partitions(group, topic))
        for alert_id in placed_ids:
            pipe.hmget(keys.alert(school, alert_id), ("building", "source"))
        second = pipe.execute()
    alerts = [placed(a, placements) for a in second[: len(recent_ids)] if a]
    caught_up_ms, dlq_partitions = second[len(recent_ids)], second[len(recent_ids) + 1]
    open_places = {alert_id: register.place(building, None, source, placements)[0]
                   for alert_id, (building, source) in zip(placed_ids, second[len(recent_ids) + 2:])}
    dead_letter_hashes = []
    if dlq_partitions:
        with client.pipeline(transaction=False) as pipe:
            for p in sorted(dlq_partitions):
                pipe.hgetall(keys.dead_letters(group, topic, int(p)))
            dead_letter_hashes = pipe.execute()

    return build_summary(
        school=school, now_ms=now_ms, tz=tz, stale_after_s=stale_after_s, meta=meta,
        caught_up_ms=int(caught_up_ms) if caught_up_ms else None,
        recent_hours=recent_hours, older_hours=older_hours,
        minutes=(minutes_before, minutes_now), day=day, alert_counts=alert_counts, alerts=alerts,
        devices=devices, hazards=hazards, overdue=overdue, due_soon=due_soon,
        dead_letter_hashes=dead_letter_hashes, open_alerts=open_alerts, open_places=open_places,
        deadlines=deadlines,
    )


def placed(alert: dict, placements: register.Placements | None) -> dict:
    """The alert with the building and zone of its registered source when its event named none
    (queries.ledger.register.place)."""
    if alert.get("building") or not placements:
        return alert
    building, zone = register.place(None, alert.get("zone"), alert.get("source"), placements)
    return alert if building is None else {**alert, "building": building, "zone": zone or ""}


def _int(value) -> int:
    return int(value) if value else 0


def build_summary(*, school, now_ms, tz, stale_after_s, meta, caught_up_ms, recent_hours,
                  older_hours, minutes, day, alert_counts, alerts, devices, hazards, overdue,
                  due_soon, dead_letter_hashes, open_alerts=None, open_places=None,
                  deadlines: Deadlines | None = None) -> dict:
    """The summary document (docs/api.md) from raw Redis replies. Pure.

    `open_alerts` is the open-alert register (id -> "severity|domain|raised_ms|state"),
    `open_places` the building of each (as far as read); `deadlines` marks escalated alerts."""
    now_minute = (now_ms // MINUTE_MS) % 60
    # minute_values[i] is the count i minutes ago, per domain, for the last 120 minutes.
    domains = {}
    for index, domain in enumerate(DOMAINS):
        per_minute = []
        for back in range(120):
            minute = now_minute - back
            source = minutes[1] if minute >= 0 else minutes[0]
            per_minute.append(_int(source[index * 60 + minute % 60]))
        totals = [_int(h.get(domain)) for h in recent_hours] + [_int(v[index]) for v in older_hours]
        by_type: dict[str, int] = {}
        by_severity = {s: 0 for s in SEVERITIES}
        type_prefix, severity_prefix = f"{domain}|t|", f"{domain}|s|"
        for bucket in recent_hours:
            for name, value in bucket.items():
                if name.startswith(type_prefix):
                    event_type = name[len(type_prefix):]
                    by_type[event_type] = by_type.get(event_type, 0) + int(value)
                elif name.startswith(severity_prefix):
                    by_severity[name[len(severity_prefix):]] += int(value)
        values = {figures.DOMAIN_5M[domain]: sum(per_minute[:WINDOW_MINUTES["5m"]]),
                  figures.DOMAIN_1H[domain]: sum(per_minute[:WINDOW_MINUTES["1h"]]),
                  figures.DOMAIN_24H[domain]: sum(totals[:WINDOW_HOURS["24h"]]),
                  figures.DOMAIN_7D[domain]: sum(totals[:WINDOW_HOURS["7d"]])}
        alerts_open = figures.DOMAIN_ALERTS[domain]
        domains[domain] = {
            # Events per hour over the last 24 hours, oldest first (the last hour is partial).
            "trend_24h": [_int(h.get(domain)) for h in reversed(recent_hours)],
            "events": figures.section(values, f"domains.{domain}.events"),
            "by_severity": by_severity,
            "by_type_24h": dict(sorted(by_type.items())),
            **figures.section({alerts_open: _int(alert_counts.get(alerts_open.field))}, f"domains.{domain}"),
        }

    # The figures kept as one hash field each, read by the table's field names (kernel/figures.py).
    values = {figure: _int(source.get(figure.field))
              for source, family in ((day, _DAY_FIGURES), (alert_counts, _ALERT_FIGURES),
                                     (hazards, _HAZARD_FIGURES))
              for figure in family}
    alert_by_severity = {s: values[f] for s, f in figures.ALERTS_BY_SEVERITY.items()}
    by_stage = {stage: values[f] for stage, f in figures.HAZARD_STAGE.items()}
    as_of_ms = max(_int(meta.get("last_applied_ms")), caught_up_ms or 0) or None
    lag = round(max(0, now_ms - as_of_ms) / 1000, 1) if as_of_ms else None
    dead_letters: dict[str, int] = {}
    for counts in dead_letter_hashes:
        for name, value in counts.items():
            owner, _, reason = name.partition("|")
            if owner == school:
                dead_letters[reason] = dead_letters.get(reason, 0) + int(value)

    device_systems: dict[str, dict[str, int]] = {}
    for name, value in devices.items():
        system, _, state = name.partition("|")
        device_systems.setdefault(system, {"online": 0, "offline": 0})[state] = int(value)
    open_figures = _open_alert_figures(open_alerts or {}, open_places or {}, deadlines, now_ms)
    checkins = figures.CHECKINS_PREFIX
    gates = {name[len(checkins):]: int(v) for name, v in day.items() if name.startswith(checkins)}
    # The derived figures, in the document's order (section() keeps the table's).
    values.update({
        figures.ALERTS_OPEN: sum(alert_by_severity.values()),
        figures.ALERTS_ESCALATED: open_figures.pop("escalated"),
        figures.HAZARDS_OPEN: sum(v for s, v in by_stage.items() if s != "accepted"),
        figures.HAZARDS_OVERDUE: overdue,
        figures.HAZARDS_DUE_SOON: due_soon,
    })
    values = {figure: values[figure] for figure in figures.FIGURES if figure in values}  # table order

    return {
        "school": school,
        "as_of": iso(as_of_ms, tz),
        "lag_seconds": lag,
        "stale": lag is None or lag > stale_after_s,
        "last_event_at": iso(_int(meta.get("last_event_ms")) or None, tz),
        figures.EVENTS_TOTAL.json: _int(meta.get(figures.EVENTS_TOTAL.field)),
        "domains": domains,
        "visitors": {**figures.section(values, "visitors"), "checkins_by_gate": dict(sorted(gates.items()))},
        "attendance": figures.section(values, "attendance"),
        "vehicles": figures.section(values, "vehicles"),
        "alerts": {
            **figures.section(values, "alerts"),
            **open_figures,
            "recent": [_alert_view(a, tz, deadlines, now_ms) for a in alerts],
        },
        "hourly": {
            "first_hour": iso((now_ms // HOUR_MS - len(recent_hours) + 1) * HOUR_MS, tz),
            **{name: [_int(h.get(field)) for h in reversed(recent_hours)]
               for name, field in HOURLY_TYPES.items()},
        },
        "devices": dict(sorted(device_systems.items())),
        "hazards": figures.section(values, "hazards"),
        "dead_letters": dict(sorted(dead_letters.items())),
    }


def _open_alert_figures(open_alerts: dict, places: dict, deadlines: Deadlines | None,
                        now_ms: int) -> dict:
    """Escalated and flashing counts, and open alerts per building with their top severity."""
    escalated, flashing, by_building = 0, [], {}
    for alert_id, value in open_alerts.items():
        severity, _domain, raised, state = (value.split("|") + ["", "", "0", ""])[:4]
        raised_ms = int(raised or 0)
        if deadlines is not None:
            escalated += deadlines.is_escalated(severity=severity, state=state, raised_ms=raised_ms, now_ms=now_ms)
            if deadlines.flashes(severity=severity, state=state, raised_ms=raised_ms, now_ms=now_ms):
                flashing.append(alert_id)
        building = places.get(alert_id)
        if building:
            entry = by_building.setdefault(building, {"open": 0, "top": severity})
            entry["open"] += 1
            if _RANK.get(severity, 99) < _RANK.get(entry["top"], 99):
                entry["top"] = severity
    return {"escalated": escalated, "flashing": sorted(flashing), "by_building": dict(sorted(by_building.items()))}


def _alert_view(alert: dict, tz: ZoneInfo, deadlines: Deadlines | None = None, now_ms: int = 0) -> dict:
    raised_ms = _int(alert.get("ts"))
    escalated = deadlines is not None and deadlines.is_escalated(
        severity=alert.get("severity") or "", state=alert.get("state") or "", raised_ms=raised_ms, now_ms=now_ms)
    return {
        "escalated": escalated,
        "id": alert.get("id"),
        "raised_at": iso(_int(alert.get("ts")) or None, tz),
        "domain": alert.get("domain"),
        "type": alert.get("type"),
        "severity": alert.get("severity"),
        "state": alert.get("state"),
        "building": alert.get("building") or None,
        "zone": alert.get("zone") or None,
        "source": alert.get("source") or None,
    }


def minute_series(client: redis.Redis, school: str, *, now_ms: int, minutes: int = 1440) -> dict:
    """Events per minute per domain over the last `minutes` (oldest first), for trend lines."""
    now_minute = now_ms // MINUTE_MS
    first_minute = now_minute - minutes + 1
    hours = range(first_minute * MINUTE_MS // HOUR_MS, now_ms // HOUR_MS + 1)
    with client.pipeline(transaction=False) as pipe:
        for hour in hours:
            pipe.hgetall(keys.minute_counts(school, hour))
        buckets = pipe.execute()
    return build_minute_series(dict(zip(hours, buckets)), first_minute, minutes)


def build_minute_series(buckets: dict[int, dict], first_minute: int, minutes: int) -> dict:
    series = {d: [0] * minutes for d in DOMAINS}
    for hour, counts in buckets.items():
        for name, value in counts.items():
            domain, _, minute = name.partition("|")
            index = hour * 60 + int(minute) - first_minute
            if 0 <= index < minutes and domain in series:
                series[domain][index] = int(value)
    return {"first_minute_ms": first_minute * MINUTE_MS, "per_minute": series}
