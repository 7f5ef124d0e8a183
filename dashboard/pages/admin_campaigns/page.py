"""The campaigns page: /admin/campaigns?lang=en. The campaigns the admin manages, and those made above
them that reach their schools (read only)."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_campaigns import view as part
from dashboard.pages.admin_campaigns.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from queries.ledger.campaign_admin import campaign_rows

PAGE = "admin_campaigns"
dash.register_page(__name__, path="/admin/campaigns", name=PAGE, title="专项治理 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    return admin_layout(lang, PAGE, lambda db, view: campaign_rows(db, view.unit),
                        lambda view, rows: part.body(view.lang, rows))
