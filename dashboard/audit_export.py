"""The audit log as the audit page filters it, as a file:

GET /admin/audit.xlsx?since=&until=&actor=&action=&school=&q=&lang=   (and /admin/audit.csv)

The same filter (`queries.ledger.audit_log.audit_filter`), the same scope (the signed-in admin's,
from the server's principal) and the same order as the page, without the page size, up to
EXPORT_LIMIT entries (a cut file says so in its last row). dashboard/roles.py gives both routes
ADMIN. Every cell is written by ledger/spreadsheet.py: a value that begins like a formula
(= + - @) stays text, control characters are pictured. Read only.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Flask, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.admin_audit.view import changes
from dashboard.services import services
from layouts.i18n import language
from ledger.spreadsheet import Sheet, csv_bytes, xlsx_bytes
from queries.ledger.audit_log import EXPORT_LIMIT, BadFilter, audit_filter, export_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = {
    "zh": ("时间", "操作人", "角色", "来源地址", "操作", "对象", "学校", "变更字段", "变更前", "变更后"),
    "en": ("When", "Who", "Role", "From", "Action", "Target", "School", "Fields", "Before", "After"),
}
CUT = {"zh": "（已截断：超过 {n} 条，请缩小筛选范围）", "en": "(cut: more than {n} entries; narrow the filter)"}

audit_api = Blueprint("audit_api", __name__)


def audit_scope(principal) -> tuple[frozenset[str] | None, str | None]:
    """What the caller reads, for the page and the downloads alike: (schools, their own actor name).
    schools None: every entry (an admin over the whole tree); else those schools' and their own."""
    if principal is None:
        return frozenset(), None
    whole_tree = principal.unit is None and principal.schools is None
    return (None if whole_tree else (principal.schools or frozenset())), principal.actor


@audit_api.errorhandler(SQLAlchemyError)
def _ledger_down(exc: SQLAlchemyError):
    return Response("安全台账暂时无法访问 / the safety ledger cannot be reached", status=503, mimetype="text/plain")


def audit_sheet(rows, *, lang: str, tz, cut: bool) -> Sheet:
    """One row per entry; times local to the schools, without the zone (a spreadsheet has none)."""
    table = []
    for row in rows:
        found = changes(row.before, row.after)
        # One line per field, "field: value", the values as text (a JSON dump would hide a control
        # character as \u001b, where the writer pictures it as ␛).
        table.append([row.at.astimezone(tz).replace(tzinfo=None), row.actor, row.actor_role, row.ip, row.action,
                      row.target, row.school, "\n".join(k for k, _b, _a in found),
                      "\n".join(f"{k}: {b}" for k, b, _a in found) if row.before else None,
                      "\n".join(f"{k}: {a}" for k, _b, a in found) if row.after else None])
    if cut:
        table.append([None, CUT[lang].format(n=EXPORT_LIMIT)] + [None] * 8)
    return Sheet("审计日志" if lang == "zh" else "Audit log", HEADER[lang], table)


def _export(kind: str) -> Response:
    lang = language(request.args.get("lang"))
    live = services()
    tz = live.settings.tz
    try:
        filters = audit_filter(request.args, tz)
    except BadFilter as exc:
        abort(400, f"{exc}= cannot be read")
    schools, me = audit_scope(current())
    with live.ledger_reads() as db:
        rows, cut = export_rows(db, filters, schools=schools, me=me)
    sheet = audit_sheet(rows, lang=lang, tz=tz, cut=cut)
    data = xlsx_bytes([sheet]) if kind == "xlsx" else csv_bytes(sheet)
    day = live.now().astimezone(tz).date().isoformat()
    stem, local = f"audit-log-{day}", f"审计日志-{day}" if lang == "zh" else f"audit-log-{day}"
    response = Response(data, mimetype=XLSX if kind == "xlsx" else "text/csv")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{stem}.{kind}\"; filename*=UTF-8''{quote(local)}.{kind}")
    response.headers["Cache-Control"] = "no-store"
    return response


@audit_api.get("/admin/audit.xlsx")
def audit_xlsx():
    return _export("xlsx")


@audit_api.get("/admin/audit.csv")
def audit_csv():
    return _export("csv")


def register(server: Flask) -> None:
    server.register_blueprint(audit_api)
