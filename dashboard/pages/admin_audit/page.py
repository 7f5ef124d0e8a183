"""The audit page: /admin/audit?since=&until=&actor=&action=&school=&q=&before=&lang=en.

The filter is the URL's query, so what an admin sees is a link they can keep or send; the downloads
read the same query. The scope comes from the signed-in principal, never from the query."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.admin_context import resolve
from dashboard.audit_export import audit_scope
from dashboard.pages.admin_audit import view as part
from dashboard.services import services
from kernel.row_ids import row_id
from layouts.admin_frame import frame
from queries.ledger.audit_log import AuditFilter, BadFilter, audit_filter, audit_rows

PAGE = "admin_audit"
dash.register_page(__name__, path="/admin/audit", name=PAGE, title="审计日志 · 校园安全指挥中心")


def _before(value: object) -> int | None:
    return row_id(value)  # not "²" (a 400) nor past the ledger's integer ("ledger unavailable")


def layout(lang: object = None, before: object = None, **query) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    tz = live.settings.tz
    schools, me = audit_scope(current())
    shown = {k: v for k, v in query.items() if k in ("since", "until", "actor", "action", "school", "q")
             and isinstance(v, str) and v.strip()}
    try:
        filters = audit_filter(query, tz)
    except BadFilter as exc:
        return frame(view, PAGE, part.body(view.lang, shown, [], tz, more=False, last_id=None, paged=False,
                                           scoped=schools is not None, problem=f"bad_{exc}"))
    try:
        with live.ledger_reads() as db:
            rows, more = audit_rows(db, filters, schools=schools, me=me, before=_before(before))
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, filters.query() if filters != AuditFilter() else {}, rows, tz,
                                       more=more, last_id=rows[-1].id if rows else None,
                                       paged=_before(before) is not None, scoped=schools is not None))
