"""The organisation page: /admin/org?lang=en. The tree under the admin's unit (or the whole tree)."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import resolve
from dashboard.pages.admin_org import view as part
from dashboard.pages.admin_org.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger.org_tree import tree_rows

PAGE = "admin_org"
dash.register_page(__name__, path="/admin/org", name=PAGE, title="组织机构 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    try:
        with services().ledger_reads() as db:
            rows = tree_rows(db, view.unit)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, rows, whole_tree=view.unit is None))
