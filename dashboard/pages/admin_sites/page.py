"""The site administration page: /admin/sites?lang=en. A school's campus plans (image, size, place
in the school's plan), its buildings drawn on them, their zones, and outlines imported as GeoJSON."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_sites import view as part
from dashboard.pages.admin_sites.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from queries.ledger.sites import managed_schools

PAGE = "admin_sites"
dash.register_page(__name__, path="/admin/sites", name=PAGE, title="校区与建筑 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    def read(db, view):
        return [{"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en} for s in managed_schools(db, view.unit)]

    return admin_layout(lang, PAGE, read, lambda view, schools: part.body(view.lang, schools))
