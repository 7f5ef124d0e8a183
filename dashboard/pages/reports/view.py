"""The school's reports page's parts, pure: the monthly report's month picker, the panel of the report
shown (its state, due moment, figures, the school's text with save and submit) and the list of the
school's reports with their state and timeliness. Data in, Dash components out; what people typed
goes in as Dash children strings, never markup.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.reports import ids
from dashboard.pages.reports.text import KINDS, STATES, TIMELINESS, name, tr
from kernel.names import domain_name
from layouts.i18n import Language

if TYPE_CHECKING:  # the reads (queries/ledger/reporting.py); annotations only
    from queries.ledger.reporting import DueItem

MAX_TEXT = 8000  # ledger/reporting.py MAX_TEXT: the ledger refuses longer, the input stops there
# The figures as the panel groups them (keys of queries.ledger.reporting.MonthlyFigures).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("f_hazards", ("hazards_found", "hazards_found_major", "hazards_rectified", "hazards_open", "hazards_overdue",
                   "hazards_major_open")),
    ("f_inspections", ("inspections_owed", "inspections_done", "inspections_late", "inspections_missed",
                       "inspections_due")),
    ("f_drills", ("drills", "trainings")),
    ("f_alerts", ("alerts_raised", "alerts_critical", "alerts_true", "alerts_false", "ack_median_s", "ack_p90_s")),
)
DOMAIN_COLUMNS = ("raised", "critical", "true_alarms", "false_alarms", "ack_median_s", "ack_p90_s")


def when(value: datetime | str | None, tz: ZoneInfo) -> str:
    """A moment as local 'YYYY-MM-DD HH:MM' (24:00 of a due day shows as the next day's 00:00)."""
    if value is None:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def duration(lang: Language, seconds: float | None) -> str:
    if seconds is None:
        return tr(lang, "none")
    return tr(lang, "seconds", s=round(seconds)) if seconds < 120 else tr(lang, "minutes", m=round(seconds / 60, 1))


def figure(lang: Language, key: str, value) -> str:
    return duration(lang, value) if key.endswith("_s") else str(value)


def figures_block(lang: Language, figures: dict, *, kept: bool, tz: ZoneInfo) -> html.Div:
    """The month's figures: one small table a group, and the alerts per domain."""
    head = tr(lang, "figures_kept" if kept else "figures", as_of=when(figures.get("as_of"), tz))
    tables = []
    for group, keys in GROUPS:
        tables.append(html.Div(className="reports-figure-group", children=[
            html.H3(tr(lang, group)),
            html.Table(html.Tbody([html.Tr([html.Th(tr(lang, k)), html.Td(figure(lang, k, figures.get(k, 0)),
                                                                          **{"data-figure": k})]) for k in keys]),
                       className="lead-table reports-figures")]))
    domains = figures.get("alerts_by_domain") or {}
    if domains:
        cols = ("alerts_raised", "alerts_critical", "alerts_true", "alerts_false", "ack_median_s", "ack_p90_s")
        rows = [html.Tr([html.Td(domain_name(lang, domain)),
                         *(html.Td(figure(lang, c, d.get(c))) for c in DOMAIN_COLUMNS)],
                        **{"data-domain": domain}) for domain, d in domains.items()]
        tables.append(html.Div(className="reports-figure-group is-wide", children=[
            html.H3(tr(lang, "f_alerts") + " · " + tr(lang, "domain")),
            html.Table([html.Thead(html.Tr([html.Th(tr(lang, "domain")), *(html.Th(tr(lang, c)) for c in cols)])),
                        html.Tbody(rows)], className="lead-table reports-figures")]))
    return html.Div([html.H3(head, className="reports-figures-head"),
                     html.Div(tables, className="reports-figure-grid")], className="reports-figures-block")


def panel(lang: Language, shown: dict | None, tz: ZoneInfo) -> list:
    """The report shown (a plain dict the callbacks read: see callbacks.shown), or the hint."""
    if not shown:
        return [html.P(tr(lang, "panel_empty"), className="lead-note")]
    lines = [tr(lang, "due", due=when(shown["due_at"], tz)) + " · " + name(TIMELINESS, shown["timeliness"], lang)]
    if shown.get("submitted_at"):
        lines.append(tr(lang, "submitted_at", at=when(shown["submitted_at"], tz), by=shown.get("submitted_by") or ""))
    if shown.get("receipted_at"):
        lines.append(tr(lang, "receipted_at", at=when(shown["receipted_at"], tz), by=shown.get("receipted_by") or ""))
    parts = [html.H2(shown["title"], className="reports-panel-title"),
             html.Div(name(STATES, shown["status"], lang), className=f"reports-state is-{shown['status']}",
                      **{"data-status": shown["status"]}),
             *(html.P(line, className="lead-note") for line in lines)]
    if shown["status"] == "returned" and shown.get("return_reason"):
        parts.append(html.P(tr(lang, "returned", reason=shown["return_reason"]), className="tone-error"))
    if shown.get("figures"):
        parts.append(figures_block(lang, shown["figures"], kept=bool(shown.get("kept")), tz=tz))
    return parts


def report_rows(lang: Language, rows: list[DueItem] | tuple, tz: ZoneInfo) -> list:
    """The list: the school's reports (newest due first), each with its state, timeliness, and open."""
    if not rows:
        return [html.P(tr(lang, "empty"), className="lead-note")]
    head = [tr(lang, k) for k in ("col_report", "col_due", "col_status", "col_when", "col_actions")]
    body = []
    for r in rows:
        opener = html.Button(tr(lang, "pick"), id={"type": ids.PICK, "report": r.report_id}, n_clicks=0,
                             type="button", className="lead-button") if r.report_id is not None else \
            html.Span(tr(lang, "not_opened"), className="lead-note")
        body.append(html.Tr(**{"data-report": r.subject, "data-kind": r.kind, "data-timeliness": r.timeliness},
                            children=[
            html.Td([html.Div(r.title), html.Div(name(KINDS, r.kind, lang), className="lead-note")]),
            html.Td(when(r.due_at, tz)),
            html.Td([html.Div(name(STATES, r.status, lang)),
                     html.Div(name(TIMELINESS, r.timeliness, lang),
                              className=f"reports-timeliness is-{r.timeliness}")]),
            html.Td(when(r.first_submitted_at, tz) if r.first_submitted_at else "—"),
            html.Td(opener),
        ]))
    return [html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="lead-table"))]


def body(lang: Language, *, school: str, periods: list[str], period: str, rows, tz: ZoneInfo) -> html.Div:
    """The page under the frame: title, the panel (month picker, the report shown, text, save,
    submit) and the school's reports."""
    return html.Div(className="inspection-plans-body reports", children=[
        dcc.Store(id=ids.VIEW, data={"school": school, "lang": lang}),
        dcc.Store(id=ids.EDITING, data=None),
        html.H1(tr(lang, "title"), className="lead-page-title"),
        html.P(tr(lang, "intro"), className="lead-note"),
        html.Div(className="inspection-plans-grid", children=[
            html.Section(className="lead-card inspection-plans-form reports-panel-card", children=[
                html.Div(className="inspection-plans-formhead", children=[
                    html.Label(tr(lang, "period"), htmlFor=ids.PERIOD, className="inspection-plans-label"),
                    dcc.Dropdown(id=ids.PERIOD, options=[{"label": p, "value": p} for p in periods], value=period,
                                 clearable=False, className="inspection-plans-dropdown"),
                    html.Button(tr(lang, "open"), id=ids.OPEN, n_clicks=0, type="button", className="lead-button"),
                ]),
                html.Div(panel(lang, None, tz), id=ids.PANEL),
                html.Label(tr(lang, "text"), htmlFor=ids.TEXT, className="inspection-plans-label"),
                dcc.Textarea(id=ids.TEXT, maxLength=MAX_TEXT, value="",
                             className="inspection-plans-input reports-text"),
                html.Div(className="inspection-plans-actions", children=[
                    html.Button(tr(lang, "save"), id=ids.SAVE, n_clicks=0, type="button", className="lead-button"),
                    html.Button(tr(lang, "submit"), id=ids.SUBMIT, n_clicks=0, type="button",
                                className="lead-button inspection-plans-save"),
                    html.Div(id=ids.MESSAGE, className="inspection-plans-message", role="status",
                             **{"aria-live": "polite"}),
                ]),
            ]),
            html.Section(className="lead-card inspection-plans-list", children=[
                html.H2(tr(lang, "list")),
                html.Div(report_rows(lang, rows, tz), id=ids.LIST),
            ]),
        ]),
    ])


def said(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")
