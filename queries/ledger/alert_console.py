"""What the duty console reads: the open alerts in handling order, their filters, an alert's history.

Open alerts are read through the (state, raised_at) index and a limit; the escalation levels and
history of the alerts shown through their alert_id indexes, never whole tables.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger import alert_flow
from ledger.escalation import Deadlines
from ledger.models import Alert, AlertEscalation, AlertOccurrence, AlertTransition, OrgUnit
from queries.ledger.alerts import SEVERITY_ORDER

HISTORY_KINDS = ("raised", "repeat", "escalate", "acknowledge", "dispatch", "resolve")


@dataclass(frozen=True)
class ConsoleAlert:
    id: int
    school: str
    code: str
    type: str
    domain: str
    severity: str
    building: str | None
    zone: str | None
    device: str | None
    raised_at: datetime
    last_raised_at: datetime
    count: int
    state: str
    escalated: bool  # still unacknowledged past its deadline
    escalation_level: int  # the highest level reached (recorded, or due by the clock), 0: none
    due_at: datetime | None  # when it had to be acknowledged by
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    dispatched_to: str | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # one of HISTORY_KINDS
    by: str | None = None
    note: str = ""
    assignee: str | None = None
    outcome: str | None = None
    level: int | None = None  # escalate: the level reached
    event_id: str | None = None  # raised / repeat: the alarm's event id

    def as_dict(self) -> dict:
        return asdict(self)


def _open_alerts(schools: list[str] | None, domain: str | None, building: str | None, type: str | None):
    query = (select(Alert, OrgUnit.code).join(OrgUnit, OrgUnit.id == Alert.school_id)
             .where(Alert.state.in_(alert_flow.OPEN_STATES)))
    if schools is not None:
        query = query.where(OrgUnit.code.in_(schools))
    if domain:
        query = query.where(Alert.domain == domain)
    if building:
        query = query.where(Alert.building_code == building)
    if type:
        query = query.where(Alert.type == type)
    return query


def console_alerts(session: Session, *, schools: list[str] | None, now: datetime, deadlines: Deadlines,
                   domain: str | None = None, building: str | None = None, type: str | None = None,
                   limit: int = 200) -> list[ConsoleAlert]:
    """Open alerts: unacknowledged first, then by severity (critical first), then oldest first."""
    severity_rank = case({s: i for i, s in enumerate(SEVERITY_ORDER)}, value=Alert.severity,
                         else_=len(SEVERITY_ORDER))
    rows = session.execute(_open_alerts(schools, domain, building, type).order_by(
        case((Alert.state == "new", 0), else_=1), severity_rank, Alert.raised_at, Alert.id)
        .limit(limit)).all()
    ids = [alert.id for alert, _ in rows]
    recorded = dict(session.execute(
        select(AlertEscalation.alert_id, func.max(AlertEscalation.level))
        .where(AlertEscalation.alert_id.in_(ids)).group_by(AlertEscalation.alert_id)).all()) if ids else {}
    now_ms = int(now.timestamp() * 1000)
    return [console_row(alert, school, recorded.get(alert.id, 0), now_ms, deadlines) for alert, school in rows]


def console_row(alert: Alert, school: str, recorded_level: int, now_ms: int, deadlines: Deadlines) -> ConsoleAlert:
    raised_ms = int(alert.raised_at.timestamp() * 1000)
    new = alert.state == "new"
    # The clock's level too: the console marks an alert the moment its deadline passes, not
    # at the next sweep; the recorded level stays after the acknowledgement.
    level = max(recorded_level, len(deadlines.due_levels(alert.severity, raised_ms, now_ms)) if new else 0)
    due = deadlines.due_ms(alert.severity, raised_ms)
    return ConsoleAlert(
        id=alert.id, school=school, code=alert.code, type=alert.type, domain=alert.domain,
        severity=alert.severity, building=alert.building_code, zone=alert.zone_code, device=alert.device,
        raised_at=alert.raised_at, last_raised_at=alert.last_raised_at, count=alert.count,
        state=alert.state,
        escalated=new and level > 0, escalation_level=level,
        due_at=None if due is None else datetime.fromtimestamp(due / 1000, timezone.utc),
        acknowledged_by=alert.acknowledged_by, acknowledged_at=alert.acknowledged_at,
        dispatched_to=alert.dispatched_to)


def _one(alert_id: int, schools):
    query = select(Alert, OrgUnit.code).join(OrgUnit, OrgUnit.id == Alert.school_id).where(Alert.id == alert_id)
    return query if schools is None else query.where(OrgUnit.code.in_(sorted(schools)))


def alert_state(session: Session, *, alert_id: int, schools) -> str | None:
    """The alert's state now; None when there is none (in `schools`; None: every school)."""
    found = session.execute(_one(alert_id, schools)).first()
    return None if found is None else found[0].state


def console_alert(session: Session, *, alert_id: int, schools, now: datetime,
                  deadlines: Deadlines) -> ConsoleAlert | None:
    """One alert as the console's detail panel shows it, whatever its state (resolved too)."""
    found = session.execute(_one(alert_id, schools)).first()
    if found is None:
        return None
    alert, school = found
    recorded = session.scalar(select(func.max(AlertEscalation.level)).where(AlertEscalation.alert_id == alert.id))
    return console_row(alert, school, recorded or 0, int(now.timestamp() * 1000), deadlines)


def console_filters(session: Session, *, schools: list[str] | None) -> dict[str, list[str]]:
    """The domains, buildings and types present among the open alerts: the console's filter
    choices. One query (the console asks twice a second), the distinct triples split here."""
    triples = session.execute(_open_alerts(schools, None, None, None)
                              .with_only_columns(Alert.domain, Alert.building_code, Alert.type).distinct()).all()
    return {name: sorted({row[i] for row in triples if row[i]})
            for i, name in enumerate(("domains", "buildings", "types"))}


def alert_history(session: Session, *, alert_id: int, schools: list[str] | frozenset[str] | None = None
                  ) -> list[HistoryEntry] | None:
    """Every step of an alert, oldest first: the alarm that raised it, repeats folded in,
    escalations, acknowledge / dispatch / resolve with who, note, assignee and outcome. None when
    there is no such alert (or it is in none of `schools`)."""
    query = select(Alert.code).join(OrgUnit, OrgUnit.id == Alert.school_id).where(Alert.id == alert_id)
    if schools is not None:
        query = query.where(OrgUnit.code.in_(sorted(schools)))
    code = session.scalar(query)
    if code is None:
        return None
    entries = [HistoryEntry(at=o.at, kind="raised" if o.event_id == code else "repeat", event_id=o.event_id)
               for o in session.scalars(select(AlertOccurrence).where(AlertOccurrence.alert_id == alert_id))]
    entries += [HistoryEntry(at=e.due_at, kind="escalate", level=e.level)
                for e in session.scalars(select(AlertEscalation).where(AlertEscalation.alert_id == alert_id))]
    entries += [HistoryEntry(at=t.at, kind=t.action, by=t.by, note=t.note or "", assignee=t.assignee,
                             outcome=t.outcome)
                for t in session.scalars(select(AlertTransition).where(AlertTransition.alert_id == alert_id)
                                         .order_by(AlertTransition.id))]
    # Stable by time, then by the order of the loop (raised before its first step at the same moment).
    return sorted(entries, key=lambda e: (e.at, HISTORY_KINDS.index(e.kind)))
