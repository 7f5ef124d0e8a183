"""The hazard ledger as the leadership page filters it, as an Excel file:

GET /lead/hazards.xlsx?school=&stage=&grade=&unit=&overdue=&building=&lang=

The page's download link carries its filter; this view reads it with the same function
(`queries.ledger.lead_hazards.ledger_filter`) and the same query (`ledger_rows`) as the grid, with no
row limit, so the file is the grid's list, in the grid's order, however long. dashboard/roles.py
gives the route `lead.view` (leadership, duty officers, admins; never a wall token); the school is
checked here, as the guard cannot see it in the path. Read only. The 照片 column links each hazard's
first photo at this server's /photos/<key>, which opens only for a signed-in person whose scope
covers the school (dashboard/photos.py): the file carries the address, never the picture.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import access
from dashboard.services import services
from kernel.contract import SCHOOL_ID
from layouts.i18n import language
from ledger.hazard_ledger_xlsx import ledger_workbook
from queries.ledger import org
from queries.ledger.lead_hazards import ledger_filter, ledger_rows
from queries.ledger.photos import hazard_photo_summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

lead_api = Blueprint("lead_api", __name__)


@lead_api.errorhandler(SQLAlchemyError)
def _ledger_down(exc: SQLAlchemyError):
    return Response("安全台账暂时无法访问 / the safety ledger cannot be reached", status=503,
                    mimetype="text/plain")


@lead_api.get("/lead/hazards.xlsx")
def hazard_export():
    """The filtered hazard ledger of one school as .xlsx (Chinese headers; English with lang=en)."""
    school = request.args.get("school", "")
    if not SCHOOL_ID.fullmatch(school):
        abort(400, "school= names the school whose ledger to download")
    access.require_school(school)
    lang = language(request.args.get("lang"))
    filters = ledger_filter(request.args)
    live = services()
    now = live.now()
    with live.ledger_reads() as session:
        found = org.find_school(session, school)
        if found is None:
            abort(404)
        rows, _total = ledger_rows(session, school_id=found.id, filters=filters, now=now, limit=None)
        photos = hazard_photo_summary(session, found.id)
    # The 照片 cell links to the first photo here: PUBLIC_URL when set, else the address this
    # person downloaded from. GET /photos/<key> asks a signed-in person with the school in scope.
    base = (live.settings.public_origin or request.host_url).rstrip("/")
    data = ledger_workbook(rows, lang=lang, tz=live.settings.tz, now=now, photos=photos,
                           photo_url=lambda key: f"{base}/photos/{quote(key)}")
    day = now.astimezone(live.settings.tz).date().isoformat()
    stem = f"hazard-ledger-{school}-{day}"
    local = f"隐患排查治理台账-{school}-{day}" if lang == "zh" else stem
    response = Response(data, mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{stem}.xlsx\"; filename*=UTF-8''{quote(local)}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response


def register(server: Flask) -> None:
    server.register_blueprint(lead_api)
