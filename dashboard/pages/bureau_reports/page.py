"""The district's reports (报送签收, issue 17): /bureau/reports?window=YYYY-MM|ytd&lang=en

For a district's (city's, province's) leaders and admins (report.receive, dashboard/roles.py): the
reports of the schools they read falling due in a month or this year: submitted, late, missing; receipt
or return each with a reason (ledger/commands/reporting.py holds it to schools under their unit); the
reporting rate per school and for the district (the sum of the schools' counts); the district's rules.
Drawn in the leadership frame; the school menu does not narrow it: it is the whole district's page.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.bureau_reports import view as part
from dashboard.pages.bureau_reports.callbacks import (
    acting,
    district,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.pages.bureau_reports.text import tr
from dashboard.services import services
from layouts.lead_frame import frame
from ledger import reporting

PAGE = "bureau_reports"
dash.register_page(__name__, path="/bureau/reports", name=PAGE, title="报送签收 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, window: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    principal = acting()
    if view.problem or principal is None:  # the guard lets in only those who may receipt; a token never
        return frame(view if view.problem else replace(view, problem="unknown_school"), PAGE, None)
    live = services()
    now, tz = live.now(), live.settings.tz
    try:
        with live.ledger_reads() as db:
            key, found = district(db, principal, lang=view.lang, window=window, now=now, tz=tz)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    months = [reporting.period_of(now.astimezone(tz).date())]
    for _ in range(5):
        months.append(reporting.previous_period(months[-1]))
    links = [(m, view.href(PAGE, window=m), m == key) for m in months]
    links.append((tr(view.lang, "ytd"), view.href(PAGE, window="ytd"), key == "ytd"))
    body = part.body(view.lang, unit_name=found.unit_name, window=key, links=links, rates=found.rates,
                     total=found.total, rows=found.rows, rules=found.rules, tz=tz)
    return frame(view, PAGE, html.Div(body, className="inspection-plans bureau"))
