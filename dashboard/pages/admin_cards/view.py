"""The response card page's builders, pure: the school's cards as a table, the form. Card text is
shown as text; nothing here links or dials."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.admin_cards import ids
from dashboard.pages.admin_cards.text import td
from kernel.catalogue import CATALOGUE, DOMAINS
from layouts.admin_choices import name_of, school_options
from layouts.i18n import Language, domain_name, event_type_name

FAMILY_NAMES = {"fire": ("消防类", "Fire"), "security": ("安防类", "Security")}


def type_options(lang: Language) -> list[dict]:
    """Families (the part before the dot: every fire alarm) first, then each type."""
    families = sorted({t.split(".")[0] for t in CATALOGUE if "." in t})
    options = [{"label": td(lang, "type_any"), "value": ""}]
    for family in families:
        name = FAMILY_NAMES.get(family, (family, family))[0 if lang == "zh" else 1]
        options.append({"label": td(lang, "prefix", name=name) + f" · {family}", "value": family})
    options += [{"label": f"{event_type_name(lang, t)} · {t}", "value": t} for t in sorted(CATALOGUE)]
    return options


def for_text(lang: Language, card) -> str:
    if card.alert_type is None:
        return td(lang, "domain_default", domain=domain_name(lang, card.domain or ""))
    if card.alert_type in CATALOGUE:
        return event_type_name(lang, card.alert_type)
    return td(lang, "prefix", name=card.alert_type)


def place_text(lang: Language, card, parts) -> str:
    """The card's building and zone by their names (the codes where the school has none)."""
    if not card.building_code:
        return td(lang, "whole_school")
    buildings = {b.code: name_of(lang, b) for b in (parts.buildings if parts else [])}
    zones = {(z.parent, z.code): name_of(lang, z) for z in (parts.zones if parts else [])}
    building = buildings.get(card.building_code, card.building_code)
    zone = zones.get((card.building_code, card.zone_code), card.zone_code) if card.zone_code else None
    return " · ".join(p for p in (building, zone) if p)


def table(lang: Language, cards, parts=None) -> html.Div:
    if not cards:
        return html.P(td(lang, "empty"), className="lead-note")
    head = html.Tr([html.Th(td(lang, k)) for k in ("th_title", "th_for", "th_place", "th_steps", "th_contacts",
                                                   "th_by")])
    body = [html.Tr(**{"data-card": str(c.id)}, children=[
        html.Td(c.title), html.Td(for_text(lang, c)),
        html.Td(place_text(lang, c, parts)),
        html.Td(str(len(c.steps.splitlines()))), html.Td(str(len(c.contacts.splitlines()))),
        html.Td(c.updated_by)]) for c in cards]
    return html.Div(html.Table([html.Thead(head), html.Tbody(body)], className="lead-table"),
                    className="lead-table-wrap")


def pick_options(cards) -> list[dict]:
    return [{"label": c.title, "value": c.id} for c in cards]


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def body(lang: Language, schools, school: str | None) -> html.Div:
    if not schools:
        return html.P(td(lang, "no_school"), className="lead-problem")
    domains = [{"label": domain_name(lang, d), "value": d} for d in DOMAINS]
    return html.Div(className="admin-cards", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        _field(td(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=school_options(lang, schools), value=school,
                                                clearable=False)),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(td(lang, "cards")), html.Div(id=ids.TABLE)]),
            html.Section(className="lead-card admin-card", children=[
                html.H2(td(lang, "form")),
                _field(td(lang, "pick"), dcc.Dropdown(id=ids.PICK, options=[], placeholder=td(lang, "pick"))),
                _field(td(lang, "title"), dcc.Input(id=ids.TITLE, type="text", maxLength=128)),
                _field(td(lang, "type"), dcc.Dropdown(id=ids.TYPE, options=type_options(lang), value="")),
                _field(td(lang, "domain"), dcc.Dropdown(id=ids.DOMAIN, options=domains)),
                _field(td(lang, "place"), dcc.Dropdown(id=ids.PLACE, options=[])),
                _field(td(lang, "steps"), dcc.Textarea(id=ids.STEPS, maxLength=6000, rows=6)),
                _field(td(lang, "contacts"), dcc.Textarea(id=ids.CONTACTS, maxLength=6000, rows=4)),
                _field(td(lang, "evacuation"), dcc.Textarea(id=ids.EVACUATION, maxLength=2000, rows=4)),
                html.Div(className="admin-actions", children=[
                    html.Button(td(lang, "add"), id=ids.ADD, className="lead-button admin-primary", n_clicks=0),
                    html.Button(td(lang, "save"), id=ids.SAVE, className="lead-button", n_clicks=0),
                    html.Button(td(lang, "retire"), id=ids.RETIRE, className="lead-button admin-danger", n_clicks=0),
                ]),
            ]),
        ]),
    ])
