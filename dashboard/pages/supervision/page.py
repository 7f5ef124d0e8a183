"""The school's supervision page: /supervision?lang=en, for the school's safety office and admins
(roles.SUPERVISION_ANSWER); the items of the person's own school only."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.pages.supervision import view as part
from dashboard.pages.supervision.callbacks import (
    read_own,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.pages.supervision.text import tsv
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language

PAGE = "supervision"
PATH = "/supervision"
dash.register_page(__name__, path=PATH, name=PAGE, title="督办事项 · 校园安全")


def layout(lang: object = None, **_other) -> Component:
    def read(db, _view, person):
        live = services()
        return read_own(db, person, live.now(), live.settings.tz)

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, part.body, title=tsv(language(lang), "title"), path=PATH)
