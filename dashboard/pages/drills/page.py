"""Drills and trainings (演练 / 培训): /drills?school=&lang=en

This year's drills and trainings of the school, with their counts per kind, and a form to record
one, correct it or withdraw it with a reason. For the safety office and administrators
(drill.record, dashboard/roles.py), held to their unit by the ledger (ledger/commands/drills.py).
The assessment's art. 9 and 12 are computed from these records (docs/ledger.md).

Drawn in the leadership frame as the inspection plans are (a tab shown to those who may open it),
not a leadership page: it writes. Every write goes through the ledger's commands with the person
from the principal (callbacks.py).
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.drills import view as part
from dashboard.pages.drills.callbacks import (
    acting,
    new_request,
    read_year,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.services import services
from layouts.lead_frame import frame
from ledger import inspection_schedule as schedule

PAGE = "drills"
dash.register_page(__name__, path="/drills", name=PAGE, title="演练与培训 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    principal = acting()
    if view.problem or principal is None:  # the guard lets in only those who may record; a token never
        return frame(view if view.problem else replace(view, problem="unknown_school"), PAGE, None)
    live = services()
    year = schedule.local_date(live.now(), live.settings.tz).year
    try:
        with live.ledger_reads() as db:
            found = read_year(db, school=view.school, year=year)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    if found is None:
        return frame(replace(view, problem="unknown_school"), PAGE, None)
    units, rows, counts = found
    body = part.body(view.lang, school=view.school, year=year, units=units, rows=rows, counts=counts,
                     request=new_request())
    return frame(view, PAGE, html.Div(body, className="inspection-plans drills"))
