"""The leadership overview (领导总览): /lead?school=&lang=en&building=<code>

What is most dangerous right now, what is overdue, what rang today, on one tablet screen: the
hazard figures (links into the hazard ledger), alerts today, visitors and attendance, the
four-colour map whose buildings open a drill panel (risk points, open hazards, recent alerts),
the hazard backlog most dangerous first, and the six domains' events today against their 7-day
daily average (figures.py says exactly what "today" means).

The ledger's parts come from SQL through queries/ledger/lead_overview.py; the live parts from the
Redis summary the wall reads. Without Redis, or without live data for the school, the page still
draws every ledger part and says plainly that the live figures are unavailable. The page is drawn
with its data (no second round trip on load). A tap on the map or on a building button has its own
callback; the minute's refresh of the live figures another, so neither drops the other's answer.
?building= opens the page with that building's panel (a link or bookmark). Read only.

?unit=<code> (issue 17) shows a district's, city's or province's figures rolled up from all its
schools instead (queries.ledger.rollup; layouts/lead_rollup.py), the unit checked against the
signed-in principal on the server (dashboard/lead_units.py); without it every school view is as before.
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import dcc, html
from sqlalchemy.exc import SQLAlchemyError

from dashboard import lead_units
from dashboard.lead_context import resolve
from dashboard.pages.lead_overview import figures
from dashboard.pages.lead_overview import view as part
from dashboard.pages.lead_overview.callbacks import (
    building_code,
    drill,
    live_summary,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.pages.lead_overview.text import to
from dashboard.services import services
from layouts import lead_rollup
from layouts.lead_frame import frame
from layouts.lead_inspections import inspections_card
from layouts.lead_live import live_state
from queries.ledger import org
from queries.ledger.inspections import school_figures
from queries.ledger.lead_overview import (
    RECENT_ALERT_DAYS,
    alerts_today,
    building_figures,
    hazard_backlog,
    hazard_totals,
)

PAGE = "lead_overview"
dash.register_page(__name__, path="/lead", name=PAGE, title="领导总览 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, building: object = None, unit: object = None, **_other):
    view = resolve(school, lang)
    if view.problem:
        return frame(view, PAGE, None)
    if unit is not None:
        return frame(view, PAGE, unit_overview(view, unit))
    live = services()
    now, tz = live.now(), live.settings.tz
    due_soon_days = live.settings.hazard_due_soon_days
    selected = building_code(building)
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, view.school)
            marks = building_figures(db, school_id=found.id, now=now, due_soon_days=due_soon_days)
            today = alerts_today(db, school_id=found.id, since=figures.local_midnight(now, tz))
            rows, total = hazard_backlog(db, school_id=found.id, now=now, limit=part.BACKLOG_LIMIT)
            drilled = drill(db, found.id, selected, now) if selected else None
            inspected = school_figures(db, school_id=found.id, now=now, tz=tz, term_starts=live.settings.terms)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    summary, reachable = live_summary(live, view.school)
    body = part.body(
        view.lang, school=view.school, title=to(view.lang, "title"),
        state=live_state(summary, reachable), summary=summary, hazard_totals=hazard_totals(marks),
        due_soon_days=due_soon_days, alerts_by_severity=figures.alerts_by_severity(today),
        people=figures.people(summary), headlines=figures.domain_headlines(summary, today, tz),
        plan=live.site_plan(view.school), marks=marks, backlog_rows=rows, backlog_total=total, drill=drilled,
        selected=selected, now=now, tz=tz, hazards_href=lambda **query: view.href("lead_hazards", **query),
        recent_days=RECENT_ALERT_DAYS,
        inspections=inspections_card(view.lang, inspected,
                                     plans_href=view.href("inspection_plans") if view.plans_tab else None))
    return frame(view, PAGE, body)


def unit_overview(view, unit: object) -> list:
    """A unit's figures rolled up from its schools, and its child units' links; refused outside
    the caller's tree."""
    got = lead_units.fetch(view.lang, unit)
    if got.refused is not None:
        return got.refused
    found, entries = got.found, got.entries
    rolled = found.league.unit
    return [
        lead_rollup.unit_picker(view.lang, entries, rolled.code, lambda c: view.href(PAGE, unit=c)),
        html.H2(lead_rollup.tr(view.lang, "unit_title", name=rolled.name(view.lang), n=rolled.schools)),
        html.P(dcc.Link(lead_rollup.tr(view.lang, "to_league"), href=view.href("lead_district", unit=rolled.code),
                        className="lead-button")),
        lead_rollup.unit_cards(view.lang, rolled),
    ]
