"""A duty officer's handling step (acknowledge, dispatch, resolve), safe when several act at once.

Each step is a conditional UPDATE of the alert on the version it was read at
(`… WHERE id = :id AND version = :seen`), the first statement of its own transaction: PostgreSQL
then makes a second officer's UPDATE wait for the first one's row lock and find the version moved,
SQLite's write lock does the same for the whole database. Whoever finds it moved reads the alert
again: if it has moved on to a state this step does not start from, someone acted first and the
caller is told who and when (`Conflict`); if only the recorder folded a repeat alarm into it (the
version moved, the state did not), the step is tried again. So exactly one officer wins, nothing is
handled twice, and the winner's events name every alarm grouped into the alert at that moment
(the recorder repeats the step for alarms folded in later: ledger/commands/alert_outbox.py).

The step's contract events go into the outbox in the same transaction; the caller sends them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ledger import alert_flow
from ledger.commands import alert_outbox, ladder, reporting_events
from ledger.errors import LedgerError
from ledger.models import Alert, AlertOccurrence, AlertTransition, OrgUnit

NOTE_MAX = 2000
NAME_MAX = 64
# Every retry means the recorder folded an alarm in meanwhile; a flapping detector does that a few
# times a second at most, so this many retries is a stuck database, not a busy alert.
MAX_ATTEMPTS = 50


ACTION_ZH = {"acknowledge": "确认", "dispatch": "派警", "resolve": "处置"}


class HandlingError(LedgerError):
    """A step that cannot be taken as asked (bad input, or a step the alert's state does not allow
    although nobody else acted): the caller's to fix, a 400."""


class AlertNotFound(LookupError):
    """No such alert, or none the caller may see: the same answer, so ids do not leak schools."""


class AlertBusy(RuntimeError):
    """The alert kept changing under the step (MAX_ATTEMPTS retries): try again."""


@dataclass(frozen=True)
class Conflict:
    """Who took the alert to its current state first, and when."""

    action: str
    by: str | None
    at: datetime
    state: str


@dataclass(frozen=True)
class HandlingResult:
    ok: bool
    alert_id: int
    state: str
    conflict: Conflict | None = None
    events: list[dict] = field(default_factory=list)  # contract events to publish (in the outbox)


@dataclass(frozen=True)
class _Seen:
    id: int
    state: str
    version: int
    code: str
    building: str | None
    school: str


def checked_input(action: str, *, by: str, note: str, outcome: str | None,
                  assignee: str | None) -> tuple[str, str | None, str | None]:
    """(note, outcome, assignee) as they will be stored, or HandlingError saying what is wrong."""
    if action not in alert_flow.ACTIONS:
        raise HandlingError(f"unknown action {action!r}; one of {', '.join(alert_flow.ACTIONS)}",
                            zh=f"没有操作 {action!r}，应为确认、派警或处置")
    if not by or len(by) > NAME_MAX:
        raise HandlingError(f"the person acting must be named (at most {NAME_MAX} characters)",
                            zh=f"须写明操作人（至多 {NAME_MAX} 个字）")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise HandlingError(f"note: at most {NOTE_MAX} characters", zh=f"备注至多 {NOTE_MAX} 个字")
    assignee = (assignee or "").strip() or None
    if action == "dispatch":
        if assignee is None or len(assignee) > NAME_MAX:
            raise HandlingError(f"assignee: the person or team dispatched is required (at most {NAME_MAX} "
                                "characters)", zh=f"派警须写明派给的人或队伍（至多 {NAME_MAX} 个字）")
    elif assignee is not None:
        raise HandlingError("assignee: only a dispatch names one", zh="只有派警才写派给谁")
    if action == "resolve":
        if outcome not in alert_flow.OUTCOMES:
            raise HandlingError(f"outcome: one of {', '.join(alert_flow.OUTCOMES)} is required to resolve",
                                zh="处置须选择结果：真警或误报")
        if not note:
            raise HandlingError("note: an outcome note is required to resolve", zh="处置须填写处置说明")
    elif outcome is not None:
        raise HandlingError("outcome: only a resolution has one", zh="只有处置才有结果")
    return note, outcome, assignee


def handle(session: Session, *, alert_id: int, action: str, by: str, at: datetime, note: str = "",
           outcome: str | None = None, assignee: str | None = None,
           schools: frozenset[str] | None = None) -> HandlingResult:
    """Take one handling step for `by`. Manages (and ends) the session's transactions itself.

    ok with the events to publish; not ok with the Conflict when someone else acted first.
    AlertNotFound for an alert that does not exist or is not in `schools` (None: every school);
    HandlingError for bad input or a step the state does not allow (dispatch before acknowledge)."""
    note, outcome, assignee = checked_input(action, by=by, note=note, outcome=outcome, assignee=assignee)
    starts = alert_flow.ACTIONS[action][0]
    for _ in range(MAX_ATTEMPTS):
        seen = _read(session, alert_id, schools)
        if seen.state not in starts:
            conflict = _latest_step(session, alert_id)
            session.rollback()
            if conflict is None:  # nobody acted: the step is simply not allowed yet
                raise HandlingError(str(alert_flow.IllegalAlertTransition(seen.state, action)),
                                    zh=f"告警处于“{alert_flow.STATE_ZH.get(seen.state, seen.state)}”状态，"
                                       f"不能{ACTION_ZH.get(action, action)}")
            return HandlingResult(False, alert_id, seen.state, conflict)
        done = _take_step(session, seen, action=action, by=by, at=at, note=note, outcome=outcome,
                          assignee=assignee)
        if done is not None:
            return done
    raise AlertBusy(f"alert {alert_id} kept changing; try again")


def _read(session: Session, alert_id: int, schools: frozenset[str] | None) -> _Seen:
    query = (select(Alert.id, Alert.state, Alert.version, Alert.code, Alert.building_code, OrgUnit.code)
             .join(OrgUnit, OrgUnit.id == Alert.school_id).where(Alert.id == alert_id))
    if schools is not None:
        query = query.where(OrgUnit.code.in_(sorted(schools)))
    row = session.execute(query).one_or_none()
    # The read's transaction ends here: the step's own starts with its UPDATE (see the module doc).
    session.rollback()
    if row is None:
        raise AlertNotFound(alert_id)
    return _Seen(*row)


def _latest_step(session: Session, alert_id: int) -> Conflict | None:
    step = session.scalar(select(AlertTransition).where(AlertTransition.alert_id == alert_id)
                          .order_by(AlertTransition.id.desc()).limit(1))
    return None if step is None else Conflict(step.action, step.by, step.at, step.to_state)


class _Moved(Exception):
    """The alert's version moved since it was read."""


def _take_step(session: Session, seen: _Seen, *, action: str, by: str, at: datetime, note: str,
               outcome: str | None, assignee: str | None) -> HandlingResult | None:
    to_state = alert_flow.next_state(seen.state, action)
    table = Alert.__table__
    values = {"state": to_state, "version": table.c.version + 1}
    if action == "acknowledge":
        values.update(acknowledged_at=at, acknowledged_by=by)
    elif action == "dispatch":
        values.update(dispatched_at=at, dispatched_by=by, dispatched_to=assignee)
    else:
        values.update(resolved_at=at, resolved_by=by, outcome=outcome)
    try:
        with session.begin():
            moved = session.execute(update(table).where(
                table.c.id == seen.id, table.c.version == seen.version, table.c.state == seen.state)
                .values(**values)).rowcount != 1
            if moved:
                raise _Moved
            alarms = session.scalars(select(AlertOccurrence.event_id)
                                     .where(AlertOccurrence.alert_id == seen.id).order_by(AlertOccurrence.id)).all()
            events = [alert_outbox.step_event(action=action, alarm_event_id=alarm, school=seen.school, at=at,
                                              by=by, building=seen.building, assignee=assignee,
                                              outcome=outcome)
                      for alarm in alarms]
            own = next((e["id"] for e, alarm in zip(events, alarms) if alarm == seen.code), None)
            # The step carries the id of the event naming the alert's own alarm: that event, coming
            # back through the topic, is then known to the recorder as recorded.
            session.add(AlertTransition(alert_id=seen.id, action=action, from_state=seen.state,
                                        to_state=to_state, by=by, at=at, note=note, event_id=own,
                                        assignee=assignee, outcome=outcome))
            alert_outbox.add(session, events, now=at)
            if action == "resolve" and outcome == "true_alarm":  # a critical one goes up (issue 17, 报送)
                school_id, severity, kind = session.execute(select(Alert.school_id, Alert.severity, Alert.type)
                                                            .where(Alert.id == seen.id)).one()
                if severity == "critical":
                    reporting_events.true_alarm(session, school_id=school_id, code=seen.code, title=kind, at=at)
            if action != "dispatch":  # the ladder stops: its pages not yet sent are withdrawn with the step
                ladder.withdraw(session, seen.id, why=f"withdrawn: {action}d by {by}")
    except _Moved:
        return None
    return HandlingResult(True, seen.id, to_state, None, events)
