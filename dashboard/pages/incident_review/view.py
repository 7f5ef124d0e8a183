"""The incident review page's builders, pure: the review as the PDF shows it (a document of plain
strings: ledger/incident_review.py document_view, made by page.py) and the review's form. Every name
and text from the ledger is rendered as text."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from dash import dcc, html

from dashboard.pages.incident_review import ids
from dashboard.pages.incident_review.text import trv
from layouts.phone_view import PhoneView


@dataclass(frozen=True)
class Shown:
    """What the page shows: the document (title, subtitle, summary pairs, the timeline table), the
    alert's id, school and state, each step's local minute (the wall's past view, when its history
    holds that minute), and the review's text and version."""

    document: dict
    alert_id: int
    school: str
    resolved: bool
    findings: str = ""
    measures: str = ""
    version: int = 0
    saved: str = ""  # "version · who · when", empty when nothing is written
    minutes: list[str | None] = field(default_factory=list)  # per timeline row: YYYY-MM-DDTHH:MM, or None


def _steps(lang: str, data: Shown) -> html.Ol:
    table = data.document["tables"][0]
    items = []
    for row, minute in zip(table["rows"], data.minutes + [None] * len(table["rows"])):
        at, step, who, detail, wall = row
        past = (html.A(trv(lang, "past_wall"), href="/?" + urlencode({"school": data.school, "at": minute}))
                if minute else None)
        items.append(html.Li(className="review-step", children=[
            html.Span(at, className="review-at"), " ", html.Strong(step),
            html.Span(f" · {who}" if who and who != "—" else ""),
            html.P(detail, className="review-detail") if detail and detail != "—" else None,
            html.P([trv(lang, "wall", what=wall), " ", past], className="review-wall phone-muted") if minute else None,
        ]))
    return html.Ol(items, id=ids.TIMELINE, className="review-timeline")


def body(view: PhoneView, data: Shown) -> html.Div:
    """The alert and how fast it was answered, its timeline, and the review's form."""
    lang = view.lang
    pdf = f"/api/v1/alerts/{data.alert_id}/review.pdf" + ("?lang=en" if lang == "en" else "")
    return html.Div(className="sv-page review-page", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang, "alert": data.alert_id, "version": data.version}),
        html.H1(f"{data.document['title']} · {data.document['shift']}", className="sv-title"),
        html.Article(className="phone-card", children=[
            html.Dl([part for pair in data.document["summary"]
                     for part in (html.Dt(pair["label"]), html.Dd(pair["value"]))], className="review-summary"),
            None if data.resolved else html.P(trv(lang, "open_alert"), className="phone-muted"),
        ]),
        html.H2(data.document["tables"][0]["title"], className="phone-section"),
        _steps(lang, data),
        html.H2(trv(lang, "title"), className="phone-section"),
        html.P(data.saved or trv(lang, "unwritten"), className="phone-muted"),
        html.Label([trv(lang, "findings"), dcc.Textarea(id=ids.FINDINGS, value=data.findings, maxLength=4000,
                                                         className="phone-input review-text")]),
        html.Label([trv(lang, "measures"), dcc.Textarea(id=ids.MEASURES, value=data.measures, maxLength=4000,
                                                         className="phone-input review-text")]),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
        html.Button(trv(lang, "save"), id=ids.SAVE, n_clicks=0, type="button", className="phone-primary"),
        html.A(trv(lang, "pdf"), href=pdf, id=ids.PDF, className="phone-link", target="_blank"),
    ])


def message(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")
