"""The hazard page's step forms, pure: one small form per step the reader may take now
(queries/ledger/my_work.py `steps_open_to`), nothing else; plain blocks, not <form>s (Enter in a field
must not send the page anywhere); each button is disabled while its step is
being sent (callbacks.py `running`). The after-photos' button carries what assets/phone_hazard.js
needs to send a photo to POST /photos: the session's CSRF token, the hazard's school, where to put
the keys and the words to say how it went."""
from __future__ import annotations

import re
from datetime import timedelta

from dash import dcc, html

from dashboard.pages.phone_hazard import ids
from dashboard.pages.phone_hazard.text import th
from kernel.names import GRADE_NAMES, ROLE_NAMES, local_name, name_of
from layouts.phone_view import PhoneView

# The ledger's own figures, kept here because builders import nothing of the ledger (pyproject.toml);
# tests/dashboard/test_phone_work_builders.py holds them equal to ledger.hazard_work_rules.TEXT_MAX,
# ledger.hazard_loop.GRADES and ledger.photo_files.KEY.
TEXT_MAX = 2000
GRADES = ("ordinary", "major")
KEY = re.compile(r"[0-9a-f]{32}")
DEFAULT_DAYS = 7  # the notice's deadline offered: a week from today (the officer changes it)


def steps(view: PhoneView, shown) -> html.Section:
    lang, h = view.lang, shown.hazard
    today = shown.now.astimezone(shown.tz).date()
    forms = []
    if "notify" in h.open_steps:
        forms.append(assign(lang, h, today))
    if "rectify" in h.open_steps:
        forms.append(start(lang))
    if "feedback" in h.open_steps:
        forms.append(feedback(view, h.school))
    if "accept" in h.open_steps:
        forms.append(verdict(lang))
    if "supervise" in h.open_steps:
        forms.append(supervise(lang, today))
    if not forms:
        return html.Section(id=ids.STEPS, className="phone-card phone-empty", children=html.P(
            th(lang, "closed" if h.stage == "accepted" else "no_steps")))
    return html.Section(id=ids.STEPS, className="phone-hazard-steps", children=[
        html.H2(th(lang, "your_steps"), className="phone-section"), *forms])


def _field(label: str, control) -> html.Label:
    return html.Label([html.Span(label, className="phone-label"), control], className="phone-field")


def _text(component_id: str, label: str, rows: int = 3) -> html.Label:
    return _field(label, dcc.Textarea(id=component_id, maxLength=TEXT_MAX, rows=rows))


def _send(component_id: str, label: str, kind: str = "phone-primary") -> html.Button:
    return html.Button(label, id=component_id, n_clicks=0, type="button", className=kind + " phone-send")


def assign(lang: str, h, today) -> html.Div:
    grades = [{"label": name_of(GRADE_NAMES, g, lang), "value": g} for g in GRADES]
    units = [{"label": local_name(lang, zh, en), "value": code} for code, zh, en in h.units]
    people = [{"label": f"{name}（{name_of(ROLE_NAMES, role, lang)}）" if lang == "zh"
               else f"{name} ({name_of(ROLE_NAMES, role, lang)})", "value": user_id}
              for user_id, name, role in h.candidates]
    unit = h.responsible_unit_code if any(u["value"] == h.responsible_unit_code for u in units) else None
    return html.Div(className="phone-card phone-step-form step-notify", children=[
        html.H3(th(lang, "assign"), className="phone-section"),
        _field(th(lang, "grade"), dcc.RadioItems(id=ids.ASSIGN_GRADE, options=grades, value=h.grade, inline=True,
                                                 className="phone-radios")),
        _field(th(lang, "unit"), dcc.Dropdown(id=ids.ASSIGN_UNIT, options=units, value=unit, clearable=False,
                                              searchable=False, placeholder=th(lang, "pick"))),
        _field(th(lang, "person"), dcc.Dropdown(id=ids.ASSIGN_PERSON, options=people, clearable=False,
                                                placeholder=th(lang, "pick"))),
        _field(th(lang, "deadline_date"), dcc.Input(id=ids.ASSIGN_DEADLINE, type="date", min=today.isoformat(),
                                                    value=(today + timedelta(days=DEFAULT_DAYS)).isoformat())),
        _text(ids.ASSIGN_REQUIREMENT, th(lang, "requirement_hint")),
        _send(ids.ASSIGN_SEND, th(lang, "send_notice")),
    ])


def start(lang: str) -> html.Div:
    return html.Div(className="phone-card phone-step-form step-rectify", children=[
        html.H3(th(lang, "start"), className="phone-section"),
        _text(ids.START_NOTE, th(lang, "start_note"), rows=2),
        _send(ids.START_SEND, th(lang, "send_start")),
    ])


def feedback(view: PhoneView, school: str) -> html.Div:
    lang = view.lang
    return html.Div(className="phone-card phone-step-form step-feedback", children=[
        html.H3(th(lang, "feedback"), className="phone-section"),
        _text(ids.FEEDBACK_MEASURES, th(lang, "measures_hint")),
        dcc.Store(id=ids.FEEDBACK_PHOTOS, data=[]),
        html.Div(id=ids.FEEDBACK_PREVIEW, className="phone-photos"),
        html.Div(id=ids.FEEDBACK_UPLOADING, className="phone-muted", role="status"),
        html.Button(th(lang, "add_photo"), id=ids.FEEDBACK_ADD, type="button",
                    className="phone-secondary phone-photo-add", **{
                        "data-csrf": view.csrf or "", "data-school": school, "data-store": ids.FEEDBACK_PHOTOS,
                        "data-status": ids.FEEDBACK_UPLOADING, "data-sending": th(lang, "uploading"),
                        "data-sent": th(lang, "uploaded", n="{n}"), "data-failed": th(lang, "upload_failed",
                                                                                          reason="{reason}"),
                        "data-offline": th(lang, "upload_offline"), "data-lang": lang}),
        _send(ids.FEEDBACK_SEND, th(lang, "send_feedback")),
    ])


def verdict(lang: str) -> html.Div:
    return html.Div(className="phone-card phone-step-form step-accept", children=[
        html.H3(th(lang, "verdict"), className="phone-section"),
        _text(ids.VERDICT_NOTE, th(lang, "verdict_hint")),
        _send(ids.ACCEPT_SEND, th(lang, "send_accept")),
        _send(ids.REJECT_SEND, th(lang, "send_reject"), "phone-secondary phone-danger"),
    ])


def supervise(lang: str, today) -> html.Div:
    return html.Div(className="phone-card phone-step-form step-supervise", children=[
        html.H3(th(lang, "supervise"), className="phone-section"),
        _field(th(lang, "supervise_deadline"), dcc.Input(id=ids.SUPERVISE_DEADLINE, type="date",
                                                         min=today.isoformat())),
        _text(ids.SUPERVISE_INSTRUCTIONS, th(lang, "instructions_hint")),
        _send(ids.SUPERVISE_SEND, th(lang, "send_supervise")),
    ])


def preview(keys: object) -> list:
    """The after-photos sent so far (their keys, as the script put them in the store): thumbnails.
    Only a photo key's shape is drawn; anything else in the (editable) store is left out."""
    if not isinstance(keys, list):
        return []
    return [html.Img(src=f"/photos/{k}/thumbnail", alt="") for k in keys[:9] if isinstance(k, str) and KEY.fullmatch(k)]
