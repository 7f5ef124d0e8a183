"""The safety office's inspection plans (巡查计划): /inspection-plans?school=&lang=en&retired=1

The school's routine inspection plans — what is inspected (a risk point, a building or a zone), by
which checklist (the risk point's control measures or a campaign's items), how often, by whom — each
with this month's inspections (on time, late, missed), and a form to make a plan, change it or retire
it. For the safety office and administrators (inspection.plan, dashboard/roles.py), on a tablet or a
desktop.

Drawn in the leadership pages' frame (school menu, language, sign out, the tabs), where the plans'
tab is shown to those who may open it, but not a leadership page: those only read and need lead.view,
this one writes and needs inspection.plan; so it has a path of its own. Every write goes through the
ledger's commands with the person from the principal (callbacks.py).
"""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.inspection_plans import view as part
from dashboard.pages.inspection_plans.callbacks import (
    acting,
    read_plans,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.services import services
from layouts.lead_frame import frame
from queries.ledger.inspection_plans import plan_choices

PAGE = "inspection_plans"
dash.register_page(__name__, path="/inspection-plans", name=PAGE, title="巡查计划 · 校园安全指挥中心")


def layout(school: object = None, lang: object = None, retired: object = None, **_other) -> html.Div:
    view = resolve(school, lang)
    principal = acting()
    if view.problem or principal is None:  # the guard lets in only those who may plan; a token never
        return frame(view if view.problem else replace(view, problem="unknown_school"), PAGE, None)
    show_retired = retired == "1"
    live = services()
    try:
        with live.ledger_reads() as db:
            found = read_plans(db, user_id=principal.user_id, school=view.school, now=live.now(),
                               tz=live.settings.tz, terms=live.settings.terms, retired=show_retired)
            choices = plan_choices(db, user_id=principal.user_id, school=view.school)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    if found is None or choices is None:  # the school is not the person's (their account's scope)
        return frame(replace(view, problem="unknown_school"), PAGE, None)
    plans, month = found
    body = part.body(view.lang, school=view.school, choices=choices, plans=plans, month=month,
                     retired=show_retired,
                     toggle_href=view.href(PAGE, retired=None if show_retired else "1"))
    return frame(view, PAGE, html.Div(body, className="inspection-plans"))
