"""The device register page's callbacks, thin: each write through ledger/commands/devices.py in one
transaction with its audit entry, for the signed-in admin's unit (never the page's word); the school
the page sends is a choice among the schools that unit manages, checked again by the command."""
from __future__ import annotations

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_devices import ids
from dashboard.pages.admin_devices import view as part
from dashboard.pages.admin_devices.text import td
from dashboard.services import services
from layouts.admin_choices import PLACE_SEPARATOR, place_options, place_value
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import devices
from ledger.errors import LedgerError
from queries.ledger import register

WRITES = (ids.ADD, ids.SAVE, ids.RETIRE)
OUTPUTS = 4  # message, table, picker options, place options


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _refused(text: str) -> tuple:
    return (html.Span(text, className="tone-error"),) + (no_update,) * (OUTPUTS - 1)


def change(school, _add, _save, _retire, pick, source, name, system, place, stream, view_state):
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
        try:
            with live.ledger_session() as db:
                actor, now = actor_of(principal), live.now()
                if ctx.triggered_id == ids.RETIRE:
                    if not _text(pick):
                        return _refused(td(lang, "pick_first"))
                    device = devices.retire_device(db, actor=actor, scope=principal.unit, school=school,
                                                   source=pick, now=now)
                    said = td(lang, "retired", name=device.name)
                else:
                    building, _sep, zone = (place or "").partition(PLACE_SEPARATOR)
                    form = devices.DeviceForm(
                        source=source if isinstance(source, str) else "", name=name if isinstance(name, str) else "",
                        system=system if isinstance(system, str) else "", building=building or None,
                        zone=zone or None, stream_url=_text(stream))
                    write = devices.register_device if ctx.triggered_id == ids.ADD else devices.update_device
                    device = write(db, actor=actor, scope=principal.unit, school=school, form=form, now=now)
                    said = td(lang, "added" if ctx.triggered_id == ids.ADD else "saved", name=device.name)
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
            rows = register.device_rows(db, school)
            parts = register.school_parts(db, school)
    except SQLAlchemyError:
        return (message or html.Span(ta(lang, "ledger_down"), className="tone-error"),) + (no_update,) * (
            OUTPUTS - 1)
    return message, part.table(lang, rows), part.pick_options(rows), place_options(lang, parts)


def fill(pick, school):
    """The picked device's values into the form."""
    principal = acting_admin()
    if principal is None or not _text(pick) or not _text(school):
        return (no_update,) * 5
    try:
        with services().ledger_reads() as db:
            if school not in {s.code for s in register.managed_schools(db, principal.unit)}:
                return (no_update,) * 5
            found = [r for r in register.device_rows(db, school) if r.source == pick]
    except SQLAlchemyError:
        return (no_update,) * 5
    if not found:
        return (no_update,) * 5
    row = found[0]
    place = place_value(row.building, row.zone)
    return row.source, row.name, row.system, place, row.stream_url


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.TABLE, "children"), Output(ids.PICK, "options"),
        Output(ids.PLACE, "options"),
        Input(ids.SCHOOL, "value"), Input(ids.ADD, "n_clicks"), Input(ids.SAVE, "n_clicks"),
        Input(ids.RETIRE, "n_clicks"), State(ids.PICK, "value"), State(ids.SOURCE, "value"),
        State(ids.NAME, "value"), State(ids.SYSTEM, "value"), State(ids.PLACE, "value"), State(ids.STREAM, "value"),
        State(ids.VIEW, "data"),
    )(change)
    app.callback(
        Output(ids.SOURCE, "value"), Output(ids.NAME, "value"), Output(ids.SYSTEM, "value"),
        Output(ids.PLACE, "value"), Output(ids.STREAM, "value"),
        Input(ids.PICK, "value"), State(ids.SCHOOL, "value"),
        prevent_initial_call=True,
    )(fill)
