"""The school's notices page's builders, pure: plain rows in (queries/ledger/notices.py SchoolNotice),
Dash components out. Titles and texts are rendered as text."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from dash import dcc, html

from dashboard.pages.notices import ids
from dashboard.pages.notices.text import tns
from layouts.i18n import Language
from layouts.phone_view import PhoneView
from layouts.supervision_items import said, when


@dataclass(frozen=True)
class Inbox:
    """The person's school (None: no school's account) and the notices to it."""

    school: str | None
    school_name: str = ""
    notices: list = field(default_factory=list)
    tz: tzinfo | None = None


def notice_list(lang: Language, data: Inbox) -> list:
    if not data.notices:
        return [html.P(tns(lang, "none"), className="phone-muted")]
    cards = []
    for n in data.notices:
        # Unread: open, the confirm button under the text (read it, then confirm). Read: folded, the
        # receipt shown under the title either way.
        read = (html.P(tns(lang, "read_by", at=when(n.read_at, data.tz), who=n.read_by or ""), className="sv-read")
                if n.read_at else None)
        confirm = (None if n.read_at else
                   html.Button(tns(lang, "confirm"), id={"type": ids.CONFIRM, "notice": n.id}, n_clicks=0,
                               type="button", className="phone-primary sv-confirm"))
        cards.append(html.Article(className="phone-card sv-notice" + ("" if n.read_at else " sv-unread-notice"),
                                  children=[
            html.Details([html.Summary([html.Strong(n.title), html.Br(),
                                        html.Span(tns(lang, "from", sender=n.sender, at=when(n.published_at, data.tz)),
                                                  className="phone-muted")]),
                          html.P(n.body, className="sv-text"), confirm], open=not n.read_at),
            read,
        ]))
    return cards


def body(view: PhoneView, data: Inbox) -> html.Div:
    lang = view.lang
    if data.school is None:
        return html.Div(html.P(tns(lang, "not_school"), className="phone-card"), className="sv-page")
    return html.Div(className="sv-page sv-notices", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.H1(f"{data.school_name} · {tns(lang, 'title')}", className="sv-title"),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
        html.Div(notice_list(lang, data), id=ids.LIST),
    ])


def message(ok: bool, text: str) -> html.Span:
    return said(ok, text)
