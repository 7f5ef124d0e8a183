"""The monthly report documents made on their schedule (issue 17; docs/district.md), on a thread of the
notifier (`python -m streams.notifier`): a page's wait never holds back a page to a person.

Each pass (every SCHEDULE_SECONDS) makes at most BATCH documents, PDF and Excel in Chinese, and keeps
them (ledger/commands/report_documents.py):
- a school's monthly report once it is submitted, and again when it is submitted anew after a
  return (a kept document older than the report's last submission is made again);
- a unit's month over its schools (district, city, province) for the month before, from UNIT_DAY of
  the next month at UNIT_HOUR local: after the schools' reports fall due (the 5th by default), so the
  district's document shows who reported. Made once; `?fresh=1` on the download makes it again.
A 2,000-school province's month is about 2,000 school documents and a hundred units', a second or two
each: the first days of a month in the background, never more than BATCH a pass.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from kernel.settings import Settings
from ledger import report_document, reporting
from ledger.commands import report_documents as keeping
from ledger.models import OrgUnit, Report, ReportDocument
from queries.ledger import monthly_document

log = logging.getLogger("streams.report_schedule")
SCHEDULE_SECONDS = 60.0
BATCH = 10
UNIT_DAY, UNIT_HOUR = 6, 6
ABOVE_SCHOOLS = ("district", "city", "province")


def unit_period_due(now: datetime, tz: ZoneInfo) -> str | None:
    """The month whose units' documents are due at `now`: the month before, from UNIT_DAY at UNIT_HOUR
    local of the current month; None before then."""
    local = now.astimezone(tz)
    if (local.day, local.hour) < (UNIT_DAY, UNIT_HOUR):
        return None
    return reporting.previous_period(reporting.period_of(local.date()))


def schools_due(db: Session, limit: int) -> list[tuple[int, str]]:
    """(school id, period) of submitted monthly reports with no Chinese PDF kept since their submission."""
    doc = aliased(ReportDocument)
    current = exists().where(doc.unit_id == Report.school_id, doc.kind == "monthly", doc.period == Report.subject,
                             doc.fmt == "pdf", doc.lang == "zh", doc.generated_at >= Report.submitted_at)
    rows = db.execute(select(Report.school_id, Report.subject)
                      .where(Report.kind == "monthly", Report.status.in_(("submitted", "receipted")),
                             Report.submitted_at.is_not(None), ~current)
                      .order_by(Report.submitted_at).limit(limit))
    return [(school_id, period) for school_id, period in rows]


def units_due(db: Session, period: str, limit: int) -> list[int]:
    """Ids of units above schools with a school below them (a child school, or a child unit) and no
    Chinese PDF of the month kept."""
    child = aliased(OrgUnit)
    kept = exists().where(ReportDocument.unit_id == OrgUnit.id, ReportDocument.kind == "monthly",
                          ReportDocument.period == period, ReportDocument.fmt == "pdf", ReportDocument.lang == "zh")
    has_children = exists().where(child.parent_id == OrgUnit.id)
    return list(db.scalars(select(OrgUnit.id).where(and_(OrgUnit.kind.in_(ABOVE_SCHOOLS), has_children, ~kept))
                          .order_by(OrgUnit.id).limit(limit)))


def make(db: Session, settings: Settings, unit: OrgUnit, period: str, now: datetime) -> None:
    """Both formats of one unit's month, kept; committed here (each document on its own: a fault in one
    never loses the others). A school's is stamped no earlier than the submission it prints: with a
    clock behind the web app's, it would otherwise look older than its report and be made again."""
    tz = settings.tz
    if unit.kind == "school":
        report = db.scalar(select(Report.submitted_at).where(Report.school_id == unit.id, Report.kind == "monthly",
                                                             Report.subject == period))
        now = max(now, report) if report is not None else now
    view = (monthly_document.school_view if unit.kind == "school" else monthly_document.unit_view)(
        db, unit, period, tz, lang="zh", now=now)
    for fmt, content in (("pdf", report_document.document_pdf(view, "zh")),
                         ("xlsx", report_document.document_xlsx(view, "zh"))):
        _, before = keeping.keep(db, report_dir=settings.report_dir, unit=unit, kind="monthly", period=period,
                                 fmt=fmt, lang="zh", content=content, by="schedule", now=now)
        db.commit()
        keeping.forget_unused(db, settings.report_dir, before)


def run_once(sessions, settings: Settings, now: datetime | None = None, *, batch: int = BATCH) -> int:
    """One pass: the documents due, at most `batch`. Returns how many units were made."""
    now = now or datetime.now(timezone.utc)
    made = 0
    with sessions() as db:
        work = [(school_id, period) for school_id, period in schools_due(db, batch)]
        period = unit_period_due(now, settings.tz)
        if period is not None and len(work) < batch:
            work += [(unit_id, period) for unit_id in units_due(db, period, batch - len(work))]
        for unit_id, month in work:
            unit = db.get(OrgUnit, unit_id)
            try:
                make(db, settings, unit, month, now)
                made += 1
            except Exception:  # noqa: BLE001 - one unit's fault is logged; the others are still made
                db.rollback()
                log.exception("report schedule: %s %s", unit.code, month)
    return made


def run(sessions, settings: Settings, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            made = run_once(sessions, settings)
        except Exception:  # noqa: BLE001 - the ledger away for a moment: the next pass tries again
            log.exception("report schedule: pass failed; tried again in %g s", SCHEDULE_SECONDS)
            made = 0
        stop.wait(1.0 if made >= BATCH else SCHEDULE_SECONDS)  # a full batch: more may be due
