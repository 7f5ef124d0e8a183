"""The risk register for leadership (风险清单): /lead/risks?school=&lang=en&colour=red&unit=<unit code>

Risk points per colour and per responsible unit, the list filtered by colour and unit (highest
level first), and the annual reviews (seed 001 art. 13) past due or due within 30 days. The
colour cards and unit names are links (?colour=, ?unit=); the two filters redraw the list in a
callback. Read only.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.lead_risks import view as part
from dashboard.pages.lead_risks.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.lead_frame import frame
from queries.ledger import org
from queries.ledger.lead_risks import NO_UNIT, colour_by_unit, due_on, reviews_due, risk_filter, risk_rows

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
                     due=[(row, due_on(row, review_days)) for row in due], due_total=due_total, today=today,
                     href=lambda **query: view.href(PAGE, **query), no_unit=NO_UNIT)
    return frame(view, PAGE, body)
