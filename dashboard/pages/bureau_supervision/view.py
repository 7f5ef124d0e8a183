"""The bureau's supervision page's builders, pure: plain rows in (queries/ledger/supervision.py),
Dash components out. Every text a person typed is rendered as text."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from dash import dcc, html

from dashboard.pages.bureau_supervision import ids
from dashboard.pages.bureau_supervision.text import tb
from kernel.names import GRADE_NAMES, STAGE_NAMES
from layouts.i18n import Language
from layouts.phone_view import PhoneView
from layouts.supervision_items import KINDS, item_cards, said, ts

TEXT_MAX = 4000  # ledger/supervision.py TEXT_MAX (the ledger checks; the box only stops typing)


@dataclass(frozen=True)
class Bureau:
    """What the page shows: the officer's unit (None: the account is no officer's), its schools as
    (code, name), their counts, the items and each item's steps."""

    unit_name: str | None
    schools: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    items: list = field(default_factory=list)
    histories: dict = field(default_factory=dict)
    now: datetime | None = None
    tz: tzinfo | None = None


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="phone-label"), control], className="phone-field")


def summary(lang: Language, data: Bureau) -> html.Table:
    names = dict(data.schools)
    head = html.Tr([html.Th(tb(lang, k)) for k in ("school", "open", "overdue", "closed")])
    rows = [html.Tr([html.Td(names.get(code, code)), html.Td(c.open), html.Td(c.overdue, className="sv-late"
                                                                              if c.overdue else None),
                     html.Td(c.closed)]) for code, c in data.counts.items()]
    return html.Table([html.Thead(head), html.Tbody(rows)], className="sv-table")


def act_options(lang: Language, data: Bureau) -> list[dict]:
    names = dict(data.schools)
    return [{"label": f"{names.get(i.school, i.school)} · {i.title} · {ts(lang, 'state_' + i.state)}", "value": i.id}
            for i in data.items if i.state != "closed"]


def hazard_options(lang: Language, choices) -> list[dict]:
    """The picker's options from queries/ledger/supervision.py `HazardChoice` rows: code · grade · stage ·
    title (· overdue); the label is plain text (a title a school typed is never markup)."""
    side = 0 if lang == "zh" else 1
    options = []
    for c in choices:
        parts = [c.code, GRADE_NAMES.get(c.grade, (c.grade,) * 2)[side], STAGE_NAMES.get(c.stage, (c.stage,) * 2)[side],
                 c.title]
        if c.overdue:
            parts.append(tb(lang, "overdue_mark"))
        options.append({"label": " · ".join(parts), "value": c.code})
    return options


def open_form(lang: Language, data: Bureau) -> html.Section:
    today = data.now.astimezone(data.tz).date().isoformat() if data.now and data.tz else None
    return html.Section(className="phone-card sv-form", children=[
        html.H2(tb(lang, "new"), className="phone-section"),
        _field(tb(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=[{"label": n, "value": c}
                                                                        for c, n in data.schools],
                                                placeholder=tb(lang, "pick"))),
        _field(tb(lang, "kind"), dcc.RadioItems(id=ids.KIND, value="hazard", inline=True, className="phone-radios",
                                                options=[{"label": ts(lang, "kind_" + k), "value": k}
                                                         for k in KINDS])),
        _field(tb(lang, "ref"), dcc.Input(id=ids.REF, type="text", maxLength=128)),
        _field(tb(lang, "hazard_pick"), dcc.Dropdown(id=ids.HAZARD_PICK, options=[], placeholder=tb(lang, "pick"),
                                                     searchable=True)),
        _field(tb(lang, "item_title"), dcc.Input(id=ids.TITLE, type="text", maxLength=200)),
        _field(tb(lang, "instructions"), dcc.Textarea(id=ids.INSTRUCTIONS, rows=4, maxLength=TEXT_MAX)),
        _field(tb(lang, "deadline"), dcc.Input(id=ids.DEADLINE, type="date", min=today)),
        html.Button(tb(lang, "send_open"), id=ids.OPEN, n_clicks=0, type="button", className="phone-primary"),
    ])


def act_form(lang: Language, data: Bureau) -> html.Section:
    return html.Section(className="phone-card sv-form", children=[
        html.H2(tb(lang, "act"), className="phone-section"),
        _field(tb(lang, "act_item"), dcc.Dropdown(id=ids.ACT_ITEM, options=act_options(lang, data),
                                                  placeholder=tb(lang, "pick"))),
        _field(tb(lang, "act_note"), dcc.Textarea(id=ids.ACT_NOTE, rows=3, maxLength=TEXT_MAX)),
        html.Div([html.Button(tb(lang, "send_return"), id=ids.RETURN, n_clicks=0, type="button",
                              className="phone-secondary"),
                  html.Button(tb(lang, "send_close"), id=ids.CLOSE, n_clicks=0, type="button",
                              className="phone-primary")], className="sv-buttons"),
    ])


def items(lang: Language, data: Bureau) -> list:
    return item_cards(lang, data.items, data.histories, data.tz, show_school=True)


def body(view: PhoneView, data: Bureau) -> html.Div:
    lang = view.lang
    if data.unit_name is None:
        return html.Div(html.P(tb(lang, "not_officer"), className="phone-card"), className="sv-page")
    return html.Div(className="sv-page sv-bureau", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.H1(f"{data.unit_name} · {tb(lang, 'title')}", className="sv-title"),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
        html.Section(className="phone-card", children=[html.H2(tb(lang, "summary"), className="phone-section"),
                                                       html.Div(summary(lang, data), id=ids.COUNTS)]),
        html.Div([open_form(lang, data), act_form(lang, data)], className="sv-forms"),
        html.H2(tb(lang, "list"), className="phone-section"),
        html.Div(items(lang, data), id=ids.LIST),
    ])


def message(ok: bool, text: str) -> html.Span:
    return said(ok, text)

