"""The on-call roster page: /admin/oncall?lang=en&school=. The schools the admin manages, one at a time."""
from __future__ import annotations

from datetime import datetime, timezone

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.api_duty import shift_plan
from dashboard.pages.admin_oncall import view as part
from dashboard.pages.admin_oncall.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from queries.ledger.register import managed_schools

PAGE = "admin_oncall"
dash.register_page(__name__, path="/admin/oncall", name=PAGE, title="值班表 · 校园安全指挥中心")


def layout(lang: object = None, school: object = None, **_other) -> html.Div:
    settings = services().settings

    def build(view, schools):
        codes = [s.code for s in schools]
        chosen = school if isinstance(school, str) and school in codes else (codes[0] if codes else None)
        plan = shift_plan(settings.shifts_file)
        shifts = [{"label": s.name_zh if view.lang == "zh" else s.name, "value": s.name} for s in plan.shifts]
        today = datetime.now(timezone.utc).astimezone(settings.tz).date().isoformat()
        return part.body(view.lang, schools, chosen, today=today, shifts=shifts)

    return admin_layout(lang, PAGE, lambda db, view: managed_schools(db, view.unit), build)
