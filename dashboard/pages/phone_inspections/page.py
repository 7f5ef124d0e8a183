"""The phone's inspections page: /m/inspections?lang=en, for people who inspect (INSPECT)."""
from __future__ import annotations

import dash

from dashboard import roles
from dashboard.pages.phone_inspections import view as part
from dashboard.phone_context import phone_layout
from dashboard.services import services
from queries.ledger.inspections import open_drafts, todays_inspections

PAGE = "phone_inspections"
dash.register_page(__name__, path="/m/inspections", name=PAGE, title="巡查 · 校园安全")


def layout(lang: object = None, **_other):
    live = services()

    def read(db, _view, person) -> part.Today:
        tz = live.settings.tz
        return part.Today(todays_inspections(db, user_id=person.user_id, now=live.now(), tz=tz),
                          open_drafts(db, user_id=person.user_id), tz)

    return phone_layout(lang, PAGE, roles.INSPECT, read, part.body)
