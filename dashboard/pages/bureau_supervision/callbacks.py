"""The bureau's supervision page's callbacks, thin: each takes the person from the signed-in principal
(never from the page: the item's id the page sends is only a question, the ledger answers "no such
item" for one outside the officer's unit), calls ledger/commands/supervision.py in one transaction with
its audit entry, and draws the counts and the list again from queries/.

- `open_item`: the form becomes an item; sent twice, the same subject is the same item (the ledger's rule).
- `hazard_picker`: the picked school's open hazards, when it lies below the officer's unit (the school
  the page sends is only a question); `fill_ref`: a picked hazard's code into the reference field.
- `act`: return (退回, a reason needed) or close (办结) the item picked; again: answered as already so.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.pages.bureau_supervision import ids
from dashboard.pages.bureau_supervision import view as part
from dashboard.pages.bureau_supervision.text import tb
from dashboard.phone_context import acting_person
from dashboard.services import services
from layouts.i18n import language
from ledger import supervision as rules
from ledger.commands import supervision as commands
from ledger.errors import LedgerError
from ledger.hazard_work_rules import Person
from queries.ledger import supervision as reads

OUTPUTS = 4  # message, counts, list, the act picker's options
MAX_ITEMS = 200  # the list shows the soonest due; the counts cover every item


def read_bureau(db, person: Person, now: datetime, tz) -> part.Bureau:
    unit = reads.officer_unit(db, person.unit) if person.role in rules.OPENERS else None
    if unit is None:
        return part.Bureau(None)
    counts = reads.counts(db, unit, now)
    rows = reads.items(db, now=now, unit=unit)
    rows = sorted(rows, key=lambda r: (r.state == "closed", r.deadline))[:MAX_ITEMS]
    return part.Bureau(unit.name_zh, reads.school_names(db, counts), counts, rows,
                       {r.id: reads.history(db, r.id) for r in rows}, now, tz)


def end_of_day(value: object, tz) -> datetime | None:
    """The end of the picked day in the school's time zone, as a moment; None for anything else."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return None if day is None else datetime.combine(day, time(23, 59, 59), tz).astimezone(timezone.utc)


def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _refused(lang: str, key: str, **values) -> tuple:
    return (part.message(False, tb(lang, key, **values)),) + (no_update,) * (OUTPUTS - 1)


def _redrawn(lang: str, person: Person, said) -> tuple:
    live = services()
    try:
        with live.ledger_reads() as db:
            data = read_bureau(db, person, live.now(), live.settings.tz)
    except SQLAlchemyError:  # saved, but it cannot be read again now: say what is true
        return said, no_update, no_update, no_update
    if data.unit_name is None:
        return said, no_update, no_update, no_update
    return said, part.summary(lang, data), part.items(lang, data), part.act_options(lang, data)


def _lang(view_state: object) -> str:
    return language(view_state.get("lang") if isinstance(view_state, dict) else None)


def open_item(_clicks, school, kind, ref, title, instructions, deadline, view_state):
    lang = _lang(view_state)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    person = acting_person(roles.SUPERVISION_OPEN)
    if person is None:
        return _refused(lang, "not_allowed")
    texts = (ref or "", title or "", instructions or "")
    if not isinstance(school, str) or not isinstance(kind, str) or not all(isinstance(t, str) for t in texts):
        return _refused(lang, "bad_form")
    live = services()
    due = end_of_day(deadline, live.settings.tz)
    if due is None:
        return _refused(lang, "pick_date")
    try:
        with live.ledger_session() as db:
            done = commands.open_item(db, user_id=person.user_id, school=school, kind=kind, ref=texts[0],
                                      title=texts[1], instructions=texts[2], deadline=due, now=live.now(), ip=_ip())
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _refused(lang, "refused", reason=exc.text(lang))
    except SQLAlchemyError:
        return _refused(lang, "failed")
    return _redrawn(lang, person, part.message(True, tb(lang, "opened" if done.written else "already_open",
                                                        title=done.title)))


def hazard_picker(school, kind, view_state):
    lang = _lang(view_state)
    person = acting_person(roles.SUPERVISION_OPEN)
    if person is None or kind != "hazard" or not isinstance(school, str) or not school:
        return [], None, tb(lang, "pick")
    live = services()
    try:
        with live.ledger_reads() as db:
            unit = reads.officer_unit(db, person.unit) if person.role in rules.OPENERS else None
            choices = reads.hazard_choices(db, unit, school, live.now()) if unit is not None else []
    except SQLAlchemyError:  # the form still takes a typed code
        return [], None, tb(lang, "unreadable")
    return part.hazard_options(lang, choices), None, tb(lang, "pick" if choices else "no_hazards")


def fill_ref(code):
    if not isinstance(code, str) or not code or len(code) > rules.REF_MAX:
        raise PreventUpdate
    return code


def act(_return, _close, item_id, note, view_state):
    lang = _lang(view_state)
    if not any(t.get("value") for t in ctx.triggered) or ctx.triggered_id not in (ids.RETURN, ids.CLOSE):
        raise PreventUpdate
    person = acting_person(roles.SUPERVISION_OPEN)
    if person is None:
        return _refused(lang, "not_allowed")
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        return _refused(lang, "pick_item")
    if note is not None and not isinstance(note, str):
        return _refused(lang, "bad_form")
    live = services()
    closing = ctx.triggered_id == ids.CLOSE
    try:
        with live.ledger_session() as db:
            if closing:
                done = commands.close(db, user_id=person.user_id, item_id=item_id, note=note or "", now=live.now(),
                                      ip=_ip())
            else:
                done = commands.return_item(db, user_id=person.user_id, item_id=item_id, reason=note or "",
                                            now=live.now(), ip=_ip())
            db.commit()
    except LedgerError as exc:
        return _refused(lang, "refused", reason=exc.text(lang))
    except SQLAlchemyError:
        return _refused(lang, "failed")
    key = ("closed_done" if closing else "returned") if done.written else "already"
    return _redrawn(lang, person, part.message(True, tb(lang, key)))


def register_callbacks(app) -> dict[str, str]:
    outputs = (ids.MESSAGE, "children"), (ids.COUNTS, "children"), (ids.LIST, "children"), (ids.ACT_ITEM, "options")
    app.callback(
        *(Output(i, p, allow_duplicate=True) for i, p in outputs),
        Input(ids.OPEN, "n_clicks"), *(State(i, "value") for i in ids.FORM_FIELDS), State(ids.VIEW, "data"),
        running=[(Output(ids.OPEN, "disabled"), True, False)],
        prevent_initial_call=True,
    )(open_item)
    app.callback(
        Output(ids.HAZARD_PICK, "options"), Output(ids.HAZARD_PICK, "value"), Output(ids.HAZARD_PICK, "placeholder"),
        Input(ids.SCHOOL, "value"), Input(ids.KIND, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(hazard_picker)
    app.callback(Output(ids.REF, "value"), Input(ids.HAZARD_PICK, "value"), prevent_initial_call=True)(fill_ref)
    app.callback(
        *(Output(i, p, allow_duplicate=True) for i, p in outputs),
        Input(ids.RETURN, "n_clicks"), Input(ids.CLOSE, "n_clicks"), State(ids.ACT_ITEM, "value"),
        State(ids.ACT_NOTE, "value"), State(ids.VIEW, "data"),
        running=[(Output(ids.RETURN, "disabled"), True, False), (Output(ids.CLOSE, "disabled"), True, False)],
        prevent_initial_call=True,
    )(act)
    return {}
