"""The wall tokens page: /admin/tokens?lang=en. The walls of the schools below the admin's unit."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import resolve
from dashboard.pages.admin_tokens import view as part
from dashboard.pages.admin_tokens.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger import people

PAGE = "admin_tokens"
dash.register_page(__name__, path="/admin/tokens", name=PAGE, title="大屏令牌 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    try:
        with live.ledger_reads() as db:
            rows, schools = people.tokens(db, view.unit), people.schools(db, view.unit)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, rows, schools, live.settings.tz))
