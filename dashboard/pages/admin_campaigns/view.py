"""The campaigns page's builders, pure: plain campaign rows in, Dash components out. Names and items
are rendered as text (Dash escapes them), never as markup."""
from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.admin_campaigns import ids
from dashboard.pages.admin_campaigns.text import tc
from layouts.i18n import Language
from layouts.lead_ledger_text import local_name

if TYPE_CHECKING:  # the rows queries/ledger/campaign_admin.py returns; annotations only
    from queries.ledger.campaign_admin import CampaignRow

SCHOOL_TYPES = ("university", "vocational", "middle", "primary", "kindergarten", "special")


def types_text(lang: Language, types) -> str:
    return "、".join(tc(lang, f"type_{t}") for t in types) if types else tc(lang, "every_type")


def campaign_list(lang: Language, rows: list[CampaignRow]) -> html.Div:
    if not rows:
        return html.P(tc(lang, "empty"), className="lead-note")
    items = []
    for row in rows:
        phases = " · ".join(f"{tc(lang, f'phase_{p}')} {s}–{e}" for p, s, e in row.phases) or tc(lang, "no_phase")
        owner = row.owner or tc(lang, "every_school")
        items.append(html.Li(className="admin-campaign" + ("" if row.editable else " is-read-only"),
                             **{"data-code": row.code}, children=[
            html.Span(local_name(lang, row.name_zh, row.name_en), className="admin-campaign-name"),
            html.Code(row.code, className="admin-tree-code"),
            html.Span(types_text(lang, row.school_types), className="admin-campaign-types"),
            html.Span(f"{tc(lang, 'owner')}：{owner}" if lang == "zh" else f"{tc(lang, 'owner')}: {owner}",
                      className="admin-campaign-owner"),
            html.Span(tc(lang, "items_count", n=len(row.items)), className="admin-campaign-items"),
            html.Span(phases, className="admin-campaign-phases"),
            None if row.editable else html.Span(tc(lang, "read_only"), className="admin-campaign-read-only"),
        ]))
    return html.Ul(items, className="admin-campaigns")


def pick_options(lang: Language, rows: list[CampaignRow]) -> list[dict]:
    return [{"label": f"{local_name(lang, r.name_zh, r.name_en)}（{r.code}）", "value": r.code}
            for r in rows if r.editable]


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def form(lang: Language, rows: list[CampaignRow]) -> html.Section:
    types = [{"label": tc(lang, f"type_{t}"), "value": t} for t in SCHOOL_TYPES]
    phases = [html.Div(className="admin-phase", children=[
        html.Span(tc(lang, f"phase_{p}"), className="admin-label"),
        dcc.Input(id=ids.starts(p), type="date", placeholder=tc(lang, "starts")),
        html.Span("–"),
        dcc.Input(id=ids.ends(p), type="date", placeholder=tc(lang, "ends")),
    ]) for p in ids.PHASES]
    return html.Section(className="lead-card admin-card", children=[
        html.H2(tc(lang, "form")),
        _field(tc(lang, "pick"), dcc.Dropdown(id=ids.PICK, options=pick_options(lang, rows))),
        _field(tc(lang, "code"), dcc.Input(id=ids.CODE, type="text", maxLength=64, autoComplete="off")),
        _field(tc(lang, "name"), dcc.Input(id=ids.NAME, type="text", maxLength=200)),
        _field(tc(lang, "name_en"), dcc.Input(id=ids.NAME_EN, type="text", maxLength=200)),
        _field(tc(lang, "types"), dcc.Checklist(id=ids.TYPES, options=types, value=[], inline=True)),
        _field(tc(lang, "building_kinds"), dcc.Input(id=ids.BUILDING_KINDS, type="text", maxLength=300)),
        _field(tc(lang, "source"), dcc.Input(id=ids.SOURCE, type="text", maxLength=200)),
        _field(tc(lang, "items"), dcc.Textarea(id=ids.ITEMS, rows=8, maxLength=60_000)),
        _field(tc(lang, "items_en"), dcc.Textarea(id=ids.ITEMS_EN, rows=8, maxLength=60_000)),
        html.Div(phases, className="admin-phases"),
        html.Button(tc(lang, "save"), id=ids.SAVE, className="lead-button admin-primary", n_clicks=0),
    ])


def importer(lang: Language) -> html.Section:
    return html.Section(className="lead-card admin-card", children=[
        html.H2(tc(lang, "import")),
        dcc.Upload(id=ids.UPLOAD, accept=".toml", max_size=64 * 1024, className="admin-upload",
                   children=html.Div(tc(lang, "upload"))),
    ])


def body(lang: Language, rows: list[CampaignRow]) -> html.Div:
    return html.Div(className="admin-campaigns-page", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        html.P(tc(lang, "hint"), className="lead-note"),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(tc(lang, "list")), html.Div(campaign_list(lang, rows), id=ids.LIST)]),
            html.Div(className="admin-forms", children=[form(lang, rows), importer(lang)]),
        ]),
    ])
