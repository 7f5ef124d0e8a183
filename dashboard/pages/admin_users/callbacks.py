"""The users page's callbacks, thin: each write through ledger/commands/user_admin.py (or the Excel
import, user_import.py) in one transaction with its audit entries, for the signed-in admin's unit
(from the server's principal, never from the page); then the lists read again through queries/."""
from __future__ import annotations

import base64
import binascii

from dash import Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_users import ids
from dashboard.pages.admin_users import view as part
from dashboard.pages.admin_users.text import tu
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import notify_channels, user_admin, user_import
from ledger.errors import LedgerError
from ledger.exchange import ImportRejected
from ledger.exchange_files import UnreadableFile
from queries.ledger import people

ACTIONS = (ids.CREATE, ids.SAVE, ids.DISABLE, ids.RESET, ids.ENABLE)
OUTPUTS = 6  # message, people, person options, new username, new password, reset password (cleared)


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _refused(message) -> tuple:
    return (message,) + (no_update,) * (OUTPUTS - 1)


def _act(db, principal, action, values: dict, lang):
    """The one write the button asks for; what to say (and the password to show once)."""
    actor, scope, now = actor_of(principal), principal.unit, services().now()
    if action == ids.CREATE:
        try:
            user, generated = user_admin.create(
                db, actor=actor, scope=scope, username=values["username"] or "", display_name=values["name"] or "",
                role=values["role"] or "", unit=values["unit"], password=values["password"], now=now)
        except user_admin.AlreadyCreated as again:  # a double click: the first request made it
            if again.typed:
                return part.done(tu(lang, "created", username=again.username), lang, None)
            return html.Span(tu(lang, "created_again", username=again.username), className="tone-ok")
        return part.done(tu(lang, "created", username=user.username), lang, generated)
    username = _text(values["person"])
    if username is None:
        raise LedgerError(tu(lang, "pick"))
    if action == ids.SAVE:
        user = user_admin.change(db, actor=actor, scope=scope, username=username, role=_text(values["edit_role"]),
                                 unit=values["edit_unit"], now=now)
        return html.Span(tu(lang, "saved", username=user.username), className="tone-ok")
    if action == ids.DISABLE:
        user = user_admin.disable(db, actor=actor, scope=scope, username=username, now=now)
        return html.Span(tu(lang, "disabled_done", username=user.username), className="tone-ok")
    if action == ids.ENABLE:
        user = user_admin.enable(db, actor=actor, scope=scope, username=username, now=now)
        return html.Span(tu(lang, "enabled_done", username=user.username), className="tone-ok")
    user, generated = user_admin.reset_password(db, actor=actor, scope=scope, username=username, now=now,
                                                password=values["reset_password"])
    return part.done(tu(lang, "reset_done", username=user.username), lang, generated)


def change(_create, _save, _disable, _reset, _enable, username, name, role, unit, password, person, edit_role,
           edit_unit, reset_password, view_state):
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in ACTIONS or not any(t.get("value") for t in ctx.triggered):
        return (no_update,) * OUTPUTS
    principal = acting_admin()
    if principal is None:
        return _refused(html.Span(ta(lang, "not_allowed"), className="tone-error"))
    values = {"username": username, "name": name, "role": role, "unit": unit if isinstance(unit, str) else None,
              "password": password or None, "person": person, "edit_role": edit_role,
              "edit_unit": edit_unit if isinstance(edit_unit, str) else None,
              "reset_password": reset_password or None}
    live = services()
    try:
        with live.ledger_session() as db:
            said = _act(db, principal, ctx.triggered_id, values, lang)
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _refused(html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"))
    except SQLAlchemyError:
        return _refused(html.Span(ta(lang, "failed"), className="tone-error"))
    cleared = ("", "") if ctx.triggered_id == ids.CREATE else (no_update, no_update)
    reset_cleared = "" if ctx.triggered_id == ids.RESET else no_update
    try:
        with live.ledger_reads() as db:
            rows = people.people(db, principal.unit)
    except SQLAlchemyError:  # saved, but the list cannot be read again now: say what is true
        return (said, no_update, no_update) + cleared + (reset_cleared,)
    return (said, part.people_table(lang, rows, live.settings.tz), part.person_options(rows, lang)) + cleared + (
        reset_cleared,)


def _sheet_bytes(contents: str) -> bytes | None:
    """The file dcc.Upload sent as a data URL; None when it is not one."""
    head, _comma, data = contents.partition(",")
    if not head.startswith("data:") or ";base64" not in head:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def upload(contents, filename, view_state):
    """The Excel import: every row checked, then all created in one transaction, or none."""
    lang = language((view_state or {}).get("lang"))
    if not isinstance(contents, str) or not contents:
        return (no_update,) * 4
    principal = acting_admin()
    if principal is None:
        return html.Span(ta(lang, "not_allowed"), className="tone-error"), no_update, no_update, no_update
    data = _sheet_bytes(contents)
    if data is None or not str(filename or "").lower().endswith(".xlsx"):
        return html.Span(tu(lang, "not_xlsx"), className="tone-error"), no_update, no_update, no_update
    live = services()
    try:
        with live.ledger_session() as db:
            made = user_import.create_all(db, actor=actor_of(principal), scope=principal.unit, data=data,
                                          now=live.now())
            db.commit()
    except UnreadableFile as exc:
        return (html.Span(tu(lang, "unreadable", reason=exc.reason), className="tone-error"),
                no_update, no_update, no_update)
    except ImportRejected as exc:
        return (html.Div([html.Span(tu(lang, "rejected", count=len(exc.errors)), className="tone-error"),
                          part.errors_table(lang, exc.errors)]), no_update, no_update, no_update)
    except LedgerError as exc:
        return (html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"),
                no_update, no_update, no_update)
    except SQLAlchemyError:
        return html.Span(ta(lang, "failed"), className="tone-error"), no_update, no_update, no_update
    said = html.Span(tu(lang, "imported", count=len(made)), className="tone-ok")
    sheet = dcc.send_bytes(user_import.result_sheet(made), f"accounts-{live.now():%Y%m%d-%H%M%S}.xlsx")
    try:
        with live.ledger_reads() as db:
            rows = people.people(db, principal.unit)
    except SQLAlchemyError:
        return said, sheet, no_update, no_update
    return said, sheet, part.people_table(lang, rows, live.settings.tz), part.person_options(rows, lang)


def address(_save, _clear, person, kind, value, view_state):
    """A person's phone or e-mail for notifications, set by an admin: the person is checked against the
    signed-in admin's scope in the ledger (notify_channels.set_person_address), whatever the page sent;
    the list shows it masked."""
    lang = language((view_state or {}).get("lang"))
    if ctx.triggered_id not in (ids.ADDRESS_SAVE, ids.ADDRESS_CLEAR) or not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update, no_update
    principal = acting_admin()
    if principal is None:
        return html.Span(ta(lang, "not_allowed"), className="tone-error"), no_update, no_update
    username = _text(person)
    kind = kind if kind in ("phone", "email") else None
    typed = value if isinstance(value, str) else ""
    if username is None or kind is None:
        return html.Span(ta(lang, "refused", reason=tu(lang, "pick")), className="tone-error"), no_update, no_update
    clearing = ctx.triggered_id == ids.ADDRESS_CLEAR
    if not clearing and not typed.strip():
        return html.Span(tu(lang, "address_empty"), className="tone-error"), no_update, no_update
    live = services()
    try:
        with live.ledger_session() as db:
            changed = notify_channels.set_person_address(
                db, actor=actor_of(principal), scope=principal.unit, username=username, kind=kind,
                value="" if clearing else typed, now=live.now())
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"), no_update, no_update
    except SQLAlchemyError:
        return html.Span(ta(lang, "failed"), className="tone-error"), no_update, no_update
    key = "address_same" if not changed else "address_cleared" if clearing else "address_saved"
    said = html.Span(tu(lang, key, username=username, kind=tu(lang, kind)), className="tone-ok")
    try:
        with live.ledger_reads() as db:
            rows = people.people(db, principal.unit)
    except SQLAlchemyError:
        return said, no_update, ""
    return said, part.people_table(lang, rows, live.settings.tz), ""


def template(_clicks):
    if not ctx.triggered_id or acting_admin() is None:
        return no_update
    return dcc.send_bytes(user_import.template_sheet(), "people-template.xlsx")


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.PEOPLE, "children"), Output(ids.PERSON, "options"),
        Output(ids.NEW_USERNAME, "value"), Output(ids.NEW_PASSWORD, "value"), Output(ids.RESET_PASSWORD, "value"),
        Input(ids.CREATE, "n_clicks"), Input(ids.SAVE, "n_clicks"), Input(ids.DISABLE, "n_clicks"),
        Input(ids.RESET, "n_clicks"), Input(ids.ENABLE, "n_clicks"),
        State(ids.NEW_USERNAME, "value"), State(ids.NEW_NAME, "value"), State(ids.NEW_ROLE, "value"),
        State(ids.NEW_UNIT, "value"), State(ids.NEW_PASSWORD, "value"), State(ids.PERSON, "value"),
        State(ids.EDIT_ROLE, "value"), State(ids.EDIT_UNIT, "value"), State(ids.RESET_PASSWORD, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change)
    app.callback(
        Output(ids.IMPORT_MESSAGE, "children"), Output(ids.RESULT, "data"),
        Output(ids.PEOPLE, "children", allow_duplicate=True), Output(ids.PERSON, "options", allow_duplicate=True),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(upload)
    app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.PEOPLE, "children", allow_duplicate=True),
        Output(ids.ADDRESS_VALUE, "value"),
        Input(ids.ADDRESS_SAVE, "n_clicks"), Input(ids.ADDRESS_CLEAR, "n_clicks"),
        State(ids.PERSON, "value"), State(ids.ADDRESS_KIND, "value"), State(ids.ADDRESS_VALUE, "value"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(address)
    app.callback(Output(ids.TEMPLATE_FILE, "data"), Input(ids.TEMPLATE, "n_clicks"),
                 prevent_initial_call=True)(template)
