"""The phone's "my work" page: /m?lang=en, for every signed-in person (HAZARD_REPORT)."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.pages.phone_work import view as part
from dashboard.pages.phone_work.text import tw
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language
from queries.ledger import my_work

PAGE = "phone_work"
dash.register_page(__name__, path="/m", name=PAGE, title="我的待办 · 校园安全")


def layout(lang: object = None, **_other) -> Component:
    def read(db, _view, person):
        live = services()
        now = live.now()
        # Due soon: the same figure as the wall and the leadership pages (HAZARD_DUE_SOON_DAYS).
        days = live.settings.hazard_due_soon_days
        return part.Work(my_work.my_work(db, person, now=now, due_soon_days=days),
                         my_work.my_reports(db, person, now=now, due_soon_days=days), now, live.settings.tz)

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, part.body, title=tw(language(lang), "title"))
