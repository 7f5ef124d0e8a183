"""The special campaigns page's callback (/lead/campaigns), thin: what a tapped row opens to, read
through queries/ when it is opened and drawn by the page's builder (view.py). Read only."""
from __future__ import annotations

import dash
from dash import MATCH, Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.lead_campaigns import ids
from dashboard.pages.lead_campaigns import view as part
from dashboard.services import services
from layouts.i18n import language
from layouts.lead_text import tl
from queries.ledger import org
from queries.ledger.lead_campaigns import campaign_checks


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
    app.callback(Output(ids.items_id(MATCH), "children"), Input(ids.open_id(MATCH), "n_clicks"),
                 State(ids.VIEW, "data"), prevent_initial_call=True)(open_campaign)
