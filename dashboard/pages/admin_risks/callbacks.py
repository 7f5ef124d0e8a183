"""The risk-point register page's callbacks, thin. The grade preview grades with the same function
and the same configured cut-offs the ledger grades by when it saves (ledger/grading.py,
services().grading_rules), so the colour shown as you type is the colour stored. Each write goes
through ledger/commands/risk_points.py in one transaction with its audit entry, for the signed-in
admin's unit (from the server's principal, never from the page); the school the page sends is
only a choice among the schools that unit manages, checked again by the command."""
from __future__ import annotations

from datetime import date

from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_risks import ids
from dashboard.pages.admin_risks import view as part
from dashboard.pages.admin_risks.text import tr
from dashboard.services import services
from layouts.admin_choices import PLACE_SEPARATOR, place_options, place_value, unit_options
from layouts.admin_text import ta
from layouts.i18n import language
from ledger import grading
from ledger.commands import risk_points
from ledger.errors import LedgerError
from queries.ledger import register

WRITES = (ids.ADD, ids.SAVE, ids.RETIRE)
OUTPUTS = 5  # message, table, picker options, place options, unit options


def _number(value) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def preview(method, l_value, e_value, c_value, s_value, view_state):
    lang = language((view_state or {}).get("lang"))
    if acting_admin() is None:
        return part.grade_badge(lang, None, ta(lang, "not_allowed"))
    factors = {"likelihood": _number(l_value), "exposure": _number(e_value), "consequence": _number(c_value),
               "severity": _number(s_value)}
    needed = ("likelihood", "exposure", "consequence") if method == "LEC" else ("likelihood", "severity")
    if any(factors[name] is None for name in needed):
        return part.grade_badge(lang, None)
    try:
        found = grading.grade(method or "", **factors, rules=services().grading_rules)
    except grading.GradingError as exc:
        return part.grade_badge(lang, None, exc.text(lang))
    return part.grade_badge(lang, {"method": method, "score": found.score, "level": found.level,
                                   "colour": found.colour})


def _form(code, name, method, l_value, e_value, c_value, s_value, control_level, measures, unit, person, place,
          category, reviewed) -> risk_points.RiskPointForm:
    building, _sep, zone = (place or "").partition(PLACE_SEPARATOR)
    try:
        reviewed_on = date.fromisoformat(reviewed) if _text(reviewed) else None
    except ValueError as exc:
        raise LedgerError("the review date is a date like 2026-09-01", zh="复核日期应写作 2026-09-01") from exc
    return risk_points.RiskPointForm(
        code=code if isinstance(code, str) else "", name=name if isinstance(name, str) else "",
        method=method if isinstance(method, str) else "", l_value=_number(l_value), e_value=_number(e_value),
        c_value=_number(c_value), s_value=_number(s_value),
        control_level=control_level if isinstance(control_level, str) else "",
        control_measures=measures if isinstance(measures, str) else "", unit=_text(unit),
        responsible_person=person if isinstance(person, str) else None, building=building or None,
        zone=zone or None, category=_text(category), last_reviewed_on=reviewed_on)


def change(school, _add, _save, _retire, pick, code, name, method, l_value, e_value, c_value, s_value, control_level,
           measures, unit, person, place, category, reviewed, view_state):
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None:
        return (html.Span(ta(lang, "not_allowed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    live = services()
    said = None
    if ctx.triggered_id in WRITES:
        if not any(t.get("value") for t in ctx.triggered):
            return (no_update,) * OUTPUTS
        if not _text(school):
            return (html.Span(tr(lang, "school_first"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
        now = live.now()
        actor = actor_of(principal)
        try:
            with live.ledger_session() as db:
                if ctx.triggered_id == ids.RETIRE:
                    if not _text(pick):
                        return (html.Span(tr(lang, "pick_first"), className="tone-error"),) + (no_update,) * (
                            OUTPUTS - 1)
                    point = risk_points.retire_point(db, actor=actor, scope=principal.unit, school=school,
                                                     code=pick, now=now)
                    said = tr(lang, "retired", name=point.name)
                else:
                    form = _form(code, name, method, l_value, e_value, c_value, s_value, control_level, measures,
                                 unit, person, place, category, reviewed)
                    write = risk_points.create_point if ctx.triggered_id == ids.ADD else risk_points.update_point
                    point = write(db, actor=actor, scope=principal.unit, school=school, form=form,
                                  rules=live.grading_rules, now=now)
                    said = tr(lang, "added" if ctx.triggered_id == ids.ADD else "saved", name=point.name,
                              level=tr(lang, f"level_{point.level}"))
                db.commit()
        except LedgerError as exc:  # refused, nothing saved: the ledger's own words
            return (html.Span(ta(lang, "refused", reason=exc.text(lang)), className="tone-error"),) + (no_update,) * (
                OUTPUTS - 1)
        except SQLAlchemyError:
            return (html.Span(ta(lang, "failed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
    message = html.Span(said, className="tone-ok") if said else ""
    try:
        with live.ledger_reads() as db:
            if school not in {s.code for s in register.managed_schools(db, principal.unit)}:
                return (html.Span(ta(lang, "not_allowed"), className="tone-error"),) + (no_update,) * (OUTPUTS - 1)
            rows = register.risk_point_rows(db, school)
            parts = register.school_parts(db, school)
    except SQLAlchemyError:  # saved (if it was a write), but cannot be read again now: say what is true
        return (message or html.Span(ta(lang, "ledger_down"), className="tone-error"),) + (no_update,) * (
            OUTPUTS - 1)
    return (message, part.table(lang, rows), part.pick_options(rows), place_options(lang, parts),
            unit_options(lang, parts))


FILLED = 15  # the form's fields and the card links


def fill(pick, school, view_state):
    """The picked point's values into the form, to edit, retire or print it."""
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None or not _text(pick) or not _text(school):
        return (no_update,) * (FILLED - 1) + (None,)
    try:
        with services().ledger_reads() as db:
            if school not in {s.code for s in register.managed_schools(db, principal.unit)}:
                return (no_update,) * FILLED
            rows = register.risk_point_rows(db, school, code=pick)
    except SQLAlchemyError:
        return (no_update,) * FILLED
    if not rows:
        return (no_update,) * FILLED
    row = rows[0]
    place = place_value(row.building, row.zone)
    return (row.code, row.name, row.method, row.l_value, row.e_value, row.c_value, row.s_value, row.control_level,
            row.control_measures, row.unit, row.responsible_person, place, row.category,
            row.last_reviewed_on.isoformat(), part.card_links(lang, school, row.code))


FORM_FIELDS = (ids.CODE, ids.NAME, ids.METHOD, ids.L, ids.E, ids.C, ids.S, ids.CONTROL_LEVEL, ids.MEASURES, ids.UNIT,
               ids.PERSON, ids.PLACE, ids.CATEGORY, ids.REVIEWED)


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.GRADE, "children"),
        Input(ids.METHOD, "value"), Input(ids.L, "value"), Input(ids.E, "value"), Input(ids.C, "value"),
        Input(ids.S, "value"), State(ids.VIEW, "data"),
    )(preview)
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.TABLE, "children"), Output(ids.PICK, "options"),
        Output(ids.PLACE, "options"), Output(ids.UNIT, "options"),
        Input(ids.SCHOOL, "value"), Input(ids.ADD, "n_clicks"), Input(ids.SAVE, "n_clicks"),
        Input(ids.RETIRE, "n_clicks"), State(ids.PICK, "value"),
        *(State(field, "value") for field in FORM_FIELDS), State(ids.VIEW, "data"),
    )(change)
    app.callback(
        *(Output(field, "value") for field in FORM_FIELDS), Output(ids.CARD, "children"),
        Input(ids.PICK, "value"), State(ids.SCHOOL, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(fill)
