"""The organisation page's builders, pure: plain tree rows in, Dash components out. Names are
rendered as text (Dash escapes them), never as markup."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.admin_org import ids
from dashboard.pages.admin_org.text import to
from layouts.i18n import Language

KINDS = ("province", "city", "district", "school", "campus", "unit")
SCHOOL_TYPES = ("university", "vocational", "middle", "primary", "kindergarten", "special")
HOLDS_CHILDREN = frozenset({"province", "city", "district", "school", "unit"})


def name_of(lang: Language, row) -> str:
    return (row.name_en or row.name_zh) if lang == "en" else row.name_zh


def tree(lang: Language, rows) -> html.Div:
    if not rows:
        return html.P(to(lang, "empty"), className="lead-note")
    items = []
    for row in rows:
        kind = to(lang, f"kind_{row.kind}")
        school_type = f" · {to(lang, f'type_{row.school_type}')}" if row.school_type else ""
        items.append(html.Li(className=f"admin-tree-node kind-{row.kind}", style={"--depth": row.depth},
                             **{"data-code": row.code}, children=[
            html.Span(name_of(lang, row), className="admin-tree-name"),
            html.Span(f"{kind}{school_type}", className="admin-tree-kind"),
            html.Code(row.code, className="admin-tree-code"),
            # A school known only from its events: flagged so an admin gives it a name and a type.
            html.Span(to(lang, "unregistered"), className="admin-tree-unregistered", title=to(
                lang, "unregistered_hint")) if getattr(row, "unregistered", False) else None,
        ]))
    return html.Ul(items, className="admin-tree")


def parent_options(lang: Language, rows, *, whole_tree: bool) -> list[dict]:
    options = [{"label": to(lang, "top_level"), "value": ""}] if whole_tree else []
    return options + [{"label": "\u3000" * r.depth + name_of(lang, r), "value": r.code}
                      for r in rows if r.kind in HOLDS_CHILDREN]


def editable_options(lang: Language, rows) -> list[dict]:
    return [{"label": "\u3000" * r.depth + name_of(lang, r), "value": r.code} for r in rows if r.editable]


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def forms(lang: Language, rows, *, whole_tree: bool) -> html.Div:
    kinds = [{"label": to(lang, f"kind_{k}"), "value": k} for k in KINDS]
    types = [{"label": to(lang, f"type_{t}"), "value": t} for t in SCHOOL_TYPES]
    return html.Div(className="admin-forms", children=[
        html.Section(className="lead-card admin-card", children=[
            html.H2(to(lang, "add")),
            _field(to(lang, "parent"), dcc.Dropdown(id=ids.ADD_PARENT, options=parent_options(
                lang, rows, whole_tree=whole_tree), clearable=False)),
            _field(to(lang, "kind"), dcc.Dropdown(id=ids.ADD_KIND, options=kinds, value="school", clearable=False)),
            _field(to(lang, "code"), dcc.Input(id=ids.ADD_CODE, type="text", maxLength=64, autoComplete="off")),
            _field(to(lang, "name_zh"), dcc.Input(id=ids.ADD_NAME_ZH, type="text", maxLength=128)),
            _field(to(lang, "name_en"), dcc.Input(id=ids.ADD_NAME_EN, type="text", maxLength=128)),
            _field(to(lang, "school_type"), dcc.Dropdown(id=ids.ADD_TYPE, options=types)),
            html.Button(to(lang, "add_button"), id=ids.ADD, className="lead-button admin-primary", n_clicks=0),
        ]),
        html.Section(className="lead-card admin-card", children=[
            html.H2(to(lang, "edit")),
            _field(to(lang, "unit"), dcc.Dropdown(id=ids.EDIT_UNIT, options=editable_options(lang, rows),
                                                  placeholder=to(lang, "pick"))),
            _field(to(lang, "name_zh"), dcc.Input(id=ids.EDIT_NAME_ZH, type="text", maxLength=128)),
            _field(to(lang, "name_en"), dcc.Input(id=ids.EDIT_NAME_EN, type="text", maxLength=128)),
            _field(to(lang, "school_type"), dcc.Dropdown(id=ids.EDIT_TYPE, options=types)),
            _field(to(lang, "move_to"), dcc.Dropdown(id=ids.EDIT_PARENT, options=parent_options(
                lang, rows, whole_tree=False))),
            html.Button(to(lang, "save_button"), id=ids.SAVE, className="lead-button admin-primary", n_clicks=0),
        ]),
    ])


def body(lang: Language, rows, *, whole_tree: bool) -> html.Div:
    return html.Div(className="admin-org", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(to(lang, "tree")), html.Div(tree(lang, rows), id=ids.TREE)]),
            forms(lang, rows, whole_tree=whole_tree),
        ]),
    ])
