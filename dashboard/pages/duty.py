"""The duty console (值班台): open alerts, unacknowledged first; one-tap acknowledge; dispatch and
resolve with notes; each alert's history; the shift handover report. /duty?school=&lang=en

For a desk screen and a tablet. Reads the SQL ledger (the alerts' record of handling), every
second, and resends the list only when what it shows changed. Actions go through
ledger/commands/alert_handling.py, which lets exactly one of two officers acting at once win and
tells the other who acted first; the guard (dashboard/access.py) refuses the action callback to
any role without `alert.handle` before it runs, and the callback checks again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timezone
from urllib.parse import quote, urlencode

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import ids, roles
from dashboard.access import csrf_token, current, readable_schools
from dashboard.api_duty import shift_plan
from dashboard.services import services
from layouts import duty_console as view
from layouts.duty_text import td
from layouts.i18n import language
from ledger.handover_view import handover_view
from ledger.shifts import ShiftError
from ledger.commands import alert_handling
from queries.ledger import alert_console, org
from queries.ledger import handover as handover_rows
from ledger.commands.alert_handling import AlertBusy, AlertNotFound, HandlingError

dash.register_page(__name__, path="/duty", name="duty", title="值班台 · 校园安全指挥中心")

REFRESH_MS = 500  # a colleague's acknowledgement shows here within a second, as on the wall
ACTIONS = ("acknowledge", "dispatch", "resolve")


def layout(school: object = None, lang: object = None, **_other) -> html.Div:
    lang = language(lang)
    principal = current()
    name = (principal.display_name or principal.username or "") if principal else ""
    role = td(lang, f"role_{principal.role}") if principal and principal.role in ("leader", "duty", "admin") else ""
    may_handle = bool(principal and principal.may(roles.ALERT_HANDLE))
    return html.Div(id=ids.DUTY, className="duty" + ("" if may_handle else " read-only"), lang=
                    "zh-CN" if lang == "zh" else "en", children=[
        dcc.Store(id=ids.DUTY_VIEW, data={"school": school if isinstance(school, str) else None, "lang": lang}),
        dcc.Store(id=ids.DUTY_LIST_DIGEST),
        dcc.Store(id=ids.DUTY_SELECTED),
        dcc.Store(id=ids.DUTY_ACTED),
        dcc.Interval(id=ids.DUTY_TICK, interval=REFRESH_MS),
        html.Header(className="duty-header", children=[
            html.H1(td(lang, "title")),
            html.Span(td(lang, "signed_in", name=name, role=role) if name else "", className="who"),
            html.Span(id=ids.DUTY_AS_OF, className="duty-as-of"),
            # A person signs out with the session's CSRF token (a token-held screen has no session to end).
            html.Form(action="/logout", method="post", className="sign-out", children=[
                dcc.Input(type="hidden", name="csrf", value=csrf_token()),
                html.Button(td(lang, "sign_out"), type="submit", id=ids.DUTY_SIGN_OUT)])
            if principal is not None and principal.user_id is not None else None,
        ]),
        html.Div(id=ids.DUTY_BANNER, className="duty-banner", hidden=True, children=td(lang, "ledger_down")),
        html.Div(className="duty-filters", children=[
            html.Label([td(lang, "filter_domain"), dcc.Dropdown(id=ids.DUTY_FILTER_DOMAIN, value="", clearable=False)]),
            html.Label([td(lang, "filter_building"),
                        dcc.Dropdown(id=ids.DUTY_FILTER_BUILDING, value="", clearable=False)]),
            html.Label([td(lang, "filter_type"), dcc.Dropdown(id=ids.DUTY_FILTER_TYPE, value="", clearable=False)]),
        ]),
        html.Main(className="duty-main", children=[
            html.Section(className="duty-list", children=[
                html.H2([td(lang, "open_alerts"), " ", html.Span(id=ids.DUTY_SUMMARY, className="summary")]),
                html.Div(id=ids.DUTY_FEEDBACK, className="feedback", role="status"),
                html.Table(className="alerts", children=[
                    html.Thead(html.Tr([html.Th(td(lang, k)) for k in (
                        "col_severity", "col_type", "col_place", "col_count", "col_since", "col_state",
                        "col_action")])),
                    html.Tbody(id=ids.DUTY_LIST),
                ]),
            ]),
            html.Section(className="duty-side", children=[
                html.Div(id=ids.DUTY_DETAIL, className="detail", children=html.P(td(lang, "pick_alert"))),
                html.Div(id=ids.DUTY_FORMS, className="forms", hidden=True, children=[
                    html.Fieldset([
                        html.Legend(td(lang, "dispatch")),
                        dcc.Input(id=ids.DUTY_ASSIGNEE, placeholder=td(lang, "assignee"), maxLength=64, value=""),
                        dcc.Textarea(id=ids.DUTY_DISPATCH_NOTE, placeholder=td(lang, "note"), maxLength=2000, value=""),
                        html.Button(td(lang, "dispatch"), id=ids.DUTY_DISPATCH, n_clicks=0),
                    ]),
                    html.Fieldset([
                        html.Legend(td(lang, "resolve")),
                        dcc.RadioItems(id=ids.DUTY_OUTCOME, inline=True, value=None, options=[
                            {"label": td(lang, "true_alarm"), "value": "true_alarm"},
                            {"label": td(lang, "false_alarm"), "value": "false_alarm"}]),
                        dcc.Textarea(id=ids.DUTY_RESOLVE_NOTE, placeholder=td(lang, "outcome_note"), maxLength=2000,
                                     value=""),
                        html.Button(td(lang, "resolve"), id=ids.DUTY_RESOLVE, n_clicks=0),
                    ]),
                ]),
                html.H3(td(lang, "history")),
                html.Ol(id=ids.DUTY_HISTORY, className="history"),
            ]),
        ]),
        html.Section(className="duty-list handover", children=[
            html.H2(td(lang, "handover")),
            view.handover_controls(lang, **_last_shift(lang)),
            html.Div(id=ids.DUTY_HANDOVER),
        ]),
    ])


def _last_shift(lang: str) -> dict:
    """The shift just handed over: what the incoming officer reads first."""
    live = services()
    plan = shift_plan(live.settings.shifts_file)
    window = plan.previous_shift(datetime.now(timezone.utc), live.settings.tz)
    shifts = [{"label": s.name_zh if lang == "zh" else s.name, "value": s.name} for s in plan.shifts]
    return {"date": window.day.isoformat(), "shifts": shifts, "shift": window.name}


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
                   buildings=view.filter_options(lang, choices["buildings"], "building"),
                   types=view.filter_options(lang, choices["types"], "type"))
    return out


REFRESH_OUT = ("rows", "summary", "digest", "domains", "buildings", "types", "banner", "as_of")


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
    if selected is None:
        return no_update, no_update, no_update
    live = services()
    try:
        with live.ledger_reads() as db:
            found = alert_console.console_alert(db, alert_id=selected, schools=_schools(view_state),
                                               now=datetime.now(timezone.utc), deadlines=live.deadlines)
            history = alert_console.alert_history(db, alert_id=selected) if found is not None else []
    except SQLAlchemyError:
        return no_update, no_update, no_update
    if found is None:
        return html.P(td(lang, "gone")), [], True
    alert = _plain(found)
    open_ = alert["state"] in view.HANDLED_STATES and bool(current() and current().may(roles.ALERT_HANDLE))
    return (view.detail_facts(lang, alert, live.settings.tz),
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
        action, alert_id, note, extra = "dispatch", selected, dispatch_note or "", {"assignee": (assignee or "").strip()}
        if not extra["assignee"]:
            return _say(lang, {"error": "need_assignee"}), no_update, no_update
    else:
        action, alert_id, note, extra = "resolve", selected, resolve_note or "", {"outcome": outcome}
        if outcome not in ("true_alarm", "false_alarm") or not note.strip():
            return _say(lang, {"error": "need_outcome"}), no_update, no_update
    principal = current()
    if principal is None or not principal.may(roles.ALERT_HANDLE):  # the guard refused already; twice is cheap
        return _say(lang, {"error": "not_allowed"}), no_update, no_update
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
        return html.Span(str(exc), className="tone-error"), no_update, no_update
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
    """The chosen shift's handover report on screen, and the address of its Excel file."""
    lang = language(view_state.get("lang"))
    live = services()
    # The page's store is the browser's: the school is held to the caller here too, not only by the
    # guard (dashboard/callback_scope.py).
    wanted = view_state.get("school")
    school = next(iter(readable_schools([wanted] if wanted else live.schools())), None)
    if not school or not day or not shift:
        return [], ""
    try:
        window = shift_plan(live.settings.shifts_file).shift_window(date.fromisoformat(day), shift, live.settings.tz)
    except (ValueError, ShiftError) as exc:
        return html.P(str(exc), className="tone-error"), ""
    try:
        with live.ledger_reads() as db:
            found = org.find_school(db, school)
            report = handover_rows.handover_report(db, school_id=found.id, window=window, tz=live.settings.tz) \
                if found is not None else None
    except SQLAlchemyError:
        return html.P(td(lang, "failed"), className="tone-error"), no_update
    if report is None:
        return html.P(td(lang, "gone")), ""
    href = (f"/api/v1/schools/{quote(school)}/handover?"
            + urlencode({"date": day, "shift": shift, "format": "xlsx", "lang": lang}))
    return view.handover_body(handover_view(report, lang)), href


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
                    banner=Output(ids.DUTY_BANNER, "hidden"), as_of=Output(ids.DUTY_AS_OF, "children")),
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
    app.callback(
        Output(ids.DUTY_HANDOVER, "children"), Output(ids.DUTY_DOWNLOAD, "href"),
        Input(ids.DUTY_SHIFT_DATE, "value"), Input(ids.DUTY_SHIFT, "value"), State(ids.DUTY_VIEW, "data"),
    )(show_handover)
    return handling
