"""The drills and trainings page's callbacks, thin: each takes the person from the signed-in
principal (never from the page), checks the page's school against their scope, calls the ledger's
command (ledger/commands/drills.py: role, school and unit checked again there) and hands plain
data to the builders (view.py).

- `save`: record a drill or training, or correct the one the form shows, in one transaction with
  its audit entry; after a record the form corrects the new one, so a second tap of "save" saves
  the same record again (no second record); the button is disabled while a save is on its way, and
  a second tap whose request left before the first answered carries the form's request id, which
  the ledger answers with the record already made.
- `pick`: fill the form with a record to correct (read again from the ledger), or empty it.
- `withdraw`: withdraw the record the form shows, with the reason typed; again: answered as withdrawn.
"""
from __future__ import annotations

import uuid

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.drills import ids
from dashboard.pages.drills import view as part
from dashboard.pages.drills.text import tr
from dashboard.roles import DRILL_RECORD, Principal
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.i18n import language
from ledger import inspection_schedule as schedule
from ledger.commands import drills as commands
from ledger.drills import DrillForm
from ledger.errors import LedgerError
from queries.ledger import drills as reads
from queries.ledger import org


def acting() -> Principal | None:
    """The signed-in person asking, if they may record drills; else None."""
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(DRILL_RECORD):
        return None
    return principal


def page_state(view_state: object) -> tuple[str | None, str]:
    state = view_state if isinstance(view_state, dict) else {}
    school = state.get("school")
    return (school if isinstance(school, str) and school else None), language(state.get("lang"))


def read_year(db, *, school: str, year: int):
    """(units as (code, name), this year's records, counts per kind), or None for no such school."""
    found = org.find_school(db, school)
    if found is None:
        return None
    year_of = reads.year_of_drills(db, school_id=found.id, year=year)
    return [(u.code, u.name_zh) for u in org.units_of(db, found.id)], year_of.rows, year_of.counts


def drill_form(title, kind, held_on, unit, count, names, plan, notes) -> DrillForm | None:
    """The ledger's form from what the browser sent, or None for values no form of ours sends; the
    ledger then checks every field (ledger/drills.py check_form) and the unit against the scope."""
    texts = (title, kind, held_on, names or "", plan or "", notes or "")
    if not all(isinstance(v, str) and len(v) <= 4 * part.MAX_TEXT for v in texts):
        return None
    if unit is not None and (not isinstance(unit, str) or len(unit) > 200):
        return None
    if count is not None and (isinstance(count, bool) or not isinstance(count, int | float) or count != int(count)):
        return None
    return DrillForm(title=title, kind=kind, held_on=held_on or None, unit=unit or None,
                     participant_count=None if count is None else int(count), participants=names or "",
                     plan=plan or "", notes=notes or "")


def new_request() -> str:
    """A new record's request id: the page's, then each form turned to a new record."""
    return uuid.uuid4().hex


def _request_id(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 and value.isalnum() else None



def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _redrawn(school: str, lang: str, year: int):
    """The list and counts after a write; no_update when they cannot be read (the answer stays truthful)."""
    try:
        with services().ledger_reads() as db:
            found = read_year(db, school=school, year=year)
    except SQLAlchemyError:
        return no_update, no_update
    if found is None:
        return no_update, no_update
    _units, rows, counts = found
    return part.drill_rows(lang, rows), part.counts_line(lang, counts)


def _refusal(lang: str, key: str, **values) -> tuple:
    return part.said(False, tr(lang, key, **values)), no_update, no_update, no_update, no_update


def _withdraw_refusal(lang: str, key: str, **values) -> tuple:
    return _refusal(lang, key, **values) + (no_update,)  # the request id kept


def save(_clicks, title, kind, held_on, unit, count, names, plan, notes, editing, request_id, view_state):
    school, lang = page_state(view_state)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    principal = acting()
    if principal is None:
        return _refusal(lang, "not_allowed")
    if school is None or not principal.may_read_school(school):
        return _refusal(lang, "school_not_yours")
    made = drill_form(title, kind, held_on, unit, count, names, plan, notes)
    if made is None:
        return _refusal(lang, "bad_form")
    live = services()
    now = live.now()
    today = schedule.local_date(now, live.settings.tz)
    drill_id = id_or_none(editing)
    try:
        with live.ledger_session() as db:
            if drill_id is None:
                saved = commands.record_drill(db, user_id=principal.user_id, school=school, form=made, now=now,
                                              today=today, ip=_ip(), request_id=_request_id(request_id))
            else:
                saved = commands.correct_drill(db, user_id=principal.user_id, school=school, drill_id=drill_id,
                                               form=made, now=now, today=today, ip=_ip())
            kept_id, name = saved.drill.id, saved.drill.title
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _refusal(lang, "refused", reason=exc.text(lang))
    except SQLAlchemyError:
        return _refusal(lang, "failed")
    rows, counts = _redrawn(school, lang, today.year)
    said = part.said(True, tr(lang, "saved" if saved.written else "unchanged", name=name))
    return said, rows, counts, kept_id, tr(lang, "editing", name=name)


def pick(_edits, _new, view_state):
    """The form showing the record whose correct button was tapped, or empty for a new one."""
    school, lang = page_state(view_state)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate  # a list redrawn brings new buttons, not taps
    trigger = ctx.triggered_id
    if trigger == ids.NEW:
        return "", "drill", "", None, None, "", "", "", None, tr(lang, "new"), "", new_request()
    drill_id = id_or_none(trigger.get("drill")) if isinstance(trigger, dict) else None
    principal = acting()
    if drill_id is None or principal is None or school is None or not principal.may_read_school(school):
        raise PreventUpdate
    try:
        with services().ledger_reads() as db:
            found = org.find_school(db, school)
            row = reads.drill(db, school_id=found.id, drill_id=drill_id) if found is not None else None
    except SQLAlchemyError:
        raise PreventUpdate from None
    if row is None or row.withdrawn_at is not None:
        raise PreventUpdate
    return (row.title, row.kind, row.held_on.isoformat(), row.unit, row.participant_count, row.participants,
            row.plan, row.notes, row.id, tr(lang, "editing", name=row.title), "", no_update)


def withdraw(_clicks, reason, editing, view_state):
    school, lang = page_state(view_state)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    principal = acting()
    if principal is None:
        return _withdraw_refusal(lang, "not_allowed")
    if school is None or not principal.may_read_school(school):
        return _withdraw_refusal(lang, "school_not_yours")
    drill_id = id_or_none(editing)
    if drill_id is None:
        return _withdraw_refusal(lang, "pick_first")
    live = services()
    now = live.now()
    try:
        with live.ledger_session() as db:
            saved = commands.withdraw_drill(db, user_id=principal.user_id, school=school, drill_id=drill_id,
                                            reason=reason if isinstance(reason, str) else "", now=now, ip=_ip())
            name = saved.drill.title
            db.commit()
    except LedgerError as exc:
        return _withdraw_refusal(lang, "refused", reason=exc.text(lang))
    except SQLAlchemyError:
        return _withdraw_refusal(lang, "failed")
    rows, counts = _redrawn(school, lang, schedule.local_date(now, live.settings.tz).year)
    said = part.said(True, tr(lang, "withdrawn", name=name) if saved.written else tr(lang, "already_withdrawn"))
    return said, rows, counts, None, tr(lang, "new"), new_request()


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"), Output(ids.COUNTS, "children"),
        Output(ids.EDITING, "data"), Output(ids.FORM_TITLE, "children"),
        Input(ids.SAVE, "n_clicks"),
        *(State(i, "value") for i in ids.FORM_FIELDS), State(ids.EDITING, "data"), State(ids.REQUEST, "data"),
        State(ids.VIEW, "data"),
        running=[(Output(ids.SAVE, "disabled"), True, False)],
        prevent_initial_call=True,
    )(save)
    app.callback(
        *(Output(i, "value") for i in ids.FORM_FIELDS), Output(ids.EDITING, "data", allow_duplicate=True),
        Output(ids.FORM_TITLE, "children", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True),
        Output(ids.REQUEST, "data"),
        Input({"type": ids.EDIT, "drill": ALL}, "n_clicks"), Input(ids.NEW, "n_clicks"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(pick)
    app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.LIST, "children", allow_duplicate=True),
        Output(ids.COUNTS, "children", allow_duplicate=True), Output(ids.EDITING, "data", allow_duplicate=True),
        Output(ids.FORM_TITLE, "children", allow_duplicate=True), Output(ids.REQUEST, "data", allow_duplicate=True),
        Input(ids.WITHDRAW, "n_clicks"), State(ids.REASON, "value"), State(ids.EDITING, "data"),
        State(ids.VIEW, "data"),
        running=[(Output(ids.WITHDRAW, "disabled"), True, False)],
        prevent_initial_call=True,
    )(withdraw)
    return {}
