"""The school's supervision page's builders, pure: plain rows in (queries/ledger/supervision.py), Dash
components out. The photo button carries what assets/phone_hazard.js needs to send a photo to POST
/photos (the session's CSRF token, the school, where to put the keys, the words)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import tzinfo

from dash import dcc, html

from dashboard.pages.supervision import ids
from dashboard.pages.supervision.text import tsv
from layouts.i18n import Language
from layouts.phone_view import PhoneView
from layouts.supervision_items import item_cards, said, ts

TEXT_MAX = 4000  # ledger/supervision.py TEXT_MAX
KEY = re.compile(r"[0-9a-f]{32}")  # ledger/photo_files.py KEY
ANSWERABLE = ("open", "returned")


@dataclass(frozen=True)
class Own:
    """The person's school (None: the account is no school's), its items and their steps."""

    school: str | None
    school_name: str = ""
    items: list = field(default_factory=list)
    histories: dict = field(default_factory=dict)
    tz: tzinfo | None = None


def options(lang: Language, data: Own) -> list[dict]:
    return [{"label": f"{i.title} · {ts(lang, 'state_' + i.state)}", "value": i.id}
            for i in data.items if i.state in ANSWERABLE]


def answer_form(view: PhoneView, data: Own) -> html.Section:
    lang = view.lang
    choices = options(lang, data)
    return html.Section(className="phone-card sv-form", children=[
        html.H2(tsv(lang, "answer"), className="phone-section"),
        html.P(tsv(lang, "nothing_to_answer"), className="phone-muted") if not choices else None,
        html.Label([html.Span(tsv(lang, "item"), className="phone-label"),
                    dcc.Dropdown(id=ids.ITEM, options=choices, value=choices[0]["value"] if len(choices) == 1 else None,
                                 placeholder=tsv(lang, "pick"), searchable=False)], className="phone-field"),
        html.Label([html.Span(tsv(lang, "text"), className="phone-label"),
                    dcc.Textarea(id=ids.TEXT, rows=4, maxLength=TEXT_MAX)], className="phone-field"),
        dcc.Store(id=ids.PHOTOS, data=[]),
        html.Div(id=ids.PREVIEW, className="phone-photos"),
        html.Div(id=ids.UPLOADING, className="phone-muted", role="status"),
        html.Button(tsv(lang, "add_photo"), id=ids.ADD_PHOTO, type="button",
                    className="phone-secondary phone-photo-add", **{
                        "data-csrf": view.csrf or "", "data-school": data.school or "", "data-store": ids.PHOTOS,
                        "data-status": ids.UPLOADING, "data-sending": tsv(lang, "uploading"),
                        "data-sent": tsv(lang, "uploaded", n="{n}"),
                        "data-failed": tsv(lang, "upload_failed", reason="{reason}"),
                        "data-offline": tsv(lang, "upload_offline"), "data-lang": lang}),
        html.Button(tsv(lang, "send"), id=ids.SEND, n_clicks=0, type="button", className="phone-primary"),
    ])


def items(lang: Language, data: Own) -> list:
    return item_cards(lang, data.items, data.histories, data.tz, show_school=False)


def preview(keys: object) -> list:
    """The photos sent so far (keys the script put in the store): only a key's shape is drawn."""
    if not isinstance(keys, list):
        return []
    return [html.Img(src=f"/photos/{k}/thumbnail", alt="") for k in keys[:9] if isinstance(k, str) and KEY.fullmatch(k)]


def body(view: PhoneView, data: Own) -> html.Div:
    lang = view.lang
    if data.school is None:
        return html.Div(html.P(tsv(lang, "not_school"), className="phone-card"), className="sv-page")
    return html.Div(className="sv-page sv-school", children=[
        dcc.Store(id=ids.VIEW, data={"lang": lang}),
        html.H1(f"{data.school_name} · {tsv(lang, 'title')}", className="sv-title"),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
        answer_form(view, data),
        html.H2(tsv(lang, "list"), className="phone-section"),
        html.Div(items(lang, data), id=ids.LIST),
    ])


def message(ok: bool, text: str) -> html.Span:
    return said(ok, text)
