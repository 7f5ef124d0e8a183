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
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.lead_context import resolve
from dashboard.pages.lead_campaigns import view as part
from dashboard.pages.lead_campaigns.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.lead_frame import frame
from queries.ledger import org
from queries.ledger.lead_campaigns import failing_checks, school_campaigns

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
