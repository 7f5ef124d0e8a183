"""Alerts: opened by alert-raising events, repeated alarms grouped, handled step by step.

The reads (the alert list, the wall's open-alert figures) are in queries/ledger/alerts.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.catalogue import ALERT_SEVERITIES
from ledger import alert_flow
from ledger.commands import ladder, reporting_events
from ledger.errors import LedgerError
from ledger.models import Alert, AlertOccurrence, AlertTransition, OrgUnit


def raise_alert(session: Session, *, school: OrgUnit, event_id: str, type: str, domain: str,
                severity: str, raised_at: datetime, device: str | None, building: str | None,
                zone: str | None, detail: dict | None, window: timedelta) -> tuple[Alert, bool]:
    """Open an alert, or fold the alarm into the open alert of the same device and rule when the
    previous alarm was within `window`. Returns (alert, opened_new)."""
    key = alert_flow.group_key(type, device, building, zone)
    current = session.scalar(
        select(Alert).where(Alert.school_id == school.id, Alert.group_key == key,
                            Alert.state != "resolved").order_by(Alert.last_raised_at.desc()).limit(1))
    if current is not None and alert_flow.joins_group(current.state, current.last_raised_at, raised_at,
                                                      window):
        current.count += 1
        current.last_raised_at = max(current.last_raised_at, raised_at)
        if ALERT_SEVERITIES.index(severity) < ALERT_SEVERITIES.index(current.severity):
            current.severity = severity  # a worse repeat raises the whole alert
        current.occurrences.append(AlertOccurrence(event_id=event_id, at=raised_at))
        session.flush()
        return current, False
    alert = Alert(school_id=school.id, code=event_id, type=type, domain=domain, severity=severity,
                  group_key=key, device=device, building_code=building, zone_code=zone,
                  raised_at=raised_at, last_raised_at=raised_at, count=1, state="new", detail=detail)
    alert.occurrences.append(AlertOccurrence(event_id=event_id, at=raised_at))
    session.add(alert)
    session.flush()
    return alert, True


def find_by_event(session: Session, *, school_id: int, event_id: str) -> Alert | None:
    """The alert an alarm event opened or was folded into (events name alerts by event id): the
    alert a handling step from the topic acts on (ledger/commands/recording.py)."""
    found = session.scalar(select(Alert).where(Alert.school_id == school_id, Alert.code == event_id))
    if found is not None:
        return found
    return session.scalar(
        select(Alert).join(AlertOccurrence).where(Alert.school_id == school_id,
                                                   AlertOccurrence.event_id == event_id))


def transition_alert(session: Session, *, alert: Alert, action: str, by: str | None, at: datetime,
                     note: str = "", outcome: str | None = None, event_id: str | None = None,
                     assignee: str | None = None) -> AlertTransition:
    """One handling step, or IllegalAlertTransition; `resolve` records true or false alarm."""
    to_state = alert_flow.next_state(alert.state, action)
    if outcome is not None and outcome not in alert_flow.OUTCOMES:
        raise LedgerError(f"outcome must be one of {alert_flow.OUTCOMES}, not {outcome!r}",
                          zh=f"处置结果应为真警或误报，而不是 {outcome!r}")
    step = AlertTransition(action=action, from_state=alert.state, to_state=to_state, by=by, at=at,
                           note=note, event_id=event_id, assignee=assignee if action == "dispatch" else None,
                           outcome=outcome if action == "resolve" else None)
    alert.transitions.append(step)
    alert.state = to_state
    if action == "acknowledge":
        alert.acknowledged_at, alert.acknowledged_by = at, by
    elif action == "dispatch":
        alert.dispatched_at, alert.dispatched_by, alert.dispatched_to = at, by, assignee
    else:
        alert.resolved_at, alert.resolved_by, alert.outcome = at, by, outcome
        if outcome == "true_alarm" and alert.severity == "critical":  # reported up (issue 17, 报送)
            reporting_events.true_alarm(session, school_id=alert.school_id, code=alert.code, title=alert.type, at=at)
    if action != "dispatch":  # acknowledged or resolved: the ladder's pages not yet sent are moot
        ladder.withdraw(session, alert.id, why=f"withdrawn: {action}d by {by or 'the source'}")
    session.flush()
    return step
