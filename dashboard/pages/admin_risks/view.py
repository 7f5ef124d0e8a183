"""The risk-point register page's builders, pure: plain rows in, Dash components out. Names and
measures are rendered as text (Dash escapes them), never as markup."""
from __future__ import annotations

from urllib.parse import quote

from dash import dcc, html

from dashboard.pages.admin_risks import ids
from dashboard.pages.admin_risks.text import tr
from layouts.admin_choices import school_options
from layouts.i18n import Language

CONTROL_LEVELS = ("school", "unit", "section", "post")
CATEGORIES = ("场所", "设备设施", "作业活动")




def grade_badge(lang: Language, grade: dict | None, problem: str | None = None) -> html.Div:
    """The computed level as the factors are typed: a coloured chip with level, colour and score;
    the grading's own words when a factor is out of range."""
    if problem:
        return html.Div(problem, className="admin-grade tone-error", **{"data-colour": ""})
    if grade is None:
        return html.Div(tr(lang, "grade_none"), className="admin-grade lead-note", **{"data-colour": ""})
    score = f"{grade['score']:g}"
    return html.Div(className="admin-grade", **{"data-colour": grade["colour"], "data-level": grade["level"]},
                    children=[
        html.Span(f"{tr(lang, 'level_' + grade['level'])} · {tr(lang, 'colour_' + grade['colour'])}",
                  className=f"lead-chip {grade['colour']}"),
        html.Span(tr(lang, "score_lec" if grade["method"] == "LEC" else "score_ls", score=score),
                  className="admin-grade-score"),
    ])


def card_href(school: str, code: str, *, lang: Language) -> str:
    """The point's notice card (dashboard/risk_cards.py); its PDF is the browser's print of it."""
    path = f"/admin/risks/{quote(school, safe='')}/{quote(code, safe='')}/card"
    return path + ("?lang=en" if lang == "en" else "")


def table(lang: Language, rows) -> html.Div:
    if not rows:
        return html.P(tr(lang, "empty"), className="lead-note")
    head = html.Tr([html.Th(tr(lang, k)) for k in ("th_code", "th_name", "th_grade", "th_place", "th_unit",
                                                   "th_person", "th_reviewed")])
    body = []
    for row in rows:
        place = " · ".join(p for p in (row.building_name, row.zone) if p)
        body.append(html.Tr(**{"data-code": row.code, "data-colour": row.colour}, children=[
            html.Td(html.Code(row.code)), html.Td(row.name),
            html.Td(html.Span(tr(lang, f"level_{row.level}"), className=f"lead-chip {row.colour}")),
            html.Td(place), html.Td(row.unit_name or ""), html.Td(row.responsible_person or ""),
            html.Td(row.last_reviewed_on.isoformat()),
        ]))
    return html.Div(html.Table([html.Thead(head), html.Tbody(body)], className="lead-table"),
                    className="lead-table-wrap")




def pick_options(rows) -> list[dict]:
    return [{"label": f"{row.code} {row.name}", "value": row.code} for row in rows]






def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def _number(id_: str) -> dcc.Input:
    # Typed, not picked: the grade follows every keystroke (debounce off).
    return dcc.Input(id=id_, type="number", inputMode="decimal", debounce=False, min=0, step="any")


def form(lang: Language, *, today: str) -> html.Section:
    levels = [{"label": tr(lang, f"cl_{k}"), "value": k} for k in CONTROL_LEVELS]
    return html.Section(className="lead-card admin-card admin-risk-form", children=[
        html.H2(tr(lang, "form")),
        _field(tr(lang, "pick"), dcc.Dropdown(id=ids.PICK, options=[], placeholder=tr(lang, "pick"))),
        html.Div(id=ids.CARD, className="admin-card-links"),
        _field(tr(lang, "code"), dcc.Input(id=ids.CODE, type="text", maxLength=64, autoComplete="off")),
        _field(tr(lang, "name"), dcc.Input(id=ids.NAME, type="text", maxLength=200)),
        _field(tr(lang, "method"), dcc.RadioItems(id=ids.METHOD, options=["LEC", "LS"], value="LEC", inline=True)),
        html.Div(className="admin-factors", children=[
            _field(tr(lang, "l_lec") + " / " + tr(lang, "l_ls"), _number(ids.L)),
            _field(tr(lang, "e"), _number(ids.E)),
            _field(tr(lang, "c"), _number(ids.C)),
            _field(tr(lang, "s"), _number(ids.S)),
        ]),
        _field(tr(lang, "grade"), html.Div(grade_badge(lang, None), id=ids.GRADE, role="status",
                                           **{"aria-live": "polite"})),
        _field(tr(lang, "control_level"), dcc.Dropdown(id=ids.CONTROL_LEVEL, options=levels, value="unit",
                                                       clearable=False)),
        _field(tr(lang, "measures"), dcc.Textarea(id=ids.MEASURES, maxLength=4000, rows=4)),
        _field(tr(lang, "unit"), dcc.Dropdown(id=ids.UNIT, options=[])),
        _field(tr(lang, "person"), dcc.Input(id=ids.PERSON, type="text", maxLength=64)),
        _field(tr(lang, "place"), dcc.Dropdown(id=ids.PLACE, options=[])),
        _field(tr(lang, "category"), dcc.Dropdown(id=ids.CATEGORY, options=list(CATEGORIES))),
        _field(tr(lang, "reviewed"), dcc.Input(id=ids.REVIEWED, type="date", value=today, max=today)),
        html.Div(className="admin-actions", children=[
            html.Button(tr(lang, "add"), id=ids.ADD, className="lead-button admin-primary", n_clicks=0),
            html.Button(tr(lang, "save"), id=ids.SAVE, className="lead-button", n_clicks=0),
            html.Button(tr(lang, "retire"), id=ids.RETIRE, className="lead-button admin-danger", n_clicks=0),
        ]),
    ])


def card_links(lang: Language, school: str | None, code: str | None):
    if not school or not code:
        return None
    return html.A(tr(lang, "card"), href=card_href(school, code, lang=lang), target="_blank", rel="noopener",
                  className="lead-button", id="admin-risks-card-link")


def body(lang: Language, schools, school: str | None, *, today: str) -> html.Div:
    if not schools:
        return html.P(tr(lang, "no_school"), className="lead-problem")
    return html.Div(className="admin-risks", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        _field(tr(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=school_options(lang, schools), value=school,
                                                clearable=False)),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(tr(lang, "register")), html.Div(id=ids.TABLE)]),
            form(lang, today=today),
        ]),
    ])
