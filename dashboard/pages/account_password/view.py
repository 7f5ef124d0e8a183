"""The own-password page's builders, pure: the look of the leadership pages (their header and card
classes), three password fields and a button."""
from __future__ import annotations

from dash import dcc, html

from dashboard.pages.account_password import ids
from dashboard.pages.account_password.text import tp
from layouts.i18n import Language


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def _password(component_id: str, autocomplete: str) -> dcc.Input:
    return dcc.Input(id=component_id, type="password", maxLength=1024, autoComplete=autocomplete)


def page(lang: Language, *, who: str, csrf: str | None) -> html.Div:
    other = "/account/password" + ("" if lang == "en" else "?lang=en")
    return html.Div(className="lead admin account-password", lang="zh-CN" if lang == "zh" else "en", children=[
        html.Header(className="lead-header", children=[
            html.Span(tp(lang, "brand"), className="lead-brand"),
            html.Span(who, className="lead-who"),
            dcc.Link(tp(lang, "language"), href=other, className="lead-button lead-lang"),
            html.Form(action="/logout", method="post", className="lead-sign-out", children=[
                dcc.Input(type="hidden", name="csrf", value=csrf),
                html.Button(tp(lang, "sign_out"), type="submit", className="lead-button")]) if csrf else None,
        ]),
        html.Main(className="lead-body admin-body", children=[
            dcc.Store(id=ids.VIEW, data={"lang": lang}),
            html.Section(className="lead-card admin-card", children=[
                html.H2(tp(lang, "title")),
                html.P(tp(lang, "hint"), className="lead-note"),
                _field(tp(lang, "old"), _password(ids.OLD, "current-password")),
                _field(tp(lang, "new"), _password(ids.NEW, "new-password")),
                _field(tp(lang, "again"), _password(ids.AGAIN, "new-password")),
                html.Button(tp(lang, "save"), id=ids.SAVE, className="lead-button admin-primary", n_clicks=0),
                html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
            ]),
        ]),
    ])
