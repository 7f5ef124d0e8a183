"""Alarms raised in the ledger for the alert-handling tests, through the recorder's own write path."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ledger.commands import alerts
from ledger.commands.recording import school_for
from ledger.models import Alert, AlertOutbox

WINDOW = timedelta(minutes=10)


def raise_alarm(session, *, event_id: str, at: datetime, school: str = "s1", type: str = "fire.smoke_alarm",
                domain: str = "environment", severity: str = "critical", device: str | None = "smoke-305",
                building: str | None = "chem", zone: str | None = "3F") -> Alert:
    """One alarm event as the recorder records it (grouped with an open alert of its device)."""
    unit = school_for(session, school)
    alert, _ = alerts.raise_alert(session, school=unit, event_id=event_id, type=type, domain=domain,
                                  severity=severity, raised_at=at, device=device, building=building, zone=zone,
                                  detail={}, window=WINDOW)
    session.commit()
    return alert


def outbox(session) -> list[dict]:
    events = [row.event for row in session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))]
    session.rollback()
    return events
