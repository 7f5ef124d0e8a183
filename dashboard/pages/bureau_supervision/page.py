"""The bureau's supervision page: /bureau/supervision?lang=en, for an officer (leader or admin) of a
district, city or province (roles.SUPERVISION_OPEN); held to their unit by the ledger."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.pages.bureau_supervision import view as part
from dashboard.pages.bureau_supervision.callbacks import (
    read_bureau,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.pages.bureau_supervision.text import tb
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language

PAGE = "bureau_supervision"
PATH = "/bureau/supervision"
dash.register_page(__name__, path=PATH, name=PAGE, title="督办 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> Component:
    def read(db, _view, person):
        live = services()
        return read_bureau(db, person, live.now(), live.settings.tz)

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, part.body, title=tb(language(lang), "title"), path=PATH)
