"""The phone's hazard page: /m/hazards/<school>/<code>?lang=en, for every signed-in person
(HAZARD_REPORT) whose scope covers the school; anyone else is told "not found, or outside your
scope", never which. Each step's callback needs the step's own permission (callbacks.py)."""
from __future__ import annotations

from urllib.parse import unquote

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.pages.phone_hazard import view as part
from dashboard.pages.phone_hazard.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.pages.phone_hazard.text import th
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language
from layouts.phone_hazard_items import hazard_path
from queries.ledger.hazard_page import hazard_page

PAGE = "phone_hazard"
MAX_PART = 128  # a school code or a hazard code is at most this long (the contract's ids)
dash.register_page(__name__, path_template="/m/hazards/<school>/<code>", name=PAGE, title="隐患详情 · 校园安全")


def layout(school: object = None, code: object = None, lang: object = None, **_other) -> Component:
    # The address is percent-encoded as the browser sent it (hazard_path quotes each part).
    school = unquote(school) if isinstance(school, str) and 0 < len(school) <= 3 * MAX_PART else ""
    code = unquote(code) if isinstance(code, str) and 0 < len(code) <= 3 * MAX_PART else ""

    def read(db, _view, person):
        if not school or not code:
            return None
        live = services()
        now = live.now()
        found = hazard_page(db, person, school=school, code=code, now=now,
                            due_soon_days=live.settings.hazard_due_soon_days)
        return None if found is None else part.Shown(found, now, live.settings.tz)

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, part.body, title=th(language(lang), "title"),
                        path=hazard_path(school, code) if school and code else "/m")
