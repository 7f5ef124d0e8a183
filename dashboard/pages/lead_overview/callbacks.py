"""The leadership overview's callbacks, thin: each reads through queries/ and hands plain data to the
page's builders (view.py, drill.py, map.py). The minute's refresh of the live figures, and a tap on
the map or on a building button, each have their own callback, so neither drops the other's answer.
"""
from __future__ import annotations

import dash
import redis
from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.lead_overview import figures, ids
from dashboard.pages.lead_overview import view as part
from dashboard.pages.lead_overview.drill import drill_panel
from dashboard.pages.lead_overview.map import halo_patch, tapped_building
from dashboard.services import Services, services
from layouts.i18n import language
from layouts.lead_live import live_state
from layouts.lead_view import LeadView
from queries.ledger import org
from queries.ledger.lead_overview import MAX_CODE, RECENT_ALERT_DAYS, alerts_today, building_drill


def live_summary(live: Services, school: str) -> tuple[dict | None, bool]:
    """The school's live summary and whether Redis answered (None, False: it did not)."""
    try:
        return live.summary(school), True
    except redis.RedisError:
        return None, False


def building_code(value: object) -> str | None:
    return value if isinstance(value, str) and value and len(value) <= MAX_CODE else None


def drill(db, school_id: int, code: str, now):
    return building_drill(db, school_id=school_id, code=code, now=now, limit=part.DRILL_LIMIT,
                          alert_limit=part.DRILL_ALERTS)


def _readable(view_state: object) -> tuple[str | None, str]:
    """(the page's school if the caller may read it, the page's language): the guard checks the
    page's permission for callbacks, not the school they name."""
    state = view_state if isinstance(view_state, dict) else {}
    school, lang = state.get("school"), language(state.get("lang"))
    principal = current()
    if not isinstance(school, str) or principal is None or not principal.may_read_school(school):
        return None, lang
    return school, lang


def refresh_live(_tick, view_state):
    """The live figures and today's alerts, every REFRESH_MS (the ledger's other parts change by
    people's hands and are redrawn when the page is opened)."""
    school, lang = _readable(view_state)
    if school is None:
        raise PreventUpdate
    live = services()
    tz = live.settings.tz
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            today = alerts_today(db, school_id=found.id, since=figures.local_midnight(live.now(), tz)) \
                if found is not None else {}
    except SQLAlchemyError:
        raise PreventUpdate
    summary, reachable = live_summary(live, school)
    people = figures.people(summary)
    return (part.status_line(lang, live_state(summary, reachable), summary),
            part.alerts_card(lang, figures.alerts_by_severity(today)),
            part.visitors_card(lang, people), part.attendance_card(lang, people),
            part.domain_cards(lang, figures.domain_headlines(summary, today, tz)))


def show_building(click, _presses, classes, view_state):
    """The drill panel of the building tapped on the map or chosen in the list, its outline on the
    map and the list's mark."""
    school, lang = _readable(view_state)
    trigger = ctx.triggered_id
    code = trigger.get("code") if isinstance(trigger, dict) else tapped_building(click)
    code = building_code(code)
    if school is None or code is None:
        raise PreventUpdate
    live = services()
    now = live.now()
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            drilled = drill(db, found.id, code, now) if found is not None else None
    except SQLAlchemyError:
        raise PreventUpdate
    panel = drill_panel(lang, drilled, now=now, tz=live.settings.tz,
                        ledger_href=LeadView(lang, school).href("lead_hazards", building=code) if drilled else None,
                        recent_days=RECENT_ALERT_DAYS)
    codes = [o["id"]["code"] for o in ctx.outputs_list[2]]
    return panel, halo_patch(live.site_plan(school), code), part.select_buttons(classes, codes, code)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(*(Output(i, "children") for i in ids.LIVE_OUTPUTS),
                 Input(ids.TICK, "n_intervals"), State(ids.VIEW, "data"),
                 prevent_initial_call=True)(refresh_live)
    app.callback(Output(ids.DRILL, "children"), Output(ids.MAP, "figure"),
                 Output({"type": ids.BUILDING, "code": ALL}, "className"),
                 Input(ids.MAP, "clickData"), Input({"type": ids.BUILDING, "code": ALL}, "n_clicks"),
                 State({"type": ids.BUILDING, "code": ALL}, "className"), State(ids.VIEW, "data"),
                 prevent_initial_call=True)(show_building)
    app.clientside_callback(part.SCROLL_TO_DRILL, Output(ids.DRILL_SHOWN, "data"), Input(ids.DRILL, "children"),
                            prevent_initial_call=True)
