"""The school's notices page: /notices?lang=en, for the people of a school (roles.NOTICE_READ); the
notices to the person's own school only."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.pages.notices import view as part
from dashboard.pages.notices.callbacks import (
    read_inbox,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.pages.notices.text import tns
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language

PAGE = "notices"
PATH = "/notices"
dash.register_page(__name__, path=PATH, name=PAGE, title="通报 · 校园安全")


def layout(lang: object = None, **_other) -> Component:
    def read(db, _view, person):
        return read_inbox(db, person, services().settings.tz)

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, part.body, title=tns(language(lang), "title"), path=PATH)
