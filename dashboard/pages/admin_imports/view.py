"""The imports page's builders, pure. Every cell of an error comes from the file: rendered as text."""
from __future__ import annotations

import re

from dash import dcc, html

from dashboard.pages.admin_imports import ids
from dashboard.pages.admin_imports.text import ti
from layouts.i18n import Language

KINDS = ("risk_points", "hazards")
POLL_MS = 500


_BOTH = re.compile(r"\s*/ (?=[a-z])")  # "中文 / english": the upload route answers in both


def in_language(lang: Language, text: str) -> str:
    """The part of a "中文 / english" answer in the page's language; any other text as it is."""
    parts = _BOTH.split(text, maxsplit=1)
    return text if len(parts) == 1 else parts[0] if lang == "zh" else parts[1]


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="admin-label"), control], className="admin-field")


def body(lang: Language, schools, *, csrf: str | None, max_bytes: int) -> html.Div:
    if not schools:
        return html.P(ti(lang, "no_school"), className="lead-problem")
    names = [{"label": (s.name_en or s.name_zh) if lang == "en" else s.name_zh, "value": s.code} for s in schools]
    return html.Div(className="admin-imports", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang, "csrf": csrf}),
        dcc.Store(id=ids.JOB),
        dcc.Interval(id=ids.POLL, interval=POLL_MS, disabled=True),
        html.Section(className="lead-card admin-card", children=[
            html.H2(ti(lang, "title")),
            html.P(ti(lang, "rules"), className="lead-note"),
            _field(ti(lang, "school"), dcc.Dropdown(id=ids.SCHOOL, options=names, value=names[0]["value"],
                                                    clearable=False)),
            _field(ti(lang, "kind"), dcc.RadioItems(id=ids.KIND, value="risk_points", inline=True, options=[
                {"label": ti(lang, f"kind_{k}"), "value": k} for k in KINDS])),
            dcc.Upload(id=ids.UPLOAD, className="admin-upload", max_size=max_bytes, multiple=False,
                       accept=".xlsx,.csv", children=html.Div(ti(lang, "drop", mb=max_bytes // 2**20))),
            html.Div(id=ids.PROGRESS, role="status", className="admin-message"),
            html.Div(id=ids.RESULT),
        ]),
    ])


def progress(lang: Language, job: dict) -> html.Div:
    phase = job.get("phase") or "queued"
    done, total = int(job.get("done") or 0), int(job.get("total") or 0)
    key = f"phase_{phase}" if phase in ("queued", "read", "check", "write") else "phase_queued"
    bar = html.Progress(value=str(done), max=str(max(total, 1))) if phase == "write" else html.Progress()
    return html.Div([bar, html.Span(ti(lang, key, done=done, total=total))], className="admin-progress",
                    **{"data-phase": phase})


def errors_table(lang: Language, errors: list[dict], count: int) -> html.Div:
    head = html.Tr([html.Th(ti(lang, k)) for k in ("th_row", "th_column", "th_message")])
    rows = [html.Tr([html.Td(str(e.get("row", ""))), html.Td(str(e.get("column", ""))),
                     html.Td(str(e.get("message", "")))], className="admin-import-error") for e in errors]
    more = html.P(ti(lang, "more", shown=len(errors)), className="lead-note") if count > len(errors) else None
    return html.Div([html.Div(html.Table([html.Thead(head), html.Tbody(rows)], className="lead-table"),
                              className="lead-table-wrap"), more])
