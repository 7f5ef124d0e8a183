"""Event reports written by the step that makes them due (issue 17, 报送): a hazard graded major
(重大隐患) and a critical alert resolved as a true alarm, each due within the district's hours.

Why in the step's own transaction rather than a sweep: the deadline runs from the step's moment, which
the step knows exactly (a sweep would have to find it again in the history, and a hazard graded major
and then regraded would be missed); the report exists as soon as the step is committed, with no
sweeper to run, schedule or watch; and a step rolled back takes its report with it. Every path that
grades a hazard or resolves an alert goes through the functions called here: hazards.report_hazard and
transition_hazard (the phone's loop, events from the topic, imports), alert_handling (the console) and
alerts.transition_alert (the topic). Writing twice is harmless: one row per (school, kind, subject).
A ledger exchange file loaded (ledger/exchange_db.py: another system's history) writes none: its
hazards were reported up, or not, before they came here.

The rules (monthly due day, hours per kind) are the nearest unit's above the school with a row in
`reporting_rules` (normally the district), else ledger/reporting.DEFAULT_RULES.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.names import event_type_name
from ledger import reporting
from ledger.models import OrgUnit, Report, ReportingRule

MAX_DEPTH = 16


def rules_for(db: Session, school_id: int) -> reporting.Rules:
    """The reporting rules a school is held to: the nearest unit above it (or itself) with a row."""
    node = db.get(OrgUnit, school_id)
    for _ in range(MAX_DEPTH):
        if node is None:
            break
        row = db.get(ReportingRule, node.id)
        if row is not None:
            return reporting.Rules(row.monthly_due_day, row.major_hazard_hours, row.true_alarm_hours,
                                   row.first_period)
        node = db.get(OrgUnit, node.parent_id) if node.parent_id is not None else None
    return reporting.DEFAULT_RULES


def due(db: Session, *, school_id: int, kind: str, subject: str, title: str, at: datetime) -> Report | None:
    """The event report of (school, kind, subject), written now if there is none; None when one was
    written before (the step again, or the hazard graded major twice)."""
    found = db.scalar(select(Report.id).where(Report.school_id == school_id, Report.kind == kind,
                                              Report.subject == subject))
    if found is not None:
        return None
    hours = rules_for(db, school_id).hours(kind)
    row = Report(school_id=school_id, kind=kind, subject=subject[:128], title=title[:200], occurred_at=at,
                 due_at=reporting.event_due_at(at, hours), status="draft", text="", created_at=at)
    db.add(row)
    db.flush()
    return row


def major_hazard(db: Session, *, school_id: int, code: str, title: str, at: datetime) -> Report | None:
    """A hazard reported or graded major at `at`."""
    return due(db, school_id=school_id, kind="major_hazard", subject=code, title=title, at=at)


def true_alarm(db: Session, *, school_id: int, code: str, title: str, at: datetime) -> Report | None:
    """A critical alert resolved as a true alarm at `at`; `title` its type (fire.smoke_alarm), named in Chinese."""
    named = f"{event_type_name('zh', title)}（真警）"
    return due(db, school_id=school_id, kind="true_alarm", subject=code, title=named, at=at)
