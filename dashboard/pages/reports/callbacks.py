"""The school's reports page's callbacks, thin: each takes the person from the signed-in principal
(never from the page), checks the page's school against their scope, calls the ledger's command
(ledger/commands/reporting.py: role and school checked again there) and hands plain data to the
builders (view.py).

- `show`: "open the monthly report" opens (drafts) the month's report, pre-filled from the ledger;
  a list row's open button shows that report (read again from the ledger, held to the school).
- `save`: keep the text of the report shown (a draft or a returned one).
- `submit`: send it up with the text typed and, for a monthly report, the month's figures read now in
  the same transaction (kept with the report); a second tap answers "submitted already".
"""
from __future__ import annotations

from datetime import datetime, timedelta

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.reports import ids
from dashboard.pages.reports import view as part
from dashboard.pages.reports.text import tr
from dashboard.roles import REPORT_SUBMIT, Principal
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.i18n import language
from ledger import reporting
from ledger.commands import reporting as commands
from ledger.errors import LedgerError
from ledger.models import Report
from queries.ledger import org
from queries.ledger import reporting as reads

LIST_BACK = timedelta(days=183)  # the list: reports due in the last half year
LIST_AHEAD = timedelta(days=40)  # and those falling due within the next month and a bit


def acting() -> Principal | None:
    """The signed-in person asking, if they may submit reports; else None."""
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(REPORT_SUBMIT):
        return None
    return principal


def page_state(view_state: object) -> tuple[str | None, str]:
    state = view_state if isinstance(view_state, dict) else {}
    school = state.get("school")
    return (school if isinstance(school, str) and school else None), language(state.get("lang"))


def periods(now: datetime, tz) -> tuple[list[str], str]:
    """The months a report may be opened for (this one and the eleven before, newest first), and the
    one shown first: last month, whose report is due now."""
    current_period = reporting.period_of(now.astimezone(tz).date())
    found = [current_period]
    for _ in range(11):
        found.append(reporting.previous_period(found[-1]))
    return found, found[1]


def school_rows(db, *, school: str, now: datetime, tz) -> list | None:
    """The school's reports due from half a year ago to a month ahead, newest first; None: no such school."""
    found = org.find_school(db, school)
    if found is None:
        return None
    return list(reversed(reads.items(db, [found], now - LIST_BACK, now + LIST_AHEAD, now, tz)))


def shown(db, row: Report, *, now: datetime, tz) -> dict:
    """What the panel shows of a report: plain values. A monthly report's figures: as kept when it was
    submitted, else read from the ledger now (the pre-fill)."""
    kept = row.status in ("submitted", "receipted") or (row.figures is not None and row.status == "returned")
    figures = row.figures if kept else None
    if row.kind == "monthly" and figures is None:
        figures = reads.monthly_figures(db, row.school_id, row.subject, tz, now).as_dict()
    return {"id": row.id, "kind": row.kind, "title": row.title, "subject": row.subject, "status": row.status,
            "due_at": row.due_at.isoformat(),
            "timeliness": reporting.timeliness(row.due_at, row.first_submitted_at, now),
            "text": row.text, "return_reason": row.return_reason,
            "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
            "submitted_by": row.submitted_by,
            "receipted_at": row.receipted_at.isoformat() if row.receipted_at else None,
            "receipted_by": row.receipted_by, "figures": figures, "kept": kept}



def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _redrawn_list(school: str, lang: str, now: datetime, tz):
    try:
        with services().ledger_reads() as db:
            rows = school_rows(db, school=school, now=now, tz=tz)
    except SQLAlchemyError:
        return no_update
    return no_update if rows is None else part.report_rows(lang, rows, tz)


def _checked(view_state):
    """(principal, school, lang) for a write, or a refusal message."""
    school, lang = page_state(view_state)
    principal = acting()
    if principal is None:
        return None, lang, part.said(False, tr(lang, "not_allowed"))
    if school is None or not principal.may_read_school(school):
        return None, lang, part.said(False, tr(lang, "school_not_yours"))
    return (principal, school), lang, None


def show(_open, _picks, period, view_state):
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate  # a list redrawn brings new buttons, not taps
    who, lang, refusal = _checked(view_state)
    if refusal is not None:
        return no_update, no_update, no_update, refusal, no_update
    principal, school = who
    live = services()
    now, tz = live.now(), live.settings.tz
    trigger = ctx.triggered_id
    try:
        if trigger == ids.OPEN:
            with live.ledger_session() as db:
                month = period if isinstance(period, str) else ""
                saved = commands.open_monthly(db, user_id=principal.user_id, school=school, period=month, now=now,
                                              tz=tz, ip=_ip())
                data = shown(db, saved.report, now=now, tz=tz)
                db.commit()
        else:
            report_id = id_or_none(trigger.get("report")) if isinstance(trigger, dict) else None
            if report_id is None:
                raise PreventUpdate
            with live.ledger_reads() as db:
                found = org.find_school(db, school)
                row = reads.report(db, school_id=found.id, report_id=report_id) if found is not None else None
                if row is None:
                    raise PreventUpdate
                data = shown(db, row, now=now, tz=tz)
    except LedgerError as exc:
        return no_update, no_update, no_update, part.said(False, tr(lang, "refused", reason=exc.text(lang))), no_update
    except SQLAlchemyError:
        return no_update, no_update, no_update, part.said(False, tr(lang, "failed")), no_update
    rows = _redrawn_list(school, lang, now, tz) if trigger == ids.OPEN else no_update
    opened = part.said(True, tr(lang, "opened", name=data["title"]))
    return part.panel(lang, data, tz), data["text"], data["id"], opened, rows


def save(_clicks, text, editing, view_state):
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    who, lang, refusal = _checked(view_state)
    if refusal is not None:
        return refusal
    principal, school = who
    report_id = id_or_none(editing)
    if report_id is None:
        return part.said(False, tr(lang, "pick_first"))
    if text is not None and not isinstance(text, str):
        return part.said(False, tr(lang, "bad_form"))
    live = services()
    try:
        with live.ledger_session() as db:
            saved = commands.save_text(db, user_id=principal.user_id, school=school, report_id=report_id,
                                       text=text or "", now=live.now(), ip=_ip())
            db.commit()
    except LedgerError as exc:
        return part.said(False, tr(lang, "refused", reason=exc.text(lang)))
    except SQLAlchemyError:
        return part.said(False, tr(lang, "failed"))
    return part.said(True, tr(lang, "saved" if saved.written else "unchanged"))


def submit(_clicks, text, editing, view_state):
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    who, lang, refusal = _checked(view_state)
    if refusal is not None:
        return refusal, no_update, no_update
    principal, school = who
    report_id = id_or_none(editing)
    if report_id is None:
        return part.said(False, tr(lang, "pick_first")), no_update, no_update
    if text is not None and not isinstance(text, str):
        return part.said(False, tr(lang, "bad_form")), no_update, no_update
    live = services()
    now, tz = live.now(), live.settings.tz
    try:
        with live.ledger_session() as db:
            found = org.find_school(db, school)
            row = reads.report(db, school_id=found.id, report_id=report_id) if found is not None else None
            figures = None
            if row is not None and row.kind == "monthly" and row.status in ("draft", "returned"):
                # Read in the submit's own transaction: what is kept is what the ledger held as it went up.
                figures = reads.monthly_figures(db, found, row.subject, tz, now).as_dict()
            saved = commands.submit(db, user_id=principal.user_id, school=school, report_id=report_id, now=now,
                                    text=text or "", figures=figures, ip=_ip())
            data = shown(db, saved.report, now=now, tz=tz)
            db.commit()
    except LedgerError as exc:
        return part.said(False, tr(lang, "refused", reason=exc.text(lang))), no_update, no_update
    except SQLAlchemyError:
        return part.said(False, tr(lang, "failed")), no_update, no_update
    said = part.said(True, tr(lang, "submitted", name=data["title"]) if saved.written else tr(lang, "already"))
    return said, part.panel(lang, data, tz), _redrawn_list(school, lang, now, tz)


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.PANEL, "children"), Output(ids.TEXT, "value"), Output(ids.EDITING, "data"),
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"),
        Input(ids.OPEN, "n_clicks"), Input({"type": ids.PICK, "report": ALL}, "n_clicks"),
        State(ids.PERIOD, "value"), State(ids.VIEW, "data"),
        running=[(Output(ids.OPEN, "disabled"), True, False)],
        prevent_initial_call=True,
    )(show)
    app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True),
        Input(ids.SAVE, "n_clicks"), State(ids.TEXT, "value"), State(ids.EDITING, "data"), State(ids.VIEW, "data"),
        running=[(Output(ids.SAVE, "disabled"), True, False)],
        prevent_initial_call=True,
    )(save)
    app.callback(
        Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.PANEL, "children", allow_duplicate=True),
        Output(ids.LIST, "children", allow_duplicate=True),
        Input(ids.SUBMIT, "n_clicks"), State(ids.TEXT, "value"), State(ids.EDITING, "data"), State(ids.VIEW, "data"),
        running=[(Output(ids.SUBMIT, "disabled"), True, False)],
        prevent_initial_call=True,
    )(submit)
    return {}



