"""The rules page's builders, pure: the texts in use in, Dash components out. The rules are shown
in a textarea, as text (never markup)."""
from __future__ import annotations

from datetime import tzinfo

from dash import dcc, html

from dashboard.pages.admin_rules import ids
from dashboard.pages.admin_rules.text import tr
from layouts.i18n import Language

MAX_TEXT = 64_000  # as ledger/live_rules.py refuses beyond it


def version_line(lang: Language, in_use, tz: tzinfo) -> str:
    if in_use.version == 0:
        return tr(lang, "file")
    return tr(lang, "version", version=in_use.version, who=in_use.saved_by,
              at=in_use.saved_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"))


def card(lang: Language, in_use, tz: tzinfo, *, editable: bool) -> html.Section:
    kind = in_use.kind
    return html.Section(className=f"lead-card admin-card admin-rules-{kind}", children=[
        html.H2(tr(lang, f"title_{kind}")),
        html.P(tr(lang, f"about_{kind}"), className="lead-note"),
        html.P(version_line(lang, in_use, tz), id=ids.version(kind), className="admin-rules-version"),
        dcc.Textarea(id=ids.editor(kind), value=in_use.text, readOnly=not editable, maxLength=MAX_TEXT,
                     spellCheck=False, className="admin-rules-editor", rows=18),
        html.Div(className="admin-rules-actions", children=[
            html.Button(tr(lang, "check"), id=ids.check(kind), className="lead-button", n_clicks=0),
            html.Button(tr(lang, "save"), id=ids.save(kind), className="lead-button admin-primary", n_clicks=0),
        ]) if editable else None,
        html.Div(id=ids.message(kind), role="status", className="admin-message"),
    ])


def body(lang: Language, in_use: list, tz: tzinfo, *, editable: bool) -> html.Div:
    return html.Div(className="admin-rules", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.P(tr(lang, "note" if editable else "read_only"),
               className="lead-note" + ("" if editable else " admin-rules-read-only")),
        *[card(lang, found, tz, editable=editable) for found in in_use],
    ])
