"""The hazard ledger page's callbacks, thin: each reads through queries/ and hands plain data to the
page's builders (view.py). A filter change and a row tap each have their own callback, so neither
drops the other's answer. Read only."""
from __future__ import annotations

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.lead_hazards import ids
from dashboard.pages.lead_hazards import view as part
from dashboard.services import services
from layouts.i18n import language
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_hazards import MAX_CODE, filter_query, hazard_history, ledger_filter, ledger_rows


def _school_id(db, school: object) -> int | None:
    """The ledger id of the page's school if the caller may read it (the guard checks the page's
    permission for callbacks, not the school they name)."""
    principal = current()
    if not isinstance(school, str) or principal is None or not principal.may_read_school(school):
        return None
    found = org.find_school(db, school)
    return found.id if found is not None else None


def refilter(stage, grade, unit, overdue, building, view_state):
    """The grid, its count, the download link and the grid's height for the filters chosen."""
    lang = language((view_state or {}).get("lang"))
    school = (view_state or {}).get("school")
    filters = ledger_filter(part.filters_from(stage, grade, unit, overdue, building))
    live = services()
    now = live.now()
    try:
        with live.ledger_reads() as db:
            school_id = _school_id(db, school)
            if school_id is None:
                return [], "", no_update, no_update
            rows, total = ledger_rows(db, school_id=school_id, filters=filters, now=now, limit=part.GRID_LIMIT)
    except SQLAlchemyError:
        return no_update, html.Span(tl(lang, "ledger_down"), className="lead-problem-inline"), no_update, no_update
    return (part.grid_rows(lang, rows, now=now, tz=live.settings.tz), part.count_line(lang, total, len(rows)),
            part.download_href(school, filter_query(filters), lang), part.grid_box_style(len(rows)))


def show_record(clicked, view_state):
    """The whole record of the hazard whose row was tapped."""
    lang = language((view_state or {}).get("lang"))
    code = (clicked or {}).get("rowId")
    if not isinstance(code, str) or not code or len(code) > MAX_CODE:
        return no_update
    live = services()
    try:
        with live.ledger_reads() as db:
            school_id = _school_id(db, (view_state or {}).get("school"))
            record = hazard_history(db, school_id=school_id, code=code) if school_id is not None else None
    except SQLAlchemyError:
        return no_update
    return part.record_panel(lang, record, tz=live.settings.tz, now=live.now())


def register_callbacks(app: dash.Dash) -> None:
    app.callback(
        Output(ids.GRID, "rowData"), Output(ids.COUNT, "children"), Output(ids.DOWNLOAD, "href"),
        Output(ids.GRID_BOX, "style"),
        *(Input(i, "value") for i in ids.FILTERS), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(refilter)
    app.callback(Output(ids.RECORD, "children"), Input(ids.GRID, "cellClicked"), State(ids.VIEW, "data"),
                 prevent_initial_call=True)(show_record)
    app.clientside_callback(part.SCROLL_TO_RECORD, Output(ids.RECORD_SHOWN, "data"), Input(ids.RECORD, "children"),
                            prevent_initial_call=True)
