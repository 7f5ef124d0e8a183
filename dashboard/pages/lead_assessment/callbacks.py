"""The assessment page's callback (/lead/assessment), thin: what a tapped row opens to, read
through queries/ when it is opened and drawn by the page's builder (view.py). Read only."""
from __future__ import annotations

import dash
from dash import MATCH, Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.lead_assessment import ids
from dashboard.pages.lead_assessment import view as part
from dashboard.services import services
from layouts.i18n import language
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_assessment import assessment_years, period_of, school_scores, unit_scores


def open_unit(n_clicks, view_state):
    """A unit's (or the school's own) deduction lines, scored again when it is tapped open (an odd
    tap: it starts shut) for the school and year the page showed. Later taps keep what is drawn."""
    code = (dash.ctx.triggered_id or {}).get("unit") if isinstance(dash.ctx.triggered_id, dict) else None
    if not n_clicks or n_clicks % 2 == 0 or not isinstance(code, str):
        return no_update
    state = view_state or {}
    lang = language(state.get("lang"))
    school = state.get("school")
    principal = current()
    # The guard checks the page's permission for callbacks, not the school they name.
    if not isinstance(school, str) or principal is None or not principal.may_read_school(school):
        return no_update
    live = services()
    now = live.now()
    rules = live.assessment_rules
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            if found is None:
                return html.P(tl(lang, "empty"), className="lead-note")
            year = state.get("year")
            period = period_of(part.chosen_year(str(year), assessment_years(db, school=found, now=now), now.year), now)
            review_days = live.settings.risk_review_days
            if code == found.code:
                row = school_scores(db, schools=[found], period=period, review_days=review_days, rules=rules)[code]
            else:
                row = next((u for u in unit_scores(db, school=found, period=period, review_days=review_days,
                                                   rules=rules) if u["unit"] == code), None)
    except SQLAlchemyError:
        return html.P(tl(lang, "ledger_down"), className="lead-note")
    if row is None:
        return html.P(tl(lang, "empty"), className="lead-note")
    titles_zh = {rule.article: rule.title for rule in rules.rules}
    return part.deduction_table(lang, row["deductions"], titles_zh)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(Output(ids.lines_id(MATCH), "children"), Input(ids.open_id(MATCH), "n_clicks"),
                 State(ids.VIEW, "data"), prevent_initial_call=True)(open_unit)
