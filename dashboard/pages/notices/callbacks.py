"""The school's notices page's callbacks, thin: "已阅" on a notice records the school's receipt through
ledger/commands/notices.py with the person from the signed-in principal; the notice's id the button
carries is only a question (a notice not addressed to the person's school is "no such notice")."""
from __future__ import annotations

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.pages.notices import ids
from dashboard.pages.notices import view as part
from dashboard.pages.notices.text import tns
from dashboard.phone_context import acting_person
from dashboard.services import services
from layouts.i18n import language
from ledger import supervision as rules
from ledger.commands import notices as commands
from ledger.errors import LedgerError
from ledger.hazard_work_rules import Person
from queries.ledger import notices as reads
from queries.ledger import supervision as sv_reads


def read_inbox(db, person: Person, tz) -> part.Inbox:
    school = sv_reads.school_of_unit(db, person.unit) if person.role in rules.NOTICE_READERS else None
    if school is None:
        return part.Inbox(None)
    return part.Inbox(school.code, school.name_zh, reads.of_school(db, school.id), tz)


def confirm(_clicks, view_state):
    lang = language(view_state.get("lang") if isinstance(view_state, dict) else None)
    trigger = ctx.triggered_id
    if not any(t.get("value") for t in ctx.triggered) or not isinstance(trigger, dict):
        raise PreventUpdate  # a list drawn again brings new buttons, not taps
    person = acting_person(roles.NOTICE_READ)
    if person is None:
        return part.message(False, tns(lang, "not_allowed")), no_update
    live = services()
    try:
        with live.ledger_session() as db:
            done = commands.confirm_read(db, user_id=person.user_id, notice_id=trigger.get("notice"), now=live.now(),
                                         ip=request.remote_addr if has_request_context() else None)
            db.commit()
    except LedgerError as exc:
        return part.message(False, tns(lang, "refused", reason=exc.text(lang))), no_update
    except SQLAlchemyError:
        return part.message(False, tns(lang, "failed")), no_update
    said = part.message(True, tns(lang, "confirmed") if done.written else tns(lang, "already", who=done.read_by))
    try:
        with live.ledger_reads() as db:
            data = read_inbox(db, person, live.settings.tz)
    except SQLAlchemyError:
        return said, no_update
    return said, part.notice_list(lang, data)


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"),
        Input({"type": ids.CONFIRM, "notice": ALL}, "n_clicks"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(confirm)
    return {}
