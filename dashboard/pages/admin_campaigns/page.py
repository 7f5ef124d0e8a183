"""The campaigns page: /admin/campaigns?lang=en. The campaigns the admin manages, and those made above
them that reach their schools (read only)."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import resolve
from dashboard.pages.admin_campaigns import view as part
from dashboard.pages.admin_campaigns.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger.campaign_admin import campaign_rows

PAGE = "admin_campaigns"
dash.register_page(__name__, path="/admin/campaigns", name=PAGE, title="专项治理 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    try:
        with services().ledger_reads() as db:
            rows = campaign_rows(db, view.unit)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, rows))
