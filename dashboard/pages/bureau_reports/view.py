"""The district's reports page's parts, pure: the window picker (links), the reporting rate per school
and for the district (a sum of counts), the reports due in the window with receipt and return, and
the district's rules. Data in, Dash components out; the schools' text goes in as strings, never markup.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dash import dcc, html

from dashboard.pages.bureau_reports import ids
from dashboard.pages.bureau_reports.text import KINDS, STATES, TIMELINESS, name, tr
from layouts.i18n import Language

if TYPE_CHECKING:  # the reads (queries/ledger/reporting.py) and ledger/reporting.py; annotations only
    from ledger.reporting import Rate, Rules
    from queries.ledger.reporting import DueItem

MAX_REASON = 1000  # ledger/reporting.py MAX_REASON


def when(value: datetime | None, tz: ZoneInfo) -> str:
    return "—" if value is None else value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


def windows(lang: Language, links: list[tuple[str, str, bool]]) -> html.Nav:
    """(label, href, current) links: the months and the year to date."""
    return html.Nav([html.Span(tr(lang, "window"), className="lead-note"),
                     *(dcc.Link(label, href=href, className="lead-tab" + (" is-current" if here else ""))
                       for label, href, here in links)], className="lead-tabs bureau-windows")


def rate_table(lang: Language, rates: list[tuple[str, str, Rate]], total: Rate) -> list:
    """One row a school (code, name, Rate) and the district's total (the sum of the counts)."""
    head = [tr(lang, k) for k in ("col_school", "col_due", "col_on_time", "col_late", "col_missing", "col_rate")]

    def row(label: str, rate: Rate, code: str | None, cls: str = "") -> html.Tr:
        return html.Tr([html.Td(label), html.Td(str(rate.due)), html.Td(str(rate.on_time)), html.Td(str(rate.late)),
                        html.Td(str(rate.missing)), html.Td(pct(rate.rate), **{"data-rate": code or "total"})],
                       className=cls, **{"data-school": code or "total"})
    body = [row(label, rate, code) for code, label, rate in rates]
    body.append(row(tr(lang, "total"), total, None, "bureau-total"))
    return [html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="lead-table"))]


def report_rows(lang: Language, rows: list[DueItem] | tuple, tz: ZoneInfo) -> list:
    """The reports due in the window: school, report, due moment, state and timeliness, and receipt
    or return for a submitted one."""
    if not rows:
        return [html.P(tr(lang, "empty"), className="lead-note")]
    head = [tr(lang, k) for k in ("col_school", "col_report", "col_deadline", "col_status", "col_actions")]
    body = []
    for r in rows:
        school = (r.school_name_en if lang == "en" else None) or r.school_name_zh
        state = [html.Div(name(STATES, r.status, lang)),
                 html.Div(name(TIMELINESS, r.timeliness, lang), className=f"reports-timeliness is-{r.timeliness}")]
        if r.first_submitted_at is not None:
            state.append(html.Div(tr(lang, "submitted_at", at=when(r.first_submitted_at, tz)), className="lead-note"))
        if r.status == "returned" and r.return_reason:
            state.append(html.Div(tr(lang, "returned", reason=r.return_reason), className="lead-note"))
        actions = []
        if r.status == "submitted" and r.report_id is not None:
            actions = [html.Button(tr(lang, "receipt"), id={"type": ids.RECEIPT, "report": r.report_id}, n_clicks=0,
                                   type="button", className="lead-button"),
                       html.Button(tr(lang, "return"), id={"type": ids.RETURN, "report": r.report_id}, n_clicks=0,
                                   type="button", className="lead-button inspection-plans-retire")]
        body.append(html.Tr(**{"data-school": r.school, "data-report": r.subject, "data-kind": r.kind,
                               "data-timeliness": r.timeliness}, children=[
            html.Td(school), html.Td([html.Div(r.title), html.Div(name(KINDS, r.kind, lang), className="lead-note")]),
            html.Td(when(r.due_at, tz)), html.Td(state), html.Td(actions)]))
    return [html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="lead-table"))]


def rules_card(lang: Language, rules: Rules) -> html.Section:
    def number(id_, value, low, high):
        return dcc.Input(id=id_, type="number", min=low, max=high, step=1, value=value,
                         className="inspection-plans-input")
    fields = ((ids.RULE_DAY, "rule_day", rules.monthly_due_day, 1, 28),
              (ids.RULE_HAZARD, "rule_hazard", rules.major_hazard_hours, 1, 720),
              (ids.RULE_ALARM, "rule_alarm", rules.true_alarm_hours, 1, 720))
    return html.Section(className="lead-card bureau-rules", children=[
        html.H2(tr(lang, "rules")),
        *(html.Div([html.Label(tr(lang, key), htmlFor=id_, className="inspection-plans-label"),
                    number(id_, value, low, high)], className="inspection-plans-field")
          for id_, key, value, low, high in fields),
        html.Div([html.Label(tr(lang, "rule_first"), htmlFor=ids.RULE_FIRST, className="inspection-plans-label"),
                  dcc.Input(id=ids.RULE_FIRST, type="text", maxLength=7, value=rules.first_period or "",
                            placeholder="2026-09", className="inspection-plans-input")],
                 className="inspection-plans-field"),
        html.Div(className="inspection-plans-actions", children=[
            html.Button(tr(lang, "rule_save"), id=ids.RULE_SAVE, n_clicks=0, type="button", className="lead-button"),
            html.Div(id=ids.RULE_MESSAGE, className="inspection-plans-message", role="status",
                     **{"aria-live": "polite"}),
        ]),
    ])


def body(lang: Language, *, unit_name: str, window: str, links, rates, total: Rate, rows, rules: Rules | None,
         tz: ZoneInfo) -> html.Div:
    """The page under the frame: the window, the rates, the reports, the rules (for a district's people)."""
    return html.Div(className="inspection-plans-body bureau-reports", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang, "window": window}),
        html.H1(tr(lang, "title"), className="lead-page-title"),
        html.P(tr(lang, "intro", unit=unit_name), className="lead-note"),
        windows(lang, links),
        html.Section(className="lead-card", children=[html.H2(tr(lang, "rates")),
                                                       html.Div(rate_table(lang, rates, total), id=ids.RATES)]),
        html.Section(className="lead-card", children=[
            html.H2(tr(lang, "list")),
            html.Div(className="inspection-plans-field is-wide", children=[
                html.Label(tr(lang, "reason"), htmlFor=ids.REASON, className="inspection-plans-label"),
                dcc.Input(id=ids.REASON, type="text", maxLength=MAX_REASON, value="",
                          className="inspection-plans-input"),
            ]),
            html.Div(id=ids.MESSAGE, className="inspection-plans-message", role="status", **{"aria-live": "polite"}),
            html.Div(report_rows(lang, rows, tz), id=ids.LIST),
        ]),
        rules_card(lang, rules) if rules is not None else None,
    ])


def said(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")
