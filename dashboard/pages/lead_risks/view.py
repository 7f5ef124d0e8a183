"""The risk register page's parts (/lead/risks), pure: the four colours' counts, a unit × colour
table, the risk points filtered by colour and unit, and the annual reviews coming due. Data in,
Dash components out; the two lists are AG Grids fed plain dict rows (one html.Td per cell
cost ~2,700 components and ~250 ms a load on the demo ×10); what people typed stays text (AG Grid
cells are text nodes, the rest Dash children strings), never markup."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.pages.lead_risks.ids import COUNT, DUE_GRID, F_COLOUR, F_UNIT, GRID, LIST, VIEW
from kernel.catalogue import RISK_COLOURS as COLOURS
from layouts.i18n import Language
from layouts.lead_ledger_text import COLOUR_NAMES, local_name, name_of, tx

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_risks.py); annotations only
    from queries.ledger.lead_risks import RiskFilter, RiskRow

LIST_LIMIT = 200  # risk points the list shows, highest level first
REVIEW_WITHIN_DAYS = 30  # "due soon" for an annual review
REVIEW_LIMIT = 100
ALL = ""


def colour_totals(units: list[dict]) -> dict[str, int]:
    """Risk points per colour over every unit (and those without one)."""
    return {colour: sum(u[colour] for u in units) for colour in COLOURS}


def unit_label(lang: Language, unit: dict | RiskRow) -> str:
    if isinstance(unit, dict):
        code, zh, en = unit["unit"], unit["name_zh"], unit["name_en"]
    else:
        code, zh, en = unit.unit, unit.unit_zh, unit.unit_en
    return tx(lang, "no_unit") if code is None else (local_name(lang, zh, en) or code)


def colour_cards(lang: Language, totals: dict[str, int], href) -> html.Div:
    """One card per colour, each a link to the list of that colour. `href(**query)` makes a link."""
    return html.Div(className="lead-cards lead-risks-cards", children=[
        dcc.Link(className=f"lead-card lead-risks-card {colour}", href=href(colour=colour, unit=None), children=[
            html.Span(name_of(COLOUR_NAMES, colour, lang), className=f"lead-chip {colour}"),
            html.Div(str(totals[colour]), className="lead-figure", **{"data-colour": colour}),
        ]) for colour in COLOURS
    ])


def unit_table(lang: Language, units: list[dict], href, *, no_unit: str) -> html.Div:
    """Units × colours, with each unit's total; a unit's name links to its risk points. `no_unit`:
    the unit filter's value for points no unit answers for (queries.ledger.lead_risks.NO_UNIT)."""
    head = html.Tr([html.Th(tx(lang, "col_unit"))]
                   + [html.Th(name_of(COLOUR_NAMES, c, lang), className="num") for c in COLOURS]
                   + [html.Th(tx(lang, "col_total"), className="num")])
    rows = []
    for unit in units:
        code = unit["unit"] if unit["unit"] is not None else no_unit
        rows.append(html.Tr([
            html.Td(dcc.Link(unit_label(lang, unit), href=href(unit=code, colour=None))),
            *[html.Td(str(unit[c]) if unit[c] else "·", className=f"num lead-risks-n {c}" if unit[c] else "num")
              for c in COLOURS],
            html.Td(str(sum(unit[c] for c in COLOURS)), className="num"),
        ]))
    return html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(head), html.Tbody(rows or [html.Tr(html.Td(tx(lang, "list_count", total=0), colSpan=6))])],
        className="lead-table lead-risks-units"))


def filter_bar(lang: Language, units: list[dict], filters: RiskFilter, *, no_unit: str) -> html.Div:
    colour_options = [{"label": tx(lang, "all"), "value": ALL}] + [
        {"label": name_of(COLOUR_NAMES, c, lang), "value": c} for c in COLOURS]
    unit_options = [{"label": tx(lang, "all"), "value": ALL}] + [
        {"label": unit_label(lang, u), "value": u["unit"] if u["unit"] is not None else no_unit} for u in units]
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


ROW_PX, HEADER_PX = 48, 44  # touch-sized rows


def grid_box_style(rows: int, most: str = "62vh") -> dict:
    """A grid's box as tall as its rows (a short list leaves no empty panel), at most `most` of
    the screen; the grid scrolls inside it past that (and sideways, never the page)."""
    return {"height": f"min({most}, {HEADER_PX + max(rows, 2) * ROW_PX + 20}px)"}


def _level_rules() -> dict:
    # The level cell in its colour (lead_hazards.css), as the chips elsewhere on the page.
    return {f"lead-level-{c}": f"params.data.colour === '{c}'" for c in COLOURS}


def _grid(grid_id: str, class_name: str, lang: Language, rows: list[dict], columns: list[dict]) -> dag.AgGrid:
    """One grid: plain dict rows (a few components, not one per cell), the server's order kept
    (no header sorting), every cell text (AG Grid writes values as text nodes, never markup)."""
    return dag.AgGrid(
        id=grid_id, className=class_name, rowData=rows, columnDefs=columns, getRowId="params.data.code",
        defaultColDef={"sortable": False, "resizable": True, "suppressMovable": True, "suppressHeaderMenuButton": True},
        # A long name is cut with "…" in its one-line row: a tap or hover shows it whole.
        dashGridOptions={"rowHeight": ROW_PX, "headerHeight": HEADER_PX, "suppressCellFocus": True,
                         "tooltipShowDelay": 300, "tooltipInteraction": True,
                         "animateRows": False, "localeText": {"noRowsToShow": tx(lang, "list_count", total=0)}},
        style={"height": "100%", "width": "100%"})


def _col(lang: Language, field: str, key: str, width: int, **extra) -> dict:
    return {"field": field, "headerName": tx(lang, key), "minWidth": width, **extra}


def risk_row(lang: Language, r: RiskRow) -> dict:
    return {"code": r.code, "name": r.name, "colour": r.colour, "level": name_of(COLOUR_NAMES, r.colour, lang),
            "score": f"{r.method} {_score(r.score)}", "unit": unit_label(lang, r),
            "building": local_name(lang, r.building_zh, r.building_en), "person": r.person or "—",
            "control": _control(lang, r.control_level), "reviewed": r.last_reviewed_on.isoformat()}


def risk_columns(lang: Language) -> list[dict]:
    return [
        _col(lang, "code", "col_rp_code", 150), _col(lang, "name", "col_rp_name", 180, flex=2, tooltipField="name"),
        _col(lang, "level", "col_level", 100, cellClassRules=_level_rules()),
        _col(lang, "score", "col_score", 110, type="rightAligned"), _col(lang, "unit", "col_unit", 140, flex=1),
        _col(lang, "building", "col_building", 130, flex=1), _col(lang, "person", "col_person", 96),
        _col(lang, "control", "col_control", 110), _col(lang, "reviewed", "col_reviewed", 120),
    ]


def risk_table(lang: Language, rows: list[RiskRow]) -> dag.AgGrid:
    """The risk points (highest level first, as read) in a grid."""
    return _grid(GRID, "lead-risks-table", lang, [risk_row(lang, r) for r in rows], risk_columns(lang))


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


def review_row(lang: Language, r: RiskRow, *, today: date, due: date) -> dict:
    """A review coming due; `due`: when (queries.ledger.lead_risks.due_on)."""
    words, tone = review_status(lang, due, today)
    return {"code": r.code, "name": r.name, "state": words, "tone": tone, "due": due.isoformat(),
            "colour": r.colour, "level": name_of(COLOUR_NAMES, r.colour, lang), "unit": unit_label(lang, r),
            "reviewed": r.last_reviewed_on.isoformat()}


def review_columns(lang: Language) -> list[dict]:
    # How late first after the name: on a narrow screen the rest scrolls sideways.
    return [
        _col(lang, "code", "col_rp_code", 150), _col(lang, "name", "col_rp_name", 160, flex=2, tooltipField="name"),
        _col(lang, "state", "col_review_state", 130, cellClassRules={
            "lead-review-late": "params.data.tone === 'late'", "lead-review-soon": "params.data.tone === 'soon'"}),
        _col(lang, "due", "col_due", 120), _col(lang, "level", "col_level", 100, cellClassRules=_level_rules()),
        _col(lang, "unit", "col_unit", 130, flex=1), _col(lang, "reviewed", "col_reviewed", 120),
    ]


def reviews_table(lang: Language, rows: list[tuple[RiskRow, date]], *, today: date,
                  total: int) -> html.Div:
    """The reviews coming due: (risk point, when its review is due) pairs."""
    if not rows:
        return html.P(tx(lang, "no_reviews_due", days=REVIEW_WITHIN_DAYS), className="lead-note")
    note = [] if len(rows) >= total else [html.P(list_count(lang, total, len(rows)), className="lead-note")]
    data = [review_row(lang, r, today=today, due=due) for r, due in rows]
    return html.Div([*note, html.Div(className="lead-risks-grid-box", style=grid_box_style(len(rows), "40vh"),
                                     children=_grid(DUE_GRID, "lead-risks-reviews", lang, data, review_columns(lang)))])


def body(lang: Language, *, school: str, units: list[dict], filters: RiskFilter, rows: list[RiskRow], total: int,
         due: list[tuple[RiskRow, date]], due_total: int, today: date, href, no_unit: str) -> html.Div:
    """The page under the frame. `href(**query)`: a link to this page with the query changed; `due`:
    the reviews coming due with their dates; `no_unit`: the unit filter's value for points without
    a unit."""
    return html.Div(className="lead-risks-body", children=[
        dcc.Store(id=VIEW, data={"school": school, "lang": lang}),
        html.H1(tx(lang, "risks_title"), className="lead-page-title"),
        html.Section(className="lead-risks-summary", children=[
            html.H2(tx(lang, "by_colour")), colour_cards(lang, colour_totals(units), href)]),
        html.Div(className="lead-grid-2", children=[
            # Reviews first: one past due costs the unit 10 points (art. 13), so it is what to act on.
            html.Section(className="lead-card lead-risks-due", children=[
                html.H2(tx(lang, "reviews_due", days=REVIEW_WITHIN_DAYS)),
                reviews_table(lang, due, today=today, total=due_total)]),
            html.Section(className="lead-card", children=[html.H2(tx(lang, "by_unit")),
                                                            unit_table(lang, units, href, no_unit=no_unit)]),
        ]),
        html.Section(className="lead-card lead-risks-points", children=[
            html.H2(tx(lang, "risks_list")),
            filter_bar(lang, units, filters, no_unit=no_unit),
            html.P(list_count(lang, total, len(rows)), id=COUNT, className="lead-note", role="status"),
            html.Div(risk_table(lang, rows), id=LIST, className="lead-risks-grid-box",
                     style=grid_box_style(len(rows))),
        ]),
    ])
