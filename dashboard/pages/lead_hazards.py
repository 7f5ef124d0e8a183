"""The hazard ledger for leadership (隐患台账): /lead/hazards?school=&lang=en&stage=&grade=&unit=&overdue=1&building=

A grid of the school's hazards, most urgent first, filtered by stage, grade, responsible unit,
overdue and building (other pages link here with those in the URL); tapping a row shows the
hazard's whole record beside (wide screens) or below the grid; the Excel download carries the
same filter (dashboard/lead_export.py). Read only: nothing here writes.

The page is drawn with its rows (no second round trip on load); a filter change and a row tap
each have their own callback, so neither drops the other's answer.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.lead_context import resolve
from dashboard.services import services
from layouts import lead_hazards as part
from layouts.i18n import language
from layouts.lead_frame import frame
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_hazards import MAX_CODE, filter_choices, hazard_history, ledger_filter, ledger_rows

PAGE = "lead_hazards"
dash.register_page(__name__, path="/lead/hazards", name=PAGE, title="隐患台账 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, stage: object = None, grade: object = None,
           unit: object = None, overdue: object = None, building: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    filters = ledger_filter({"stage": stage, "grade": grade, "unit": unit, "overdue": overdue, "building": building})
    live = services()
    now = live.now()
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            rows, total = ledger_rows(db, school_id=found.id, filters=filters, now=now, limit=part.GRID_LIMIT)
            choices = filter_choices(db, school_id=found.id)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    body = part.body(view.lang, school=view.school, filters=filters,
                     options=part.filter_options(view.lang, choices, filters),
                     rows=part.grid_rows(view.lang, rows, now=now, tz=live.settings.tz), total=total)
    return frame(view, PAGE, body)


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
            part.download_href(school, filters, lang), part.grid_box_style(len(rows)))


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
        Output(part.GRID, "rowData"), Output(part.COUNT, "children"), Output(part.DOWNLOAD, "href"),
        Output(part.GRID_BOX, "style"),
        *(Input(i, "value") for i in part.FILTERS), State(part.VIEW, "data"),
        prevent_initial_call=True,
    )(refilter)
    app.callback(Output(part.RECORD, "children"), Input(part.GRID, "cellClicked"), State(part.VIEW, "data"),
                 prevent_initial_call=True)(show_record)
    app.clientside_callback(part.SCROLL_TO_RECORD, Output(part.RECORD_SHOWN, "data"), Input(part.RECORD, "children"),
                            prevent_initial_call=True)
