"""A school's reports to its district (报送, issue 17): /reports?school=&lang=en

The school's monthly safety reports and event reports (a major hazard, a critical true alarm) with
their state and whether they went up on time; a monthly report opened as a draft pre-filled from the
ledger, its text, submit. For the school's safety office and administrators (report.submit,
dashboard/roles.py), held to their school by the ledger (ledger/commands/reporting.py). Drawn in the
leadership frame as the drills are: it writes, through the commands, with the person from the principal.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.reports import view as part
from dashboard.pages.reports.callbacks import (
    acting,
    periods,
    register_callbacks,  # noqa: F401 (app.py calls it)
    school_rows,
)
from dashboard.services import services
from layouts.lead_frame import frame

PAGE = "reports"
dash.register_page(__name__, path="/reports", name=PAGE, title="报送 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    principal = acting()
    if view.problem or principal is None:  # the guard lets in only those who may submit; a token never
        return frame(view if view.problem else replace(view, problem="unknown_school"), PAGE, None)
    live = services()
    now, tz = live.now(), live.settings.tz
    try:
        with live.ledger_reads() as db:
            rows = school_rows(db, school=view.school, now=now, tz=tz)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    if rows is None:
        return frame(replace(view, problem="unknown_school"), PAGE, None)
    months, first = periods(now, tz)
    body = part.body(view.lang, school=view.school, periods=months, period=first, rows=rows, tz=tz)
    return frame(view, PAGE, html.Div(body, className="inspection-plans reports"))
