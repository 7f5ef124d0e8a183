"""The school's supervision page's callbacks, thin: the answer (text and the photo keys the uploads
answered) goes to ledger/commands/supervision.py `answer` with the person from the signed-in principal;
the ledger holds the item to the person's own school (another school's id is "no such item") and the
photos to the person's own uploads for that school. Sent twice: answered as already answered."""
from __future__ import annotations

from datetime import datetime

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.pages.supervision import ids
from dashboard.pages.supervision import view as part
from dashboard.pages.supervision.text import tsv
from dashboard.phone_context import acting_person
from dashboard.services import services
from layouts.i18n import language
from ledger import supervision as rules
from ledger.commands import supervision as commands
from ledger.errors import LedgerError
from ledger.hazard_work_rules import Person
from queries.ledger import supervision as reads

OUTPUTS = 5  # message, list, the item picker's options, the photo store, the text


def read_own(db, person: Person, now: datetime, tz) -> part.Own:
    school = reads.school_of_unit(db, person.unit) if person.role in rules.ANSWERERS else None
    if school is None:
        return part.Own(None)
    rows = sorted(reads.items(db, now=now, school_id=school.id), key=lambda r: (r.state == "closed", r.deadline))
    return part.Own(school.code, school.name_zh, rows, {r.id: reads.history(db, r.id) for r in rows}, tz)


def _refused(lang: str, key: str, **values) -> tuple:
    return (part.message(False, tsv(lang, key, **values)),) + (no_update,) * (OUTPUTS - 1)


def send(_clicks, item_id, text, keys, view_state):
    lang = language(view_state.get("lang") if isinstance(view_state, dict) else None)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    person = acting_person(roles.SUPERVISION_ANSWER)
    if person is None:
        return _refused(lang, "not_allowed")
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        return _refused(lang, "pick_item")
    if (text is not None and not isinstance(text, str)) or (keys is not None and not isinstance(keys, list)):
        return _refused(lang, "bad_form")
    live = services()
    try:
        with live.ledger_session() as db:
            done = commands.answer(db, user_id=person.user_id, item_id=item_id, text=text or "", photos=keys or [],
                                   now=live.now(), ip=request.remote_addr if has_request_context() else None)
            db.commit()
    except LedgerError as exc:
        return _refused(lang, "refused", reason=exc.text(lang))
    except SQLAlchemyError:
        return _refused(lang, "failed")
    said = part.message(True, tsv(lang, "answered" if done.written else "already"))
    try:
        with live.ledger_reads() as db:
            data = read_own(db, person, live.now(), live.settings.tz)
    except SQLAlchemyError:
        return said, no_update, no_update, [], ""
    return said, part.items(lang, data), part.options(lang, data), [], ""


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"), Output(ids.ITEM, "options"),
        Output(ids.PHOTOS, "data"), Output(ids.TEXT, "value"),
        Input(ids.SEND, "n_clicks"), State(ids.ITEM, "value"), State(ids.TEXT, "value"), State(ids.PHOTOS, "data"),
        State(ids.VIEW, "data"),
        running=[(Output(ids.SEND, "disabled"), True, False)],
        prevent_initial_call=True,
    )(send)
    app.callback(Output(ids.PREVIEW, "children"), Input(ids.PHOTOS, "data"), prevent_initial_call=True)(part.preview)
    return {}
