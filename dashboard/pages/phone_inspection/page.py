"""The phone's checklist page: /m/inspections/<plan>?lang=en, for people who inspect (INSPECT)."""
from __future__ import annotations

import dash

from dashboard import roles
from dashboard.pages.phone_inspection import view as part
from dashboard.pages.phone_inspection.callbacks import (
    found_for,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.phone_context import phone_layout
from dashboard.services import services

PAGE = "phone_inspection"
dash.register_page(__name__, path_template="/m/inspections/<plan>", name=PAGE, title="巡查检查表 · 校园安全")


def layout(plan: object = None, lang: object = None, **_other):
    live = services()
    plan_id = int(plan) if isinstance(plan, str) and plan.isascii() and plan.isdigit() and len(plan) <= 12 else None
    path = f"/m/inspections/{plan_id}" if plan_id is not None else "/m/inspections"

    def read(db, view, person):
        if plan_id is None:
            return None
        return found_for(db, person, plan_id, now=live.now(), tz=live.settings.tz, csrf=view.csrf)

    return phone_layout(lang, PAGE, roles.INSPECT, read, part.page, path=path)
