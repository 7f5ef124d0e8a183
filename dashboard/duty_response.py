"""The duty console's response side (issue 16, dashboard/pages/duty/): the response card of the
picked alert, its use recorded; the sound switch and the alarm, in the browser (assets/duty.js).
Apart from the page's folder because it reads and writes the ledger (the folder's builders do not).

The card is read once per pick (not every tick): the alert through the caller's schools, the card
of the alert's own school (queries/ledger/response_cards.py). Its use is recorded for a signed-in
person who may handle alerts (ledger/commands/response_cards.py record_use: once per alert, card
and person); a reader (leadership) sees the card and records nothing.
"""
from __future__ import annotations

from datetime import datetime, timezone

import dash
from dash import ClientsideFunction, Input, Output, State, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.access import current
from dashboard.pages.duty import card_view, ids
from dashboard.pages.duty.text import td
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.i18n import language
from ledger.commands import response_cards as card_commands
from ledger.errors import LedgerError
from queries.ledger import alert_console, response_cards


def show_card(selected, view_state):
    lang = language((view_state or {}).get("lang"))
    selected = id_or_none(selected)  # the browser's store: as the detail (pages/duty/callbacks.py)
    if selected is None:
        return no_update
    principal = current()
    if principal is None:
        return no_update
    schools = None if principal.schools is None else sorted(principal.schools)
    live = services()
    try:
        with live.ledger_reads() as db:
            alert = alert_console.console_alert(db, alert_id=selected, schools=schools,
                                                now=datetime.now(timezone.utc), deadlines=live.deadlines)
            card = response_cards.card_for(db, school=alert.school, type=alert.type, domain=alert.domain,
                                           building=alert.building, zone=alert.zone) if alert is not None else None
    except SQLAlchemyError:
        return html.P(td(lang, "failed"), className="tone-error")
    if alert is None:
        return html.P(td(lang, "gone"))
    recorded = None
    if card is not None and principal.user_id is not None and principal.may(roles.ALERT_HANDLE):
        try:
            with live.ledger_session() as db:
                card_commands.record_use(db, alert_id=alert.id, card_id=card.id, by=principal.actor,
                                         at=datetime.now(timezone.utc), schools=schools)
                db.commit()
            recorded = principal.display_name or principal.actor
        except (LedgerError, SQLAlchemyError):
            recorded = None  # the card still shows; the report just does not name it
    shown = None if card is None else {"title": card.title, "steps": card.steps, "contacts": card.contacts,
                                       "evacuation": card.evacuation, "cameras": card.cameras}
    return card_view.card_panel(lang, shown, recorded_by=recorded)


def register_response(app: dash.Dash) -> None:
    # Called on load too: a message's link opens the console with its alert already picked (page.py).
    app.callback(Output(ids.DUTY_CARD, "children"), Input(ids.DUTY_SELECTED, "data"),
                 State(ids.DUTY_VIEW, "data"))(show_card)
    # In the browser: the switch (its state remembered there), an alarm at once per new critical alert,
    # repeated while any is unacknowledged unless muted for 5 minutes, and the linked alert revealed.
    app.clientside_callback(ClientsideFunction("duty", "sound"),
                            Output(ids.DUTY_SOUND, "children"), Output(ids.DUTY_SOUND, "className"),
                            Input(ids.DUTY_SOUND, "n_clicks"), State(ids.DUTY_SOUND_TEXT, "data"))
    app.clientside_callback(ClientsideFunction("duty", "alarm"), Output(ids.DUTY_SOUNDED, "data"),
                            Input(ids.DUTY_CRITICAL, "data"), State(ids.DUTY_SOUNDED, "data"),
                            prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("duty", "repeat"),
                            Output(ids.DUTY_MUTE, "children"), Output(ids.DUTY_MUTE, "hidden"),
                            Output(ids.DUTY_MUTE, "className"),
                            Input(ids.DUTY_TICK, "n_intervals"), Input(ids.DUTY_MUTE, "n_clicks"),
                            State(ids.DUTY_SOUND_TEXT, "data"))
    app.clientside_callback(ClientsideFunction("duty", "linked"), Output(ids.DUTY_LINKED, "data"),
                            Input(ids.DUTY_LIST, "children"), State(ids.DUTY_LINKED, "data"),
                            prevent_initial_call=True)
