"""The audit page's builders, pure: plain rows in, Dash components out. Every value of the log is
rendered as text (Dash escapes it), never as markup: an entry records what someone typed."""
from __future__ import annotations

import json
from datetime import tzinfo
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.pages.admin_audit import ids
from dashboard.pages.admin_audit.text import tu
from layouts.i18n import Language

PATH = "/admin/audit"
FIELDS = (("since", ids.SINCE), ("until", ids.UNTIL), ("actor", ids.ACTOR), ("action", ids.ACTION),
          ("school", ids.SCHOOL), ("q", ids.TEXT))
MAX_VALUE = 500  # a value shown in the diff is cut here; the download holds it whole


def value_text(value: object) -> str:
    """One recorded value as plain text: strings as they are, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field either side names, in the order first named."""
    before, after = before or {}, after or {}
    keys = list(before) + [k for k in after if k not in before]
    return [(str(k), value_text(before.get(k)), value_text(after.get(k))) for k in keys]


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def _diff(lang: Language, row) -> html.Table | str:
    found = changes(row.before, row.after)
    if not found:
        return tu(lang, "none")
    return html.Table(className="admin-diff", children=[html.Tbody([
        html.Tr([html.Th(key, scope="row"),
                 html.Td(_cut(old) or tu(lang, "none"), className="admin-diff-before" if old else "admin-diff-none"),
                 html.Td("→", className="admin-diff-arrow", **{"aria-hidden": "true"}),
                 html.Td(_cut(new) or tu(lang, "none"), className="admin-diff-after" if new else "admin-diff-none")])
        for key, old, new in found])])


def link(lang: Language, query: dict[str, str], path: str = PATH, **more: str | None) -> str:
    values = {**query, "lang": "en" if lang == "en" else None, **more}
    kept = {k: v for k, v in values.items() if v}
    return path + ("?" + urlencode(kept) if kept else "")


def table(lang: Language, rows, tz: tzinfo) -> html.Div | html.P:
    if not rows:
        return html.P(tu(lang, "empty"), className="lead-note")
    head = html.Thead(html.Tr([html.Th(tu(lang, k)) for k in ("at", "who", "what", "target", "change")]))
    body = html.Tbody([html.Tr(className="admin-audit-entry", **{"data-id": str(row.id)}, children=[
        html.Td(row.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), className="admin-audit-at"),
        html.Td([html.Span(row.actor, className="admin-audit-actor"), html.Br(),
                 html.Small(f"{row.actor_role} · {row.ip or tu(lang, 'none')}")]),
        html.Td([html.Code(row.action, className="admin-audit-action")] + (
            [html.Br(), html.Small(row.school)] if row.school else [])),
        html.Td(row.target, className="admin-audit-target"),
        html.Td(_diff(lang, row)),
    ]) for row in rows])
    return html.Div(html.Table([head, body], className="lead-table admin-audit-table"), className="lead-scroll")


def _field(lang: Language, name: str, component_id: str, value: str | None) -> html.Label:
    hint = tu(lang, "date_hint") if name in ("since", "until") else None
    return html.Label(className="admin-field", children=[
        html.Span(tu(lang, name), className="admin-label"),
        dcc.Input(id=component_id, name=name, type="text", value=value or "", maxLength=200, placeholder=hint,
                  autoComplete="off", debounce=True)])


def body(lang: Language, query: dict[str, str], rows, tz: tzinfo, *, more: bool, last_id: int | None,
         paged: bool, scoped: bool, problem: str | None = None) -> html.Div:
    form = html.Form(id=ids.FORM, method="get", action=PATH, className="admin-audit-filter", children=[
        *[_field(lang, name, component_id, query.get(name)) for name, component_id in FIELDS],
        dcc.Input(type="hidden", name="lang", value="en") if lang == "en" else None,
        html.Button(tu(lang, "apply"), id=ids.APPLY, type="submit", className="lead-button admin-primary"),
        dcc.Link(tu(lang, "clear"), href=link(lang, {}), className="lead-button"),
    ])
    downloads = html.Div(className="admin-audit-downloads", children=[
        html.A(tu(lang, "xlsx"), id=ids.XLSX, href=link(lang, query, PATH + ".xlsx"), className="lead-button",
               download=""),
        html.A(tu(lang, "csv"), id=ids.CSV, href=link(lang, query, PATH + ".csv"), className="lead-button",
               download=""),
    ])
    paging = html.Nav(className="admin-audit-paging", children=[
        html.A(tu(lang, "newest"), id=ids.NEWEST, href=link(lang, query), className="lead-button") if paged else None,
        html.A(tu(lang, "older"), id=ids.OLDER, href=link(lang, query, before=str(last_id)),
               className="lead-button") if more and last_id is not None else None,
    ])
    notes = [html.P(tu(lang, "read_only"), className="lead-note")]
    if scoped:
        notes.append(html.P(tu(lang, "scope_note"), className="lead-note admin-audit-scope"))
    return html.Div(className="admin-audit", children=[
        html.Section(className="lead-card admin-card", children=[html.H2(tu(lang, "filter")), form, downloads,
                                                                  *notes]),
        html.Div(html.Span(tu(lang, problem), className="tone-error") if problem else (
            tu(lang, "shown", n=len(rows)) if rows else None), id=ids.MESSAGE, role="status",
            className="admin-message"),
        html.Section(className="lead-card admin-card", children=[
            html.H2(tu(lang, "title")), html.Div(table(lang, rows, tz), id=ids.TABLE), paging]),
    ])
