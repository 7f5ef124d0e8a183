"""The imports page: /admin/imports?lang=en."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import resolve
from dashboard.import_jobs import MAX_UPLOAD_BYTES
from dashboard.pages.admin_imports import view as part
from dashboard.pages.admin_imports.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger.register import managed_schools

PAGE = "admin_imports"
dash.register_page(__name__, path="/admin/imports", name=PAGE, title="批量导入 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    try:
        with services().ledger_reads() as db:
            schools = managed_schools(db, view.unit)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    return frame(view, PAGE, part.body(view.lang, schools, csrf=view.csrf, max_bytes=MAX_UPLOAD_BYTES))
