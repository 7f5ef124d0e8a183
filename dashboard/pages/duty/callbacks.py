"""The duty console's callbacks, thin: the list and the detail read through queries/ every second,
the actions through ledger/commands/alert_handling.py, the handover report through queries/ and
ledger/handover_view.py; each hands plain data to the page's builders (view.py)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timezone
from urllib.parse import quote, urlencode

import dash
from dash import ALL, Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.access import current, readable_schools
from dashboard.api_duty import shift_plan
from dashboard.duty_response import register_response
from dashboard.pages.duty import card_view, ids, view
from dashboard.pages.duty.text import td
from dashboard.services import services
from kernel.row_ids import id_or_none
from layouts.i18n import language
from ledger import oncall
from ledger.commands import alert_handling
from ledger.commands.alert_handling import AlertBusy, AlertNotFound, HandlingError
from ledger.handover_view import handover_view
from ledger.shifts import ShiftError
from queries.ledger import alert_console, org
from queries.ledger import handover as handover_rows
from queries.ledger import ladder as ladder_reads
from queries.ledger import oncall as oncall_reads

REFRESH_OUT = ("rows", "summary", "digest", "domains", "buildings", "types", "banner", "as_of", "critical", "alarm",
               "alarm_hidden")


# ---- reading -------------------------------------------------------------------------------------

def _plain(row) -> dict:
    return asdict(row) if is_dataclass(row) else dict(row)


def _schools(view_state: dict) -> list[str] | None:
    """The schools the list covers: the one asked for, else every school the caller may read
    (None: a principal over every school)."""
    principal = current()
    wanted = view_state.get("school")
    if wanted:
        return readable_schools([wanted])
    return None if principal is not None and principal.schools is None else sorted(principal.schools or ())


def refresh(_tick, _acted, domain, building, kind, view_state, digest, selected):
    lang = language(view_state.get("lang"))
    live = services()
    now = datetime.now(timezone.utc)
    schools = _schools(view_state)
    try:
        with live.ledger_reads() as db:
            alerts = [_plain(a) for a in alert_console.console_alerts(
                db, schools=schools, now=now, deadlines=live.deadlines, domain=domain or None,
                building=building or None, type=kind or None)]
            choices = alert_console.console_filters(db, schools=schools)
            names = alert_console.building_names(db, schools=schools, codes=choices["buildings"])
    except SQLAlchemyError:
        return {**dict.fromkeys(REFRESH_OUT, no_update), "banner": False}
    may_handle = bool(current() and current().may(roles.ALERT_HANDLE))
    shown = json.dumps([lang, selected, may_handle, now.replace(second=0, microsecond=0).isoformat(),
                        [(a["id"], a["state"], a.get("count"), a.get("escalated"), a.get("escalation_level"))
                         for a in alerts]], default=str)
    new_digest = hashlib.sha1(shown.encode()).hexdigest()
    out = dict.fromkeys(REFRESH_OUT, no_update)
    out.update(banner=True, as_of=td(lang, "as_of", clock=now.astimezone(live.settings.tz).strftime("%H:%M:%S")))
    if new_digest != digest:
        out.update(rows=view.alert_rows(lang, alerts, now=now, selected=selected, may_handle=may_handle),
                   summary=view.summary_line(lang, alerts), digest=new_digest,
                   domains=view.filter_options(lang, choices["domains"], "domain"),
                   buildings=view.filter_options(lang, choices["buildings"], "building", names),
                   types=view.filter_options(lang, choices["types"], "type"), critical=card_view.critical_ids(alerts))
        out["alarm"], out["alarm_hidden"] = card_view.alarm_banner(lang, alerts, view.place)
    return out


def pick(_opened):
    """The alert whose "handle" button was tapped. Its own callback, apart from the every-second
    detail refresh: Dash drops the answer of a callback run that a newer run of the same callback
    overtakes, and a tap must never be lost to a tick."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not any(t.get("value") for t in ctx.triggered):
        return no_update  # buttons drawn anew, not a tap
    return trigger["alert"]


def show_detail(selected, _tick, _acted, view_state):
    """The detail panel of the picked alert, kept current."""
    lang = language(view_state.get("lang"))
    # The store is the browser's: what cannot be an alert's id (past the ledger's integer, True, 1.5)
    # is nothing picked, never sent to SQL (SQLite's driver: OverflowError, a 500; True: alert 1).
    selected = id_or_none(selected)
    if selected is None:
        return no_update, no_update, no_update
    live = services()
    try:
        with live.ledger_reads() as db:
            found = alert_console.console_alert(db, alert_id=selected, schools=_schools(view_state),
                                               now=datetime.now(timezone.utc), deadlines=live.deadlines)
            history = alert_console.alert_history(db, alert_id=selected) if found is not None else []
            pages = [p.as_dict() for p in ladder_reads.pages_of(db, selected)] if found is not None else []
    except SQLAlchemyError:
        return no_update, no_update, no_update
    if found is None:
        return html.P(td(lang, "gone")), [], True
    alert = _plain(found)
    open_ = alert["state"] in view.HANDLED_STATES and bool(current() and current().may(roles.ALERT_HANDLE))
    return (view.detail_facts(lang, alert, live.settings.tz) + view.pages_block(lang, pages, live.settings.tz),
            view.history_items(lang, [_plain(h) for h in history or []], live.settings.tz), not open_)


# ---- acting --------------------------------------------------------------------------------------

def act(_acks, _dispatch, _resolve, selected, assignee, dispatch_note, outcome, resolve_note, view_state):
    lang = language(view_state.get("lang"))
    trigger = ctx.triggered_id
    if trigger is None or not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update, no_update  # buttons drawn anew: nobody tapped
    if isinstance(trigger, dict):
        action, alert_id, note, extra = "acknowledge", trigger["alert"], "", {}
    elif trigger == ids.DUTY_DISPATCH:
        action, alert_id, note = "dispatch", selected, dispatch_note or ""
        extra = {"assignee": (assignee or "").strip()}
        if not extra["assignee"]:
            return _say(lang, {"error": "need_assignee"}), no_update, no_update
    else:
        action, alert_id, note, extra = "resolve", selected, resolve_note or "", {"outcome": outcome}
        if outcome not in ("true_alarm", "false_alarm") or not note.strip():
            return _say(lang, {"error": "need_outcome"}), no_update, no_update
    principal = current()
    if principal is None or not principal.may(roles.ALERT_HANDLE):  # the guard refused already; twice is cheap
        return _say(lang, {"error": "not_allowed"}), no_update, no_update
    alert_id = id_or_none(alert_id)  # a forged button id or store: as show_detail
    if alert_id is None:
        return no_update, no_update, no_update
    live = services()
    try:
        result = _handle(live, alert_id, action, by=principal.actor, note=note.strip(), schools=principal.schools,
                         **extra)
    except AlertNotFound:
        return _say(lang, {"error": "gone"}), no_update, no_update
    except _AcknowledgedOnly:  # saved: the acknowledgement; not saved: the dispatch
        return (_say(lang, {"error": "acknowledged_only"}), {"alert": alert_id, "action": "acknowledge", "ok": True},
                no_update)
    except (SQLAlchemyError, AlertBusy):
        return _say(lang, {"error": "failed"}), no_update, no_update
    except HandlingError as exc:  # a step the state does not allow: the ledger's own words
        return html.Span(exc.text(lang), className="tone-error"), no_update, no_update
    said = {"ok": result.ok, "action": action}
    if result.conflict is not None:
        c = result.conflict
        said["conflict"] = {"by": c.by, "action": c.action, "at": view.when(c.at, live.settings.tz)}
    clear = "" if result.ok and action == "dispatch" else no_update
    return _say(lang, said), {"alert": alert_id, "action": action, "ok": result.ok}, clear


class _AcknowledgedOnly(Exception):
    """A dispatch's acknowledgement was saved, the dispatch itself was not."""


def _handle(live, alert_id: int, action: str, *, by: str, note: str, schools, **extra):
    """One step, committed, then its events sent to Kafka for the wall (what Kafka does not take,
    the recorder sends). Dispatching an alert nobody has acknowledged acknowledges it first: the
    officer sending someone has plainly seen it; if only that first step is saved, the answer
    says so (_AcknowledgedOnly), never that nothing was done."""
    steps = [("acknowledge", {}), (action, extra)] if action == "dispatch" else [(action, extra)]
    result = None
    acknowledged = False
    for step, fields in steps:
        now = datetime.now(timezone.utc)
        try:
            with live.ledger_session() as db:
                if step == "acknowledge" and action == "dispatch":
                    if alert_console.alert_state(db, alert_id=alert_id, schools=schools) != "new":
                        continue
                result = alert_handling.handle(db, alert_id=alert_id, action=step, by=by, at=now,
                                               note=note if step == action else "", schools=schools, **fields)
        except (SQLAlchemyError, AlertBusy) as exc:
            if acknowledged:
                raise _AcknowledgedOnly from exc
            raise
        acknowledged = result.ok and step == "acknowledge"
        if result.ok:
            live.publish_outbox([event["id"] for event in result.events])
        elif step == action or result.conflict is None or result.conflict.action != "acknowledge":
            return result
    return result


def show_handover(day, shift, view_state):
    """The chosen shift's handover report on screen, and the addresses of its Excel file and its PDF."""
    lang = language(view_state.get("lang"))
    live = services()
    # The page's store is the browser's: the school is held to the caller here too, not only by the
    # guard (dashboard/callback_scope.py).
    wanted = view_state.get("school")
    school = next(iter(readable_schools([wanted] if wanted else live.schools())), None)
    if not school or not day or not shift:
        return [], "", ""
    try:
        window = shift_plan(live.settings.shifts_file).shift_window(date.fromisoformat(day), shift, live.settings.tz)
    # Only a forged store names another day or shift: the page's words. OverflowError: a night
    # shift of 9999-12-31 ends past the last day Python has.
    except (ValueError, OverflowError, ShiftError):
        return html.P(td(lang, "no_shift"), className="tone-error"), "", ""
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            report = handover_rows.handover_report(db, school_id=found.id, window=window, tz=live.settings.tz) \
                if found is not None else None
    except SQLAlchemyError:
        return html.P(td(lang, "failed"), className="tone-error"), no_update, no_update
    if report is None:
        return html.P(td(lang, "gone")), "", ""
    href = (f"/api/v1/schools/{quote(school)}/handover?"
            + urlencode({"date": day, "shift": shift, "format": "xlsx", "lang": lang}))
    pdf = f"/api/v1/schools/{quote(school)}/handover.pdf?" + urlencode({"date": day, "shift": shift, "lang": lang})
    return view.handover_body(handover_view(report, lang)), href, pdf


def show_on_call(_tick, view_state):
    """"当前值班：张三（值班员）· …" in the header, when the console shows one school (the one asked for,
    or the caller's only school): who the roster has on call now (queries/ledger/oncall.py)."""
    lang = language(view_state.get("lang"))
    schools = _schools(view_state)
    if not schools or len(schools) != 1:
        return ""
    live = services()
    try:
        with live.ledger_reads() as db:
            found = oncall_reads.on_call(db, schools[0], datetime.now(timezone.utc),
                                         plan=shift_plan(live.settings.shifts_file), tz=live.settings.tz)
    except SQLAlchemyError:
        return no_update
    if found is None:
        return ""
    return td(lang, "on_call", line=oncall.duty_line(oncall.flat(found), lang))


def _say(lang, result: dict):
    message, tone = view.feedback_text(lang, result)
    return html.Span(message, className=f"tone-{tone}")


def register_callbacks(app: dash.Dash) -> dict[str, str]:
    """Registers the console's callbacks; returns those that need more than the page's permission."""
    app.callback(
        output=dict(rows=Output(ids.DUTY_LIST, "children"), summary=Output(ids.DUTY_SUMMARY, "children"),
                    digest=Output(ids.DUTY_LIST_DIGEST, "data"),
                    domains=Output(ids.DUTY_FILTER_DOMAIN, "options"),
                    buildings=Output(ids.DUTY_FILTER_BUILDING, "options"),
                    types=Output(ids.DUTY_FILTER_TYPE, "options"),
                    banner=Output(ids.DUTY_BANNER, "hidden"), as_of=Output(ids.DUTY_AS_OF, "children"),
                    critical=Output(ids.DUTY_CRITICAL, "data"), alarm=Output(ids.DUTY_ALARM, "children"),
                    alarm_hidden=Output(ids.DUTY_ALARM, "hidden")),
        inputs=dict(_tick=Input(ids.DUTY_TICK, "n_intervals"), _acted=Input(ids.DUTY_ACTED, "data"),
                    domain=Input(ids.DUTY_FILTER_DOMAIN, "value"), building=Input(ids.DUTY_FILTER_BUILDING, "value"),
                    kind=Input(ids.DUTY_FILTER_TYPE, "value")),
        state=dict(view_state=State(ids.DUTY_VIEW, "data"), digest=State(ids.DUTY_LIST_DIGEST, "data"),
                   selected=State(ids.DUTY_SELECTED, "data")),
    )(refresh)
    app.callback(Output(ids.DUTY_SELECTED, "data"), Input(ids.duty_open(ALL), "n_clicks"),
                 prevent_initial_call=True)(pick)
    app.callback(
        Output(ids.DUTY_DETAIL, "children"), Output(ids.DUTY_HISTORY, "children"), Output(ids.DUTY_FORMS, "hidden"),
        Input(ids.DUTY_SELECTED, "data"), Input(ids.DUTY_TICK, "n_intervals"), Input(ids.DUTY_ACTED, "data"),
        State(ids.DUTY_VIEW, "data"),
        prevent_initial_call=True,
    )(show_detail)
    before = set(app.callback_map)
    app.callback(
        Output(ids.DUTY_FEEDBACK, "children"), Output(ids.DUTY_ACTED, "data"),
        Output(ids.DUTY_DISPATCH_NOTE, "value"),
        Input(ids.duty_ack(ALL), "n_clicks"), Input(ids.DUTY_DISPATCH, "n_clicks"), Input(ids.DUTY_RESOLVE, "n_clicks"),
        State(ids.DUTY_SELECTED, "data"), State(ids.DUTY_ASSIGNEE, "value"), State(ids.DUTY_DISPATCH_NOTE, "value"),
        State(ids.DUTY_OUTCOME, "value"), State(ids.DUTY_RESOLVE_NOTE, "value"), State(ids.DUTY_VIEW, "data"),
        prevent_initial_call=True,
    )(act)
    handling = dict.fromkeys(set(app.callback_map) - before, roles.ALERT_HANDLE)
    register_response(app)
    app.callback(
        Output(ids.DUTY_HANDOVER, "children"), Output(ids.DUTY_DOWNLOAD, "href"),
        Output(ids.DUTY_DOWNLOAD_PDF, "href"),
        Input(ids.DUTY_SHIFT_DATE, "value"), Input(ids.DUTY_SHIFT, "value"), State(ids.DUTY_VIEW, "data"),
    )(show_handover)
    app.callback(Output(ids.DUTY_ON_CALL, "children"), Input(ids.DUTY_ON_CALL_TICK, "n_intervals"),
                 State(ids.DUTY_VIEW, "data"))(show_on_call)
    return handling
