"""The leadership overview (领导总览): /lead?school=&lang=en&building=<code>

What is most dangerous right now, what is overdue, what rang today, on one tablet screen: the
hazard figures (links into the hazard ledger), alerts today, visitors and attendance, the
four-colour map whose buildings open a drill panel (risk points, open hazards, recent alerts),
the hazard backlog most dangerous first, and the six domains' events today against their 7-day
daily average (layouts/lead_overview_figures.py says exactly what "today" means).

The ledger's parts come from SQL through queries/ledger/lead_overview.py; the live parts from the
Redis summary the wall reads. Without Redis, or without live data for the school, the page still
draws every ledger part and says plainly that the live figures are unavailable. The page is drawn
with its data (no second round trip on load). A tap on the map or on a building button has its own
callback; the minute's refresh of the live figures another, so neither drops the other's answer.
?building= opens the page with that building's panel (a link or bookmark). Read only.
"""
from __future__ import annotations

from dataclasses import replace

import dash
import redis
from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.lead_context import LeadView, resolve
from dashboard.services import Services, services
from layouts import lead_overview as part
from layouts import lead_overview_figures as figures
from layouts.i18n import language
from layouts.lead_frame import frame
from layouts.lead_overview_drill import drill_panel
from layouts.lead_overview_map import halo_patch, tapped_building
from layouts.lead_overview_text import to
from queries.ledger import org
from queries.ledger.lead_overview import (MAX_CODE, alerts_today, building_drill, building_figures, hazard_backlog,
                                          hazard_totals)

PAGE = "lead_overview"
dash.register_page(__name__, path="/lead", name=PAGE, title="领导总览 · 校园安全指挥中心")


def _live_summary(live: Services, school: str) -> tuple[dict | None, bool]:
    """The school's live summary and whether Redis answered (None, False: it did not)."""
    try:
        return live.summary(school), True
    except redis.RedisError:
        return None, False


def _building(value: object) -> str | None:
    return value if isinstance(value, str) and value and len(value) <= MAX_CODE else None


def _drill(db, school_id: int, code: str, now):
    return building_drill(db, school_id=school_id, code=code, now=now, limit=part.DRILL_LIMIT,
                          alert_limit=part.DRILL_ALERTS)


def layout(school: object = None, lang: object = None, building: object = None, **_other):
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    now, tz = live.now(), live.settings.tz
    due_soon_days = live.settings.hazard_due_soon_days
    selected = _building(building)
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            marks = building_figures(db, school_id=found.id, now=now, due_soon_days=due_soon_days)
            today = alerts_today(db, school_id=found.id, since=figures.local_midnight(now, tz))
            rows, total = hazard_backlog(db, school_id=found.id, now=now, limit=part.BACKLOG_LIMIT)
            drill = _drill(db, found.id, selected, now) if selected else None
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    summary, reachable = _live_summary(live, view.school)
    body = part.body(
        view.lang, school=view.school, title=to(view.lang, "title"),
        state=figures.live_state(summary, reachable), summary=summary, hazard_totals=hazard_totals(marks),
        due_soon_days=due_soon_days, alerts_by_severity=figures.alerts_by_severity(today),
        people=figures.people(summary), headlines=figures.domain_headlines(summary, today, tz),
        plan=live.site_plan(view.school), marks=marks, backlog_rows=rows, backlog_total=total, drill=drill,
        selected=selected, now=now, tz=tz, hazards_href=lambda **query: view.href("lead_hazards", **query))
    return frame(view, PAGE, body)


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
    summary, reachable = _live_summary(live, school)
    people = figures.people(summary)
    return (part.status_line(lang, figures.live_state(summary, reachable), summary),
            part.alerts_card(lang, figures.alerts_by_severity(today)),
            part.visitors_card(lang, people), part.attendance_card(lang, people),
            part.domain_cards(lang, figures.domain_headlines(summary, today, tz)))


def show_building(click, _presses, classes, view_state):
    """The drill panel of the building tapped on the map or chosen in the list, its outline on the
    map and the list's mark."""
    school, lang = _readable(view_state)
    trigger = ctx.triggered_id
    code = trigger.get("code") if isinstance(trigger, dict) else tapped_building(click)
    code = _building(code)
    if school is None or code is None:
        raise PreventUpdate
    live = services()
    now = live.now()
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            drill = _drill(db, found.id, code, now) if found is not None else None
    except SQLAlchemyError:
        raise PreventUpdate
    panel = drill_panel(lang, drill, now=now, tz=live.settings.tz,
                        ledger_href=LeadView(lang, school).href("lead_hazards", building=code) if drill else None)
    codes = [o["id"]["code"] for o in ctx.outputs_list[2]]
    return panel, halo_patch(live.site_plan(school), code), part.select_buttons(classes, codes, code)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(*(Output(i, "children") for i in part.LIVE_OUTPUTS),
                 Input(part.TICK, "n_intervals"), State(part.VIEW, "data"),
                 prevent_initial_call=True)(refresh_live)
    app.callback(Output(part.DRILL, "children"), Output(part.MAP, "figure"),
                 Output({"type": part.BUILDING, "code": ALL}, "className"),
                 Input(part.MAP, "clickData"), Input({"type": part.BUILDING, "code": ALL}, "n_clicks"),
                 State({"type": part.BUILDING, "code": ALL}, "className"), State(part.VIEW, "data"),
                 prevent_initial_call=True)(show_building)
    app.clientside_callback(part.SCROLL_TO_DRILL, Output(part.DRILL_SHOWN, "data"), Input(part.DRILL, "children"),
                            prevent_initial_call=True)
