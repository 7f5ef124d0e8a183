"""The loops a school runs over hours: the hazard closed loop and the duty room's alert handling.

Both work by scheduling follow-ups: a step returns the `Draft` of its event and schedules the
next step, which the simulator runs when its virtual time comes.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from demo.checklists import HAZARD_SOURCES, HAZARD_TITLES
from demo.sites import Building, School

MINUTE_MS = 60_000


class Draft(NamedTuple):
    """An event before the simulator gives it an id, a time and its school."""

    type: str
    severity: str
    building: str | None
    zone: str | None
    source: str | None
    data: dict


# later(delay_ms, maker, *args): the simulator calls maker(now_ms, *args) once the delay has passed.
Schedule = Callable[..., None]

MAJOR = 0.08  # share of hazards graded major (重大隐患)
URGENT = 0.15  # share given a deadline of hours, most of which run overdue
STALLS = 0.03  # chance, at each step, that a hazard stalls and stays open past its deadline
REJECTED = 0.15  # chance that acceptance fails and sends the hazard back to rectification
# Minutes from one step of the loop to the next.
STEP_MINUTES = {
    "hazard.reported": ("hazard.notified", 5, 60),
    "hazard.notified": ("hazard.rectifying", 10, 120),
    "hazard.rectifying": ("hazard.feedback", 30, 360),
    "hazard.rejected": ("hazard.feedback", 30, 360),
    "hazard.feedback": ("hazard.accepted", 15, 180),
}

# How likely a resolved alert turns out false, by event type (smoke detectors and fences are noisy).
FALSE_ALARM = {
    "fire.smoke_alarm": 0.7, "perimeter.intrusion": 0.6, "video.alarm": 0.5, "face.watchlist_hit": 0.5,
    "alarm.one_key": 0.4, "sensor.temperature": 0.3, "sensor.gas": 0.3, "electrical.leakage": 0.3,
    "vehicle.speeding": 0.1,
}
# Chance that nobody handles an alert of this severity: low ones get ignored now and then.
LEFT_OPEN = {"critical": 0.01, "high": 0.03, "medium": 0.06, "low": 0.12}
ACK_WITHIN_MS = {"critical": 3 * MINUTE_MS, "high": 8 * MINUTE_MS, "medium": 20 * MINUTE_MS,
                 "low": 30 * MINUTE_MS}
ACKED_NOT_RESOLVED = 0.03  # acknowledged, then forgotten at the shift handover
DISPATCHED = 0.4  # acknowledged alerts someone is sent to look at before they are resolved
PATROL_TEAMS = ("保卫处巡逻一队", "保卫处巡逻二队", "消防控制室")


class HazardLoop:
    """One school's hazards: reported → notified → rectifying → feedback → accepted (销号)."""

    def __init__(self, school: School, *, rng: random.Random, later: Schedule, run: str, tz: ZoneInfo):
        self.rng = rng
        self.later = later
        self.run = run
        self.tz = tz
        self.numbered = 0
        self.open = 0
        # A school has as many open hazards as its size suggests; the cap also bounds the
        # simulator's queue of follow-ups at benchmark rates.
        self.cap = max(10, (school.staff + school.students) // 200)

    def report(self, now: int, building: Building, zone: str, title: str | None = None) -> Draft | None:
        """A newly found hazard, or None when the school already has its fill of open ones."""
        rng = self.rng
        if self.open >= self.cap:
            return None
        self.numbered += 1
        self.open += 1
        grade = "major" if rng.random() < MAJOR else "ordinary"
        local = datetime.fromtimestamp(now / 1000, self.tz)
        if rng.random() < URGENT:
            deadline = (local + timedelta(hours=rng.randint(1, 6))).isoformat(timespec="minutes")
        elif grade == "major":
            deadline = (local + timedelta(days=rng.randint(2, 7))).isoformat(timespec="minutes")
        else:  # a bare date: the end of that local day
            deadline = (local.date() + timedelta(days=rng.randint(3, 14))).isoformat()
        fields = {"hazard": f"HZ{self.run}-{self.numbered:04d}", "grade": grade, "deadline": deadline,
                  "title": title or rng.choice(HAZARD_TITLES[building.kind])}
        where = (building.id, zone, rng.choice(HAZARD_SOURCES), fields)
        self._schedule_next("hazard.reported", where)
        return Draft("hazard.reported", "high" if grade == "major" else "low", *where)

    def _schedule_next(self, stage: str, where: tuple) -> None:
        rng = self.rng
        if stage == "hazard.accepted" or rng.random() < STALLS:
            self.open -= 1  # closed, or stalled: it stays open on the ledger but no longer moves
            return
        step, low, high = STEP_MINUTES[stage]
        if step == "hazard.accepted" and rng.random() < REJECTED:
            step = "hazard.rejected"
        self.later(rng.randint(low, high) * MINUTE_MS, self._step, step, where)

    def _step(self, now: int, step: str, where: tuple) -> Draft:
        self._schedule_next(step, where)
        return Draft(step, "info", *where)


class DutyRoom:
    """The duty officers (值班人员) who acknowledge each alert, then resolve it; a few stay open."""

    def __init__(self, school: School, *, rng: random.Random, later: Schedule):
        self.officers = school.duty_officers
        self.rng = rng
        self.later = later

    def on_alert(self, alert_id: str, alert: Draft, severity: str) -> None:
        rng = self.rng
        if rng.random() >= LEFT_OPEN[severity]:
            self.later(rng.randint(20_000, ACK_WITHIN_MS[severity]), self._acknowledged, alert_id, alert)

    def _acknowledged(self, now: int, alert_id: str, alert: Draft) -> Draft:
        rng = self.rng
        officer = rng.choice(self.officers)
        if rng.random() >= ACKED_NOT_RESOLVED:
            step = self._dispatched if rng.random() < DISPATCHED else self._resolved
            self.later(rng.randint(1, 5) * MINUTE_MS if step == self._dispatched else rng.randint(3, 45) * MINUTE_MS,
                       step, alert_id, alert, officer)
        return Draft("alert.acknowledged", "info", alert.building, alert.zone, "command-centre",
                     {"alert": alert_id, "by": officer})

    def _dispatched(self, now: int, alert_id: str, alert: Draft, officer: str) -> Draft:
        self.later(self.rng.randint(3, 40) * MINUTE_MS, self._resolved, alert_id, alert, officer)
        return Draft("alert.dispatched", "info", alert.building, alert.zone, "command-centre",
                     {"alert": alert_id, "by": officer, "assignee": self.rng.choice(PATROL_TEAMS)})

    def _resolved(self, now: int, alert_id: str, alert: Draft, officer: str) -> Draft:
        outcome = "false_alarm" if self.rng.random() < FALSE_ALARM.get(alert.type, 0.0) else "true_alarm"
        return Draft("alert.resolved", "info", alert.building, alert.zone, "command-centre",
                     {"alert": alert_id, "outcome": outcome, "by": officer})
