"""The simulated campus day of one school: who is on campus, which cars are parked, which devices
are down, and the event each kind of happening produces.

Makers return a `Draft` (an event without id, time and school, which the simulator adds), or None
when the happening cannot occur right now, and may schedule follow-ups: a visitor checks out
later, a car leaves, a device comes back. All randomness comes from the simulator's one
`random.Random`, so a seed replays the same day byte for byte.
"""
from __future__ import annotations

import random
from zoneinfo import ZoneInfo

from demo.campus_loops import MINUTE_MS, Draft, DutyRoom, HazardLoop, Schedule
from demo.campus_mix import OCCUPANCY
from demo.checklists import ASSESSMENT_FINDINGS, CAMPAIGNS, DRILLS, TRAININGS, WEATHER_KINDS
from demo.sites import School
from ledger.scoring import default_rules

__all__ = ["DAY_TURNOVER_HOUR", "Draft", "SchoolDay"]

# People stay on record as "on site" overnight; the campus day turns over at 04:00.
DAY_TURNOVER_HOUR = 4
DOUBLE_SWIPE = 0.03  # share of swipes-in repeated a few seconds later (a face not recognised at once)
SPIKE = 0.00015  # share of sensor readings crossing an alert threshold
KITCHEN_HOURS = (6, 10, 11, 16, 17)  # when the canteen stoves burn
# Normal readings: °C, %LEL of combustible gas, residual current in mA (alerts start at 60, 10, 300).
BASELINES = {"temp": (21.0, 26.0), "gas": (0.2, 1.2), "leak": (30.0, 110.0)}


def _plate(rng: random.Random, region: str) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # plates skip I and O
    return region + rng.choice(letters) + "".join(rng.choice("0123456789" + letters[:6]) for _ in range(4))


class SchoolDay:
    """One school's state through simulated days, and the makers of its events."""

    def __init__(self, school: School, *, rng: random.Random, schedule: Schedule, run: str, tz: ZoneInfo):
        if not school.checkpoints or not any(d.kind in BASELINES for d in school.devices):
            raise ValueError(f"{school.id}: a simulated school needs patrol checkpoints and sensors")
        self.school = school
        self.rng = rng
        self.later = schedule
        self.run = run
        self.hour = 0
        self.campus_day: object = None
        self.population = school.staff + school.students
        self.set_card_holders(self.population)
        self.hazards = HazardLoop(school, rng=rng, later=schedule, run=run, tz=tz)
        self.duty_room = DutyRoom(school, rng=rng, later=schedule)
        self.visitors = 0  # numbering of visitor passes
        # Visitors and visitors' cars on site are capped at what a school of this size sees. The
        # caps also bound the simulator's queue of follow-ups at benchmark rates.
        self.visitors_on_site = self.visitor_cars_on_site = 0
        self.visitor_cap = max(20, self.population // 50)
        self.visitor_car_cap = max(10, school.staff // 4)
        self.offline: set[str] = set()
        self.patrol_next = 0
        self.gates = school.gates
        self.campus_gates = [g for g in school.gates if g.building is None]
        self.vehicle_gates = [g for g in school.gates if g.vehicles]
        self.reader_at = {d.gate: d.id for d in school.devices if d.kind == "reader"}
        self.building_kind = {b.id: b.kind for b in school.buildings}
        by_kind: dict[str, list] = {}
        for device in school.devices:
            by_kind.setdefault(device.kind, []).append(device)
        self.devices_by_kind = by_kind
        # Each sensor has its own baseline, so screens show distinct lines, not one noise band.
        self.sensors = [(d, rng.uniform(*BASELINES[d.kind])) for d in school.devices if d.kind in BASELINES]
        self.staff_plates = [_plate(rng, "豫G") for _ in range(max(10, school.staff // 8))]
        self.plate_on_site = bytearray(len(self.staff_plates))
        # Each campaign of this kind of school, with the buildings its checklist applies to.
        self.campaigns = [
            (c, [b for b in school.buildings if not c.building_kinds or b.kind in c.building_kinds])
            for c in CAMPAIGNS if c.applies_to(school.kind)
        ]
        self.campaigns = [(c, buildings) for c, buildings in self.campaigns if buildings]

    def set_hour(self, hour: int, campus_day: object) -> None:
        self.hour = hour
        if campus_day != self.campus_day:
            # Whoever is still on record from yesterday forgot to swipe out: start the day afresh.
            self.campus_day = campus_day
            self.on_site = bytearray(self.card_holders)
            self.on_site_count = 0
            self.plate_on_site = bytearray(len(self.staff_plates))

    def set_card_holders(self, count: int) -> None:
        """How many people swipe: the whole school, or at a low rate only as many as the rate can
        move in and out a few times a day, so the head count still follows the hour's occupancy."""
        self.card_holders = max(20, min(count, self.population))
        self.staff_holders = max(1, round(self.card_holders * self.school.staff / self.population))
        self.on_site = bytearray(self.card_holders)  # 1 = swiped in
        self.on_site_count = 0

    def has(self, kind: str) -> bool:
        return bool(self.devices_by_kind.get(kind))

    def _device(self, kind: str):
        return self.rng.choice(self.devices_by_kind[kind])

    def _place(self):
        building = self.rng.choice(self.school.buildings)
        return building, self.rng.choice(building.zones).id

    # -- personal safety: attendance and visitors ---------------------------------------------------
    def attendance(self, now: int) -> Draft | None:
        rng = self.rng
        target = OCCUPANCY[self.school.kind][self.hour]
        share = self.on_site_count / self.card_holders
        # Swipes drift the head count towards the hour's usual occupancy.
        going_in = rng.random() < min(0.92, max(0.08, 0.5 + 2.5 * (target - share)))
        person = self._person(going_in)
        if person is None:
            going_in = not going_in
            person = self._person(going_in)
            if person is None:
                return None
        self.on_site[person] = going_in
        self.on_site_count += 1 if going_in else -1
        gate = rng.choice(self.gates)
        staff = person < self.staff_holders
        draft = Draft(
            "attendance.in" if going_in else "attendance.out", "info", gate.building, None,
            self.reader_at.get(gate.id),
            {"person": f"T{person:05d}" if staff else f"S{person - self.staff_holders:06d}",
             "group": "staff" if staff else "student", "gate": gate.id},
        )
        if going_in and rng.random() < DOUBLE_SWIPE:
            self.later(rng.randint(1_000, 8_000), self._same_again, draft)
        return draft

    def _person(self, going_in: bool) -> int | None:
        """Someone currently off site (to swipe in) or on site (to swipe out)."""
        want = 0 if going_in else 1
        randrange, on_site, population = self.rng.randrange, self.on_site, self.card_holders
        for _ in range(24):
            person = randrange(population)
            if on_site[person] == want:
                return person
        return None

    def _same_again(self, now: int, draft: Draft) -> Draft:
        return draft

    def visitor_check_in(self, now: int) -> Draft | None:
        rng = self.rng
        if self.visitors_on_site >= self.visitor_cap:
            return None
        self.visitors += 1
        visitor = f"V{self.run}-{self.visitors}"
        gate = rng.choice(self.campus_gates)
        if rng.random() < 0.93:  # the rest leave without checking out
            self.visitors_on_site += 1
            self.later(rng.randint(20, 150) * MINUTE_MS, self._visitor_check_out, visitor)
        host = f"T{rng.randrange(self.school.staff):05d}"
        return Draft("visitor.check_in", "info", None, None, self.reader_at.get(gate.id),
                     {"visitor": visitor, "gate": gate.id, "host": host})

    def _visitor_check_out(self, now: int, visitor: str) -> Draft:
        self.visitors_on_site -= 1
        gate = self.rng.choice(self.campus_gates)
        return Draft("visitor.check_out", "info", None, None, self.reader_at.get(gate.id),
                     {"visitor": visitor, "gate": gate.id})

    def one_key_alarm(self, now: int) -> Draft:
        device = self._device("sos")
        note = self.rng.choice(("学生求助", "人员受伤", "纠纷报警", "误触"))
        return Draft("alarm.one_key", "critical", device.building, device.zone, device.id, {"note": note})

    # -- environment: sensors, smoke, weather -------------------------------------------------------
    def sensor_reading(self, now: int) -> Draft:
        rng = self.rng
        device, base = self.sensors[rng.randrange(len(self.sensors))]
        kitchen_busy = device.zone in ("kitchen", "gas-room") and self.hour in KITCHEN_HOURS
        spike = rng.random() < SPIKE
        severity = "info"
        if device.kind == "temp":
            # Warmest mid-afternoon, coolest before dawn.
            value = base + 2.5 * (1 - abs(self.hour - 15) / 12) + rng.gauss(0, 0.4) + 4 * kitchen_busy
            if spike:
                value, severity = rng.uniform(60, 85), "high"
            return Draft("sensor.temperature", severity, device.building, device.zone, device.id,
                         {"value": round(value, 1), "unit": "C"})
        if device.kind == "gas":
            value = max(0.0, base + rng.gauss(0, 0.3) + 0.8 * kitchen_busy)
            if spike:
                value = rng.uniform(10, 35)
                severity = "critical" if value >= 25 else "high"
            # Canteens burn natural gas; laboratories watch their hydrogen cylinders.
            gas = "CH4" if self.building_kind[device.building] == "canteen" else "H2"
            return Draft("sensor.gas", severity, device.building, device.zone, device.id,
                         {"value": round(value, 2), "gas": gas})
        value = max(0.0, base + rng.gauss(0, 8))
        if spike:
            value, severity = rng.uniform(300, 500), "high"
        return Draft("electrical.leakage", severity, device.building, device.zone, device.id,
                     {"value": round(value, 1)})

    def smoke_alarm(self, now: int) -> Draft:
        device = self._device("smoke")
        return Draft("fire.smoke_alarm", "critical", device.building, device.zone, device.id,
                     {"detector": device.id})

    def weather_warning(self, now: int) -> Draft:
        rng = self.rng
        level = rng.choices(("blue", "yellow", "orange", "red"), (50, 35, 12, 3))[0]
        severity = {"blue": "low", "yellow": "medium"}.get(level, "high")
        return Draft("weather.warning", severity, None, None, "weather-service",
                     {"kind": rng.choice(WEATHER_KINDS), "level": level})

    # -- active defence: perimeter, video, faces, vehicles, patrols ---------------------------------
    def perimeter_intrusion(self, now: int) -> Draft:
        device = self._device("fence")
        return Draft("perimeter.intrusion", "high", None, None, device.id,
                     {"segment": device.id.removeprefix("fence-")})

    def video_alarm(self, now: int) -> Draft:
        device = self._device("cam")
        behaviour = self.rng.choices(("loitering", "crowding", "climbing", "fall", "fighting"),
                                     (45, 20, 15, 10, 10))[0]
        severity = "low" if behaviour == "loitering" else "high"
        return Draft("video.alarm", severity, device.building, device.zone, device.id,
                     {"behaviour": behaviour, "camera": device.id})

    def watchlist_hit(self, now: int) -> Draft:
        rng = self.rng
        gate = rng.choice(self.campus_gates)
        similarity = round(rng.uniform(0.80, 0.98), 3)
        return Draft("face.watchlist_hit", "high", None, None, self.reader_at.get(gate.id),
                     {"match": f"WL-{rng.randint(1, 40):03d}", "similarity": similarity})

    def vehicle_entry(self, now: int) -> Draft | None:
        rng = self.rng
        gate = rng.choice(self.vehicle_gates)
        staff_car = None
        if rng.random() < 0.65:
            index = rng.randrange(len(self.staff_plates))
            if not self.plate_on_site[index]:
                staff_car = index
        if staff_car is not None:
            self.plate_on_site[staff_car] = 1
            plate = self.staff_plates[staff_car]
            if rng.random() < 0.97:
                self.later(rng.randint(60, 600) * MINUTE_MS, self._vehicle_exit, plate, staff_car)
        else:
            if self.visitor_cars_on_site >= self.visitor_car_cap:
                return None
            self.visitor_cars_on_site += 1
            plate = _plate(rng, rng.choice(("豫G", "豫G", "豫A", "豫H", "京A")))
            if rng.random() < 0.02:  # a visitor's car left past the four-hour limit
                overtime = 240 + rng.randint(0, 30)
                self.later(overtime * MINUTE_MS, self._overtime_parking, plate, overtime)
                leaves = overtime + rng.randint(20, 200)
                self.later(leaves * MINUTE_MS, self._vehicle_exit, plate, None)
            else:
                self.later(rng.randint(10, 120) * MINUTE_MS, self._vehicle_exit, plate, None)
        return Draft("vehicle.entry", "info", None, None, f"barrier-{gate.id}",
                     {"plate": plate, "gate": gate.id})

    def _vehicle_exit(self, now: int, plate: str, staff_car: int | None) -> Draft:
        if staff_car is None:
            self.visitor_cars_on_site -= 1
        else:
            self.plate_on_site[staff_car] = 0
        gate = self.rng.choice(self.vehicle_gates)
        return Draft("vehicle.exit", "info", None, None, f"barrier-{gate.id}",
                     {"plate": plate, "gate": gate.id})

    def _overtime_parking(self, now: int, plate: str, minutes: int) -> Draft:
        return Draft("vehicle.overtime_parking", "low", None, None, None,
                     {"plate": plate, "minutes": minutes})

    def vehicle_speeding(self, now: int) -> Draft:
        rng = self.rng
        device = self._device("radar")
        plate = rng.choice(self.staff_plates) if rng.random() < 0.5 else _plate(rng, "豫G")
        return Draft("vehicle.speeding", "medium", None, None, device.id,
                     {"plate": plate, "speed_kmh": rng.randint(28, 55), "limit_kmh": 20})

    def patrol_checkpoint(self, now: int) -> Draft:
        rng = self.rng
        checkpoints = self.school.checkpoints
        checkpoint = checkpoints[self.patrol_next % len(checkpoints)]
        self.patrol_next += 1
        guards = self.school.guards
        half = len(guards) // 2
        shift = guards[:half] if 7 <= self.hour < 19 else guards[half:]  # day and night shifts
        status = rng.choices(("on_time", "late", "missed"), (95.7, 4, 0.3))[0]
        return Draft("patrol.checkpoint", "low" if status == "missed" else "info", checkpoint.building,
                     checkpoint.zone, f"patrol-{checkpoint.id}",
                     {"guard": rng.choice(shift), "checkpoint": checkpoint.id, "status": status})

    # -- operations: devices, hazards, alerts ------------------------------------------------------
    def device_offline(self, now: int) -> Draft | None:
        rng = self.rng
        device = rng.choice(self.school.devices)
        if device.id in self.offline:
            return None
        self.offline.add(device.id)
        roll = rng.random()
        if roll < 0.75:  # a flap: back within minutes
            self.later(rng.randint(1, 20) * MINUTE_MS, self._device_online, device)
        elif roll < 0.95:  # a fault someone has to go and fix
            self.later(rng.randint(30, 180) * MINUTE_MS, self._device_online, device)
        return Draft("device.offline", "medium", device.building, device.zone, device.id,
                     {"device": device.id, "system": device.system})

    def _device_online(self, now: int, device) -> Draft:
        self.offline.discard(device.id)
        return Draft("device.online", "info", device.building, device.zone, device.id,
                     {"device": device.id, "system": device.system})

    def hazard_reported(self, now: int) -> Draft | None:
        building, zone = self._place()
        return self.hazards.report(now, building, zone)

    def on_alert(self, alert_id: str, alert: Draft, severity: str) -> None:
        """Called by the simulator for each event that opens an alert."""
        self.duty_room.on_alert(alert_id, alert, severity)

    # -- special campaigns and mechanisms -------------------------------------------------------------
    def campaign_check(self, now: int) -> Draft:
        rng = self.rng
        campaign, buildings = rng.choice(self.campaigns)
        item = rng.choice(campaign.items)
        building = rng.choice(buildings)
        zone = rng.choice(building.zones).id
        failed = rng.random() < 0.08
        if failed and rng.random() < 0.3:  # a failed item is often entered as a hazard
            self.later(rng.randint(2, 15) * MINUTE_MS, self.hazards.report, building, zone, f"未达标：{item}")
        data = {"campaign": campaign.code, "item": item, "result": "fail" if failed else "pass"}
        if failed:
            data["note"] = "限期整改"
        return Draft("campaign.check_result", "info", building.id, zone, "inspection-team", data)

    def training(self, now: int) -> Draft:
        building, _ = self._place()
        participants = self.rng.randint(15, min(400, self.population))
        return Draft("training.completed", "info", building.id, None, "safety-office",
                     {"title": self.rng.choice(TRAININGS), "participants": participants})

    def drill(self, now: int) -> Draft:
        building, _ = self._place()
        participants = self.rng.randint(100, min(3000, self.population))
        return Draft("drill.completed", "info", building.id, None, "safety-office",
                     {"title": self.rng.choice(DRILLS), "participants": participants})

    def assessment(self, now: int) -> Draft:
        building, _ = self._place()
        # Only what inspectors enter by hand: the recorder refuses a deduction under a computed article.
        computed = {rule.article for rule in default_rules().rules if rule.computed}
        article, points, reason = self.rng.choice([f for f in ASSESSMENT_FINDINGS if f[0] not in computed])
        return Draft("assessment.deduction", "info", building.id, None, "assessment-team",
                     {"unit": building.unit_zh, "article": article, "points": points, "reason": reason})
