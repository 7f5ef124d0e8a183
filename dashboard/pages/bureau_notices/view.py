"""The bureau's notices page's builders, pure: plain rows in (queries/ledger/notices.py), Dash
components out. Titles and texts are rendered as text."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from dash import dcc, html

from dashboard.pages.bureau_notices import ids
from dashboard.pages.bureau_notices.text import tn
from layouts.i18n import Language
from layouts.phone_view import PhoneView
from layouts.supervision_items import said, when

TITLE_MAX = 200  # ledger/supervision.py TITLE_MAX
BODY_MAX = 10_000  # ledger/commands/notices.py BODY_MAX


@dataclass(frozen=True)
class Sent:
    """The officer's unit (None: no officer's account), its schools as (code, name), its notices and
    each notice's receipts (queries/ledger/notices.py ReceiptRow)."""

    unit_name: str | None
    schools: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    receipts: dict = field(default_factory=dict)
    tz: tzinfo | None = None


def notice_list(lang: Language, data: Sent) -> list:
    if not data.notices:
        return [html.P(tn(lang, "none"), className="phone-muted")]
    cards = []
    for n in data.notices:
        rows = data.receipts.get(n.id, [])
        cards.append(html.Article(className="phone-card sv-notice", children=[
            html.H3(n.title, className="phone-section"),
            html.P([html.Span(tn(lang, "read_count", read=n.read, total=n.schools),
                              className="sv-badge " + ("sv-closed" if n.read == n.schools else "sv-open")),
                    html.Span(" " + tn(lang, "by", at=when(n.published_at, data.tz), who=n.published_by),
                              className="phone-muted")]),
            html.Details([html.Summary(tn(lang, "body")), html.P(n.body, className="sv-text")]),
            html.Ul([html.Li([html.Span(r.school_name, className="sv-school"), " ",
                              html.Span(tn(lang, "read_by", at=when(r.read_at, data.tz), who=r.read_by or "")
                                        if r.read_at else tn(lang, "unread"),
                                        className="sv-read" if r.read_at else "sv-unread")])
                     for r in rows], className="sv-receipts"),
        ]))
    return cards


def form(lang: Language, data: Sent, form_key: str) -> html.Section:
    return html.Section(className="phone-card sv-form", children=[
        html.H2(tn(lang, "new"), className="phone-section"),
        dcc.Store(id=ids.FORM_KEY, data=form_key),
        html.Label([html.Span(tn(lang, "notice_title"), className="phone-label"),
                    dcc.Input(id=ids.TITLE, type="text", maxLength=TITLE_MAX)], className="phone-field"),
        html.Label([html.Span(tn(lang, "body"), className="phone-label"),
                    dcc.Textarea(id=ids.BODY, rows=6, maxLength=BODY_MAX)], className="phone-field"),
        html.Div([html.Span(tn(lang, "schools"), className="phone-label"),
                  dcc.Checklist(id=ids.SCHOOLS, options=[{"label": n, "value": c} for c, n in data.schools],
                                value=[], className="sv-schools")], className="phone-field"),
        html.Button(tn(lang, "publish"), id=ids.PUBLISH, n_clicks=0, type="button", className="phone-primary"),
    ])


def body(view: PhoneView, data: Sent, form_key: str) -> html.Div:
    lang = view.lang
    if data.unit_name is None:
        return html.Div(html.P(tn(lang, "not_officer"), className="phone-card"), className="sv-page")
    return html.Div(className="sv-page sv-bureau-notices", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.H1(f"{data.unit_name} · {tn(lang, 'title')}", className="sv-title"),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
        form(lang, data, form_key),
        html.H2(tn(lang, "list"), className="phone-section"),
        html.Div(notice_list(lang, data), id=ids.LIST),
    ])


def message(ok: bool, text: str) -> html.Span:
    return said(ok, text)
