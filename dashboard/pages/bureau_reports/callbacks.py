"""The district's reports page's callbacks, thin: the schools are the signed-in person's (never the
page's), each write goes through the ledger's command (ledger/commands/reporting.py: role and the
school under the person's unit checked again there), and the builders (view.py) get plain data.

- `act`: receipt (签收) or return (退回, with the reason typed) the report whose button was tapped;
  again: answered as done already.
- `save_rules`: the district's monthly due day and event deadlines (a leader or admin of the district).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask import has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dashboard.access import current
from dashboard.pages.bureau_reports import ids
from dashboard.pages.bureau_reports import view as part
from dashboard.pages.bureau_reports.text import tr
from dashboard.roles import REPORT_RECEIVE, Principal
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.i18n import language
from ledger import reporting
from ledger.commands import reporting as commands
from ledger.commands.reporting_events import rules_for
from ledger.errors import LedgerError
from ledger.models import OrgUnit
from queries.ledger import reporting as reads


def acting() -> Principal | None:
    principal = current()
    if principal is None or principal.user_id is None or not principal.may(REPORT_RECEIVE):
        return None
    return principal


def window_of(window: object, now: datetime, tz) -> tuple[str, datetime, datetime]:
    """('YYYY-MM' or 'ytd', start, end): the reports falling due in a local month or this year so far."""
    today = now.astimezone(tz).date()
    if window == "ytd":
        return "ytd", datetime.combine(date(today.year, 1, 1), time(), tz), datetime.combine(
            date(today.year + 1, 1, 1), time(), tz)
    try:
        period = window if isinstance(window, str) and reporting.parse_period(window) else reporting.period_of(today)
    except LedgerError:
        period = reporting.period_of(today)
    start, end = reporting.period_window(period, tz)
    return period, start, end


@dataclass(frozen=True)
class District:
    unit: OrgUnit | None  # the person's unit above schools; None: a whole-tree person, or a school's
    unit_name: str
    rows: list
    rates: list  # (code, name, Rate)
    total: reporting.Rate
    rules: reporting.Rules | None  # shown (and set) for a unit above schools


def district(db, principal: Principal, *, lang: str, window: object, now: datetime, tz) -> tuple[str, District]:
    """What the page shows the person for the window: their schools' reports and rates."""
    key, start, end = window_of(window, now, tz)
    query = select(OrgUnit).where(OrgUnit.kind == "school").order_by(OrgUnit.code)
    if principal.schools is not None:
        query = query.where(OrgUnit.code.in_(sorted(principal.schools)))
    schools = list(db.scalars(query))
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == principal.unit)) if principal.unit else None
    above = unit if unit is not None and unit.kind in commands.ABOVE_SCHOOLS else None
    rows = reads.items(db, schools, start, end, now, tz)
    verdicts: dict[str, list[str]] = {s.code: [] for s in schools}
    for item in rows:
        verdicts[item.school].append(item.timeliness)
    rates = [(s.code, (s.name_en if lang == "en" else None) or s.name_zh, reporting.rate_of(verdicts[s.code]))
             for s in schools]
    total = reporting.total(r for _, _, r in rates)
    name = ((above.name_en if lang == "en" else None) or above.name_zh) if above else tr(lang, "all_schools")
    return key, District(above, name, rows, rates, total, rules_for(db, above.id) if above else None)


def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None



def act(_receipts, _returns, reason, view_state):
    state = view_state if isinstance(view_state, dict) else {}
    lang = language(state.get("lang"))
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate  # a list redrawn brings new buttons, not taps
    trigger = ctx.triggered_id
    report_id = id_or_none(trigger.get("report")) if isinstance(trigger, dict) else None
    if report_id is None:
        raise PreventUpdate
    principal = acting()
    if principal is None:
        return part.said(False, tr(lang, "not_allowed")), no_update, no_update
    if reason is not None and not isinstance(reason, str):
        return part.said(False, tr(lang, "bad_form")), no_update, no_update
    live = services()
    now, tz = live.now(), live.settings.tz
    try:
        with live.ledger_session() as db:
            if trigger.get("type") == ids.RECEIPT:
                saved = commands.receipt(db, user_id=principal.user_id, report_id=report_id, now=now, ip=_ip())
                said = tr(lang, "receipted", name=saved.report.title) if saved.written else \
                    tr(lang, "already_receipted")
            else:
                saved = commands.return_report(db, user_id=principal.user_id, report_id=report_id, reason=reason or "",
                                               now=now, ip=_ip())
                said = tr(lang, "returned_done", name=saved.report.title) if saved.written else \
                    tr(lang, "already_returned")
            db.commit()
    except LedgerError as exc:
        return part.said(False, tr(lang, "refused", reason=exc.text(lang))), no_update, no_update
    except SQLAlchemyError:
        return part.said(False, tr(lang, "failed")), no_update, no_update
    try:
        with live.ledger_reads() as db:
            _key, found = district(db, principal, lang=lang, window=state.get("window"), now=now, tz=tz)
    except SQLAlchemyError:
        return part.said(True, said), no_update, no_update
    return (part.said(True, said), part.report_rows(lang, found.rows, tz),
            part.rate_table(lang, found.rates, found.total))


def save_rules(_clicks, day, hazard_hours, alarm_hours, first_period, view_state):
    state = view_state if isinstance(view_state, dict) else {}
    lang = language(state.get("lang"))
    if not any(t.get("value") for t in ctx.triggered):
        raise PreventUpdate
    principal = acting()
    if principal is None or not principal.unit:
        return part.said(False, tr(lang, "not_allowed"))
    live = services()
    try:
        rules = reporting.check_rules(day, hazard_hours, alarm_hours, first_period)
        with live.ledger_session() as db:
            changed = commands.set_rules(db, user_id=principal.user_id, unit=principal.unit, rules=rules,
                                         now=live.now(), ip=_ip())
            db.commit()
    except LedgerError as exc:
        return part.said(False, tr(lang, "refused", reason=exc.text(lang)))
    except SQLAlchemyError:
        return part.said(False, tr(lang, "failed"))
    return part.said(True, tr(lang, "rules_saved" if changed else "rules_unchanged"))


def register_callbacks(app) -> dict[str, str]:
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.LIST, "children"), Output(ids.RATES, "children"),
        Input({"type": ids.RECEIPT, "report": ALL}, "n_clicks"), Input({"type": ids.RETURN, "report": ALL}, "n_clicks"),
        State(ids.REASON, "value"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(act)
    app.callback(
        Output(ids.RULE_MESSAGE, "children"),
        Input(ids.RULE_SAVE, "n_clicks"), State(ids.RULE_DAY, "value"), State(ids.RULE_HAZARD, "value"),
        State(ids.RULE_ALARM, "value"), State(ids.RULE_FIRST, "value"), State(ids.VIEW, "data"),
        running=[(Output(ids.RULE_SAVE, "disabled"), True, False)],
        prevent_initial_call=True,
    )(save_rules)
    return {}
