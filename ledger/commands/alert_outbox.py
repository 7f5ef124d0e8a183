"""The outbox of alert-handling events: written with the handling step, sent to Kafka after commit.

A handling step is in SQL first; the wall and the live figures learn of it from contract events
(`alert.acknowledged` / `alert.dispatched` / `alert.resolved`, docs/events.md) on the events topic.
Writing those events here in the step's own transaction means a step is never in SQL without its
events being on their way: the web app sends them right after its commit and deletes them, and the
recorder's loop sends whatever is left (Kafka was down, the web process died). Ids are
deterministic per step and alarm, so an event sent twice is one event to the aggregator, and the
recorder treats the console's own events as no-ops (the step is in SQL already).
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ledger import alert_flow
from ledger.models import Alert, AlertOutbox

log = logging.getLogger(__name__)
SOURCE = "duty-console"  # the contract `source` of steps taken on the duty console
LEDGER_SOURCE = "campus-ledger"  # steps the ledger repeats for an alarm grouped into a handled alert
MAX_ID = 128
# How long the recorder leaves a fresh row to the web app that wrote it: sending it too would only
# send it twice (harmless, the ids are the same) but for nothing.
SETTLE = timedelta(seconds=2)


def event_id(action: str, alarm_event_id: str) -> str:
    """The id of a step's event for one alarm: the same step and alarm give the same id."""
    readable = f"duty-{action}-{alarm_event_id}"
    if len(readable) <= MAX_ID:
        return readable
    return f"duty-{action}-" + hashlib.sha256(alarm_event_id.encode()).hexdigest()[:48]


def step_event(*, action: str, alarm_event_id: str, school: str, at: datetime, by: str | None,
               building: str | None, assignee: str | None = None, outcome: str | None = None,
               source: str = SOURCE) -> dict:
    """One contract event of a handling step, naming one alarm (data.alert = its event id)."""
    data: dict = {"alert": alarm_event_id}
    if by:
        data["by"] = by
    if action == "dispatch" and assignee:
        data["assignee"] = assignee
    if action == "resolve" and outcome:
        data["outcome"] = outcome
    event = {"id": event_id(action, alarm_event_id),
             "ts": at.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
             "school": school, "domain": "operations", "type": alert_flow.EVENT_OF_ACTION[action],
             "severity": "info", "source": source, "data": data}
    if building:
        event["building"] = building
    return event


def follow_up_events(alert: Alert, *, alarm_event_id: str, school: str) -> list[dict]:
    """The steps an alert has been through, for an alarm folded into it afterwards: the live side
    counts every alarm as an open alert of its own, and must see this one acknowledged too."""
    steps = []
    if alert.acknowledged_at is not None:
        steps.append(("acknowledge", alert.acknowledged_at, alert.acknowledged_by, None))
    if alert.dispatched_at is not None:
        steps.append(("dispatch", alert.dispatched_at, alert.dispatched_by, alert.dispatched_to))
    return [step_event(action=action, alarm_event_id=alarm_event_id, school=school, at=at, by=by,
                       building=alert.building_code, assignee=assignee, source=LEDGER_SOURCE)
            for action, at, by, assignee in steps]


def add(session: Session, events: list[dict], *, now: datetime) -> None:
    """Keep events to send, in the caller's transaction."""
    for event in events:
        session.add(AlertOutbox(event_id=event["id"], school=event["school"], event=event, created_at=now))
    session.flush()


def send(session: Session, producer, topic: str, *, timeout_s: float, sign: Callable[[bytes], list],
         event_ids: list[str] | None = None, older_than: datetime | None = None, limit: int = 500) -> int:
    """Send outbox events (those named, or all, or those written before `older_than`) and delete
    the ones Kafka acknowledged; the rest stay for the next attempt. Returns how many were sent.
    `sign(value)` gives each event's record headers: the proof that it comes from the duty console
    (kernel/proof.py), without which the consumers refuse it.
    Commits its own deletions; call it outside any open handling transaction."""
    query = select(AlertOutbox).order_by(AlertOutbox.id).limit(limit)
    if event_ids is not None:
        query = query.where(AlertOutbox.event_id.in_(event_ids))
    if older_than is not None:
        query = query.where(AlertOutbox.created_at <= older_than)
    rows = list(session.scalars(query))
    session.rollback()  # nothing held open while Kafka is asked
    if not rows:
        return 0
    futures = []
    try:
        for row in rows:
            value = json.dumps(row.event, ensure_ascii=False, separators=(",", ":")).encode()
            futures.append((row.id, producer.send(topic, key=row.school.encode(), value=value,
                                                  headers=sign(value))))
        producer.flush(timeout=timeout_s)
    except Exception as exc:  # noqa: BLE001 - Kafka unreachable or slow: the rows wait for the recorder
        log.warning("outbox: %d events not sent (%s); they are kept", len(rows), exc)
    done = [row_id for row_id, future in futures if future.is_done and future.succeeded()]
    if done:
        session.execute(delete(AlertOutbox).where(AlertOutbox.id.in_(done)))
        session.commit()
    return len(done)


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AlertOutbox)) or 0)
