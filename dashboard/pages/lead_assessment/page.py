"""The assessment for leadership (考核评分): /lead/assessment?school=&lang=en&year=2026

Every unit of the school, and the school itself, scored under the 100-point rules of seed 001
attachment 2 (ledger.scoring, rules in assessment_rules.toml), lowest first — who is behind —
each opening to the deductions that make its score up: article, reason, points, and whether the
ledger computed it or an inspector entered it. The year is chosen by link (this year by default).
A unit's deduction lines are read and drawn when it is tapped open (open_unit), not at load.
All units are read in a few GROUP BY queries (queries.ledger.lead_assessment). Read only.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.lead_assessment import view as part
from dashboard.pages.lead_assessment.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.lead_frame import frame
from queries.ledger import org
from queries.ledger.lead_assessment import assessment_years, period_of, school_scores, unit_scores

PAGE = "lead_assessment"
dash.register_page(__name__, path="/lead/assessment", name=PAGE, title="考核评分 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, year: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    now = live.now()
    rules = live.assessment_rules
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            years = assessment_years(db, school=found, now=now)
            period = period_of(part.chosen_year(year, years, now.year), now)
            units = unit_scores(db, school=found, period=period, review_days=live.settings.risk_review_days,
                                rules=rules)
            own = school_scores(db, schools=[found], period=period, review_days=live.settings.risk_review_days,
                                rules=rules)[found.code]
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    titles_zh = {rule.article: rule.title for rule in rules.rules}
    body = part.body(view.lang, school_row=own, units=units, years=years, year=period.year, current_year=now.year,
                     titles_zh=titles_zh, href=lambda **q: view.href(PAGE, **q), school=view.school)
    return frame(view, PAGE, body)
