"""Alerts as the ledger keeps them: the list, and the open alerts the wall counts.

Opening, grouping and handling them are the ledger's commands (ledger/commands/alerts.py).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kernel.catalogue import ALERT_SEVERITIES
from ledger.models import Alert

SEVERITY_ORDER = ALERT_SEVERITIES  # worst first


def list_alerts(session: Session, *, school_id: int, state: str | None = None, severity: str | None = None,
                open_only: bool = False, offset: int = 0, limit: int = 50) -> tuple[list[Alert], int]:
    query = select(Alert).where(Alert.school_id == school_id)
    if state:
        query = query.where(Alert.state == state)
    if open_only:
        query = query.where(Alert.state != "resolved")
    if severity:
        query = query.where(Alert.severity == severity)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Alert.last_raised_at.desc(), Alert.id.desc()).offset(offset).limit(limit))
    return list(rows), int(total or 0)


def figures(session: Session, *, school_id: int) -> dict:
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for severity, n in session.execute(
            select(Alert.severity, func.count()).where(Alert.school_id == school_id, Alert.state != "resolved")
            .group_by(Alert.severity)):
        counts[severity] = int(n)
    return {"open": sum(counts.values()), "open_by_severity": counts}
