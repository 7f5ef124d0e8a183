"""The wall tokens page: /admin/tokens?lang=en. The walls of the schools below the admin's unit, and
the walls of the districts (cities, a province) from it down."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_tokens import view as part
from dashboard.pages.admin_tokens.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from queries.ledger import people

PAGE = "admin_tokens"
dash.register_page(__name__, path="/admin/tokens", name=PAGE, title="大屏令牌 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    tz = services().settings.tz
    return admin_layout(lang, PAGE, lambda db, view: (people.tokens(db, view.unit), people.walls(db, view.unit)),
                        lambda view, found: part.body(view.lang, *found, tz))
