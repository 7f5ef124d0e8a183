"""The users page's builders, pure: plain rows in, Dash components out. Names, usernames and what a
stranger typed at the sign-in form are rendered as text (Dash escapes them), never as markup."""
from __future__ import annotations

from datetime import datetime, tzinfo

from dash import dcc, html

from dashboard.pages.admin_users import ids
from dashboard.pages.admin_users.text import tu
from kernel.names import ROLE_NAMES, name_of
from layouts.i18n import Language

ROLES = ("leader", "duty", "safety", "inspector", "reporter", "admin")  # ledger.models.USER_ROLES
MAX_SHOWN = 5000
UPLOAD_BYTES = 1024 * 1024  # the ledger's limit (ledger/commands/user_import.py MAX_BYTES)


def _when(value: datetime | None, tz: tzinfo, lang: Language) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value is not None else tu(lang, "never")


def _table(headers: list[str], rows: list[list], class_name: str) -> html.Table:
    return html.Table(className=f"admin-table {class_name}", children=[
        html.Thead(html.Tr([html.Th(h) for h in headers])),
        html.Tbody([html.Tr([html.Td(cell) for cell in row]) for row in rows]),
    ])


def people_table(lang: Language, rows, tz: tzinfo):
    if not rows:
        return html.P(tu(lang, "empty"), className="lead-note")
    shown = rows[:MAX_SHOWN]
    body = [[r.username, r.display_name, name_of(ROLE_NAMES, r.role, lang), r.unit_name or tu(lang, "whole_tree"),
             tu(lang, "disabled" if r.disabled else "active"), _when(r.last_login_at, tz, lang),
             " · ".join(x for x in (r.phone, r.email) if x) or "—"] for r in shown]
    table = _table([tu(lang, k) for k in ("username", "display_name", "role", "unit", "status", "last_login",
                                          "contact")], body, "admin-people")
    return html.Div([table, html.P(tu(lang, "more", count=MAX_SHOWN), className="lead-note")
                     if len(rows) > MAX_SHOWN else None])


def failures_table(lang: Language, rows, tz: tzinfo):
    if not rows:
        return html.P(tu(lang, "no_failures"), className="lead-note")
    return _table([tu(lang, k) for k in ("at", "username", "address")],
                  [[_when(r.at, tz, lang), r.username, r.ip or "-"] for r in rows], "admin-failures")


def errors_table(lang: Language, errors) -> html.Table:
    return _table([tu(lang, "row"), tu(lang, "column"), tu(lang, "problem")],
                  [[str(e.row), e.column, e.message] for e in errors], "admin-import-errors")


def role_options(lang: Language) -> list[dict]:
    return [{"label": name_of(ROLE_NAMES, r, lang), "value": r} for r in ROLES]


def unit_options(lang: Language, units, *, whole_tree: bool) -> list[dict]:
    """Every unit the admin may put a person in: their unit and below (tree rows, in tree order)."""
    top = [{"label": tu(lang, "whole_tree"), "value": ""}] if whole_tree else []
    return top + [{"label": "\u3000" * u.depth + ((u.name_en or u.name_zh) if lang == "en" else u.name_zh),
                   "value": u.code} for u in units]


def person_options(rows, lang: Language = "zh") -> list[dict]:
    """The people to pick; a disabled account says so, to be found and enabled again."""
    return [{"label": f"{r.display_name} ({r.username})" + (f" · {tu(lang, 'disabled')}" if r.disabled else ""),
             "value": r.username} for r in rows[:MAX_SHOWN]]


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def done(said: str, lang: Language, password: str | None) -> html.Div:
    """What a creation or reset says: the generated password this once, as text to copy."""
    if password is None:
        return html.Div([html.Span(said, className="tone-ok"), " ", html.Span(tu(lang, "typed"))])
    return html.Div([html.Span(said, className="tone-ok"), " ", html.Span(tu(lang, "generated")), " ",
                     html.Code(password, className="admin-secret", id="admin-users-first-password")])


def _create_form(lang: Language, units, whole_tree: bool) -> html.Section:
    return html.Section(className="lead-card admin-card", children=[
        html.H2(tu(lang, "create")),
        _field(tu(lang, "username"), dcc.Input(id=ids.NEW_USERNAME, type="text", maxLength=64, autoComplete="off")),
        _field(tu(lang, "display_name"), dcc.Input(id=ids.NEW_NAME, type="text", maxLength=128)),
        _field(tu(lang, "role"), dcc.Dropdown(id=ids.NEW_ROLE, options=role_options(lang), value="duty",
                                              clearable=False)),
        _field(tu(lang, "unit"), dcc.Dropdown(id=ids.NEW_UNIT, options=unit_options(
            lang, units, whole_tree=whole_tree))),
        _field(tu(lang, "password"), dcc.Input(id=ids.NEW_PASSWORD, type="password", maxLength=1024,
                                               autoComplete="new-password")),
        html.Button(tu(lang, "create_button"), id=ids.CREATE, className="lead-button admin-primary", n_clicks=0),
    ])


def _edit_form(lang: Language, people, units, whole_tree: bool) -> html.Section:
    return html.Section(className="lead-card admin-card", children=[
        html.H2(tu(lang, "edit")),
        _field(tu(lang, "person"), dcc.Dropdown(id=ids.PERSON, options=person_options(people, lang),
                                                placeholder=tu(lang, "pick"))),
        _field(tu(lang, "role"), dcc.Dropdown(id=ids.EDIT_ROLE, options=role_options(lang),
                                              placeholder=tu(lang, "keep"))),
        _field(tu(lang, "unit"), dcc.Dropdown(id=ids.EDIT_UNIT, options=unit_options(
            lang, units, whole_tree=whole_tree), placeholder=tu(lang, "keep"))),
        html.Div(html.Button(tu(lang, "save_button"), id=ids.SAVE, className="lead-button admin-primary",
                             n_clicks=0), className="admin-button-row"),
        _field(tu(lang, "reset_password"), dcc.Input(id=ids.RESET_PASSWORD, type="password", maxLength=1024,
                                                     autoComplete="new-password")),
        html.Div(className="admin-button-row", children=[
            html.Button(tu(lang, "reset_button"), id=ids.RESET, className="lead-button", n_clicks=0),
            html.Button(tu(lang, "disable_button"), id=ids.DISABLE, className="lead-button admin-danger",
                        n_clicks=0),
            html.Button(tu(lang, "enable_button"), id=ids.ENABLE, className="lead-button", n_clicks=0)]),
        html.H3(tu(lang, "addresses")),
        _field(tu(lang, "address_kind"), dcc.RadioItems(id=ids.ADDRESS_KIND, value="phone", inline=True, options=[
            {"label": tu(lang, "phone"), "value": "phone"}, {"label": tu(lang, "email"), "value": "email"}])),
        _field(tu(lang, "address_value"), dcc.Input(id=ids.ADDRESS_VALUE, type="text", maxLength=254,
                                                    autoComplete="off")),
        html.Div(className="admin-button-row", children=[
            html.Button(tu(lang, "address_save"), id=ids.ADDRESS_SAVE, className="lead-button", n_clicks=0),
            html.Button(tu(lang, "address_clear"), id=ids.ADDRESS_CLEAR, className="lead-button admin-danger",
                        n_clicks=0)]),
    ])


def _import_form(lang: Language) -> html.Section:
    return html.Section(className="lead-card admin-card", children=[
        html.H2(tu(lang, "import")),
        html.P(tu(lang, "import_hint"), className="lead-note"),
        dcc.Upload(id=ids.UPLOAD, children=html.Div(tu(lang, "drop")), className="admin-upload",
                   accept=".xlsx", max_size=UPLOAD_BYTES, multiple=False),
        html.Button(tu(lang, "template"), id=ids.TEMPLATE, className="lead-button", n_clicks=0),
        html.Div(id=ids.IMPORT_MESSAGE, role="status", className="admin-message"),
        dcc.Download(id=ids.RESULT), dcc.Download(id=ids.TEMPLATE_FILE),
    ])


def body(lang: Language, people, units, failures, tz: tzinfo, *, whole_tree: bool) -> html.Div:
    return html.Div(className="admin-users", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(tu(lang, "people")), html.Div(people_table(lang, people, tz), id=ids.PEOPLE)]),
            html.Div(className="admin-forms", children=[
                _create_form(lang, units, whole_tree), _edit_form(lang, people, units, whole_tree),
                _import_form(lang)]),
        ]),
        html.Section(className="lead-card admin-card", children=[
            html.H2(tu(lang, "failures")), html.Div(failures_table(lang, failures, tz), id=ids.FAILURES)]),
    ])
