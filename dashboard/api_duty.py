"""The duty API (docs/api.md, "Duty: handover and comments"), under /api/v1/schools/<school>/:

GET  handover?date=YYYY-MM-DD&shift=night|夜班&format=json|xlsx  the shift handover report (交接班)
GET  handover.pdf?date=YYYY-MM-DD&shift=night&lang=zh|en         the same, as a printable PDF
POST hazards/<code>/comments  {"text": ...}                     a duty officer's comment on a hazard

dashboard/roles.py gives the report `duty.view` (leadership and duty officers) and the comment
`hazard.comment` (duty officers, admins); the guard holds a caller to their school before any view
runs. Text people typed comes back as JSON strings with <, > and & escaped, so no page or sniffing
browser can take a comment for markup.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache
from urllib.parse import quote

from flask import Blueprint, Flask, Response, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import access, params
from dashboard.api import API_PREFIX
from dashboard.api import escaped_json as answer
from dashboard.ledger_json import iso
from dashboard.services import services
from kernel.contract import SCHOOL_ID
from ledger import handover
from ledger import handover_pdf as pdf
from ledger.commands import hazard_comments
from ledger.errors import LedgerError
from ledger.handover_export import handover_workbook
from ledger.handover_view import handover_view
from ledger.shifts import ShiftError, ShiftPlan
from queries.ledger import handover as handover_rows
from queries.ledger import hazards, org

LEDGER_DOWN = "safety ledger unavailable"
NOT_IN_LEDGER = "no such school in the safety ledger"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "xlsx")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

duty_api = Blueprint("duty_api", __name__, url_prefix=API_PREFIX + "/schools/<school>")


@duty_api.errorhandler(SQLAlchemyError)
def _ledger_down(exc: SQLAlchemyError):
    return answer(503, {"error": LEDGER_DOWN, "detail": type(exc).__name__})


@duty_api.errorhandler(params.BadParameter)
def _bad_parameter(exc: params.BadParameter):
    return answer(400, exc.body())


@lru_cache(maxsize=4)
def shift_plan(path: str) -> ShiftPlan:
    """The shifts file, read once per process: shifts change with a deploy."""
    return ShiftPlan.load(path)


def _day(raw: str | None) -> date | None:
    if raw is None:
        return None
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise params.BadParameter("date", raw, "date must be a day as YYYY-MM-DD, e.g. 2026-11-24") from None


def _shift_report(school: str, allowed: tuple[str, ...]):
    """(the shift window, its report, lang, format, now) for the query's date and shift; without
    them the last shift handed over. None for a school not in the ledger. The guard has held the
    caller to the school already; `access.require_school` asks again from the principal's own scope,
    so the school is never taken from the address alone."""
    params.check_known(request.args, allowed)
    a = request.args
    fmt = params.choice(a, "format", FORMATS) or "json"
    lang = params.choice(a, "lang", ("zh", "en")) or "zh"
    access.require_school(school)
    live = services()
    tz = live.settings.tz
    plan = shift_plan(live.settings.shifts_file)
    day, name = _day(a.get("date")), a.get("shift")
    now = live.now()
    if day is None and name is None:
        window = plan.previous_shift(now, tz)
    elif day is None or name is None:
        missing = "date" if day is None else "shift"
        raise params.BadParameter(missing, None, "date and shift go together: give both, or neither for "
                                  "the last shift handed over")
    else:
        try:
            window = plan.shift_window(day, name, tz)
        except ShiftError as exc:
            raise params.BadParameter("shift", name, str(exc)) from None
        except OverflowError:  # a night shift of 9999-12-31 ends past the last day Python has
            raise params.BadParameter("date", a.get("date"), "date must be a day the shift can end after") from None
    with live.ledger_reads() as session:
        found = org.find_school(session, school) if SCHOOL_ID.fullmatch(school) else None
        if found is None:
            return None
        report = handover_rows.handover_report(session, school_id=found.id, window=window, tz=tz)
    return window, report, lang, fmt, now


def _attachment(data: bytes, mimetype: str, school: str, window, lang: str, ext: str) -> Response:
    stem = f"handover-{school}-{window.day.isoformat()}-{window.name}"
    local = f"交接班-{school}-{window.day.isoformat()}-{window.shift.name_zh}" if lang == "zh" else stem
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{stem}.{ext}\"; filename*=UTF-8''{quote(local)}.{ext}")
    response.headers["Cache-Control"] = "no-store"
    return response


@duty_api.get("/handover")
def handover_report(school: str):
    """The handover report of one shift; without date and shift, the last shift handed over."""
    found = _shift_report(school, ("date", "shift", "format", "lang"))
    if found is None:
        return answer(404, {"error": NOT_IN_LEDGER, "school": school})
    window, report, lang, fmt, now = found
    if fmt == "xlsx":
        data = handover_workbook(report, lang=lang, zone=services().settings.school_timezone)
        return _attachment(data, XLSX, school, window, lang, "xlsx")
    return answer(200, {"school": school, "complete": window.end <= now, **handover.as_json(report)})


@duty_api.get("/handover.pdf")
def handover_pdf(school: str):
    """The same report as a printable PDF (ledger/handover_pdf.py): what the handover view gives,
    the ledger's text escaped, laid out with nothing fetched from anywhere."""
    found = _shift_report(school, ("date", "shift", "lang"))
    if found is None:
        return answer(404, {"error": NOT_IN_LEDGER, "school": school})
    window, report, lang, _, now = found
    printed = now.astimezone(services().settings.tz).strftime("%Y-%m-%d %H:%M")
    data = pdf.handover_pdf(handover_view(report, lang), lang, printed=printed)
    response = _attachment(data, "application/pdf", school, window, lang, "pdf")
    response.headers["Content-Disposition"] = response.headers["Content-Disposition"].replace("attachment", "inline", 1)
    return response


def _caller_name() -> str:
    principal = access.current()
    return principal.actor


@duty_api.post("/hazards/<code>/comments")
def hazard_comment(school: str, code: str):
    """Add a comment to a hazard, as the caller, now; 201 with the comment as kept."""
    params.check_known(request.args, ())
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict) or set(body) != {"text"}:
        return answer(400, {"error": 'the body must be a JSON object {"text": ...} sent as application/json'})
    live = services()
    with live.ledger_session() as session:
        found = org.find_school(session, school) if SCHOOL_ID.fullmatch(school) else None
        if found is None:
            return answer(404, {"error": NOT_IN_LEDGER, "school": school})
        hazard = hazards.get(session, school_id=found.id, code=code)
        if hazard is None:
            return answer(404, {"error": "no such hazard in this school's ledger", "school": school, "hazard": code})
        try:
            comment = hazard_comments.add_comment(session, hazard=hazard, by=_caller_name(),
                                                  at=datetime.now(timezone.utc), text=body["text"])
        except LedgerError as exc:
            return answer(400, {"error": str(exc), "hazard": code})
        kept = {"school": school, "hazard": code, "by": comment.by, "at": iso(comment.at, live.settings.tz),
                "text": comment.text}
        session.commit()
    return answer(201, kept)


def register(server: Flask) -> None:
    server.register_blueprint(duty_api)
