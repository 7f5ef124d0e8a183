"""The organisation page: /admin/org?lang=en. The tree under the admin's unit (or the whole tree)."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_org import view as part
from dashboard.pages.admin_org.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from queries.ledger.org_tree import tree_rows

PAGE = "admin_org"
dash.register_page(__name__, path="/admin/org", name=PAGE, title="组织机构 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    return admin_layout(lang, PAGE, lambda db, view: tree_rows(db, view.unit),
                        lambda view, rows: part.body(view.lang, rows, whole_tree=view.unit is None))
