"""The shift handover report (交接班): what happened in one duty shift, from plain rows. Pure.

queries/ledger/handover.py fetches the rows of one school and shift; this module counts them, so
every figure is tested on constructed cases without a database. What the report says:
- alerts raised in the shift, by severity and by domain;
- alerts handled in the shift: acknowledged, dispatched, resolved (true and false alarms);
- time to acknowledge and to resolve (raised → acknowledged / resolved), mean and 90th percentile,
  over the alerts acknowledged / resolved within the shift; None when there are none;
- alerts still open when the shift ended, oldest first, with the state they were in at that
  moment and their escalation level if they were escalated by then;
- escalations in the shift, hazards that changed stage in the shift, comments made on hazards.
Everything is judged by the moments recorded (raised_at, acknowledged_at, ...), never by an alert's
current state, so the report of last night's shift reads the same tomorrow as this morning.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ledger.escalation import SEVERITIES

OUTCOMES = ("true_alarm", "false_alarm")


@dataclass(frozen=True)
class AlertRow:
    code: str
    type: str
    domain: str
    severity: str
    building: str | None
    zone: str | None
    count: int
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    dispatched_at: datetime | None = None
    dispatched_by: str | None = None
    dispatched_to: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class EscalationRow:
    alert_code: str
    level: int
    at: datetime


@dataclass(frozen=True)
class HazardStepRow:
    """One closed-loop step of a hazard (ledger.models.HazardTransition) with the hazard's names."""

    hazard_code: str
    title: str
    grade: str
    action: str
    from_stage: str | None
    to_stage: str
    by: str | None
    at: datetime
    note: str = ""


@dataclass(frozen=True)
class CommentRow:
    hazard_code: str
    title: str
    by: str
    at: datetime
    text: str


@dataclass(frozen=True)
class ShiftInfo:
    name: str
    name_zh: str
    day: date
    start: datetime
    end: datetime


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def _before(moment: datetime | None, end: datetime) -> bool:
    return moment is not None and moment < end


def state_at(alert: AlertRow, moment: datetime) -> str:
    """The handling state the alert was in at `moment` (ledger.alert_flow's states)."""
    if _before(alert.resolved_at, moment):
        return "resolved"
    if _before(alert.dispatched_at, moment):
        return "dispatched"
    if _before(alert.acknowledged_at, moment):
        return "acknowledged"
    return "new"


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least `share` of the values at or below
    it): always one of the measured times, never an interpolated one nobody waited."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def durations(seconds: list[float]) -> dict:
    """Count, mean and 90th percentile of some durations in seconds (None when there are none)."""
    return {
        "count": len(seconds),
        "mean_s": round(sum(seconds) / len(seconds), 1) if seconds else None,
        "p90_s": round(percentile(seconds, 0.9), 1) if seconds else None,
    }


def build_report(*, shift: ShiftInfo, alerts: list[AlertRow], escalations: list[EscalationRow],
                 hazard_steps: list[HazardStepRow], comments: list[CommentRow], tz: ZoneInfo) -> dict:
    """The handover report of `shift`. The rows may hold more than the shift (an alert raised
    before it and still open, an escalation before it): each figure takes only what it counts.
    Moments in the report are in the school's zone `tz`."""
    start, end = shift.start, shift.end

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(tz) if moment is not None else None

    raised = [a for a in alerts if _within(a.raised_at, start, end)]
    by_severity = dict.fromkeys(SEVERITIES, 0)
    by_domain: dict[str, int] = {}
    for alert in raised:
        by_severity[alert.severity] = by_severity.get(alert.severity, 0) + 1
        by_domain[alert.domain] = by_domain.get(alert.domain, 0) + 1

    acknowledged = [a for a in alerts if _within(a.acknowledged_at, start, end)]
    dispatched = [a for a in alerts if _within(a.dispatched_at, start, end)]
    resolved = [a for a in alerts if _within(a.resolved_at, start, end)]
    outcomes = {outcome: sum(a.outcome == outcome for a in resolved) for outcome in OUTCOMES}

    levels: dict[str, int] = {}  # the highest escalation level each alert had reached by the end
    for step in escalations:
        if _before(step.at, end):
            levels[step.alert_code] = max(levels.get(step.alert_code, 0), step.level)
    still_open = sorted((a for a in alerts if _before(a.raised_at, end) and not _before(a.resolved_at, end)),
                        key=lambda a: (a.raised_at, a.code))
    open_at_end = [{
        "code": a.code, "type": a.type, "domain": a.domain, "severity": a.severity,
        "building": a.building, "zone": a.zone, "count": a.count, "raised_at": local(a.raised_at),
        "state": state_at(a, end), "waited_s": round((end - a.raised_at).total_seconds()),
        "escalation_level": levels.get(a.code),
    } for a in still_open]

    handled = sorted({a.code: a for a in acknowledged + dispatched + resolved}.values(),
                     key=lambda a: (a.raised_at, a.code))
    in_shift = [e for e in escalations if _within(e.at, start, end)]
    severity_of = {a.code: a.severity for a in alerts}
    return {
        "shift": {"name": shift.name, "name_zh": shift.name_zh, "day": shift.day.isoformat(),
                  "start": local(start), "end": local(end)},
        "raised": {"total": len(raised), "by_severity": by_severity,
                   "by_domain": dict(sorted(by_domain.items(), key=lambda kv: (-kv[1], kv[0])))},
        "handled": {"acknowledged": len(acknowledged), "dispatched": len(dispatched),
                    "resolved": len(resolved), **outcomes},
        "time_to_acknowledge": durations([(a.acknowledged_at - a.raised_at).total_seconds() for a in acknowledged]),
        "time_to_resolve": durations([(a.resolved_at - a.raised_at).total_seconds() for a in resolved]),
        "open_at_end": open_at_end,
        "escalations": [{"alert": e.alert_code, "severity": severity_of.get(e.alert_code), "level": e.level,
                         "at": local(e.at)} for e in sorted(in_shift, key=lambda e: (e.at, e.alert_code))],
        "hazard_changes": [{**asdict(step), "at": local(step.at)} for step in sorted(
            (s for s in hazard_steps if _within(s.at, start, end)), key=lambda s: s.at)],
        "comments": [{**asdict(c), "at": local(c.at)} for c in sorted(
            (c for c in comments if _within(c.at, start, end)), key=lambda c: c.at)],
        "handled_alerts": [{
            "code": a.code, "type": a.type, "domain": a.domain, "severity": a.severity,
            "building": a.building, "raised_at": local(a.raised_at),
            "acknowledged_at": local(a.acknowledged_at), "acknowledged_by": a.acknowledged_by,
            "dispatched_at": local(a.dispatched_at), "dispatched_by": a.dispatched_by,
            "dispatched_to": a.dispatched_to, "resolved_at": local(a.resolved_at),
            "resolved_by": a.resolved_by, "outcome": a.outcome,
        } for a in handled],
    }


def as_json(value: object) -> object:
    """The report with its moments as ISO 8601 text (with the school's offset): the API's body."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value
