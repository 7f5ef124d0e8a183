"""The risk register page's parts (/lead/risks), pure: the four colours' counts, a unit × colour
table, the risk points filtered by colour and unit, and the annual reviews coming due. Data in,
Dash components out; names people typed are Dash children strings, never markup."""
from __future__ import annotations

from datetime import date

from dash import dcc, html

from layouts.i18n import Language
from layouts.lead_ledger_text import COLOUR_NAMES, local_name, name_of, tx
from queries.ledger.lead_risks import COLOURS, NO_UNIT, RiskFilter, RiskRow, due_on

# Component ids.
VIEW = "lead-risks-view"  # store: {"school", "lang"} of the page as loaded
F_COLOUR = "lead-risks-colour"
F_UNIT = "lead-risks-unit"
COUNT = "lead-risks-count"
LIST = "lead-risks-list"

LIST_LIMIT = 200  # risk points the list shows, highest level first
REVIEW_WITHIN_DAYS = 30  # "due soon" for an annual review
REVIEW_LIMIT = 100
ALL = ""


def colour_totals(units: list[dict]) -> dict[str, int]:
    """Risk points per colour over every unit (and those without one)."""
    return {colour: sum(u[colour] for u in units) for colour in COLOURS}


def unit_label(lang: Language, unit: dict | RiskRow) -> str:
    if isinstance(unit, RiskRow):
        code, zh, en = unit.unit, unit.unit_zh, unit.unit_en
    else:
        code, zh, en = unit["unit"], unit["name_zh"], unit["name_en"]
    return tx(lang, "no_unit") if code is None else (local_name(lang, zh, en) or code)


def colour_cards(lang: Language, totals: dict[str, int], href) -> html.Div:
    """One card per colour, each a link to the list of that colour. `href(**query)` makes a link."""
    return html.Div(className="lead-cards lead-risks-cards", children=[
        dcc.Link(className=f"lead-card lead-risks-card {colour}", href=href(colour=colour, unit=None), children=[
            html.Span(name_of(COLOUR_NAMES, colour, lang), className=f"lead-chip {colour}"),
            html.Div(str(totals[colour]), className="lead-figure", **{"data-colour": colour}),
        ]) for colour in COLOURS
    ])


def unit_table(lang: Language, units: list[dict], href) -> html.Div:
    """Units × colours, with each unit's total; a unit's name links to its risk points."""
    head = html.Tr([html.Th(tx(lang, "col_unit"))]
                   + [html.Th(name_of(COLOUR_NAMES, c, lang), className="num") for c in COLOURS]
                   + [html.Th(tx(lang, "col_total"), className="num")])
    rows = []
    for unit in units:
        code = unit["unit"] if unit["unit"] is not None else NO_UNIT
        rows.append(html.Tr([
            html.Td(dcc.Link(unit_label(lang, unit), href=href(unit=code, colour=None))),
            *[html.Td(str(unit[c]) if unit[c] else "·", className=f"num lead-risks-n {c}" if unit[c] else "num")
              for c in COLOURS],
            html.Td(str(sum(unit[c] for c in COLOURS)), className="num"),
        ]))
    return html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(head), html.Tbody(rows or [html.Tr(html.Td(tx(lang, "list_count", total=0), colSpan=6))])],
        className="lead-table lead-risks-units"))


def filter_bar(lang: Language, units: list[dict], filters: RiskFilter) -> html.Div:
    colour_options = [{"label": tx(lang, "all"), "value": ALL}] + [
        {"label": name_of(COLOUR_NAMES, c, lang), "value": c} for c in COLOURS]
    unit_options = [{"label": tx(lang, "all"), "value": ALL}] + [
        {"label": unit_label(lang, u), "value": u["unit"] if u["unit"] is not None else NO_UNIT} for u in units]
    if filters.unit and filters.unit not in {o["value"] for o in unit_options}:
        unit_options.append({"label": filters.unit, "value": filters.unit})
    return html.Div(className="lead-filters", children=[
        html.Label([tx(lang, "f_colour"), dcc.Dropdown(id=F_COLOUR, options=colour_options, value=filters.colour or ALL,
                                                       clearable=False, searchable=False)]),
        html.Label([tx(lang, "f_unit"), dcc.Dropdown(id=F_UNIT, options=unit_options, value=filters.unit or ALL,
                                                     clearable=False, searchable=False)]),
    ])


def _control(lang: Language, level: str) -> str:
    key = f"control_{level}"
    return tx(lang, key) if key in ("control_school", "control_unit", "control_section", "control_post") else level


def _score(value: float) -> str:
    return f"{value:g}"


def risk_table(lang: Language, rows: list[RiskRow]) -> html.Div:
    head = html.Tr([html.Th(tx(lang, k)) for k in (
        "col_rp_code", "col_rp_name", "col_level", "col_score", "col_unit", "col_building", "col_person",
        "col_control", "col_reviewed")])
    body = [html.Tr([
        html.Td(r.code, className="lead-code"), html.Td(r.name),
        html.Td(html.Span(name_of(COLOUR_NAMES, r.colour, lang), className=f"lead-chip {r.colour}")),
        html.Td(f"{r.method} {_score(r.score)}", className="num"), html.Td(unit_label(lang, r)),
        html.Td(local_name(lang, r.building_zh, r.building_en)), html.Td(r.person or "—"),
        html.Td(_control(lang, r.control_level)), html.Td(r.last_reviewed_on.isoformat()),
    ], **{"data-code": r.code}) for r in rows]
    return html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(head), html.Tbody(body)], className="lead-table lead-risks-table"))


def list_count(lang: Language, total: int, shown: int) -> str:
    return tx(lang, "list_count", total=total) if shown >= total else tx(lang, "list_cut", total=total, shown=shown)


def review_status(lang: Language, due: date, today: date) -> tuple[str, str]:
    """(words, tone): "12 d overdue" (late), "due today", "due in 9 d" (soon)."""
    days = (due - today).days
    if days < 0:
        return tx(lang, "review_overdue", n=-days), "late"
    if days == 0:
        return tx(lang, "review_due_today"), "soon"
    return tx(lang, "review_due_in", n=days), "soon"


def reviews_table(lang: Language, rows: list[RiskRow], *, today: date, review_days: int, total: int) -> html.Div:
    if not rows:
        return html.P(tx(lang, "no_reviews_due", days=REVIEW_WITHIN_DAYS), className="lead-note")
    # How late first after the name: on a narrow screen the rest scrolls sideways.
    head = html.Tr([html.Th(tx(lang, k)) for k in (
        "col_rp_code", "col_rp_name", "col_review_state", "col_due", "col_level", "col_unit", "col_reviewed")])
    body = []
    for r in rows:
        due = due_on(r, review_days)
        words, tone = review_status(lang, due, today)
        body.append(html.Tr([
            html.Td(r.code, className="lead-code"), html.Td(r.name), html.Td(words, className=f"lead-review-{tone}"),
            html.Td(due.isoformat()),
            html.Td(html.Span(name_of(COLOUR_NAMES, r.colour, lang), className=f"lead-chip {r.colour}")),
            html.Td(unit_label(lang, r)), html.Td(r.last_reviewed_on.isoformat()),
        ], **{"data-code": r.code}))
    note = [] if len(rows) >= total else [html.P(list_count(lang, total, len(rows)), className="lead-note")]
    return html.Div([*note, html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(head), html.Tbody(body)], className="lead-table lead-risks-reviews"))])


def body(lang: Language, *, school: str, units: list[dict], filters: RiskFilter, rows: list[RiskRow], total: int,
         due: list[RiskRow], due_total: int, today: date, review_days: int, href) -> html.Div:
    """The page under the frame. `href(**query)`: a link to this page with the query changed."""
    return html.Div(className="lead-risks-body", children=[
        dcc.Store(id=VIEW, data={"school": school, "lang": lang}),
        html.H1(tx(lang, "risks_title"), className="lead-page-title"),
        html.Section(className="lead-risks-summary", children=[
            html.H2(tx(lang, "by_colour")), colour_cards(lang, colour_totals(units), href)]),
        html.Div(className="lead-grid-2", children=[
            # Reviews first: one past due costs the unit 10 points (art. 13), so it is what to act on.
            html.Section(className="lead-card lead-risks-due", children=[
                html.H2(tx(lang, "reviews_due", days=REVIEW_WITHIN_DAYS)),
                reviews_table(lang, due, today=today, review_days=review_days, total=due_total)]),
            html.Section(className="lead-card", children=[html.H2(tx(lang, "by_unit")), unit_table(lang, units, href)]),
        ]),
        html.Section(className="lead-card lead-risks-points", children=[
            html.H2(tx(lang, "risks_list")),
            filter_bar(lang, units, filters),
            html.P(list_count(lang, total, len(rows)), id=COUNT, className="lead-note", role="status"),
            html.Div(risk_table(lang, rows), id=LIST),
        ]),
    ])
