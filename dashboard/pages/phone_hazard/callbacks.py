"""The hazard page's callbacks, thin. Each step: the signed-in Person holding the step's own
permission (`acting_person`, never the page's word), the ledger's command in one transaction (it
commits, and checks role, scope, stage and who the person is to the hazard again), then the step's
contract events sent to Kafka as the duty console sends its own (what Kafka does not take, the
recorder sends), and a true answer: saved, refused with the ledger's reason, or failed. A saved step
(or a refusal because the hazard moved) draws the hazard again.

A double tap: the button is disabled while its step is sent (`running`); a second request that still
arrives is refused by the ledger's stage check, and when the step that moved the hazard is this
person's own same step, the answer says it was saved (once), never "failed" nor a bare refusal.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timezone

import dash
from dash import Input, Output, State, html, no_update
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.pages.phone_hazard import forms, ids
from dashboard.pages.phone_hazard import view as part
from dashboard.pages.phone_hazard.text import th
from dashboard.phone_context import acting_person, resolve
from dashboard.services import services
from layouts.i18n import language
from layouts.phone_hazard_items import local
from layouts.phone_text import tp
from ledger.commands import hazard_supervision, hazard_work
from ledger.errors import LedgerError, NotFound
from ledger.hazard_work_rules import Person, StageRefused, StepRefused
from ledger.models import Hazard, HazardTransition, OrgUnit
from ledger.org_scope import OutOfScope
from queries.ledger.hazard_page import hazard_page

# The permission each step needs beyond the page's (dashboard/roles.py); the ledger holds WORK to the
# hazard's responsible person (or the safety office), ACCEPT to someone who did not rectify it.
PERMISSION = {"notify": roles.HAZARD_ASSIGN, "rectify": roles.HAZARD_WORK, "feedback": roles.HAZARD_WORK,
              "accept": roles.HAZARD_ACCEPT, "reject": roles.HAZARD_ACCEPT, "supervise": roles.HAZARD_SUPERVISE}


class Unsent(Exception):
    """A form not filled in as the step needs: nothing was sent to the ledger; the key says what."""


def _said(text: str, tone: str) -> html.Span:
    return html.Span(text, className=f"tone-{tone}")


def _asked(hazard: object) -> tuple[str, str] | None:
    if not isinstance(hazard, dict):
        return None
    school, code = hazard.get("school"), hazard.get("code")
    return (school, code) if isinstance(school, str) and isinstance(code, str) else None


def take(step: str, clicks: object, hazard: object, run: Callable[..., hazard_work.StepResult]) -> tuple:
    """(the answer, the redraw signal) of one step; `run(db, person, school, code, now)` takes it.
    Only a tap takes a step: Dash also calls a step's callback when a redraw puts its button on the
    page (n_clicks 0, despite prevent_initial_call), and that must take nothing."""
    if not isinstance(clicks, int) or isinstance(clicks, bool) or clicks < 1:
        return no_update, no_update
    lang = language((hazard or {}).get("lang") if isinstance(hazard, dict) else None)
    person = acting_person(PERMISSION[step])
    if person is None:
        return _said(tp(lang, "not_allowed"), "error"), no_update
    asked = _asked(hazard)
    if asked is None:
        return _said(tp(lang, "not_found"), "error"), no_update
    school, code = asked
    live = services()
    now = datetime.now(timezone.utc)
    try:
        with live.ledger_session() as db:
            result = run(db, person, school, code, now)
    except Unsent as exc:
        return _said(th(lang, str(exc)), "error"), no_update
    except (NotFound, OutOfScope):
        return _said(tp(lang, "not_found"), "error"), no_update
    except (StageRefused, StepRefused) as exc:
        moved = {"step": step, "at": now.isoformat(), "saved": False}
        try:
            before = _taken_already(live, person, school, code, step)
        except SQLAlchemyError:
            before = None
        if before is not None:  # the second tap of a step saved by the first
            return _said(th(lang, "saved_before", when=local(before, live.settings.tz)), "ok"), moved
        return _said(tp(lang, "refused", reason=exc.text(lang)), "error"), moved if isinstance(
            exc, StageRefused) else no_update
    except LedgerError as exc:
        return _said(tp(lang, "refused", reason=exc.text(lang)), "error"), no_update
    except SQLAlchemyError:
        return _said(tp(lang, "failed"), "error"), no_update
    live.publish_outbox(result.event_ids)  # never raises: the step is saved whatever Kafka does
    return _said(th(lang, f"saved_{step}"), "ok"), {"step": step, "at": now.isoformat(), "saved": True}


def _taken_already(live, person: Person, school: str, code: str, step: str) -> datetime | None:
    """When this person took this very step on the hazard, if it is what moved it last (a stage step)
    or is on it at all (supervision, which is taken once)."""
    with live.ledger_reads() as db:
        hazard_id = db.scalar(select(Hazard.id).join(OrgUnit, OrgUnit.id == Hazard.school_id)
                              .where(OrgUnit.code == school, Hazard.code == code))
        if hazard_id is None:
            return None
        query = select(HazardTransition).where(HazardTransition.hazard_id == hazard_id)
        if step == "supervise":
            query = query.where(HazardTransition.action == "supervise")
        last = db.scalars(query.order_by(HazardTransition.at.desc(), HazardTransition.id.desc()).limit(1)).first()
    if last is not None and last.action == step and last.by_user_id == person.user_id:
        return last.at
    return None


def _end_of_day(value: object) -> datetime:
    """A date picked on the form: the deadline is that day's end on the school's clock."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise Unsent("pick_date")
    return datetime.combine(day, time(23, 59), tzinfo=services().settings.tz)


def assign(clicks, grade, unit, user_id, deadline, requirement, hazard):
    def run(db, person, school, code, now):
        if not isinstance(unit, str) or not unit:
            raise Unsent("pick_unit")
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            raise Unsent("pick_person")
        return hazard_work.assign(db, person, school=school, code=code, now=now, grade=grade, responsible_unit=unit,
                                  responsible_user_id=user_id, deadline=_end_of_day(deadline),
                                  requirement=requirement)
    return take("notify", clicks, hazard, run)


def start(clicks, note, hazard):
    return take("rectify", clicks, hazard, lambda db, person, school, code, now: hazard_work.start(
        db, person, school=school, code=code, now=now, note=note))


def feed_back(clicks, measures, keys, hazard):
    return take("feedback", clicks, hazard, lambda db, person, school, code, now: hazard_work.feed_back(
        db, person, school=school, code=code, now=now, measures=measures, photo_keys=keys or None))


def accept(clicks, note, hazard):
    return take("accept", clicks, hazard, lambda db, person, school, code, now: hazard_work.accept(
        db, person, school=school, code=code, now=now, note=note))


def reject(clicks, reason, hazard):
    return take("reject", clicks, hazard, lambda db, person, school, code, now: hazard_work.reject(
        db, person, school=school, code=code, now=now, reason=reason))


def supervise(clicks, deadline, instructions, hazard):
    return take("supervise", clicks, hazard, lambda db, person, school, code, now: hazard_supervision.supervise(
        db, person, school=school, code=code, now=now, deadline=_end_of_day(deadline), instructions=instructions))


def redraw(acted, hazard):
    """The hazard again after a step: its new stage, history and the steps open now."""
    if not acted:
        return no_update, no_update
    lang = language(hazard.get("lang") if isinstance(hazard, dict) else None)
    view = resolve(lang, roles.HAZARD_REPORT)
    person = acting_person(roles.HAZARD_REPORT)
    asked = _asked(hazard)
    if view.problem or person is None or asked is None:
        return html.Div(tp(lang, view.problem or "not_found"), className="phone-problem", role="alert"), []
    live = services()
    now = live.now()
    try:
        with live.ledger_reads() as db:
            found = hazard_page(db, person, school=asked[0], code=asked[1], now=now,
                                due_soon_days=live.settings.hazard_due_soon_days)
    except SQLAlchemyError:
        return no_update, no_update  # what is shown stays; the answer says whether the step was saved
    if found is None:
        return html.Div(tp(lang, "not_found"), className="phone-problem", role="alert"), []
    shown = part.Shown(found, now, live.settings.tz)
    return part.content(view, shown), forms.steps(view, shown)


def show_photos(keys):
    return forms.preview(keys)


# (step, callback, its button, the fields it reads)
STEPS = (
    ("notify", assign, ids.ASSIGN_SEND, (ids.ASSIGN_GRADE, ids.ASSIGN_UNIT, ids.ASSIGN_PERSON, ids.ASSIGN_DEADLINE,
                                         ids.ASSIGN_REQUIREMENT)),
    ("rectify", start, ids.START_SEND, (ids.START_NOTE,)),
    ("feedback", feed_back, ids.FEEDBACK_SEND, (ids.FEEDBACK_MEASURES, ids.FEEDBACK_PHOTOS)),
    ("accept", accept, ids.ACCEPT_SEND, (ids.VERDICT_NOTE,)),
    ("reject", reject, ids.REJECT_SEND, (ids.VERDICT_NOTE,)),
    ("supervise", supervise, ids.SUPERVISE_SEND, (ids.SUPERVISE_DEADLINE,
                                             ids.SUPERVISE_INSTRUCTIONS)),
)


def _value_of(component_id: str) -> str:
    return "data" if component_id == ids.FEEDBACK_PHOTOS else "value"


def register_callbacks(app: dash.Dash) -> dict[str, str]:
    """Registers the page's callbacks; returns each step's, which needs the step's own permission."""
    stricter: dict[str, str] = {}
    for step, callback, button, fields in STEPS:
        # Accepting and rejecting share the note: both buttons wait while either is sent.
        buttons = (ids.ACCEPT_SEND, ids.REJECT_SEND) if step in ("accept", "reject") else (button,)
        before = set(app.callback_map)
        app.callback(
            Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.ACTED, "data", allow_duplicate=True),
            Input(button, "n_clicks"), *[State(f, _value_of(f)) for f in fields], State(ids.HAZARD, "data"),
            running=[(Output(b, "disabled"), True, False) for b in buttons],
            prevent_initial_call=True,
        )(callback)
        stricter.update(dict.fromkeys(set(app.callback_map) - before, PERMISSION[step]))
    app.callback(Output(ids.CONTENT, "children"), Output(ids.FORMS, "children"), Input(ids.ACTED, "data"),
                 State(ids.HAZARD, "data"), prevent_initial_call=True)(redraw)
    app.callback(Output(ids.FEEDBACK_PREVIEW, "children"), Input(ids.FEEDBACK_PHOTOS, "data"),
                 prevent_initial_call=True)(show_photos)
    return stricter
