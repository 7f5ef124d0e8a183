"""The bureau's notices page's callbacks, thin: `publish` sends the form (with its key: sent twice, one
notice) to ledger/commands/notices.py with the person from the signed-in principal; the schools
ticked are only a question (the ledger refuses one outside the officer's unit). On success the form
gets a new key, for the next notice."""
from __future__ import annotations

import secrets

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.pages.bureau_notices import ids
from dashboard.pages.bureau_notices import view as part
from dashboard.pages.bureau_notices.text import tn
from dashboard.phone_context import acting_person
from dashboard.services import services
from layouts.i18n import language
from ledger import org_scope
from ledger import supervision as rules
from ledger.commands import notices as commands
from ledger.errors import LedgerError
from ledger.hazard_work_rules import Person
from queries.ledger import notices as reads
from queries.ledger import supervision as sv_reads

OUTPUTS = 5  # message, list, the form's key, title, text
SHOWN = 50  # the newest notices, with their receipts


def new_key() -> str:
    return secrets.token_hex(16)


def read_sent(db, person: Person, tz) -> part.Sent:
    unit = sv_reads.officer_unit(db, person.unit) if person.role in rules.NOTICE_WRITERS else None
    if unit is None:
        return part.Sent(None)
    schools = sv_reads.school_names(db, org_scope.schools_under(db, unit))
    notices = reads.of_unit(db, unit.id, limit=SHOWN)
    return part.Sent(unit.name_zh, schools, notices,
                     {n.id: reads.receipts(db, unit_id=unit.id, notice_id=n.id) or [] for n in notices}, tz)


def _refused(lang: str, key: str, **values) -> tuple:
    return (part.message(False, tn(lang, key, **values)),) + (no_update,) * (OUTPUTS - 1)


def publish(_clicks, form_key, title, text, schools, view_state):
    lang = language(view_state.get("lang") if isinstance(view_state, dict) else None)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    person = acting_person(roles.NOTICE_WRITE)
    if person is None:
        return _refused(lang, "not_allowed")
    if not all(isinstance(v, str) for v in (form_key, title or "", text or "")) or \
            not isinstance(schools or [], list):
        return _refused(lang, "bad_form")
    live = services()
    try:
        with live.ledger_session() as db:
            done = commands.publish(db, user_id=person.user_id, title=title or "", body=text or "",
                                    schools=schools or None, form_key=form_key, now=live.now(),
                                    ip=request.remote_addr if has_request_context() else None)
            db.commit()
    except LedgerError as exc:
        return _refused(lang, "refused", reason=exc.text(lang))
    except SQLAlchemyError:
        return _refused(lang, "failed")
    said = part.message(True, tn(lang, "published", title=title.strip(), n=len(done.schools)) if done.written
                        else tn(lang, "already"))
    try:
        with live.ledger_reads() as db:
            data = read_sent(db, person, live.settings.tz)
    except SQLAlchemyError:
        return said, no_update, new_key(), "", ""
    return said, part.notice_list(lang, data), new_key(), "", ""


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"), Output(ids.FORM_KEY, "data"),
        Output(ids.TITLE, "value"), Output(ids.BODY, "value"),
        Input(ids.PUBLISH, "n_clicks"), State(ids.FORM_KEY, "data"), State(ids.TITLE, "value"),
        State(ids.BODY, "value"), State(ids.SCHOOLS, "value"), State(ids.VIEW, "data"),
        running=[(Output(ids.PUBLISH, "disabled"), True, False)],
        prevent_initial_call=True,
    )(publish)
    return {}
