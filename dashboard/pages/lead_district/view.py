"""The district league's parts (/lead/district), pure: the ranking and the table.

Default order, most dangerous first: open major hazards (descending), then overdue hazards
(descending), then the rectification rate (lowest first; a school with no hazard found this year
last), then the assessment score (lowest first), then open alerts (most first), then the school's
code. Tapping a column's heading ranks by that column, its worst end first (most hazards or
alerts, lowest rate or score); tapping it again turns the order round. Ties keep the default
order. A school with no figure for a column (no rate) goes last either way. When the schools
report to more than one district, each district's schools are listed together under its name,
districts in the order of their first school.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.lead_district.ids import NOTE, TABLE
from layouts.i18n import Language
from layouts.lead_board_text import percent, points, tb

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_district.py); annotations only
    from queries.ledger.lead_district import SchoolFigures

DANGER = "danger"  # the default order


@dataclass(frozen=True)
class Column:
    key: str  # the ?sort= value
    text: str  # lead_board_text key of its heading
    value: Callable[[SchoolFigures], float | None]
    worst_high: bool  # True: a larger value is worse (listed first by default)


COLUMNS: tuple[Column, ...] = (
    Column("major", "col_major", lambda s: s.major_open, True),
    Column("overdue", "col_overdue", lambda s: s.overdue, True),
    Column("rate", "col_rate", lambda s: s.rectification_rate, False),
    Column("alerts_today", "col_alerts_today", lambda s: s.alerts_today, True),
    Column("alerts_open", "col_alerts_open", lambda s: s.alerts_open, True),
    Column("score", "col_score_year", lambda s: s.score, False),
)
BY_KEY = {c.key: c for c in COLUMNS}


def danger_key(school: SchoolFigures) -> tuple:
    rate = school.rectification_rate
    score = school.score
    return (-school.major_open, -school.overdue, rate is None, rate if rate is not None else 0.0,
            score if score is not None else float("inf"), -school.alerts_open, school.code)


def sort_choice(sort: object, order: object) -> tuple[str, bool]:
    """(column key or DANGER, worst first?) from the URL; anything unknown is the default."""
    key = sort if isinstance(sort, str) and sort in BY_KEY else DANGER
    return key, not (key != DANGER and order == "best")


def rank(schools: list[SchoolFigures], sort: str = DANGER, worst_first: bool = True) -> list[SchoolFigures]:
    """The schools in the order asked (see the module's docstring)."""
    ordered = sorted(schools, key=danger_key)
    column = BY_KEY.get(sort)
    if column is None:
        return ordered
    known = [s for s in ordered if column.value(s) is not None]
    unknown = [s for s in ordered if column.value(s) is None]
    descending = column.worst_high == worst_first
    known.sort(key=column.value, reverse=descending)  # stable: ties keep the danger order
    return known + unknown


def grouped(schools: list[SchoolFigures]) -> list[tuple[str | None, list[SchoolFigures]]]:
    """The ranked schools gathered by district, districts in the order of their first school."""
    groups: dict[str | None, list[SchoolFigures]] = {}
    for school in schools:
        groups.setdefault(school.parent, []).append(school)
    return list(groups.items())


def _heading(lang: Language, column: Column, sort: str, worst_first: bool, href) -> html.Th:
    current = column.key == sort
    # Tapping the column sorted now turns it round; another column starts at its worst end.
    target = {"sort": column.key, "order": "best" if current and worst_first else None}
    arrow = ""
    if current:
        arrow = " ▼" if column.worst_high == worst_first else " ▲"
    return html.Th(className="num" + (" is-sorted" if current else ""),
                   **({"aria-sort": "descending" if column.worst_high == worst_first else "ascending"}
                      if current else {}),
                   children=dcc.Link(tb(lang, column.text) + arrow, href=href(**target),
                                     className="lead-district-sort"))


def _cell(column: Column, school: SchoolFigures) -> html.Td:
    value = column.value(school)
    if column.key == "rate":
        text = percent(value)
    elif column.key == "score":
        text = "—" if value is None else points(value)
    else:
        text = str(value)
    # Red where it needs a look: any open major or overdue hazard, under half rectified, a failing score.
    alarm = (column.key in ("major", "overdue") and value) or (
        column.key == "rate" and value is not None and value < 0.5) or (
        column.key == "score" and value is not None and value < 60)
    return html.Td(text, className="num" + (" is-alarm" if alarm else ""), **{"data-col": column.key})


def _name(lang: Language, zh: str | None, en: str | None, fallback: str) -> str:
    return (en or zh or fallback) if lang == "en" else (zh or en or fallback)


def league_table(lang: Language, schools: list[SchoolFigures], *, sort: str, worst_first: bool, href,
                 school_href) -> html.Div:
    """The league: headings that sort, one row per school linking to its overview
    (`school_href(code)`), district rows when the schools span several districts."""
    head = html.Tr([html.Th(dcc.Link(tb(lang, "col_school"), href=href(sort=None, order=None),
                                     className="lead-district-sort"), className="is-sorted" if sort == DANGER else "")]
                   + [_heading(lang, c, sort, worst_first, href) for c in COLUMNS])
    groups = grouped(schools)
    rows = []
    for parent, members in groups:
        if len(groups) > 1:
            first = members[0]
            name = _name(lang, first.parent_zh, first.parent_en, parent or "") or tb(lang, "no_parent")
            rows.append(html.Tr(className="lead-district-group", children=html.Th(colSpan=len(COLUMNS) + 1, children=[
                name, html.Span(tb(lang, "district_totals", n=len(members), major=sum(s.major_open for s in members),
                                   overdue=sum(s.overdue for s in members)), className="lead-note")])))
        for school in members:
            rows.append(html.Tr(className="lead-district-row", **{"data-school": school.code}, children=[
                html.Td(dcc.Link(_name(lang, school.name_zh, school.name_en, school.code),
                                 href=school_href(school.code), className="lead-district-school")),
                *[_cell(c, school) for c in COLUMNS]]))
    return html.Div(className="lead-table-wrap", children=html.Table(
        id=TABLE, className="lead-table lead-district-table", children=[html.Thead(head), html.Tbody(rows)]))


def body(lang: Language, schools: list[SchoolFigures], *, sort: str, worst_first: bool, href, school_href) -> list:
    ranked = rank(schools, sort, worst_first)
    return [html.H2(tb(lang, "district_title")),
            html.P(tb(lang, "district_sort_note"), id=NOTE, className="lead-note"),
            league_table(lang, ranked, sort=sort, worst_first=worst_first, href=href, school_href=school_href)]


def one_school(lang: Language, overview_href: str) -> html.Div:
    """What someone over a single school sees here: what the page is for, and the way back."""
    return html.Div(className="lead-problem lead-district-one", role="note", children=[
        html.P(tb(lang, "district_only_several")),
        dcc.Link(tb(lang, "go_overview"), href=overview_href, className="lead-button")])
