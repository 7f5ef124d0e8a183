"""The duty console as pure builders: plain alert rows in, Dash components out.

The page (page.py, callbacks.py) fetches; these functions only shape. Every piece of text people
typed (notes, assignees, names) goes in as a string child, which Dash renders as text: a
`<script>` in a note shows as those characters and runs nowhere.
"""
from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from dashboard.pages.duty import ids
from dashboard.pages.duty.text import TEXT, td
from layouts.elapsed import since_text
from layouts.i18n import Language, alert_state_name, domain_name, event_type_name, severity_name

HANDLED_STATES = ("new", "acknowledged", "dispatched")  # what the console lists: still open
ON_CALL_MS = 60_000  # who is on call changes at a shift's start or a swap: a minute is soon enough
REFRESH_MS = 500  # a colleague's acknowledgement shows here within a second, as on the wall
ACTIONS = ("acknowledge", "dispatch", "resolve")


def place(alert: dict, lang: Language = "zh", *, with_school: bool = False) -> str:
    """Where an alert is, as a person reads it: the building's and zone's names (English with
    ?lang=en when there is one), the code only where the ledger has no name; the school's name
    first when the console covers several schools."""
    en = lang == "en"
    school = ((alert.get("school_name_en") if en else None) or alert.get("school_name_zh")
              or alert.get("school")) if with_school else None
    building = (alert.get("building_name_en") if en else None) or alert.get("building_name_zh") or alert.get(
        "building")
    zone = alert.get("zone_name_zh") or alert.get("zone")
    return " · ".join(part for part in (school, building, zone) if part)


def when(at: datetime | None, tz) -> str:
    """Local wall-clock time of a step; the date too when it is not today's."""
    if at is None:
        return ""
    local = at.astimezone(tz)
    return local.strftime("%m-%d %H:%M:%S")


def summary_line(lang: Language, alerts: list[dict]) -> str:
    return td(lang, "open_count", n=len(alerts), new=sum(a["state"] == "new" for a in alerts),
              escalated=sum(bool(a.get("escalated")) for a in alerts))


def state_text(lang: Language, alert: dict) -> str:
    text = alert_state_name(lang, alert["state"])
    if alert.get("escalated"):
        level = alert.get("escalation_level") or 1
        text += " · " + td(lang, "escalated", level=f" L{level}" if level > 1 else "")
    return text


def alert_rows(lang: Language, alerts: list[dict], *, now: datetime, selected: int | None,
               may_handle: bool) -> list[html.Tr]:
    """The open alerts in the order the query gives (unacknowledged, severity, age); each place
    with its school's name when they come from several schools."""
    several = len({a.get("school") for a in alerts}) > 1
    if not alerts:
        return [html.Tr(html.Td(td(lang, "empty"), colSpan=7, className="empty"))]
    rows = []
    for a in alerts:
        classes = [f"sev-{a['severity']}", f"state-{a['state']}"]
        if a.get("escalated"):
            classes.append("is-escalated")
        if a["id"] == selected:
            classes.append("is-selected")
        actions = []
        if a["state"] == "new" and may_handle:
            actions.append(html.Button(td(lang, "acknowledge"), id=ids.duty_ack(a["id"]), className="ack",
                                       n_clicks=0))
        actions.append(html.Button(td(lang, "details"), id=ids.duty_open(a["id"]), className="open", n_clicks=0))
        raised = a["raised_at"].isoformat() if a.get("raised_at") else None
        rows.append(html.Tr(className=" ".join(classes), **{"data-alert": str(a["id"])}, children=[
            html.Td(html.Span(severity_name(lang, a["severity"]), className="sev-badge"), className="sev"),
            html.Td([html.Div(event_type_name(lang, a["type"]), className="type-name"),
                     html.Div(domain_name(lang, a["domain"]), className="domain")], className="type"),
            html.Td(place(a, lang, with_school=several) or (a.get("device") or ""), className="place"),
            html.Td(td(lang, "repeats", n=a["count"]) if a.get("count", 1) > 1 else "", className="count"),
            html.Td(since_text(lang, raised, now), className="since"),
            html.Td(state_text(lang, a), className="state"),
            html.Td(actions, className="actions"),
        ]))
    return rows


def filter_options(lang: Language, values: list[str], kind: str, names: dict[str, dict] | None = None) -> list[dict]:
    """A filter's choices; buildings by their names (`names`: code -> {name_zh, name_en})."""
    def building(lang: Language, code: str) -> str:
        found = (names or {}).get(code) or {}
        return (found.get("name_en") if lang == "en" else None) or found.get("name_zh") or code

    name = {"domain": domain_name, "type": event_type_name, "building": building}.get(kind, lambda _lang, v: v)
    return [{"label": td(lang, "all"), "value": ""}] + [{"label": name(lang, v), "value": v} for v in values]


def history_items(lang: Language, history: list[dict], tz) -> list[html.Li]:
    if not history:
        return [html.Li(td(lang, "history_empty"), className="empty")]
    items = []
    for h in history:
        kind = h["kind"]
        label = td(lang, f"kind_{kind}") if f"kind_{kind}" in TEXT[lang] else kind  # an unknown step as itself
        parts = [html.Span(when(h.get("at"), tz), className="at"), html.Span(label, className="kind")]
        if h.get("by"):
            parts.append(html.Span(h["by"], className="by"))
        extra = []
        if h.get("assignee"):
            extra.append(f"→ {h['assignee']}")
        if h.get("outcome"):
            extra.append(td(lang, h["outcome"]) if h["outcome"] in ("true_alarm", "false_alarm") else h["outcome"])
        if h.get("level"):
            extra.append(f"L{h['level']}")
        if extra:
            parts.append(html.Span(" ".join(extra), className="extra"))
        if h.get("note"):
            parts.append(html.Div(h["note"], className="note"))
        items.append(html.Li(parts, className=f"step kind-{kind}"))
    return items


def detail_facts(lang: Language, alert: dict, tz) -> list:
    """The selected alert's facts as a definition list."""
    facts = [
        ("raised_at", when(alert.get("raised_at"), tz)),
        ("last_raised_at", when(alert.get("last_raised_at"), tz) if alert.get("count", 1) > 1 else ""),
        ("place", place(alert, lang, with_school=True)),
        ("device", alert.get("device") or ""),
        ("state", state_text(lang, alert)),
        ("acknowledged", " ".join(x for x in (alert.get("acknowledged_by") or "",
                                              when(alert.get("acknowledged_at"), tz)) if x)),
        ("dispatched_to", alert.get("dispatched_to") or ""),
    ]
    children = []
    for key, value in facts:
        if value:
            children += [html.Dt(td(lang, key)), html.Dd(value)]
    review = (html.A(td(lang, "review"), className="duty-review-link",
                     href=f"/review?alert={int(alert['id'])}" + ("&lang=en" if lang == "en" else ""))
              if isinstance(alert.get("id"), int) else None)
    return [html.H3([html.Span(severity_name(lang, alert["severity"]), className="sev-badge"), " ",
                     event_type_name(lang, alert["type"])], className=f"sev-{alert['severity']}"),
            html.Dl(children, className="facts"), review]


def pages_block(lang: Language, pages: list[dict], tz) -> list:
    """Who the escalation ladder paged for the alert, step by step, and whether it went (queries/ledger/
    ladder.pages_of as plain dicts). Nothing while nobody was paged. Names are text children."""
    if not pages:
        return []
    items = []
    for p in pages:
        step = td(lang, "page_step_0") if p["level"] == 0 else td(lang, "page_step", n=p["level"])
        if p["how"] == "nobody":
            who = td(lang, "page_nobody")
        else:
            role = td(lang, "page_group" if p["how"] == "group" else f"oncall_{p['oncall_level']}")
            who = (f"{p['name']}（{role}）" if lang == "zh" else f"{p['name']} ({role})") + (
                td(lang, "page_fallback") if p["how"] == "fallback" else "")
        status = "" if p["how"] == "nobody" else td(lang, f"page_{p['status']}", at=when(p.get("at"), tz))
        items.append(html.Li([html.Span(step, className="at"), html.Span(who, className="by"),
                              html.Span(status, className=f"page-{p['status']}")],
                             className="step kind-escalate" if p["how"] in ("nobody",) or p["status"] in (
                                 "unreachable", "failed") else "step"))
    return [html.H4(td(lang, "pages")), html.Ol(items, className="history pages")]


def feedback_text(lang: Language, result: dict) -> tuple[str, str]:
    """(message, tone) for the outcome of an action: done, or who acted first."""
    if result.get("ok"):
        return td(lang, f"done_{result['action']}"), "ok"
    if result.get("conflict"):
        c = result["conflict"]
        return td(lang, "conflict", by=c["by"] or "?", at=c["at"],
                  action=td(lang, f"action_{c['action']}") if c.get("action") in ("acknowledge", "dispatch", "resolve")
                  else c.get("action", "")), "warn"
    return td(lang, result.get("error", "failed")), "error"


def handover_controls(lang: Language, *, date: str, shifts: list[str], shift: str) -> html.Div:
    return html.Div(className="handover-controls", children=[
        html.Label([td(lang, "shift_date"),
                    dcc.Input(id=ids.DUTY_SHIFT_DATE, type="date", value=date, debounce=True)]),
        html.Label([td(lang, "shift"),
                    dcc.Dropdown(id=ids.DUTY_SHIFT, options=shifts, value=shift, clearable=False,
                                 searchable=False)]),
        html.A(td(lang, "download"), id=ids.DUTY_DOWNLOAD, href="", className="download"),
        html.A(td(lang, "download_pdf"), id=ids.DUTY_DOWNLOAD_PDF, href="", className="download", target="_blank",
               rel="noopener"),
    ])


def handover_body(shown: dict) -> list:
    """The report as handover_view (ledger/handover_view.py) shapes it: text only, in tables."""
    children = [html.H3(shown["shift"]),
                html.P(shown.get("on_call", ""), className="handover-on-call"),
                html.Dl([part for row in shown["summary"] for part in (html.Dt(row["label"]), html.Dd(row["value"]))],
                        className="facts handover-summary")]
    for table in shown["tables"]:
        children.append(html.H4(f"{table['title']}（{len(table['rows'])}）"))
        if table["rows"]:
            children.append(html.Table([
                html.Thead(html.Tr([html.Th(c) for c in table["columns"]])),
                html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in table["rows"]]),
            ], **{"data-table": table["key"]}))
    return children


def console(lang: Language, *, school: str | None, name: str, role: str, may_handle: bool, csrf: str | None,
            shift: dict, linked: int | None = None) -> html.Div:
    """The whole console, its lists empty (the every-second refresh fills them). `name`, `role`: who
    is signed in ("" for a token-held screen); `csrf`: the session's token for the sign-out form (None:
    no person, no form); `shift`: the handover controls' date, shifts and chosen shift."""
    return html.Div(id=ids.DUTY, className="duty" + ("" if may_handle else " read-only"), lang=
                    "zh-CN" if lang == "zh" else "en", children=[
        dcc.Store(id=ids.DUTY_VIEW, data={"school": school, "lang": lang}),
        dcc.Store(id=ids.DUTY_LIST_DIGEST),
        dcc.Store(id=ids.DUTY_SELECTED, data=linked),
        dcc.Store(id=ids.DUTY_LINKED, data=linked),
        dcc.Store(id=ids.DUTY_ACTED),
        dcc.Store(id=ids.DUTY_CRITICAL), dcc.Store(id=ids.DUTY_SOUNDED, data=[]),
        dcc.Store(id=ids.DUTY_SOUND_TEXT, data={k: td(lang, f"sound_{k}") for k in ("on", "off", "blocked")}
                  | {"mute": td(lang, "mute"), "muted": td(lang, "muted")}),
        dcc.Interval(id=ids.DUTY_TICK, interval=REFRESH_MS),
        dcc.Interval(id=ids.DUTY_ON_CALL_TICK, interval=ON_CALL_MS),
        html.Header(className="duty-header", children=[
            html.H1(td(lang, "title")),
            html.Span(td(lang, "signed_in", name=name, role=role) if name else "", className="who"),
            html.Span(id=ids.DUTY_AS_OF, className="duty-as-of"),
            # Off until tapped once (browsers allow sound after a tap); the browser remembers it (duty.js).
            html.Button(td(lang, "sound_off"), id=ids.DUTY_SOUND, className="sound sound-off", n_clicks=0),
            # The repeating alarm's 5-minute mute (duty.js): shown while a critical alert is unacknowledged.
            html.Button(td(lang, "mute"), id=ids.DUTY_MUTE, className="mute", n_clicks=0, hidden=True),
            html.Span(id=ids.DUTY_ON_CALL, className="duty-on-call"),
            # A person's own hazard work and inspections (the phone pages, /m); a token has none.
            html.A(td(lang, "my_work"), className="duty-my-work", href="/m" + ("?lang=en" if lang == "en" else ""))
            if csrf is not None else None,
            # A person signs out with the session's CSRF token (a token-held screen has no session to end).
            html.Form(action="/logout", method="post", className="sign-out", children=[
                dcc.Input(type="hidden", name="csrf", value=csrf),
                html.Button(td(lang, "sign_out"), type="submit", id=ids.DUTY_SIGN_OUT)])
            if csrf is not None else None,
        ]),
        html.Div(id=ids.DUTY_BANNER, className="duty-banner", hidden=True, children=td(lang, "ledger_down")),
        html.Div(id=ids.DUTY_ALARM, className="duty-alarm", role="alert", hidden=True),
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
                html.Div(id=ids.DUTY_CARD, className="response-card"),
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
            handover_controls(lang, **shift),
            html.Div(id=ids.DUTY_HANDOVER),
        ]),
    ])


