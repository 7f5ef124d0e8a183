"""The response card page's callbacks, thin: each write through ledger/commands/response_cards.py in
one transaction with its audit entry, for the signed-in admin's unit (never the page's word); the
school the page sends is a choice among the schools that unit manages, checked again by the command."""
from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_cards import ids
from dashboard.pages.admin_cards import view as part
from dashboard.pages.admin_cards.text import td
from dashboard.services import services
from layouts.admin_choices import PLACE_SEPARATOR, place_options, place_value
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import response_cards as commands
from ledger.errors import LedgerError
from queries.ledger import register, response_cards

WRITES = (ids.ADD, ids.SAVE, ids.RETIRE)
OUTPUTS = 4  # message, table, picker options, place options


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _refused(text: str) -> tuple:
    return (html.Span(text, className="tone-error"),) + (no_update,) * (OUTPUTS - 1)


def change(school, _add, _save, _retire, pick, title, kind, domain, place, steps, contacts, evacuation, view_state):
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None:
        return _refused(ta(lang, "not_allowed"))
    live = services()
    said = None
    if ctx.triggered_id in WRITES:
        if not any(t.get("value") for t in ctx.triggered):
            return (no_update,) * OUTPUTS
        if not _text(school):
            return _refused(td(lang, "school_first"))
        if ctx.triggered_id != ids.ADD and not isinstance(pick, int):
            return _refused(td(lang, "pick_first"))
        try:
            with live.ledger_session() as db:
                actor, now = actor_of(principal), live.now()
                if ctx.triggered_id == ids.RETIRE:
                    card = commands.retire_card(db, actor=actor, scope=principal.unit, school=school, card_id=pick,
                                                now=now)
                    said = td(lang, "retired", title=card.title)
                else:
                    building, _sep, zone = _text(place).partition(PLACE_SEPARATOR)
                    form = commands.CardForm(
                        title=_text(title), alert_type=_text(kind) or None, domain=_text(domain) or None,
                        building=building or None, zone=zone or None, steps=_text(steps), contacts=_text(contacts),
                        evacuation=_text(evacuation) or None)
                    card = commands.save_card(db, actor=actor, scope=principal.unit, school=school, form=form,
                                              now=now, card_id=None if ctx.triggered_id == ids.ADD else pick)
                    said = td(lang, "added" if ctx.triggered_id == ids.ADD else "saved", title=card.title)
                db.commit()
        except LedgerError as exc:
            return _refused(ta(lang, "refused", reason=exc.text(lang)))
        except SQLAlchemyError:
            return _refused(ta(lang, "failed"))
    message = html.Span(said, className="tone-ok") if said else ""
    try:
        with live.ledger_reads() as db:
            if school not in {s.code for s in register.managed_schools(db, principal.unit)}:
                return _refused(ta(lang, "not_allowed"))
            cards = response_cards.school_cards(db, school)
            parts = register.school_parts(db, school)
    except SQLAlchemyError:
        return (message or html.Span(ta(lang, "ledger_down"), className="tone-error"),) + (no_update,) * (
            OUTPUTS - 1)
    return message, part.table(lang, cards, parts), part.pick_options(cards), place_options(lang, parts)


FILLED = 7  # title, type, domain, place, steps, contacts, evacuation


def fill(pick, school):
    """The picked card's values into the form."""
    principal = acting_admin()
    if principal is None or not isinstance(pick, int) or not _text(school):
        return (no_update,) * FILLED
    try:
        with services().ledger_reads() as db:
            if school not in {s.code for s in register.managed_schools(db, principal.unit)}:
                return (no_update,) * FILLED
            found = [c for c in response_cards.school_cards(db, school) if c.id == pick]
    except SQLAlchemyError:
        return (no_update,) * FILLED
    if not found:
        return (no_update,) * FILLED
    c = found[0]
    return (c.title, c.alert_type or "", c.domain, place_value(c.building_code, c.zone_code), c.steps, c.contacts,
            c.evacuation or "")


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.TABLE, "children"), Output(ids.PICK, "options"),
        Output(ids.PLACE, "options"),
        Input(ids.SCHOOL, "value"), Input(ids.ADD, "n_clicks"), Input(ids.SAVE, "n_clicks"),
        Input(ids.RETIRE, "n_clicks"), State(ids.PICK, "value"), State(ids.TITLE, "value"), State(ids.TYPE, "value"),
        State(ids.DOMAIN, "value"), State(ids.PLACE, "value"), State(ids.STEPS, "value"),
        State(ids.CONTACTS, "value"), State(ids.EVACUATION, "value"), State(ids.VIEW, "data"),
        # The buttons rest while a change is on its way: a second tap would only be answered as a repeat.
        running=[(Output(b, "disabled"), True, False) for b in (ids.ADD, ids.SAVE, ids.RETIRE)],
    )(change)
    app.callback(
        Output(ids.TITLE, "value"), Output(ids.TYPE, "value"), Output(ids.DOMAIN, "value"),
        Output(ids.PLACE, "value"), Output(ids.STEPS, "value"), Output(ids.CONTACTS, "value"),
        Output(ids.EVACUATION, "value"),
        Input(ids.PICK, "value"), State(ids.SCHOOL, "value"),
        prevent_initial_call=True,
    )(fill)
