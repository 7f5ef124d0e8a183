"""The bureau's notices page: /bureau/notices?lang=en, for an officer (leader or admin) of a district,
city or province (roles.NOTICE_WRITE); held to their unit by the ledger."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.pages.bureau_notices import view as part
from dashboard.pages.bureau_notices.callbacks import (
    new_key,
    read_sent,
    register_callbacks,  # noqa: F401 (app.py calls it)
)
from dashboard.pages.bureau_notices.text import tn
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language

PAGE = "bureau_notices"
PATH = "/bureau/notices"
dash.register_page(__name__, path=PATH, name=PAGE, title="通报 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> Component:
    key = new_key()  # this form's: sent twice, one notice

    def read(db, _view, person):
        return read_sent(db, person, services().settings.tz)

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, lambda view, data: part.body(view, data, key),
                        title=tn(language(lang), "title"), path=PATH)
