"""The assessment page's parts (/lead/assessment), pure: the year chooser, the school's own score,
and every unit's score under the 100-point rules, lowest first (who is behind), each opening to
the deductions that make it up — article, reason, points, and whether the ledger computed it or
an inspector entered it. The page loads with the score rows only: a unit's deduction lines are
drawn when it is tapped open (a read-only callback), so a school of many units with hundreds of
lines does not send them all (about 2,000 components) on every load. Scores come from
ledger.scoring (via queries.ledger.lead_assessment); nothing here scores. Reasons inspectors
typed are Dash children strings, never markup."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.lead_assessment.ids import SCHOOL, UNITS, VIEW, YEARS, lines_id, open_id
from layouts.i18n import Language
from layouts.lead_board_text import ARTICLE_EN, deduction_reason, points, tb


def unit_id(code: str) -> str:
    """The id of a unit's row (codes are `<school>/u01`: ids keep to safe characters)."""
    return "lead-assessment-unit-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in code)


def score_band(score: float) -> str:
    """How a score reads at a glance: 90 and over good, 80 fair, 60 poor, under 60 failing."""
    return "good" if score >= 90 else "fair" if score >= 80 else "poor" if score >= 60 else "bad"


def chosen_year(year: object, years: list[int], current_year: int) -> int:
    """The year asked for (?year=) if the chooser offers it, else this year."""
    # ASCII digits: "²" is a digit to str.isdigit but not to int() (an edited link was a 400).
    text = year.strip() if isinstance(year, str) else ""
    wanted = int(text) if text.isascii() and text.isdigit() and len(year) < 6 else None
    return wanted if wanted in years else current_year


def year_links(lang: Language, years: list[int], chosen: int, href) -> html.Nav:
    """One link per year (touch-sized chips); `href(year=...)` makes the link."""
    return html.Nav(id=YEARS, className="lead-assessment-years", children=[
        html.Span(tb(lang, "year"), className="lead-note"),
        *[dcc.Link(str(y), href=href(year=y), className="lead-button" + (" is-current" if y == chosen else ""))
          for y in years]])


def article_label(lang: Language, article: int, titles_zh: dict[int, str]) -> list:
    title = ARTICLE_EN.get(article, "") if lang == "en" else titles_zh.get(article, "")
    return [html.B(tb(lang, "article", n=article)), html.Div(title, className="lead-note")]


def deduction_table(lang: Language, deductions: list[dict], titles_zh: dict[int, str]):
    """The lines that make a score up, largest first as the rules listed them."""
    if not deductions:
        return html.P(tb(lang, "no_deductions"), className="lead-note")
    head = html.Tr([html.Th(tb(lang, k)) for k in ("col_article", "col_reason", "col_points", "col_source")])
    rows = [html.Tr(className="lead-assessment-deduction", children=[
        html.Td(article_label(lang, d["article"], titles_zh)),
        html.Td(deduction_reason(lang, d["reason"], d["computed"])),
        html.Td("−" + points(d["points"]), className="num"),
        html.Td(html.Span(tb(lang, "source_computed" if d["computed"] else "source_entered"),
                          className="lead-assessment-source " + ("is-computed" if d["computed"] else "is-entered"))),
    ]) for d in deductions]
    return html.Div(className="lead-table-wrap", children=html.Table(
        className="lead-table lead-assessment-deductions", children=[html.Thead(head), html.Tbody(rows)]))


def _name(lang: Language, row: dict) -> str:
    return (row.get("name_en") or row["name_zh"]) if lang == "en" else row["name_zh"]


def score_row(lang: Language, row: dict, titles_zh: dict[int, str], *, rank: int | None, element_id: str,
              label: str | None = None) -> html.Details:
    """One unit (or the school): rank, name, score and points deducted; opens to its deductions,
    drawn by the page's callback on the first tap (none: said at once, there is nothing to read)."""
    band = score_band(row["score"])
    lines = (deduction_table(lang, [], titles_zh) if not row["deductions"]
             else html.P(tb(lang, "loading"), className="lead-note"))
    return html.Details(id=element_id, className=f"lead-assessment-row band-{band}", children=[
        html.Summary(id=open_id(row["unit"]), className="lead-assessment-summary", children=[
            html.Span("" if rank is None else str(rank), className="lead-assessment-rank"),
            html.Span(label or _name(lang, row), className="lead-assessment-name"),
            html.Span(points(row["score"]), className=f"lead-assessment-score band-{band}",
                      **{"data-score": str(row["score"])}),
            html.Span([tb(lang, "col_deducted"), " ", points(row["deducted"]), " · ",
                       tb(lang, "deductions_of", n=len(row["deductions"]))], className="lead-assessment-deducted"),
        ]),
        html.Div(lines, id=lines_id(row["unit"])),
    ])


def body(lang: Language, *, school_row: dict, units: list[dict], years: list[int], year: int, current_year: int,
         titles_zh: dict[int, str], href, school: str | None = None) -> list:
    """The page: the year, the school's own score, then its units lowest first."""
    notes = [html.P(tb(lang, "rules_note"), className="lead-note")]
    if year != current_year:
        notes.append(html.P(tb(lang, "past_year_note"), className="lead-note"))
    unit_rows = [score_row(lang, u, titles_zh, rank=n, element_id=unit_id(u["unit"]))
                 for n, u in enumerate(units, start=1)]
    return [
        dcc.Store(id=VIEW, data={"school": school or school_row["unit"], "lang": lang, "year": year}),
        html.Div(className="lead-assessment-top", children=[html.H2(tb(lang, "assessment_title")),
                                                            year_links(lang, years, year, href)]),
        *notes,
        html.Section(id=SCHOOL, className="lead-assessment-own", children=[
            score_row(lang, school_row, titles_zh, rank=None, element_id=unit_id(school_row["unit"]),
                      label=f"{tb(lang, 'school_own')} · {_name(lang, school_row)}")]),
        html.Section(id=UNITS, className="lead-card lead-assessment-units", children=[
            html.Div(className="lead-assessment-summary lead-assessment-heading", children=[
                html.Span(tb(lang, "col_rank")), html.Span(tb(lang, "col_unit")), html.Span(tb(lang, "col_score")),
                html.Span(tb(lang, "col_deducted"))]),
            *(unit_rows or [html.P(tb(lang, "units_none"), className="lead-note")])]),
    ]
