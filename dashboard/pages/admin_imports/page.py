"""The imports page: /admin/imports?lang=en."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.import_jobs import MAX_UPLOAD_BYTES
from dashboard.pages.admin_imports import view as part
from dashboard.pages.admin_imports.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from queries.ledger.register import managed_schools

PAGE = "admin_imports"
dash.register_page(__name__, path="/admin/imports", name=PAGE, title="批量导入 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    return admin_layout(lang, PAGE, lambda db, view: managed_schools(db, view.unit),
                        lambda view, schools: part.body(view.lang, schools, csrf=view.csrf,
                                                        max_bytes=MAX_UPLOAD_BYTES))
