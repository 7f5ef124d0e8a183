"""The hazard ledger page's parts (/lead/hazards), pure: filters, the grid's columns and rows, the
download address, a hazard's whole record. Data in, Dash components (or plain dicts) out.

The grid shows the ledger in one order, the most urgent first, and does not re-sort on a header
tap: its rows are then exactly the download's first rows, in the same order. Every cell is text
(AG Grid writes values as text nodes, no cell renderer turns them into markup), and the record
panel puts what people typed in Dash children strings, never markdown or HTML.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.pages.lead_hazards.ids import (
    COUNT,
    DOWNLOAD,
    F_BUILDING,
    F_GRADE,
    F_OVERDUE,
    F_STAGE,
    F_UNIT,
    FILTERS,
    GRID,
    GRID_BOX,
    RECORD,
    RECORD_SHOWN,
    VIEW,
)
from kernel.catalogue import HAZARD_GRADES, HAZARD_STAGES
from layouts.i18n import Language
from layouts.lead_ledger_text import (
    ACTION_NAMES,
    GRADE_NAMES,
    SOURCE_NAMES,
    STAGE_NAMES,
    local_name,
    name_of,
    tx,
)

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_hazards.py); annotations only
    from queries.ledger.lead_hazards import LedgerRow

GRID_LIMIT = 500  # rows the grid shows; more would slow a tablet, and nobody scrolls past them
EXPORT_PATH = "/lead/hazards.xlsx"
ALL = ""  # a filter's "all" value


def when(moment: datetime | None, tz: ZoneInfo) -> str:
    """A moment as the school's local time to the minute, as the ledger writes it."""
    return "" if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def place(lang: Language, row: LedgerRow) -> str:
    building = local_name(lang, row.building_zh, row.building_en)
    return " · ".join(p for p in (building, row.zone_zh or "") if p)


def grid_row(lang: Language, row: LedgerRow, *, now: datetime, tz: ZoneInfo) -> dict:
    """One grid row: names in `lang`, times local, `overdue_days` a number (None when not late)."""
    return {
        "code": row.code, "title": row.title,
        "grade": name_of(GRADE_NAMES, row.grade, lang), "major": row.grade == "major",
        "stage": name_of(STAGE_NAMES, row.stage, lang), "place": place(lang, row),
        "found": when(row.found_at, tz), "deadline": when(row.deadline, tz),
        "overdue_days": row.days_overdue(now),
        "unit": local_name(lang, row.unit_zh, row.unit_en), "person": row.person or "",
        "listed": tx(lang, "yes") if row.listed_supervision else tx(lang, "no"),
    }


def grid_rows(lang: Language, rows: list[LedgerRow], *, now: datetime, tz: ZoneInfo) -> list[dict]:
    return [grid_row(lang, row, now=now, tz=tz) for row in rows]


def column_defs(lang: Language) -> list[dict]:
    def col(field: str, key: str, width: int, **extra) -> dict:
        return {"field": field, "headerName": tx(lang, key), "minWidth": width, **extra}

    # What a leader scans for first on the left: which hazard, its stage, how late, by when.
    return [
        col("code", "col_code", 160, pinned="left"),
        col("title", "col_title", 200, flex=2),
        col("stage", "col_stage", 130),
        col("overdue_days", "col_overdue_days", 96, type="rightAligned",
            cellClassRules={"lead-cell-overdue": "params.value > 0"}),
        col("deadline", "col_deadline", 160),
        col("grade", "col_grade", 100, cellClassRules={"lead-cell-major": "params.data.major"}),
        col("unit", "col_unit", 150, flex=1),
        col("person", "col_person", 96),
        col("place", "col_place", 170, flex=1),
        col("listed", "col_listed", 96),
        col("found", "col_found", 160),
    ]


def grid(lang: Language, rows: list[dict]) -> dag.AgGrid:
    return dag.AgGrid(
        id=GRID, className="lead-hazards-grid", rowData=rows, columnDefs=column_defs(lang),
        getRowId="params.data.code",
        # No header sorting or column menus: the order is the ledger's (most urgent first),
        # the same as the download's.
        defaultColDef={"sortable": False, "resizable": True, "suppressMovable": True, "suppressHeaderMenuButton": True},
        rowClassRules={"lead-row-overdue": "params.data.overdue_days > 0"},
        dashGridOptions={
            "rowHeight": ROW_PX, "headerHeight": HEADER_PX,
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "suppressCellFocus": True, "animateRows": False,
            "localeText": {"noRowsToShow": tx(lang, "count", total=0)},
        },
        style={"height": "100%", "width": "100%"},
    )


ROW_PX, HEADER_PX = 48, 44  # touch-sized rows


def grid_box_style(rows: int) -> dict:
    """The grid's box as tall as its rows (a short list leaves no empty panel), at most 62 % of
    the screen (and room for its sideways scroll bar); the grid scrolls inside it past that."""
    return {"height": f"min(62vh, {HEADER_PX + max(rows, 3) * ROW_PX + 20}px)"}


def download_href(school: str, query: dict[str, str], lang: Language) -> str:
    """The Excel download of the ledger as filtered: the same filter, read by the same function.
    `query`: the filter as URL query values (queries.ledger.lead_hazards.filter_query)."""
    values = {"school": school, **query, **({"lang": "en"} if lang == "en" else {})}
    return f"{EXPORT_PATH}?{urlencode(values)}"


def count_line(lang: Language, total: int, shown: int) -> str:
    return tx(lang, "count", total=total) if shown >= total else tx(lang, "count_cut", total=total, shown=shown)


def _options(lang: Language, pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"label": tx(lang, "all"), "value": ALL}] + [{"label": label, "value": value} for value, label in pairs]


def filter_options(lang: Language, choices: dict[str, list[dict]],
                   query: dict[str, str]) -> dict[str, list[dict]]:
    """Each filter's choices; a unit or building asked for in the URL (`query`: the filter as URL
    query values) that no hazard names is offered by its code, so the control shows what the grid
    is filtered by."""
    unit, building = query.get("unit"), query.get("building")
    units = [(u["code"], local_name(lang, u["name_zh"], u["name_en"]) or u["code"]) for u in choices["units"]]
    buildings = [(b["code"], local_name(lang, b["name_zh"], b["name_en"]) or b["code"]) for b in choices["buildings"]]
    if unit and unit not in {c for c, _ in units}:
        units.append((unit, unit))
    if building and building not in {c for c, _ in buildings}:
        buildings.append((building, building))
    return {
        F_STAGE: _options(lang, [(s, name_of(STAGE_NAMES, s, lang)) for s in HAZARD_STAGES]),
        F_GRADE: _options(lang, [(g, name_of(GRADE_NAMES, g, lang)) for g in HAZARD_GRADES]),
        F_UNIT: _options(lang, units),
        F_OVERDUE: _options(lang, [("1", tx(lang, "overdue_yes")), ("0", tx(lang, "overdue_no"))]),
        F_BUILDING: _options(lang, buildings),
    }


def filter_values(query: dict[str, str]) -> dict[str, str]:
    return {F_STAGE: query.get("stage", ALL), F_GRADE: query.get("grade", ALL), F_UNIT: query.get("unit", ALL),
            F_OVERDUE: query.get("overdue", ALL), F_BUILDING: query.get("building", ALL)}


def filters_from(stage, grade, unit, overdue, building) -> dict[str, object]:
    """The controls' values as the query `ledger_filter` reads."""
    return {"stage": stage, "grade": grade, "unit": unit, "overdue": overdue, "building": building}


def filter_bar(lang: Language, options: dict[str, list[dict]], values: dict[str, str]) -> html.Div:
    labels = {F_STAGE: "f_stage", F_GRADE: "f_grade", F_UNIT: "f_unit", F_OVERDUE: "f_overdue",
              F_BUILDING: "f_building"}
    return html.Div(className="lead-filters lead-hazards-filters", children=[
        html.Label([tx(lang, labels[i]), dcc.Dropdown(id=i, options=options[i], value=values[i], clearable=False,
                                                      searchable=False)])
        for i in FILTERS])


def body(lang: Language, *, school: str, query: dict[str, str], options: dict[str, list[dict]],
         rows: list[dict], total: int, inspections: html.Div | None = None) -> html.Div:
    """The page under the frame: filters, the count, the grid and the record panel. `query`: the
    filter as URL query values (queries.ledger.lead_hazards.filter_query); `inspections`: the
    month's inspections in one line (layouts/lead_inspections.py)."""
    return html.Div(className="lead-hazards-body", children=[
        dcc.Store(id=VIEW, data={"school": school, "lang": lang}),
        dcc.Store(id=RECORD_SHOWN),
        html.H1(tx(lang, "hazards_title"), className="lead-page-title"),
        inspections,
        filter_bar(lang, options, filter_values(query)),
        html.Div(className="lead-grid-2 lead-hazards-main", children=[
            html.Section(className="lead-card lead-hazards-list", children=[
                html.Div(className="lead-hazards-listhead", children=[
                    html.P(count_line(lang, total, len(rows)), id=COUNT, className="lead-note", role="status"),
                    html.A(tx(lang, "download"), id=DOWNLOAD, href=download_href(school, query, lang),
                           className="lead-button lead-hazards-download"),
                ]),
                html.Div(grid(lang, rows), id=GRID_BOX, className="lead-hazards-grid-box",
                         style=grid_box_style(len(rows))),
            ]),
            html.Section(id=RECORD, className="lead-card lead-hazards-record", **{"aria-live": "polite"},
                         children=html.P(tx(lang, "pick_hazard"), className="lead-note")),
        ]),
    ])


# Below the grid (narrower than 1101 px) a tapped hazard's record may be out of sight: bring it
# into view, in the browser, with no round trip.
SCROLL_TO_RECORD = """function (children) {
    const panel = document.getElementById('%s');
    if (panel && panel.getBoundingClientRect().top > window.innerHeight - 120) {
        panel.scrollIntoView({behavior: 'smooth', block: 'start'});
    }
    return window.dash_clientside.no_update;
}""" % RECORD


# ---- one hazard's whole record --------------------------------------------------------------------

def _fact(label: str, value: str | None) -> list:
    return [html.Dt(label), html.Dd(value if value else "—")]


def record_panel(lang: Language, record: dict | None, *, tz: ZoneInfo, now: datetime) -> list:
    """A hazard's record: its facts, its measures and re-check, every step of the loop (who, when,
    the note), the duty officers' comments and the steps the loop refused."""
    if record is None:
        return [html.P(tx(lang, "gone"), className="lead-note")]
    h: LedgerRow = record["hazard"]
    late = h.days_overdue(now)
    facts = [
        *_fact(tx(lang, "col_grade"), name_of(GRADE_NAMES, h.grade, lang)),
        *_fact(tx(lang, "col_stage"), name_of(STAGE_NAMES, h.stage, lang)),
        *_fact(tx(lang, "col_place"), place(lang, h)),
        *_fact(tx(lang, "col_found"), when(h.found_at, tz)),
        *_fact(tx(lang, "found_by"), h.found_by),
        *_fact(tx(lang, "source"), name_of(SOURCE_NAMES, h.source, lang)),
        *_fact(tx(lang, "col_deadline"), when(h.deadline, tz) + (tx(lang, "late_by", n=late) if late else "")),
        *_fact(tx(lang, "col_unit"), local_name(lang, h.unit_zh, h.unit_en)),
        *_fact(tx(lang, "col_person"), h.person),
        *_fact(tx(lang, "col_listed"), (tx(lang, "yes") + (f" · {h.supervised_by}" if h.supervised_by else ""))
               if h.listed_supervision else tx(lang, "no")),
        *_fact(tx(lang, "closed_at"), when(h.closed_at, tz)),
    ]
    texts = [(tx(lang, key), value) for key, value in (
        ("description", h.description), ("measures", h.measures), ("emergency", h.emergency_measures),
        ("recheck", h.recheck_result))]
    steps = [html.Li([
        html.Div([html.Span(when(s["at"], tz), className="lead-when"), " ",
                  html.Strong(tx(lang, "step_line", action=name_of(ACTION_NAMES, s["action"], lang),
                                 from_stage=name_of(STAGE_NAMES, s["from_stage"], lang) or "—",
                                 to_stage=name_of(STAGE_NAMES, s["to_stage"], lang))),
                  " · ", s["by"] or tx(lang, "nobody")]),
        html.Div(s["note"], className="lead-typed") if s["note"] else None,
    ]) for s in record["steps"]]
    comments = [html.Li([html.Div([html.Span(when(c["at"], tz), className="lead-when"), " · ", c["by"]]),
                         html.Div(c["text"], className="lead-typed")]) for c in record["comments"]]
    violations = [html.Li([html.Span(when(v["at"], tz), className="lead-when"), " · ", v["by"] or tx(lang, "nobody"),
                           html.Div(tx(lang, "violation_line", action=name_of(ACTION_NAMES, v["action"], lang),
                                       stage=name_of(STAGE_NAMES, v["stage"], lang) or "—", reason=v["reason"]),
                                    className="lead-typed")]) for v in record["violations"]]
    return [
        html.H2([html.Span(h.code, className="lead-hazards-code"), " ", h.title]),
        html.H3(tx(lang, "facts")),
        html.Dl(facts, className="lead-facts"),
        *[part for label, value in texts for part in (html.H3(label), html.P(value or "—", className="lead-typed"))],
        html.H3(tx(lang, "steps")),
        html.Ol(steps, className="lead-steps"),
        html.H3(tx(lang, "comments")),
        (html.Ul(comments, className="lead-steps") if comments
         else html.P(tx(lang, "no_comments"), className="lead-note")),
        html.H3(tx(lang, "violations")),
        html.Ul(violations, className="lead-steps") if violations else html.P(tx(lang, "no_violations"),
                                                                             className="lead-note"),
    ]
