"""The frame of every administration page: header (who, the unit they manage, language, sign out),
the page tabs, and the page's body or the reason there is none. The look of the leadership pages
(their header and tab classes, assets/lead.css); pure: an AdminView in, Dash components out."""
from __future__ import annotations

from dash import dcc, html

from layouts.admin_text import ta
from layouts.admin_view import NAV, AdminView

FRAME = "admin-frame"
BODY = "admin-body"


def frame(view: AdminView, page: str, body) -> html.Div:
    lang = view.lang
    return html.Div(id=FRAME, className=f"lead admin admin-{page.removeprefix('admin_')}",
                    lang="zh-CN" if lang == "zh" else "en", children=[
        _header(view, page),
        html.Nav([dcc.Link(ta(lang, key), href=view.href(name), className="lead-tab" + (
            " is-current" if name == page else "")) for name, _path, key in NAV], className="lead-tabs"),
        html.Main(id=BODY, className="lead-body admin-body", children=(
            html.Div(ta(lang, view.problem), className="lead-problem", role="alert") if view.problem else body)),
    ])


def _header(view: AdminView, page: str) -> html.Header:
    lang = view.lang
    role = ta(lang, "role_admin")
    scope = ta(lang, "scope", unit=view.unit_name or view.unit) if view.unit else ta(lang, "scope", unit=ta(
        lang, "scope_all"))
    return html.Header(className="lead-header", children=[
        html.Span(ta(lang, "brand"), className="lead-brand"),
        html.Span(scope, className="lead-school admin-scope"),
        html.Span(f"{view.who}（{role}）" if lang == "zh" else f"{view.who} ({role})", className="lead-who"),
        dcc.Link(ta(lang, "language"), className="lead-button lead-lang",
                 href=view.href(page, lang=None if lang == "en" else "en")),
        dcc.Link(ta(lang, "password"), className="lead-button lead-password",
                 href="/account/password" + ("?lang=en" if lang == "en" else "")) if view.csrf else None,
        html.Form(action="/logout", method="post", className="lead-sign-out", children=[
            dcc.Input(type="hidden", name="csrf", value=view.csrf),
            html.Button(ta(lang, "sign_out"), type="submit", className="lead-button")]) if view.csrf else None,
    ])
