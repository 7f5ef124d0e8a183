"""The on-call roster page's builders, pure: plain rows in, components out. Names are rendered as
text."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.admin_oncall import ids
from dashboard.pages.admin_oncall.text import to
from layouts.admin_choices import school_options
from layouts.i18n import Language

LEVELS = (0, 1, 2)
UPLOAD_BYTES = 1024 * 1024  # the ledger's limit (ledger/commands/user_import.py MAX_BYTES)


def _cell(lang: Language, cell) -> str:
    """A cell is None (nobody), or (name, original): `original` is whom a substitute stands in for."""
    if not cell:
        return "—"
    name, original = cell
    return to(lang, "standing_in", name=name, original=original) if original else name


def grid(lang: Language, rows) -> html.Div:
    """A week: rows of (ISO day, weekday 0-6, shift label, [cell per level])."""
    head = html.Tr([html.Th(to(lang, "th_day")), html.Th(to(lang, "th_shift"))]
                   + [html.Th(to(lang, f"level_{level}")) for level in LEVELS])
    body = []
    for day, weekday, shift, cells in rows:
        day_label = f"{day} {to(lang, 'weekdays').split(',')[weekday]}"
        body.append(html.Tr(**{"data-day": day, "data-shift": shift}, children=[
            html.Td(day_label), html.Td(shift)] + [html.Td(_cell(lang, c)) for c in cells]))
    return html.Div(html.Table([html.Thead(head), html.Tbody(body)], className="lead-table"),
                    className="lead-table-wrap")


def person_options(lang: Language, people) -> list[dict]:
    """people: (username, name, role name, levels they may take)."""
    return [{"label": f"{name}（{username} · {role}）" if lang == "zh" else f"{name} ({username} · {role})",
             "value": username} for username, name, role, _levels in people]


def errors_table(lang: Language, errors) -> html.Table:
    return html.Table(className="lead-table admin-import-errors", children=[
        html.Thead(html.Tr([html.Th(to(lang, k)) for k in ("row", "column", "problem")])),
        html.Tbody([html.Tr([html.Td(str(e.row)), html.Td(e.column), html.Td(e.message)]) for e in errors])])


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def body(lang: Language, schools, school: str | None, *, today: str, shifts: list[dict]) -> html.Div:
    """shifts: [{"label", "value"}] from the shifts file; today: the school's date, ISO."""
    if not schools:
        return html.P(to(lang, "no_school"), className="lead-problem")
    levels = [{"label": to(lang, f"level_{level}"), "value": level} for level in LEVELS]
    return html.Div(className="admin-oncall", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        dcc.Store(id=ids.IMPORTED),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        html.Div(className="admin-actions", children=[
            _field(to(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=school_options(lang, schools),
                                                    value=school, clearable=False)),
            _field(to(lang, "week"), dcc.Input(id=ids.WEEK, type="date", value=today, debounce=True)),
        ]),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(to(lang, "roster")), html.Div(id=ids.GRID)]),
            html.Section(className="lead-card admin-card", children=[
                html.H2(to(lang, "form")),
                html.P(to(lang, "hint"), className="lead-note"),
                _field(to(lang, "day"), dcc.Input(id=ids.DAY, type="date", value=today)),
                _field(to(lang, "shift"), dcc.Dropdown(id=ids.SHIFT, options=shifts,
                                                       value=shifts[0]["value"] if shifts else None,
                                                       clearable=False)),
                _field(to(lang, "level"), dcc.Dropdown(id=ids.LEVEL, options=levels, value=0, clearable=False)),
                _field(to(lang, "person"), dcc.Dropdown(id=ids.PERSON, options=[])),
                html.Div(className="admin-actions", children=[
                    html.Button(to(lang, "set"), id=ids.SET, className="lead-button admin-primary", n_clicks=0),
                    html.Button(to(lang, "substitute"), id=ids.SUBSTITUTE, className="lead-button", n_clicks=0),
                    html.Button(to(lang, "clear"), id=ids.CLEAR, className="lead-button admin-danger", n_clicks=0),
                ]),
                html.H2(to(lang, "import")),
                html.P(to(lang, "import_hint"), className="lead-note"),
                dcc.Upload(id=ids.UPLOAD, children=html.Div(to(lang, "drop")), className="admin-upload",
                           accept=".xlsx", max_size=UPLOAD_BYTES, multiple=False),
                html.Button(to(lang, "template"), id=ids.TEMPLATE, className="lead-button", n_clicks=0),
                html.Div(id=ids.IMPORT_MESSAGE, role="status", className="admin-message"),
                dcc.Download(id=ids.TEMPLATE_FILE),
            ]),
        ]),
    ])
