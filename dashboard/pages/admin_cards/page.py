"""The response card page: /admin/cards?lang=en. The schools the admin manages, one at a time."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_cards import view as part
from dashboard.pages.admin_cards.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from queries.ledger.register import managed_schools

PAGE = "admin_cards"
dash.register_page(__name__, path="/admin/cards", name=PAGE, title="应急处置卡 · 校园安全指挥中心")


def layout(lang: object = None, school: object = None, **_other) -> html.Div:
    def build(view, schools):
        codes = [s.code for s in schools]
        chosen = school if isinstance(school, str) and school in codes else (codes[0] if codes else None)
        return part.body(view.lang, schools, chosen)

    return admin_layout(lang, PAGE, lambda db, view: managed_schools(db, view.unit), build)
