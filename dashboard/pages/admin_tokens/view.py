"""The wall tokens page's builders, pure: plain rows in, Dash components out. Labels are rendered as
text (Dash escapes them), never as markup.

The QR code is a table of dark and light cells, not an image: the pages' Content-Security-Policy
allows images from the site only (img-src 'self', no data: URIs), and a token must never travel in an
image's address, where proxies and logs keep it. The table scans like a printed code
(assets/admin_people.css draws the cells square, with the quiet zone the matrix carries)."""
from __future__ import annotations

from datetime import datetime, tzinfo

from dash import dcc, html

from dashboard.pages.admin_tokens import ids
from dashboard.pages.admin_tokens.text import tt
from layouts.i18n import Language


def _when(value: datetime | None, tz: tzinfo, lang: Language) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value is not None else tt(lang, "never")


def _school(lang: Language, row) -> str:
    if row.school is None:
        return tt(lang, "every_school")
    return f"{row.school_name} ({row.school})" if row.school_name else row.school


def tokens_table(lang: Language, rows, tz: tzinfo):
    if not rows:
        return html.P(tt(lang, "empty"), className="lead-note")
    head = [tt(lang, k) for k in ("label", "school", "created", "last_used", "state")]
    body = [[r.label, _school(lang, r), _when(r.created_at, tz, lang), _when(r.last_used_at, tz, lang),
             tt(lang, "active") if r.revoked_at is None else f"{tt(lang, 'revoked')} {_when(r.revoked_at, tz, lang)}"]
            for r in rows]
    return html.Table(className="admin-table admin-tokens-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(c) for c in row], className="is-revoked" if r.revoked_at else None)
                    for row, r in zip(body, rows)]),
    ])


def token_options(lang: Language, rows) -> list[dict]:
    return [{"label": f"{r.label} · {_school(lang, r)}", "value": r.id} for r in rows if r.revoked_at is None]


def school_options(walls, lang: Language = "zh") -> list[dict]:
    """The walls to pick: (code, name, kind); a unit's wall (a district's command centre) says so."""
    return [{"label": (f"{tt(lang, 'unit_wall')} · " if kind != "school" else "") + f"{name} ({code})", "value": code}
            for code, name, kind in walls]


def qr_table(matrix: list[list[bool]], label: str) -> html.Table:
    rows = [html.Tr([html.Td(className="q1" if dark else "q0") for dark in row]) for row in matrix]
    return html.Table(html.Tbody(rows), className="admin-qr", role="img", **{"aria-label": label})


def issued(lang: Language, *, label: str, school: str, url: str, matrix: list[list[bool]]) -> html.Div:
    """The new token, once: the wall's address to copy and its QR code."""
    return html.Div(className="lead-card admin-card admin-issued", children=[
        html.H2(tt(lang, "issued", label=label, school=school)),
        html.P(tt(lang, "once"), className="tone-warn"),
        html.Label([html.Span(tt(lang, "wall_url"), className="admin-label"),
                    dcc.Input(id=ids.WALL_URL, value=url, readOnly=True, type="text", className="admin-wall-url")],
                   className="admin-field"),
        qr_table(matrix, tt(lang, "qr")),
    ])


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def body(lang: Language, rows, schools, tz: tzinfo) -> html.Div:
    return html.Div(className="admin-tokens", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.Div(id=ids.MESSAGE, role="status", className="admin-message"),
        html.Div(id=ids.ISSUED),
        html.Div(className="admin-columns", children=[
            html.Section(className="lead-card admin-card", children=[
                html.H2(tt(lang, "tokens")), html.Div(tokens_table(lang, rows, tz), id=ids.TOKENS)]),
            html.Div(className="admin-forms", children=[
                html.Section(className="lead-card admin-card", children=[
                    html.H2(tt(lang, "create")),
                    _field(tt(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=school_options(schools, lang),
                                                            placeholder=tt(lang, "pick_school"))),
                    _field(tt(lang, "label"), dcc.Input(id=ids.LABEL, type="text", maxLength=128)),
                    html.Button(tt(lang, "create_button"), id=ids.CREATE, className="lead-button admin-primary",
                                n_clicks=0),
                ]),
                html.Section(className="lead-card admin-card", children=[
                    html.H2(tt(lang, "manage")),
                    _field(tt(lang, "token"), dcc.Dropdown(id=ids.TOKEN, options=token_options(lang, rows),
                                                           placeholder=tt(lang, "pick"))),
                    html.Div(className="admin-button-row", children=[
                        html.Button(tt(lang, "rotate_button"), id=ids.ROTATE, className="lead-button", n_clicks=0),
                        html.Button(tt(lang, "revoke_button"), id=ids.REVOKE, className="lead-button admin-danger",
                                    n_clicks=0)]),
                ]),
            ]),
        ]),
    ])
