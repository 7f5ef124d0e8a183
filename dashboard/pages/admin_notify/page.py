"""The notification channels page: /admin/notify?lang=en. The channels of the admin's unit and below."""

from __future__ import annotations

import dash
from dash import html

from dashboard.admin_context import acting_admin, admin_layout
from dashboard.pages.admin_notify import view as part
from dashboard.pages.admin_notify.callbacks import register_callbacks  # noqa: F401 (app.py calls it)
from dashboard.services import services
from queries.ledger import ladder, notify

PAGE = "admin_notify"
dash.register_page(__name__, path="/admin/notify", name=PAGE, title="通知渠道 · 校园安全指挥中心")


def layout(lang: object = None, **_other) -> html.Div:
    tz = services().settings.tz

    def read(db, view):
        principal = acting_admin()  # the admin's own addresses: theirs, from the signed-in session
        mine = notify.own_addresses(db, principal.user_id) if principal is not None else {}
        return (notify.channels(db, view.unit), notify.units(db, view.unit), notify.failures(db, view.unit), mine,
                ladder.gaps(db, view.unit))

    return admin_layout(lang, PAGE, read, lambda view, found: html.Div([
        part.body(view.lang, *found[:4], tz), part.ladder_gaps(view.lang, found[4], tz)]))
