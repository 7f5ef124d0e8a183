"""The drills and trainings page's parts, pure: the record form (new, or correcting one, with its
withdrawal) and this year's records with their counts per kind. Data in, Dash components out; what
people typed (titles, names, notes) goes in as Dash children strings, never markup.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.drills import ids
from dashboard.pages.drills.text import tr
from layouts.i18n import Language

if TYPE_CHECKING:  # the reads (queries/ledger/drills.py); annotations only
    from queries.ledger.drills import DrillRow

KINDS = ("drill", "training")  # ledger/models/drills.py DRILL_KINDS
MAX_TITLE = 200  # the ledger's limits (ledger/drills.py); it refuses longer, the inputs stop there
MAX_TEXT = 2000


def _field(label: str, control, *, wide: bool = False) -> html.Div:
    plain = isinstance(control, dcc.Input | dcc.Textarea)
    caption = html.Label(label, htmlFor=control.id, className="inspection-plans-label") if plain else \
        html.Span(label, id=f"{control.id}-label", className="inspection-plans-label")
    extra = {} if plain else {"role": "group", "aria-labelledby": f"{control.id}-label"}
    return html.Div([caption, control], className="inspection-plans-field" + (" is-wide" if wide else ""), **extra)


def form_card(lang: Language, units: list[tuple[str, str]]) -> html.Section:
    """The form, empty (a new record); a row's correct button fills it (callbacks.py)."""
    def text(id_, limit, *, kind="text"):
        return dcc.Input(id=id_, type=kind, maxLength=limit, value="", className="inspection-plans-input")
    return html.Section(className="lead-card inspection-plans-form", children=[
        html.Div(className="inspection-plans-formhead", children=[
            html.H2(tr(lang, "new"), id=ids.FORM_TITLE),
            html.Button(tr(lang, "new_button"), id=ids.NEW, n_clicks=0, type="button", className="lead-button"),
        ]),
        _field(tr(lang, "name"), text(ids.TITLE, MAX_TITLE), wide=True),
        _field(tr(lang, "kind"), dcc.RadioItems(id=ids.KIND, value="drill", inline=True,
                                                options=[{"label": tr(lang, k), "value": k} for k in KINDS],
                                                className="inspection-plans-radios")),
        _field(tr(lang, "held_on"), dcc.Input(id=ids.HELD_ON, type="date", value="",
                                              className="inspection-plans-input")),
        _field(tr(lang, "unit"), dcc.Dropdown(id=ids.UNIT, options=[{"label": n, "value": c} for c, n in units],
                                              value=None, clearable=True, className="inspection-plans-dropdown"),
               wide=True),
        _field(tr(lang, "count"), dcc.Input(id=ids.COUNT, type="number", min=1, step=1, value=None,
                                            className="inspection-plans-input")),
        _field(tr(lang, "names"), dcc.Textarea(id=ids.NAMES, maxLength=MAX_TEXT, value="",
                                               className="inspection-plans-input"), wide=True),
        _field(tr(lang, "plan"), text(ids.PLAN, MAX_TITLE), wide=True),
        _field(tr(lang, "notes"), dcc.Textarea(id=ids.NOTES, maxLength=MAX_TEXT, value="",
                                               className="inspection-plans-input"), wide=True),
        html.Div(className="inspection-plans-actions", children=[
            html.Button(tr(lang, "save"), id=ids.SAVE, n_clicks=0, type="button",
                        className="lead-button inspection-plans-save"),
            html.Div(id=ids.MESSAGE, className="inspection-plans-message", role="status", **{"aria-live": "polite"}),
        ]),
        _field(tr(lang, "reason"), text(ids.REASON, 500), wide=True),
        html.Button(tr(lang, "withdraw"), id=ids.WITHDRAW, n_clicks=0, type="button",
                    className="lead-button inspection-plans-retire"),
    ])


def counts_line(lang: Language, counts: dict[str, int]) -> str:
    return tr(lang, "counts", drill=counts.get("drill", 0), training=counts.get("training", 0))


def drill_rows(lang: Language, rows: tuple[DrillRow, ...] | list[DrillRow]) -> list:
    """The list's contents: a table of the records (newest first), or why there is none."""
    if not rows:
        return [html.P(tr(lang, "empty"), className="lead-note")]
    head = [tr(lang, k) for k in ("col_when", "col_what", "col_who", "col_by", "col_actions")]
    body = []
    for r in rows:
        unit = (r.unit_name_en if lang == "en" else None) or r.unit_name_zh or tr(lang, "whole_school")
        who = [tr(lang, "people", n=r.participant_count) if r.participant_count else None,
               (r.participants.splitlines() or [None])[0]]
        body.append(html.Tr(**{"data-drill": str(r.id), "data-kind": r.kind}, children=[
            html.Td(r.held_on.isoformat()),
            html.Td([html.Div(r.title, className="inspection-plans-name"),
                     html.Div(" · ".join(x for x in (tr(lang, r.kind), unit, r.plan) if x), className="lead-note")]),
            html.Td(" · ".join(x for x in who if x) or "—"),
            html.Td(r.recorded_by),
            html.Td(html.Button(tr(lang, "edit"), id={"type": ids.EDIT, "drill": r.id}, n_clicks=0, type="button",
                                className="lead-button")),
        ]))
    return [html.Div(className="lead-table-wrap", children=html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)], className="lead-table"))]


def body(lang: Language, *, school: str, year: int, units: list[tuple[str, str]], rows, counts: dict[str, int],
         request: str | None = None) -> html.Div:
    """The page under the frame: title, the form (`request`: its new record's request id), this year's
    records with their counts."""
    return html.Div(className="inspection-plans-body", children=[
        dcc.Store(id=ids.VIEW, data={"school": school, "lang": lang}),
        dcc.Store(id=ids.EDITING, data=None),
        dcc.Store(id=ids.REQUEST, data=request),
        html.H1(tr(lang, "title"), className="lead-page-title"),
        html.P(tr(lang, "intro"), className="lead-note"),
        html.Div(className="inspection-plans-grid", children=[
            form_card(lang, units),
            html.Section(className="lead-card inspection-plans-list", children=[
                html.H2(tr(lang, "list", year=year)),
                html.P(counts_line(lang, counts), id=ids.COUNTS, className="drills-counts"),
                html.Div(drill_rows(lang, rows), id=ids.LIST),
            ]),
        ]),
    ])


def said(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")
