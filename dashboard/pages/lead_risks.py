"""The risk register for leadership (风险清单): /lead/risks?school=&lang=en&colour=red&unit=<unit code>

Risk points per colour and per responsible unit, the list filtered by colour and unit (highest
level first), and the annual reviews (seed 001 art. 13) past due or due within 30 days. The
colour cards and unit names are links (?colour=, ?unit=); the two filters redraw the list in a
callback. Read only.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.lead_context import resolve
from dashboard.services import services
from layouts import lead_risks as part
from layouts.i18n import language
from layouts.lead_frame import frame
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_risks import colour_by_unit, reviews_due, risk_filter, risk_rows

PAGE = "lead_risks"
dash.register_page(__name__, path="/lead/risks", name=PAGE, title="风险清单 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, colour: object = None, unit: object = None,
           **_other) -> html.Div:
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    filters = risk_filter({"colour": colour, "unit": unit})
    live = services()
    today = live.now().date()
    review_days = live.settings.risk_review_days
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            units = colour_by_unit(db, school_id=found.id)
            rows, total = risk_rows(db, school_id=found.id, filters=filters, limit=part.LIST_LIMIT)
            due, due_total = reviews_due(db, school_id=found.id, today=today, review_days=review_days,
                                         within_days=part.REVIEW_WITHIN_DAYS, limit=part.REVIEW_LIMIT)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    body = part.body(view.lang, school=view.school, units=units, filters=filters, rows=rows, total=total,
                     due=due, due_total=due_total, today=today, review_days=review_days,
                     href=lambda **query: view.href(PAGE, **query))
    return frame(view, PAGE, body)


def refilter(colour, unit, view_state):
    """The grid's rows, its box's height and the count for the colour and unit chosen."""
    lang = language((view_state or {}).get("lang"))
    school = (view_state or {}).get("school")
    principal = current()
    if not isinstance(school, str) or principal is None or not principal.may_read_school(school):
        return [], no_update, ""
    live = services()
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            if found is None:
                return [], no_update, ""
            rows, total = risk_rows(db, school_id=found.id, filters=risk_filter({"colour": colour, "unit": unit}),
                                    limit=part.LIST_LIMIT)
    except SQLAlchemyError:
        return no_update, no_update, html.Span(tl(lang, "ledger_down"), className="lead-problem-inline")
    return ([part.risk_row(lang, r) for r in rows], part.grid_box_style(len(rows)),
            part.list_count(lang, total, len(rows)))


def register_callbacks(app: dash.Dash) -> None:
    app.callback(Output(part.GRID, "rowData"), Output(part.LIST, "style"), Output(part.COUNT, "children"),
                 Input(part.F_COLOUR, "value"), Input(part.F_UNIT, "value"), State(part.VIEW, "data"),
                 prevent_initial_call=True)(refilter)
