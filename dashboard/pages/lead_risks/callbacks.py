"""The risk register page's callback, thin: the list for the colour and unit chosen, read through
queries/ and drawn by the page's builder (view.py). Read only."""
from __future__ import annotations

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.lead_risks import ids
from dashboard.pages.lead_risks import view as part
from dashboard.services import services
from layouts.i18n import language
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_risks import risk_filter, risk_rows


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
    app.callback(Output(ids.GRID, "rowData"), Output(ids.LIST, "style"), Output(ids.COUNT, "children"),
                 Input(ids.F_COLOUR, "value"), Input(ids.F_UNIT, "value"), State(ids.VIEW, "data"),
                 prevent_initial_call=True)(refilter)
