"""The demo campus's alert history and daily totals: thirty days before the demo's "now".

The recorder fills `alerts` only from the simulator's events once `make run` starts, so without
this the leadership pages (alerts today, MTTA/MTTR, false-alarm rates, trends) would be empty on a
fresh demo. Drawn from the school's own devices (demo.sites), with the types and
severities streams/alert_rules.toml gives their events and the duty room's habits of the simulator
(demo.campus_loops): most alerts acknowledged within minutes, some dispatched, all resolved as a
true or false alarm except a few of the last day's, which are still open now. Smoke detectors
(kitchens above all) cry wolf often; a one-key alarm is rarely pressed by mistake.

`alert_history` is pure (plain dicts from a seeded generator); `add_alert_history` inserts them in
bulk (the scaled demo has ~23 000 alerts and ~50 000 handling steps) and only flushes.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from demo.campus_loops import ACK_WITHIN_MS, DISPATCHED, PATROL_TEAMS
from demo.campus_mix import CATEGORIES, FLAT, NIGHT, OCCUPANCY, VEHICLES, VISITORS, WEEKEND_ATTENDANCE
from demo.checklists import WEATHER_KINDS
from demo.sites import SCHOOLS, School
from kernel.catalogue import CATALOGUE, DOMAINS
from ledger import alert_flow
from ledger.models import Alert, AlertOccurrence, AlertTransition, DailyDomainEvents, DailyTotals

if TYPE_CHECKING:
    from demo.seed import SchoolRows

DAYS = 30  # days of history before today (today's alerts up to "now" come on top)
RECENT = timedelta(hours=24)  # only alerts this recent may still be open
# Alerts a day per device of a kind (the types its events raise), on a weekday.
PER_DEVICE_DAY = {"smoke": 0.25, "temp": 0.1, "gas": 0.1, "leak": 0.1, "sos": 0.05, "fence": 0.4, "cam": 0.3,
                  "reader": 0.2, "radar": 0.8, "barrier": 0.3}
KITCHEN_SMOKE = 4  # a kitchen's smoke detector goes off this many times as often (cooking fumes)
PATROL_MISSED_DAY = 0.15  # missed rounds a day per checkpoint
OFFLINE_DAY = 0.05  # device.offline alerts a day per device
WEATHER_DAY = 0.1  # weather warnings a day (yellow or worse open an alert)
# Fewer people, fewer of the alerts people cause, at weekends (sensors do not rest).
WEEKEND = {"university": 0.7, "middle": 0.35, "primary": 0.1}
PEOPLE_TYPES = {"alarm.one_key", "video.alarm", "face.watchlist_hit", "vehicle.speeding", "vehicle.overtime_parking"}
# How likely a resolved alert was a false alarm (demo.campus_loops.FALSE_ALARM, but a one-key
# alarm is false only when pressed by mistake: its note says so).
FALSE_ALARM = {"fire.smoke_alarm": 0.55, "perimeter.intrusion": 0.6, "video.alarm": 0.5, "face.watchlist_hit": 0.5,
               "sensor.temperature": 0.3, "sensor.gas": 0.3, "electrical.leakage": 0.3, "vehicle.speeding": 0.1,
               "vehicle.overtime_parking": 0.05, "patrol.checkpoint": 0.2, "device.offline": 0.05,
               "weather.warning": 0.0}
KITCHEN_FALSE = 0.85
LEFT_OPEN = {"critical": 0.02, "high": 0.05, "medium": 0.1, "low": 0.2}  # of the last day's, unhandled
ACKED_NOT_RESOLVED = 0.05  # of the last day's, acknowledged and not yet resolved
SELF_CLEARED = 0.03  # false alarms closed at once, without an acknowledgement
REPEATS = 0.15  # alerts of a flapping device: two to four alarms folded into one
ONE_KEY_NOTES = (("学生求助", 40), ("人员受伤", 25), ("纠纷报警", 25), ("误触", 10))
KITCHENS = ("kitchen", "gas-room")


@dataclass(frozen=True)
class Source:
    """What raises one kind of alert at a school: the type, a device (or None) and a daily rate."""

    type: str
    device: str | None
    building: str | None
    zone: str | None
    per_day: float
    shape: tuple[float, ...]  # relative weight of each local hour
    kind: str = ""  # the device's kind, for the detail


def sources(school: School) -> list[Source]:
    """Every (type, device) that raises alerts at the school, with its rate on a weekday."""
    day = OCCUPANCY[school.kind]
    kinds = {"smoke": ("fire.smoke_alarm", day), "temp": ("sensor.temperature", FLAT),
             "gas": ("sensor.gas", FLAT), "leak": ("electrical.leakage", FLAT), "sos": ("alarm.one_key", day),
             "fence": ("perimeter.intrusion", NIGHT), "cam": ("video.alarm", day),
             "radar": ("vehicle.speeding", VEHICLES)}
    campus_gates = {g.id for g in school.gates if g.building is None}
    out: list[Source] = []
    for d in school.devices:
        if d.kind in kinds:
            type_, shape = kinds[d.kind]
            rate = PER_DEVICE_DAY[d.kind] * (KITCHEN_SMOKE if d.kind == "smoke" and d.zone in KITCHENS else 1)
            out.append(Source(type_, d.id, d.building, d.zone, rate, shape, d.kind))
        elif d.kind == "reader" and d.gate in campus_gates:  # watchlist hits at the campus gates
            out.append(Source("face.watchlist_hit", d.id, None, None, PER_DEVICE_DAY["reader"], VISITORS, d.kind))
        elif d.kind == "barrier":  # a visitor's car past its four hours: the event names no device
            out.append(Source("vehicle.overtime_parking", None, None, None, PER_DEVICE_DAY["barrier"], VISITORS))
        out.append(Source("device.offline", d.id, d.building, d.zone, OFFLINE_DAY, FLAT, d.system))
    for cp in school.checkpoints:
        out.append(Source("patrol.checkpoint", f"patrol-{cp.id}", cp.building, cp.zone, PATROL_MISSED_DAY, NIGHT,
                          cp.id))
    out.append(Source("weather.warning", "weather-service", None, None, WEATHER_DAY, FLAT))
    return out


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _plate(rng: random.Random) -> str:
    return "豫G" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(5))


def _event(source: Source, school: School, rng: random.Random) -> tuple[str, dict, bool | None]:
    """(severity, the opening event's data, forced outcome) as the alert rules would grade it."""
    t = source.type
    if t == "fire.smoke_alarm":
        return "critical", {"detector": source.device}, None
    if t == "sensor.temperature":
        return "high", {"value": round(rng.uniform(60, 85), 1), "unit": "C"}, None
    if t == "sensor.gas":
        value = round(rng.uniform(10, 35), 2)
        gas = "CH4" if source.zone in KITCHENS else "H2"
        return ("critical" if value >= 25 else "high"), {"value": value, "gas": gas}, None
    if t == "electrical.leakage":
        return "high", {"value": round(rng.uniform(300, 500), 1)}, None
    if t == "alarm.one_key":
        note = rng.choices([n for n, _ in ONE_KEY_NOTES], [w for _, w in ONE_KEY_NOTES])[0]
        return "critical", {"note": note}, note == "误触"
    if t == "perimeter.intrusion":
        return "high", {"segment": source.device.removeprefix("fence-")}, None
    if t == "video.alarm":
        behaviour = rng.choices(("loitering", "crowding", "climbing", "fall", "fighting"), (45, 20, 15, 10, 10))[0]
        return ("low" if behaviour == "loitering" else "high"), {"behaviour": behaviour, "camera": source.device}, None
    if t == "face.watchlist_hit":
        return "high", {"match": f"WL-{rng.randint(1, 40):03d}", "similarity": round(rng.uniform(0.8, 0.98), 3)}, None
    if t == "vehicle.speeding":
        return "medium", {"plate": _plate(rng), "speed_kmh": rng.randint(28, 55), "limit_kmh": 20}, None
    if t == "vehicle.overtime_parking":
        return "low", {"plate": _plate(rng), "minutes": 240 + rng.randint(0, 90)}, None
    if t == "patrol.checkpoint":
        return "low", {"guard": rng.choice(school.guards), "checkpoint": source.kind, "status": "missed"}, None
    if t == "device.offline":
        return "medium", {"device": source.device, "system": source.kind}, None
    level = rng.choices(("yellow", "orange", "red"), (35, 12, 3))[0]
    return ("medium" if level == "yellow" else "high"), {"kind": rng.choice(WEATHER_KINDS), "level": level}, None


def _false_alarm(source: Source, forced: bool | None, rng: random.Random) -> bool:
    if forced is not None:
        return forced
    if source.type == "fire.smoke_alarm" and source.zone in KITCHENS:
        return rng.random() < KITCHEN_FALSE
    return rng.random() < FALSE_ALARM.get(source.type, 0.3)


def _raised_times(source: Source, school: School, *, today: date, now: datetime, factor: int,
                  rng: random.Random) -> list[datetime]:
    tz = now.tzinfo
    out = []
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        mean = source.per_day * factor
        if day.weekday() >= 5 and source.type in PEOPLE_TYPES:
            mean *= WEEKEND[school.kind]
        for _ in range(_poisson(rng, mean)):
            hour = rng.choices(range(24), source.shape)[0]
            at = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tz)
            if at < now - timedelta(minutes=1):
                out.append(at)
    return out


class _Builder:
    """Rows of one school's alerts, their alarms and handling steps, with unique event ids."""

    def __init__(self, school: School, org_code: str, school_id: int, now: datetime, rng: random.Random):
        self.school, self.org_code, self.school_id, self.now, self.rng = school, org_code, school_id, now, rng
        self.alerts: list[dict] = []
        self.occurrences: list[list[dict]] = []  # per alert, in order
        self.transitions: list[list[dict]] = []

    def alert(self, source: Source, raised: datetime, *, handled: bool = True) -> None:
        rng, now = self.rng, self.now
        severity, detail, forced = _event(source, self.school, rng)
        code = f"{self.org_code}-demo-{len(self.alerts) + 1:06d}"
        false = _false_alarm(source, forced, rng)
        officer = rng.choice(self.school.duty_officers)
        steps: list[tuple[str, datetime, dict]] = []
        recent = raised >= now - RECENT
        if handled and not (recent and rng.random() < LEFT_OPEN[severity]):
            if false and rng.random() < SELF_CLEARED:  # the device cleared itself; closed at once
                steps.append(("resolve", raised + timedelta(seconds=rng.randint(60, 600)),
                              {"outcome": "false_alarm", "note": "设备自动复位，确认为误报"}))
            else:
                ack = raised + timedelta(seconds=rng.randint(20, ACK_WITHIN_MS[severity] // 1000))
                if rng.random() < 0.08:  # a busy moment in the duty room
                    ack += timedelta(minutes=rng.randint(5, 40))
                steps.append(("acknowledge", ack, {}))
                if not (recent and rng.random() < ACKED_NOT_RESOLVED):
                    at = ack
                    if rng.random() < (0.15 if false else DISPATCHED):
                        at += timedelta(minutes=rng.randint(1, 5))
                        steps.append(("dispatch", at, {"assignee": rng.choice(PATROL_TEAMS),
                                                       "note": "派人现场核查"}))
                    at += timedelta(minutes=rng.randint(2, 15) if false else rng.randint(3, 45))
                    steps.append(("resolve", at, {"outcome": "false_alarm" if false else "true_alarm",
                                                  "note": "现场核查为误报" if false else "已现场处置"}))
        steps = [s for s in steps if s[1] < now]  # what has happened by now
        # A flapping device: more alarms folded in while the alert stays open (the grouping window).
        alarms = [raised]
        if source.device and rng.random() < REPEATS:
            until = min([now] + [at for action, at, _ in steps if action == "resolve"])
            for _ in range(rng.randint(1, 3)):
                at = alarms[-1] + timedelta(seconds=rng.randint(30, 300))
                if at < until:
                    alarms.append(at)
        row = {"school_id": self.school_id, "code": code, "type": source.type, "domain": CATALOGUE[source.type][0],
               "severity": severity, "device": source.device, "building_code": source.building,
               "zone_code": source.zone, "raised_at": raised, "last_raised_at": alarms[-1], "count": len(alarms),
               "state": "new", "outcome": None, "acknowledged_at": None, "acknowledged_by": None,
               "dispatched_at": None, "dispatched_by": None, "dispatched_to": None, "resolved_at": None,
               "resolved_by": None, "detail": detail,
               "group_key": alert_flow.group_key(source.type, source.device, source.building, source.zone)}
        row["version"] = len(alarms)  # one bump per change, as the ORM counts them
        self.alerts.append(row)
        self.occurrences.append([{"event_id": code if n == 0 else f"{code}.r{n}", "at": at}
                                 for n, at in enumerate(alarms)])
        self.transitions.append([])
        for action, at, extra in steps:
            self.step(action, at, officer, **extra)

    def step(self, action: str, at: datetime, officer: str, *, note: str = "", assignee: str | None = None,
             outcome: str | None = None) -> None:
        """One handling step of the last alert, with the alert's columns as the console sets them."""
        row = self.alerts[-1]
        to_state = alert_flow.next_state(row["state"], action)
        self.transitions[-1].append({"action": action, "from_state": row["state"], "to_state": to_state,
                                     "by": officer, "at": at, "note": note, "event_id": f"{row['code']}.{action}",
                                     "assignee": assignee, "outcome": outcome})
        row["state"] = to_state
        row["version"] += 1
        if action == "acknowledge":
            row["acknowledged_at"], row["acknowledged_by"] = at, officer
        elif action == "dispatch":
            row["dispatched_at"], row["dispatched_by"], row["dispatched_to"] = at, officer, assignee
        else:
            row["resolved_at"], row["resolved_by"], row["outcome"] = at, officer, outcome


def alert_history(school: School, *, org_code: str, school_id: int, today: date, now: datetime, factor: int = 1,
                  rng: random.Random) -> _Builder:
    """The school's alerts of the last DAYS days and of today until `now`, in the order raised.

    `factor` multiplies every rate (the scaled demo). Ends with two alerts of the last forty minutes
    that nobody has finished with: a kitchen's smoke alarm still new, an intrusion dispatched."""
    builder = _Builder(school, org_code, school_id, now, rng)
    found = sources(school)
    raised = [(at, index) for index, source in enumerate(found)
              for at in _raised_times(source, school, today=today, now=now, factor=factor, rng=rng)]
    raised.sort()
    for at, index in raised:
        builder.alert(found[index], at)
    smoke = [s for s in found if s.type == "fire.smoke_alarm"]
    fresh = next((s for s in smoke if s.zone in KITCHENS), smoke[0] if smoke else found[-1])
    builder.alert(fresh, now - timedelta(minutes=rng.randint(3, 8)), handled=False)
    # An intrusion a duty officer has acknowledged and sent a patrol team to.
    other = next((s for s in found if s.type == "perimeter.intrusion"), found[-1])
    raised = now - timedelta(minutes=rng.randint(25, 40))
    builder.alert(other, raised, handled=False)
    officer = rng.choice(school.duty_officers)
    builder.step("acknowledge", raised + timedelta(seconds=rng.randint(30, 120)), officer)
    builder.step("dispatch", raised + timedelta(minutes=rng.randint(3, 6)), officer, assignee=rng.choice(PATROL_TEAMS),
                 note="派人现场核查")
    return builder


def add_alert_history(session: Session, rows: SchoolRows, *, today: date, now: datetime, rng: random.Random,
                      factor: int = 1, org_code: str | None = None) -> dict[str, int]:
    """Insert the school's alert history in bulk (plain executemany: the ORM's unit of work, or an
    insert with RETURNING, takes minutes for the scaled demo) and only flush."""
    built = alert_history(rows.school, org_code=org_code or rows.org.code, school_id=rows.org.id, today=today,
                          now=now, factor=factor, rng=rng)
    session.flush()
    session.execute(insert(Alert.__table__), built.alerts)
    ids = dict(session.execute(select(Alert.code, Alert.id).where(Alert.school_id == rows.org.id)).all())
    occurrences = [{**o, "alert_id": ids[a["code"]]} for a, group in zip(built.alerts, built.occurrences)
                   for o in group]
    transitions = [{**t, "alert_id": ids[a["code"]]} for a, group in zip(built.alerts, built.transitions)
                   for t in group]
    if occurrences:
        session.execute(insert(AlertOccurrence.__table__), occurrences)
    if transitions:
        session.execute(insert(AlertTransition.__table__), transitions)
    return {"alerts": len(built.alerts), "alert_transitions": len(transitions)}


# -- daily totals --------------------------------------------------------------------------------
# Share of card holders seen at the gates on a weekday and at weekends (boarders stay at a middle
# school; a primary school is empty), visitors and vehicles a weekday.
SEEN = {"university": ((0.85, 0.35), (0.8, 0.6)), "middle": ((0.95, 0.25), (0.97, 0.45)),
        "primary": ((0.95, 0.05), (0.97, 0.02))}
VISITORS_DAY = {"university": 120, "middle": 25, "primary": 18}
VEHICLES_DAY = {"university": 1500, "middle": 120, "primary": 80}


def daily_totals(school: School, *, today: date, rng: random.Random) -> list[dict]:
    """The DAYS local days before today (today's own counts are live, in Redis)."""
    (staff_week, staff_end), (students_week, students_end) = SEEN[school.kind]
    out = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        weekend = day.weekday() >= 5
        jitter = rng.uniform(0.95, 1.03)
        out.append({
            "day": day,
            "staff_seen": round(school.staff * (staff_end if weekend else staff_week) * jitter),
            "students_seen": round(school.students * (students_end if weekend else students_week) * jitter),
            "visitors_checked_in": round(VISITORS_DAY[school.kind] * (0.15 if weekend else 1) * rng.uniform(0.7, 1.3)),
            "vehicles_seen": round(VEHICLES_DAY[school.kind] * (0.35 if weekend else 1) * rng.uniform(0.85, 1.15)),
        })
    return out


def add_daily_totals(session: Session, rows: SchoolRows, *, today: date, rng: random.Random) -> int:
    made = daily_totals(rows.school, today=today, rng=rng)
    session.add_all(DailyTotals(school_id=rows.org.id, **row) for row in made)
    return len(made)


# -- events per domain and local day (daily_domain_events) ------------------------------------------
# What the recorder's snapshot would have kept had the simulator run these thirty days at its
# default rate (kernel.settings: 20 events/s over the three schools, shared by the square root of
# head count as demo.campus_stream does), with the simulator's mix of each hour
# (demo.campus_mix, its weights as a weekday's shares): swipes at the gates make personal safety
# the biggest. The simulator keeps its rate at weekends; people do not, so a weekend day keeps the
# weekday's sensors and patrols but only the weekend share of swipes, cars, visitors and office work.
SIMULATOR_RATE = 20.0
DOMAIN_OF_CATEGORY = {
    "attendance": "personal_safety", "visitor_check_in": "personal_safety", "one_key_alarm": "personal_safety",
    "sensor_reading": "environment", "smoke_alarm": "environment", "weather_warning": "environment",
    "vehicle_entry": "active_defence", "patrol_checkpoint": "active_defence", "vehicle_speeding": "active_defence",
    "perimeter_intrusion": "active_defence", "video_alarm": "active_defence", "watchlist_hit": "active_defence",
    "campaign_check": "special_campaigns",
    "hazard_reported": "operations", "device_offline": "operations",
    "training": "mechanisms", "drill": "mechanisms", "assessment": "mechanisms",
}
# A check-in, a car or a hazard brings its follow-ups (check-out, exit, the loop's steps), and an
# alert its handling steps (operations): events per happening of the category.
FOLLOW_UPS = {"visitor_check_in": 2, "vehicle_entry": 2, "hazard_reported": 5}
ALERT_STEPS = 2.5  # acknowledge, sometimes dispatch, resolve: operations events per alert raised
ALERT_CATEGORIES = {"one_key_alarm", "smoke_alarm", "weather_warning", "vehicle_speeding", "perimeter_intrusion",
                    "video_alarm", "watchlist_hit", "device_offline"}


def domain_day_means(school: School) -> tuple[dict[str, float], dict[str, float]]:
    """Mean valid events per domain on a weekday and on a weekend day at the school. Pure."""
    weights = {s.id: (s.staff + s.students) ** 0.5 for s in SCHOOLS}
    per_day = SIMULATOR_RATE * 86400 * weights.get(school.id, weights[SCHOOLS[0].id]) / sum(weights.values())
    kinds = {d.kind for d in school.devices}
    mix = {name: spec for name, spec in CATEGORIES.items() if spec[3] is None or spec[3] in kinds}
    total = sum(weight for weight, *_rest in mix.values())
    weekday: dict[str, float] = dict.fromkeys(DOMAINS, 0.0)
    weekend: dict[str, float] = dict.fromkeys(DOMAINS, 0.0)
    for name, (weight, _shape, factor, _needs, _late) in mix.items():
        if name == "attendance":
            factor = WEEKEND_ATTENDANCE[school.kind]
        events = per_day * weight / total * FOLLOW_UPS.get(name, 1)
        steps = events * ALERT_STEPS if name in ALERT_CATEGORIES else 0.0
        for out, scale in ((weekday, 1.0), (weekend, factor)):
            out[DOMAIN_OF_CATEGORY[name]] += events * scale
            out["operations"] += steps * scale
    return weekday, weekend


def domain_days(school: School, *, today: date, rng: random.Random, factor: int = 1) -> list[dict]:
    """Events per domain of the DAYS local days before today (today's are live, in Redis, and the
    recorder keeps them); a domain with none that day has no row. `factor` is the scaled demo's."""
    weekday, weekend = domain_day_means(school)
    out = []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        means = weekend if day.weekday() >= 5 else weekday
        busy = rng.uniform(0.93, 1.05)  # a busier or quieter day for every domain at once
        for domain in DOMAINS:
            mean = means.get(domain, 0.0) * factor
            # Poisson where counts are small (drills, assessments at a weekend), else a few per cent.
            events = _poisson(rng, mean) if mean < 50 else round(mean * busy * rng.uniform(0.97, 1.03))
            if events:
                out.append({"day": day, "domain": domain, "events": events})
    return out


def add_domain_days(session: Session, rows: SchoolRows, *, today: date, rng: random.Random, factor: int = 1) -> int:
    made = domain_days(rows.school, today=today, rng=rng, factor=factor)
    if made:
        session.execute(insert(DailyDomainEvents.__table__), [{"school_id": rows.org.id, **row} for row in made])
    return len(made)
