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
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.lead_hazards import view as part
from dashboard.pages.lead_hazards.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.lead_frame import frame
from layouts.lead_inspections import inspections_strip
from queries.ledger import org
from queries.ledger.inspections import school_figures
from queries.ledger.lead_hazards import filter_choices, filter_query, ledger_filter, ledger_rows

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
            inspected = school_figures(db, school_id=found.id, now=now, tz=live.settings.tz,
                                       term_starts=live.settings.terms)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    query = filter_query(filters)
    body = part.body(view.lang, school=view.school, query=query,
                     options=part.filter_options(view.lang, choices, query),
                     rows=part.grid_rows(view.lang, rows, now=now, tz=live.settings.tz), total=total,
                     inspections=inspections_strip(view.lang, inspected, plans_href=view.href("inspection_plans")
                                                   if view.plans_tab else None))
    return frame(view, PAGE, body)
