"""The phone's "my work" page: /m?lang=en, for every signed-in person (HAZARD_REPORT)."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.access import current
from dashboard.pages.phone_work import view as part
from dashboard.pages.phone_work.text import tw
from dashboard.phone_context import phone_layout
from dashboard.services import services
from layouts.i18n import language
from queries.ledger import my_work, notices, supervision

PAGE = "phone_work"
dash.register_page(__name__, path="/m", name=PAGE, title="我的待办 · 校园安全")


def bureau_of(db, now) -> part.Bureau | None:
    """What the bureau asks of the signed-in person's school, counted only for the pages their role
    opens (the same permissions as /supervision and /notices); None above or outside a school."""
    principal = current()
    school = supervision.school_of_unit(db, principal.unit) if principal is not None else None
    if school is None:
        return None
    answer, read = principal.may(roles.PAGES["supervision"]), principal.may(roles.PAGES["notices"])
    waiting, overdue = supervision.waiting_for_school(db, school.id, now) if answer else (None, None)
    return part.Bureau(waiting, overdue, notices.unread_count(db, school.id) if read else None)


def layout(lang: object = None, **_other) -> Component:
    def read(db, _view, person):
        live = services()
        now = live.now()
        # Due soon: the same figure as the wall and the leadership pages (HAZARD_DUE_SOON_DAYS).
        days = live.settings.hazard_due_soon_days
        return part.Work(my_work.my_work(db, person, now=now, due_soon_days=days),
                         my_work.my_reports(db, person, now=now, due_soon_days=days), now, live.settings.tz,
                         bureau_of(db, now))

    return phone_layout(lang, PAGE, roles.PAGES[PAGE], read, part.body, title=tw(language(lang), "title"))
