"""The inspection plans page's callbacks, thin: each takes the person from the signed-in principal
(never from the page), checks the page's school against their scope, calls the ledger's command or
read, and hands plain data to the builders (view.py, form.py).

- `plan_form`: the form's values as the ledger's PlanForm, or why there is none.
- `save`: create a plan, or change the one the form edits (ledger/commands/inspection_plans.py), in one
  transaction with its audit entry; the answer says saved, refused (the ledger's reason, in the page's
  language) or failed. After a create the form edits the new plan, so a second tap of "save" saves the
  same plan again (no second plan); the button is disabled while a save is on its way.
- `pick`: fill the form with a plan to edit (read again from the ledger), or empty it for a new one.
- `retire`: retire a plan after the browser's confirmation; a plan already retired (a second tap, another
  screen) is answered as retired, not as a failure.
"""
from __future__ import annotations

from datetime import date

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.inspection_plans import form, ids
from dashboard.pages.inspection_plans import view as part
from dashboard.pages.inspection_plans.text import tp
from dashboard.roles import INSPECTION_PLAN, Principal
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.i18n import language
from ledger import inspection_schedule as schedule
from ledger.commands import inspection_plans as commands
from ledger.commands.inspection_plans import PlanForm
from ledger.errors import LedgerError
from ledger.models import InspectionPlan, User
from queries.ledger import org
from queries.ledger.inspection_plans import school_plans
from queries.ledger.inspections import month_of, owed_periods


def acting() -> Principal | None:
    """The signed-in person asking, if they may plan inspections; else None."""
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(INSPECTION_PLAN):
        return None
    return principal


def page_state(view_state: object) -> tuple[str | None, str, bool]:
    """(the page's school as loaded, its language, whether retired plans are listed): the browser's
    values, to be checked against the principal before use."""
    state = view_state if isinstance(view_state, dict) else {}
    school = state.get("school")
    return (school if isinstance(school, str) and school else None, language(state.get("lang")),
            state.get("retired") is True)


def read_plans(db, *, user_id: int, school: str, now, tz, terms, retired: bool):
    """(the school's plans, this month's counts per plan), or None when the school is not the person's."""
    plans = school_plans(db, user_id=user_id, school=school, retired=retired)
    if plans is None:
        return None
    found = org.find_school(db, school)
    start, end = month_of(now, tz)
    month = part.month_by_plan(owed_periods(db, school_ids=[found.id], start=start, end=end, now=now, tz=tz,
                                            term_starts=terms))
    return plans, month


# --- what the form sends back: decoded strictly (form.py names the choices); the ledger checks the codes

def _starts(value: object) -> date | None | bool:
    """The start date; None when not given; False when given and not a date."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 10:
        return False
    try:
        return date.fromisoformat(value)
    except ValueError:
        return False


def plan_form(name, frequency, target, checklist, assignee, unit, starts) -> PlanForm | str:
    """The ledger's form from what the browser sent, or the text key of why there is none
    ("bad_form", "bad_date"). The ledger then checks every code against the school."""
    place, source, who = form.decode(target), form.decode(checklist), form.decode(assignee)
    if not isinstance(name, str) or not name.strip() or len(name) > 4 * form.MAX_NAME or \
            not isinstance(frequency, str) or frequency not in form.FREQUENCIES or \
            place is None or source is None or who is None:
        return "bad_form"
    begins = _starts(starts)
    if begins is False:
        return "bad_date"
    values: dict = {"name": name, "frequency": frequency, "starts_on": begins}
    if place[0] == "risk_point" and len(place) == 2:
        values["risk_point"] = place[1]
    elif place[0] == "building" and len(place) == 2:
        values["building"] = place[1]
    elif place[0] == "zone" and len(place) == 3:
        values["building"], values["zone"] = place[1], place[2]
    else:
        return "bad_form"
    if source == ["risk_point"]:
        values["checklist"] = "risk_point"
    elif source[0] == "campaign" and len(source) == 2:
        values["checklist"], values["campaign"] = "campaign", source[1]
    else:
        return "bad_form"
    if who[0] == "role" and len(who) == 2:
        values["assignee_role"] = who[1]
    elif who[0] == "person" and len(who) == 2:
        values["assignee_username"] = who[1]
    else:
        return "bad_form"
    if unit is not None and unit != "":
        if not isinstance(unit, str) or len(unit) > form.MAX_VALUE:
            return "bad_form"
        values["unit"] = unit
    return PlanForm(**values)


def _list(principal: Principal, school: str, lang: str, retired: bool):
    """The list redrawn after a write; no_update when it cannot be read (the answer stays truthful)."""
    live = services()
    try:
        with live.ledger_reads() as db:
            found = read_plans(db, user_id=principal.user_id, school=school, now=live.now(), tz=live.settings.tz,
                               terms=live.settings.terms, retired=retired)
    except SQLAlchemyError:
        return no_update
    return no_update if found is None else part.plan_rows(lang, *found)


def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None



def save(_clicks, name, frequency, target, checklist, assignee, unit, starts, editing, view_state):
    school, lang, retired = page_state(view_state)
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    principal = acting()
    if principal is None:
        return part.said(False, tp(lang, "not_allowed")), no_update, no_update, no_update
    if school is None or not principal.may_read_school(school):
        return part.said(False, tp(lang, "school_not_yours")), no_update, no_update, no_update
    made = plan_form(name, frequency, target, checklist, assignee, unit, starts)
    if isinstance(made, str):
        return part.said(False, tp(lang, made)), no_update, no_update, no_update
    plan_id = id_or_none(editing)
    live = services()
    now = live.now()
    today = schedule.local_date(now, live.settings.tz)
    try:
        with live.ledger_session() as db:
            if plan_id is None:
                plan = commands.create_plan(db, user_id=principal.user_id, school=school, form=made, now=now,
                                            today=today, ip=_ip())
                changed = True
            else:
                shown = db.get(InspectionPlan, plan_id)
                before = commands.snapshot(db, shown) if shown is not None else None
                plan = commands.update_plan(db, user_id=principal.user_id, plan_id=plan_id, form=made, now=now,
                                            today=today, ip=_ip())
                changed = commands.snapshot(db, plan) != before
            saved_id, saved_name = plan.id, plan.name
            db.commit()
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return part.said(False, tp(lang, "refused", reason=exc.text(lang))), no_update, no_update, no_update
    except SQLAlchemyError:
        return part.said(False, tp(lang, "failed")), no_update, no_update, no_update
    said = part.said(True, tp(lang, "saved" if changed else "unchanged", name=saved_name))
    return said, _list(principal, school, lang, retired), saved_id, tp(lang, "editing", name=saved_name)


def pick(_edits, _new, view_state):
    """The form for the plan whose edit button was tapped, or empty for a new plan."""
    school, lang, _retired = page_state(view_state)
    trigger = ctx.triggered_id
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate  # a list redrawn brings new buttons, not taps
    if trigger == ids.NEW:
        return "", "daily", None, None, None, None, "", None, tp(lang, "new"), ""
    plan_id = id_or_none(trigger.get("plan")) if isinstance(trigger, dict) else None
    principal = acting()
    if plan_id is None or principal is None or school is None:
        raise PreventUpdate
    try:
        with services().ledger_reads() as db:
            plans = school_plans(db, user_id=principal.user_id, school=school) or []
    except SQLAlchemyError:
        raise PreventUpdate
    plan = next((p for p in plans if p.plan_id == plan_id), None)
    if plan is None:
        raise PreventUpdate
    return (*form.form_values(plan), plan.plan_id, tp(lang, "editing", name=plan.name), "")


def _retired_on(user_id: int, plan_id: int):
    """When the plan was retired, if it is one of the person's schools' and retired; else None."""
    with services().ledger_reads() as db:
        user = db.get(User, user_id)
        try:
            plan, _school = commands.find_plan(db, user, plan_id)
        except LedgerError:
            return None
        return plan.retired_on


def retire(_confirmed, view_state):
    school, lang, retired = page_state(view_state)
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    principal = acting()
    if principal is None:
        return part.said(False, tp(lang, "not_allowed")), no_update
    plan_id = id_or_none(trigger.get("plan"))
    if plan_id is None or school is None or not principal.may_read_school(school):
        return part.said(False, tp(lang, "school_not_yours")), no_update
    live = services()
    now = live.now()
    try:
        with live.ledger_session() as db:
            plan = commands.retire_plan(db, user_id=principal.user_id, plan_id=plan_id,
                                        today=schedule.local_date(now, live.settings.tz), now=now, ip=_ip())
            name = plan.name
            db.commit()
        answer = part.said(True, tp(lang, "retired", name=name))
    except LedgerError as exc:
        try:
            when = _retired_on(principal.user_id, plan_id)
        except SQLAlchemyError:
            when = None
        answer = part.said(True, tp(lang, "already_retired", date=when.isoformat())) if when else \
            part.said(False, tp(lang, "refused", reason=exc.text(lang)))
    except SQLAlchemyError:
        return part.said(False, tp(lang, "failed")), no_update
    return answer, _list(principal, school, lang, retired)


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"), Output(ids.EDITING, "data"),
        Output(ids.FORM_TITLE, "children"),
        Input(ids.SAVE, "n_clicks"),
        *(State(i, "value") for i in ids.FORM_FIELDS), State(ids.EDITING, "data"), State(ids.VIEW, "data"),
        running=[(Output(ids.SAVE, "disabled"), True, False)],
        prevent_initial_call=True,
    )(save)
    app.callback(
        *(Output(i, "value") for i in ids.FORM_FIELDS), Output(ids.EDITING, "data", allow_duplicate=True),
        Output(ids.FORM_TITLE, "children", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input({"type": ids.EDIT, "plan": ALL}, "n_clicks"), Input(ids.NEW, "n_clicks"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(pick)
    app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.LIST, "children", allow_duplicate=True),
        Input({"type": ids.RETIRE, "plan": ALL}, "submit_n_clicks"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(retire)
    return {}
