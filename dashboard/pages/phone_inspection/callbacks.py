"""The phone's checklist page's callbacks, thin: start, record an item, finish, each through
ledger/commands/inspections.py for the signed-in person (`acting_person`, asked first; never a
token). The plan and inspection ids come from the page's stores, which the browser may edit: the
ledger holds every step to the person's own plans in their schools, and a refusal for another
person's or another school's inspection reads "not found or not yours" alike. Each write answers
truthfully: the same answer sent twice is saved once and says "saved" both times; a second finish
says it was finished already, with who signed and when."""
from __future__ import annotations

from dash import MATCH, Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.pages.phone_inspection import ids
from dashboard.pages.phone_inspection import view as part
from dashboard.pages.phone_inspection.ids import item
from dashboard.pages.phone_inspection.text import tc
from dashboard.phone_context import acting_person, resolve
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.phone_inspection_lines import clock
from layouts.phone_text import tp
from ledger.commands import inspections
from ledger.commands.inspection_plans import InspectionRefused
from ledger.errors import LedgerError, NotFound
from queries.ledger.inspections import inspection_sheet, todays_inspections

RESULTS = frozenset(part.RESULTS)


def found_for(db, person, plan_id: int, *, now, tz, csrf: str | None) -> part.Found | None:
    """The plan's inspection of today for this person, with its sheet once started; None when the
    plan is not theirs today (another person's, another school's, none at all: never which)."""
    today = next((t for t in todays_inspections(db, user_id=person.user_id, now=now, tz=tz) if t.plan_id == plan_id),
                 None)
    if today is None:
        return None
    sheet = None
    if today.inspection_id is not None:
        sheet = inspection_sheet(db, user_id=person.user_id, inspection_id=today.inspection_id, tz=tz)
        if sheet is None or (not sheet.may_edit and sheet.finished_at is None):
            return None
    starter = person.display_name if sheet is not None and sheet.started_by == person.username else None
    return part.Found(today, sheet, tz, csrf, starter)



def _said(text: str, tone: str) -> html.Span:
    return html.Span(text, className=f"tone-{tone}")


def _refusal(lang, exc: LedgerError) -> html.Span:
    if isinstance(exc, (NotFound, InspectionRefused)):  # another person's, another school's, none: alike
        return _said(tp(lang, "not_found"), "error")
    return _said(tp(lang, "refused", reason=exc.text(lang)), "error")


def _view(view_state):
    return resolve((view_state or {}).get("lang") if isinstance(view_state, dict) else None, roles.INSPECT)


def start(clicks, view_state):
    """Start (or open, when a colleague or another tap started it) the plan's inspection of today."""
    person = acting_person(roles.INSPECT)  # first: nothing is read or written for anyone else
    view = _view(view_state)
    if not clicks:
        return no_update, no_update
    if person is None or view.problem:
        return no_update, _said(tp(view.lang, "not_allowed"), "error")
    plan_id = id_or_none((view_state or {}).get("plan"))
    if plan_id is None:
        return no_update, _said(tp(view.lang, "not_found"), "error")
    live = services()
    tz = live.settings.tz
    try:
        with live.ledger_session() as db:
            inspections.start_inspection(db, user_id=person.user_id, plan_id=plan_id, now=live.now(), tz=tz)
            db.commit()
        with live.ledger_reads() as db:
            found = found_for(db, person, plan_id, now=live.now(), tz=tz, csrf=view.csrf)
    except LedgerError as exc:
        return no_update, _refusal(view.lang, exc)
    except SQLAlchemyError:
        return no_update, _said(tp(view.lang, "failed"), "error")
    if found is None:
        return no_update, _said(tp(view.lang, "not_found"), "error")
    return part.panel(view, found), None


ITEM_OUTPUTS = 6  # the card's class, the status, the saved answer, the thumbnails, the photo keys, the report link


def _chosen(stamps, answered) -> str | None:
    """The item's answer as the person last gave it: the button tapped last on this page (its click
    time), else the answer saved before the page was drawn. A note left while the answer's own request
    is still on its way is then saved with that answer, not dropped."""
    tapped = [(s, r) for s, r in zip(stamps, part.RESULTS) if isinstance(s, (int, float)) and s > 0]
    return max(tapped)[1] if tapped else answered


def record(_passed, _failed, _not_applicable, _blur, photo_keys, note, answered, pass_at, fail_at, na_at,
           inspection_state, view_state):
    """Save one item as it is answered: a button (pass, fail, not applicable), a note left (when the
    item has an answer), or a photo added (assets/phone_inspection.js, to a failed item)."""
    person = acting_person(roles.INSPECT)  # first: nothing is read or written for anyone else
    unchanged = (no_update,) * ITEM_OUTPUTS
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(t.get("value") is not None for t in ctx.triggered):
        return unchanged
    answered_now = {ids.answer(r, None)["type"]: r for r in part.RESULTS}
    if trigger.get("type") in answered_now:
        if not any(t.get("value") for t in ctx.triggered):
            return unchanged
        result = answered_now[trigger["type"]]
    elif trigger.get("type") == ids.PHOTOS:
        result = "fail" if _chosen((pass_at, fail_at, na_at), answered) == "fail" else None
    else:  # the note: saved with the answer it goes with
        result = _chosen((pass_at, fail_at, na_at), answered)
    view = _view(view_state)
    lang = view.lang
    if result not in RESULTS:
        if trigger.get("type") == ids.NOTE and isinstance(note, str) and note.strip():
            return (no_update, _said(tc(lang, "answer_first"), "error")) + (no_update,) * (ITEM_OUTPUTS - 2)
        return unchanged
    if person is None or view.problem:
        return (no_update, _said(tp(lang, "not_allowed"), "error")) + (no_update,) * (ITEM_OUTPUTS - 2)
    inspection_id = id_or_none(inspection_state.get("inspection") if isinstance(inspection_state, dict) else None)
    position = trigger.get("item")
    keys = (photo_keys if photo_keys is not None else []) if result == "fail" else []
    live = services()
    try:
        with live.ledger_session() as db:
            if inspection_id is None:
                raise NotFound("no inspection", zh="没有巡查记录")
            saved = inspections.record_item(db, user_id=person.user_id, inspection_id=inspection_id,
                                            position=position, result=result, now=live.now(),
                                            note=note if isinstance(note, str) else "", photo_keys=keys)
            row = saved.result
            result_id, hazard_code, kept = row.id, row.hazard_code, list(row.photo_keys)
            db.commit()
    except LedgerError as exc:
        return (no_update, _refusal(lang, exc)) + (no_update,) * (ITEM_OUTPUTS - 2)
    except SQLAlchemyError:
        return (no_update, _said(tp(lang, "failed"), "error")) + (no_update,) * (ITEM_OUTPUTS - 2)
    return (part.card_class(result), _said(tp(lang, "saved"), "ok"), result,
            part.thumbnails(lang, position, kept), kept, part.report_link(view, result, result_id, hazard_code))


def finish(clicks, inspection_state, view_state):
    """Sign the inspection once every item has an answer; then its summary. A second tap (or a
    colleague's finish) says it is finished already: not a failure."""
    person = acting_person(roles.INSPECT)  # first: nothing is read or written for anyone else
    view = _view(view_state)
    if not clicks:
        return no_update, no_update
    if person is None or view.problem:
        return no_update, _said(tp(view.lang, "not_allowed"), "error")
    inspection_id = id_or_none(inspection_state.get("inspection") if isinstance(inspection_state, dict) else None)
    if inspection_id is None:
        return no_update, _said(tp(view.lang, "not_found"), "error")
    live = services()
    tz = live.settings.tz
    try:
        with live.ledger_session() as db:
            done = inspections.finish_inspection(db, user_id=person.user_id, inspection_id=inspection_id,
                                                 now=live.now(), tz=tz)
            written, name, at = done.written, done.inspection.signed_name, done.inspection.finished_at
            db.commit()
        with live.ledger_reads() as db:
            sheet = inspection_sheet(db, user_id=person.user_id, inspection_id=inspection_id, tz=tz)
    except LedgerError as exc:
        return no_update, _refusal(view.lang, exc)
    except SQLAlchemyError:
        return no_update, _said(tp(view.lang, "failed"), "error")
    shown = part.summary(view, part.Found(None, sheet, tz)) if sheet is not None else no_update
    if written:  # the summary says who signed and when
        return shown, None
    return shown, _said(tc(view.lang, "already", name=name or "", at=clock(at, tz, day=True)), "ok")


def register_callbacks(app) -> dict[str, str]:
    # Start and finish both redraw the sheet and say what happened.
    shown = (Output(ids.SHEET, "children", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True))
    app.callback(*shown, Input(ids.START, "n_clicks"), State(ids.VIEW, "data"), prevent_initial_call=True)(start)
    app.callback(
        Output(item(ids.ITEM, MATCH), "className"), Output(item(ids.STATUS, MATCH), "children"),
        Output(item(ids.ANSWERED, MATCH), "data"), Output(item(ids.PHOTO_LIST, MATCH), "children"),
        Output(item(ids.PHOTOS, MATCH), "data"), Output(item(ids.REPORT, MATCH), "children"),
        *(Input(ids.answer(r, MATCH), "n_clicks") for r in part.RESULTS), Input(item(ids.NOTE, MATCH), "n_blur"),
        Input(item(ids.PHOTOS, MATCH), "data"),
        State(item(ids.NOTE, MATCH), "value"), State(item(ids.ANSWERED, MATCH), "data"),
        *(State(ids.answer(r, MATCH), "n_clicks_timestamp") for r in part.RESULTS),
        State(ids.INSPECTION, "data"), State(ids.VIEW, "data"), prevent_initial_call=True)(record)
    app.callback(*shown, Input(ids.FINISH, "n_clicks"), State(ids.INSPECTION, "data"), State(ids.VIEW, "data"),
                 prevent_initial_call=True)(finish)
    return {}
