"""The users page: /admin/users?lang=en. The people of the admin's unit and below."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import resolve
from dashboard.pages.admin_users import view as part
from dashboard.pages.admin_users.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger import people
from queries.ledger.org_tree import tree_rows

PAGE = "admin_users"
dash.register_page(__name__, path="/admin/users", name=PAGE, title="人员账号 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    live = services()
    try:
        with live.ledger_reads() as db:
            persons, units = people.people(db, view.unit), tree_rows(db, view.unit)
            failures = people.recent_failures(db, view.unit)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, persons, units, failures, live.settings.tz,
                                       whole_tree=view.unit is None))
