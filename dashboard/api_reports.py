"""The monthly reports as documents (issue 17; docs/district.md), under /api/v1/units/<unit>/reports:

GET  reports                                  the documents kept for the unit (JSON)
GET  reports/<YYYY-MM>.pdf|.xlsx?lang=zh|en   a school's monthly report, or a unit's month over its schools

A month that has ended is generated once and kept (REPORT_DIR, ledger/commands/report_documents.py);
the notifier makes them on the 1st of the next month (streams/report_schedule.py), and `?fresh=true`
makes one again (after a late report was submitted, say). The month still running is generated on
every request and not kept: its figures change. `lead.view` lets a role in; the unit is then held to
the caller's scope here: a school to their schools, a unit above schools to their own unit or below.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard import access, params
from dashboard.api import API_PREFIX
from dashboard.api import escaped_json as answer
from dashboard.services import services
from kernel.names import language
from ledger import org_scope, report_document, reporting
from ledger.commands import report_documents as keeping
from ledger.errors import LedgerError
from ledger.models import OrgUnit
from queries.ledger import monthly_document
from queries.ledger import report_documents as kept

LEDGER_DOWN = "safety ledger unavailable"
NOT_FOUND = "no such unit in your scope"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {"pdf": "application/pdf", "xlsx": XLSX}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

reports_api = Blueprint("reports_api", __name__, url_prefix=API_PREFIX + "/units/<unit>")


@reports_api.errorhandler(SQLAlchemyError)
def _ledger_down(exc: SQLAlchemyError):
    return answer(503, {"error": LEDGER_DOWN, "detail": type(exc).__name__})


@reports_api.errorhandler(params.BadParameter)
def _bad_parameter(exc: params.BadParameter):
    return answer(400, exc.body())


def readable_unit(db, code: str) -> OrgUnit | None:
    """The unit, if the caller may read it: a school among their schools; a unit above schools that is
    their own unit or below it, or whose every school they read (a district's wall token, as the district
    wall decides). None: unknown or out of scope, the same answer for both (nothing is learnt of another
    district)."""
    principal = access.current()
    if principal is None or not _CODE.fullmatch(code):
        return None
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if unit is None or unit.kind not in ("school", "district", "city", "province"):
        return None
    if unit.kind == "school" or principal.schools is None:
        return unit if principal.may_read_school(unit.code) else None
    mine = db.scalar(select(OrgUnit).where(OrgUnit.code == principal.unit)) if principal.unit else None
    if mine is not None and mine.kind != "school" and org_scope.is_within(db, unit, mine):
        return unit
    schools = org_scope.schools_under(db, unit)
    return unit if schools and all(principal.may_read_school(s) for s in schools) else None


@reports_api.get("/reports")
def kept_documents(unit: str):
    params.check_known(request.args, ())
    with services().ledger_reads() as db:
        found = readable_unit(db, unit)
        if found is None:
            return answer(404, {"error": NOT_FOUND, "unit": unit})
        rows = kept.kept_for(db, found.id)
    return answer(200, {"unit": unit, "documents": [
        {"kind": k.kind, "period": k.period, "format": k.fmt, "lang": k.lang, "size": k.size,
         "generated_at": k.generated_at.isoformat(), "generated_by": k.generated_by,
         "url": f"{API_PREFIX}/units/{unit}/reports/{k.period}.{k.fmt}?lang={k.lang}"} for k in rows]})


def render(db, unit: OrgUnit, period: str, fmt: str, lang: str, now: datetime) -> bytes:
    tz = services().settings.tz
    view = (monthly_document.school_view if unit.kind == "school" else monthly_document.unit_view)(
        db, unit, period, tz, lang=lang, now=now)
    return report_document.document_pdf(view, lang) if fmt == "pdf" else report_document.document_xlsx(view, lang)


@reports_api.get("/reports/<period>.<fmt>")
def document(unit: str, period: str, fmt: str):
    params.check_known(request.args, ("lang", "fresh"))
    if fmt not in MIME:
        return answer(404, {"error": "a report is .pdf or .xlsx"})
    try:
        reporting.parse_period(period)
    except LedgerError as exc:
        return answer(400, {"error": str(exc), "parameter": "period"})
    lang = language(request.args.get("lang"))
    fresh = params.boolean(request.args, "fresh") or False
    live = services()
    now = datetime.now(timezone.utc)
    begins, ends = reporting.period_window(period, live.settings.tz)
    ended = ends <= now
    if begins > now:
        return answer(404, {"error": "that month has not begun"})
    with live.ledger_session() as db:
        found = readable_unit(db, unit)
        if found is None:
            return answer(404, {"error": NOT_FOUND, "unit": unit})
        known = kept.find(db, found.id, "monthly", period, fmt, lang) if ended and not fresh else None
        data = None
        if known is not None:
            try:
                data = keeping.path_of(live.settings.report_dir, known.file).read_bytes()
            except FileNotFoundError:  # the ledger restored without REPORT_DIR's files, or made again just now
                data = None  # made again, and kept again
        if data is None:
            data = render(db, found, period, fmt, lang, now)
            if ended:
                _, before = keeping.keep(db, report_dir=live.settings.report_dir, unit=found, kind="monthly",
                                         period=period, fmt=fmt, lang=lang, content=data,
                                         by=access.current().actor, now=now)
                db.commit()
                keeping.forget_unused(db, live.settings.report_dir, before)
    stem = f"monthly-{unit}-{period}"
    local = f"安全月报-{found.name_zh}-{period}" if lang == "zh" else stem
    response = Response(data, mimetype=MIME[fmt])
    disposition = "inline" if fmt == "pdf" else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{stem}.{fmt}\"; filename*=UTF-8''{quote(local, safe='')}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: Flask) -> None:
    server.register_blueprint(reports_api)
