"""The district view for leadership (区域监管, 互联互通): /lead/district?lang=en&sort=overdue&order=best

For someone over several schools: a league of every school they read — open major hazards,
overdue hazards, the rectification rate (查改率), alerts today and open, the school's own
assessment score — most dangerous first (view.py says the order), sorted by any
column with a tap on its heading, grouped by district when the schools span several. Tapping a
school opens its overview (/lead?school=<code>). Every figure for every school comes from a fixed
handful of queries (queries.ledger.lead_district). Someone over one school is told the page is
for several and given the way to their overview. Read only.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.lead_district import view as part
from dashboard.services import services
from layouts.lead_frame import frame
from queries.ledger.lead_district import league

PAGE = "lead_district"
dash.register_page(__name__, path="/lead/district", name=PAGE, title="区域监管 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, sort: object = None, order: object = None,
           **_other) -> html.Div:
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    if not view.several:
        return frame(view, PAGE, part.one_school(view.lang, view.href("lead_overview")))
    key, worst_first = part.sort_choice(sort, order)
    live = services()
    try:
        with live.ledger_reads() as db:
            schools = league(db, school_codes=list(view.schools), now=live.now(),
                             review_days=live.settings.risk_review_days, rules=live.assessment_rules)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    body = part.body(view.lang, schools, sort=key, worst_first=worst_first,
                     href=lambda **q: view.href(PAGE, **q),
                     school_href=lambda code: view.href("lead_overview", school=code))
    return frame(view, PAGE, body)
