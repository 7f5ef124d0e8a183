"""The duty console as pure builders: plain alert rows in, Dash components out.

The page (dashboard/pages/duty.py) fetches; these functions only shape. Every piece of text people
typed (notes, assignees, names) goes in as a string child, which Dash renders as text: a
`<script>` in a note shows as those characters and runs nowhere.
"""
from __future__ import annotations

from datetime import datetime

from dash import dcc, html

from dashboard import ids
from layouts.duty_text import TEXT, td
from layouts.i18n import Language, alert_state_name, domain_name, event_type_name, severity_name
from layouts.elapsed import since_text

HANDLED_STATES = ("new", "acknowledged", "dispatched")  # what the console lists: still open


def place(alert: dict) -> str:
    return " · ".join(part for part in (alert.get("building"), alert.get("zone")) if part)


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
    """The open alerts in the order the query gives (unacknowledged, severity, age)."""
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
            html.Td(place(a) or (a.get("device") or ""), className="place"),
            html.Td(td(lang, "repeats", n=a["count"]) if a.get("count", 1) > 1 else "", className="count"),
            html.Td(since_text(lang, raised, now), className="since"),
            html.Td(state_text(lang, a), className="state"),
            html.Td(actions, className="actions"),
        ]))
    return rows


def filter_options(lang: Language, values: list[str], kind: str) -> list[dict]:
    name = {"domain": domain_name, "type": event_type_name}.get(kind, lambda _lang, v: v)
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
        ("place", place(alert)),
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
    return [html.H3([html.Span(severity_name(lang, alert["severity"]), className="sev-badge"), " ",
                     event_type_name(lang, alert["type"])], className=f"sev-{alert['severity']}"),
            html.Dl(children, className="facts")]


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
    ])


def handover_body(shown: dict) -> list:
    """The report as handover_view (ledger/handover_view.py) shapes it: text only, in tables."""
    children = [html.H3(shown["shift"]),
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
