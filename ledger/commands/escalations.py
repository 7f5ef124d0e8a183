"""Escalation records: an alert still `new` past its deadlines gets one row per level reached.

The levels are the pure rule's (ledger/escalation.py `due_levels`); this sweep only writes the ones
missing. Two recorders may sweep at once: the row is unique per (alert, level) and inserted with
ON CONFLICT DO NOTHING, so each level is recorded once. An insert also re-checks, in the same
statement, that the alert is still unacknowledged, locking its row for share on PostgreSQL: a level
is never recorded after the acknowledgement that stops escalation has committed.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import exists, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ledger.commands import ladder
from ledger.escalation import UNACKNOWLEDGED, Deadlines
from ledger.models import Alert, AlertEscalation


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def missing_levels(session: Session, *, now: datetime,
                   deadlines: Deadlines) -> list[tuple[int, int, datetime]]:
    """(alert id, level, due at) of every level reached and not recorded, from the unacknowledged
    alerts past their first deadline (the state and raised_at index bounds the read)."""
    now_ms = _ms(now)
    past_deadline = [(Alert.severity == severity) & (Alert.raised_at < now - timedelta(milliseconds=within))
                     for severity, within in deadlines.acknowledge_within_ms.items()]
    if not past_deadline:
        return []
    recorded = (select(AlertEscalation.alert_id, func.max(AlertEscalation.level).label("level"))
                .group_by(AlertEscalation.alert_id).subquery())
    rows = session.execute(
        select(Alert.id, Alert.severity, Alert.raised_at, func.coalesce(recorded.c.level, 0))
        .outerjoin(recorded, recorded.c.alert_id == Alert.id)
        .where(Alert.state == UNACKNOWLEDGED, or_(*past_deadline))
        .order_by(Alert.id))
    missing = []
    for alert_id, severity, raised_at, highest in rows:
        raised_ms = _ms(raised_at)
        for level in deadlines.due_levels(severity, raised_ms, now_ms):
            if level > highest:
                missing.append((alert_id, level, _moment(deadlines.level_due_ms(severity, raised_ms, level))))
    return missing


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(AlertEscalation)


def sweep_escalations(session: Session, *, now: datetime, deadlines: Deadlines,
                      pager: ladder.Pager | None = None) -> list[AlertEscalation]:
    """Record the missing levels; returns the rows this sweep inserted (not those another sweep
    did). Commits its own transaction. With a `pager` (the recorder's), each level recorded pages its
    step of the ladder in the same transaction (ledger/commands/ladder.py)."""
    missing = missing_levels(session, now=now, deadlines=deadlines)
    session.rollback()  # the inserts' transaction starts with a write (SQLite: no stale snapshot)
    if not missing:
        return []
    dialect = session.get_bind().dialect.name
    inserted: list[AlertEscalation] = []
    with session.begin():
        for alert_id, level, due_at in missing:
            still_new = (select(Alert.id).where(Alert.id == alert_id, Alert.state == UNACKNOWLEDGED)
                         .with_for_update(read=True))
            source = select(literal(alert_id), literal(level), literal(due_at, AlertEscalation.due_at.type),
                            literal(now, AlertEscalation.at.type)).where(exists(still_new))
            statement = (_insert(dialect).from_select(["alert_id", "level", "due_at", "at"], source)
                         .on_conflict_do_nothing(index_elements=["alert_id", "level"])
                         .returning(AlertEscalation.id))
            row_id = session.scalar(statement)
            if row_id is not None:
                inserted.append(AlertEscalation(id=row_id, alert_id=alert_id, level=level, due_at=due_at,
                                                at=now))
                if pager is not None:
                    ladder.page_step(session, alert=session.get(Alert, alert_id), step=level, now=now, pager=pager,
                                     max_level=deadlines.max_level)
    return inserted
