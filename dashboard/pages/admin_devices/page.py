"""The device register page: /admin/devices?lang=en. The schools the admin manages, one at a time."""
from __future__ import annotations

from dataclasses import replace

import dash
from dash import html
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import resolve
from dashboard.pages.admin_devices import view as part
from dashboard.pages.admin_devices.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from layouts.admin_frame import frame
from queries.ledger.register import managed_schools

PAGE = "admin_devices"
dash.register_page(__name__, path="/admin/devices", name=PAGE, title="设备登记 · 校园安全指挥中心")


def layout(lang: object = None, school: object = None, **_other) -> html.Div:
    view = resolve(lang)
    if view.problem:
        return frame(view, PAGE, None)
    try:
        with services().ledger_reads() as db:
            schools = managed_schools(db, view.unit)
    except SQLAlchemyError:
        return frame(replace(view, problem="ledger_down"), PAGE, None)
    codes = [s.code for s in schools]
    chosen = school if isinstance(school, str) and school in codes else (codes[0] if codes else None)
    return frame(view, PAGE, part.body(view.lang, schools, chosen))
