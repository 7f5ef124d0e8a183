"""The incident review page: /review?alert=<id>&lang=en, for the people who see the duty console
(roles.DUTY_VIEW); writing the review needs roles.INCIDENT_REVIEW (callbacks.py). The alert comes from
the address, so it is looked up only among the signed-in person's schools: another school's alert
reads as "not found", the same as one that does not exist."""
from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard import roles
from dashboard.access import current
from dashboard.pages.incident_review import view as part
from dashboard.pages.incident_review.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.pages.incident_review.text import trv
from dashboard.phone_context import phone_layout
from dashboard.services import services
from kernel.row_ids import row_id
from layouts.i18n import language
from queries.ledger import incident_review as reads

PAGE = "incident_review"
PATH = "/review"
dash.register_page(__name__, path=PATH, name=PAGE, title="事后评估 · 校园安全")


def alert_id(value: object) -> int | None:
    """The ?alert= of the address as an id, or None (nothing else is looked up)."""
    text = value if isinstance(value, str) else ""
    return row_id(text)


def read(db, alert: int | None, lang: str):
    principal = current()
    if alert is None or principal is None:
        return None
    found = reads.facts(db, alert_id=alert, schools=principal.schools)
    if found is None:
        return None
    tz = services().settings.tz
    review = found.review
    return part.Shown(reads.document(found, lang=lang, tz=tz), found.alert_id, found.school,
                      found.alert.get("state") == "resolved", review.findings, review.measures, review.version,
                      reads.saved_text(review, tz),
                      [s.at.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if s.wall is not None else None
                       for s in found.steps])


def layout(lang: object = None, alert: object = None, **_other) -> Component:
    wanted = alert_id(alert)
    return phone_layout(lang, PAGE, roles.PAGES[PAGE], lambda db, view, _person: read(db, wanted, view.lang), part.body,
                        title=trv(language(lang), "title"), path=PATH)
