"""The district map administration page: /admin/district-map?lang=en (issue 17, the district wall).
An admin of a district (or above) uploads the district's map image and places each school on it;
the district wall (/district) draws them there. Every write goes through
ledger/commands/district_maps.py, held to the admin's unit and audited."""
from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import admin_layout
from dashboard.pages.admin_district_map import view as part
from dashboard.pages.admin_district_map.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from queries.ledger.district_wall import managed_units

PAGE = "admin_district_map"
dash.register_page(__name__, path="/admin/district-map", name=PAGE, title="区域地图 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    return admin_layout(lang, PAGE, lambda db, view: managed_units(db, view.unit),
                        lambda view, units: part.body(view.lang, units))
