"""Special campaigns for leadership (专项治理): /lead/campaigns?school=&lang=en

The failing checks to chase first (item, building, when, note; the longest outstanding on top),
then every campaign of the school with its phase and dates, progress (checks with a result over
checks due) and pass rate. A campaign tapped open shows each checklist item and every building's
latest result (pass, fail, not checked), read then, so the page loads with the counts alone.
Read only: nothing here writes.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import MATCH, Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.lead_context import resolve
from dashboard.services import services
from layouts import lead_campaigns as part
from layouts.i18n import language
from layouts.lead_frame import frame
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_campaigns import campaign_checks, failing_checks, school_campaigns

PAGE = "lead_campaigns"
dash.register_page(__name__, path="/lead/campaigns", name=PAGE, title="专项治理 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    now = live.now()
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            campaigns = school_campaigns(db, school_id=found.id, today=now.date())
            failing, total = failing_checks(db, school_id=found.id)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    body = part.body(view.lang, school=view.school, campaigns=campaigns, failing=failing, failing_total=total,
                     now=now, tz=live.settings.tz)
    return frame(view, PAGE, body)


def open_campaign(n_clicks, view_state):
    """A campaign's items and buildings, read when it is tapped open (an odd tap: it starts shut)."""
    code = (dash.ctx.triggered_id or {}).get("campaign") if isinstance(dash.ctx.triggered_id, dict) else None
    if not n_clicks or n_clicks % 2 == 0 or not isinstance(code, str):
        return no_update
    lang = language((view_state or {}).get("lang"))
    school = (view_state or {}).get("school")
    principal = current()
    # The guard checks the page's permission for callbacks, not the school they name.
    if not isinstance(school, str) or principal is None or not principal.may_read_school(school):
        return no_update
    live = services()
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            checks = campaign_checks(db, school_id=found.id, campaign_code=code) if found is not None else None
    except SQLAlchemyError:
        return html.P(tl(lang, "ledger_down"), className="lead-note")
    if checks is None:
        return html.P(tl(lang, "empty"), className="lead-note")
    return part.item_checks(lang, checks, tz=live.settings.tz)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(Output(part.items_id(MATCH), "children"), Input(part.open_id(MATCH), "n_clicks"),
                 State(part.VIEW, "data"), prevent_initial_call=True)(open_campaign)
