"""One alert as the duty console's detail panel shows it, whatever its state (resolved too)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.escalation import Deadlines
from ledger.models import Alert, OrgUnit
from ledger.models.alert import AlertEscalation
from queries.ledger.alert_console import ConsoleAlert


def _one(schools, alert_id: int):
    query = select(Alert, OrgUnit.code).join(OrgUnit, OrgUnit.id == Alert.school_id).where(Alert.id == alert_id)
    if schools is not None:
        query = query.where(OrgUnit.code.in_(sorted(schools)))
    return query


def alert_state(session: Session, *, alert_id: int, schools) -> str | None:
    """The alert's state now; None when there is none (in `schools`; None: every school)."""
    found = session.execute(_one(schools, alert_id)).first()
    return None if found is None else found[0].state


def console_alert(session: Session, *, alert_id: int, schools, now: datetime,
                  deadlines: Deadlines) -> ConsoleAlert | None:
    found = session.execute(_one(schools, alert_id)).first()
    if found is None:
        return None
    alert, school = found
    recorded = session.scalar(select(func.max(AlertEscalation.level)).where(AlertEscalation.alert_id == alert.id)) or 0
    raised_ms = int(alert.raised_at.timestamp() * 1000)
    new = alert.state == "new"
    level = max(recorded, len(deadlines.due_levels(alert.severity, raised_ms, int(now.timestamp() * 1000))) if new else 0)
    due = deadlines.due_ms(alert.severity, raised_ms)
    return ConsoleAlert(
        id=alert.id, school=school, code=alert.code, type=alert.type, domain=alert.domain,
        severity=alert.severity, building=alert.building_code, zone=alert.zone_code, device=alert.device,
        raised_at=alert.raised_at, last_raised_at=alert.last_raised_at, count=alert.count, state=alert.state,
        escalated=new and level > 0, escalation_level=level,
        due_at=None if due is None else datetime.fromtimestamp(due / 1000, timezone.utc),
        acknowledged_by=alert.acknowledged_by, acknowledged_at=alert.acknowledged_at,
        dispatched_to=alert.dispatched_to)
