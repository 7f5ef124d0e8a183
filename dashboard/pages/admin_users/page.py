"""The users page: /admin/users?lang=en. The people of the admin's unit and below."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_users import view as part
from dashboard.pages.admin_users.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from queries.ledger import people
from queries.ledger.org_tree import tree_rows

PAGE = "admin_users"
dash.register_page(__name__, path="/admin/users", name=PAGE, title="人员账号 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    def read(db, view):
        return people.people(db, view.unit), tree_rows(db, view.unit), people.recent_failures(db, view.unit)

    tz = services().settings.tz
    return admin_layout(lang, PAGE, read, lambda view, found: part.body(view.lang, *found, tz,
                                                                        whole_tree=view.unit is None))
