"""The hazard page's builders, pure: the hazard's facts (title, grade, stage, place, deadline marked
overdue or due soon, requirement, responsible unit and person, supervision), its before and after
photos, every step of its history (who, when, the note, the photos as thumbnails linking to the
originals), and the forms of the steps open to the reader (forms.py). Everything a person typed is
given to Dash as text, never as markup."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from dash import dcc, html

from dashboard.pages.phone_hazard import forms, ids
from dashboard.pages.phone_hazard.text import th
from kernel.names import ACTION_NAMES, GRADE_NAMES, SOURCE_NAMES, STAGE_NAMES, name_of
from layouts.phone_hazard_items import days_text, local
from layouts.phone_view import PhoneView

if TYPE_CHECKING:  # the rows the reads return, named, not imported (builders fetch nothing)
    from queries.ledger.hazard_page import HazardPage
    from queries.ledger.photos import PhotoView


@dataclass(frozen=True)
class Shown:
    hazard: HazardPage
    now: datetime
    tz: tzinfo


def body(view: PhoneView, shown: Shown) -> html.Div:
    """The page: what the step callbacks read (the hazard asked for, the page's language), the hazard,
    the answer to the last step just above the step forms (where the thumb that tapped is), and the
    forms; a step draws the hazard and the forms again."""
    h = shown.hazard
    return html.Div([
        dcc.Store(id=ids.HAZARD, data={"school": h.school, "code": h.code, "lang": view.lang}),
        dcc.Store(id=ids.ACTED),
        html.Div(content(view, shown), id=ids.CONTENT),
        html.Div(id=ids.MESSAGE, role="status", className="phone-message"),
        html.Div(forms.steps(view, shown), id=ids.FORMS),
    ])


def content(view: PhoneView, shown: Shown) -> list:
    """The hazard itself: its facts, photos and history."""
    return [facts(view, shown), photos_card(view, shown.hazard), history(view, shown)]


def facts(view: PhoneView, shown: Shown) -> html.Section:
    lang, h, tz = view.lang, shown.hazard, shown.tz
    chips = [html.Span(name_of(GRADE_NAMES, h.grade, lang), className="phone-chip" + (
        " major" if h.grade == "major" else "")),
        html.Span(name_of(STAGE_NAMES, h.stage, lang), className="phone-chip phone-stage-chip stage-" + h.stage)]
    if h.supervised_at is not None:
        chips.append(html.Span(th(lang, "supervision"), className="phone-chip red"))
    place = " · ".join(h.place_en if lang == "en" else h.place)
    rows = [
        (th(lang, "code"), h.code),
        (th(lang, "place"), " · ".join(p for p in (h.school_name, place) if p)),
        (th(lang, "risk_point"), h.risk_point),
        (th(lang, "found"), " · ".join(p for p in (local(h.found_at, tz), h.found_by) if p)),
        (th(lang, "source"), name_of(SOURCE_NAMES, h.source, lang)),
        (th(lang, "deadline"), deadline(lang, h.deadline, h.status, tz) if h.deadline else th(lang, "no_deadline")),
        (th(lang, "requirement"), h.requirement),
        (th(lang, "responsible"), " / ".join(p for p in (
            h.responsible_unit_en if lang == "en" else h.responsible_unit, h.responsible_person) if p) or None),
        (th(lang, "measures"), h.measures or None),
        (th(lang, "recheck"), h.recheck_result if h.stage == "accepted" else None),
    ]
    if h.supervised_at is not None:
        rows += [(th(lang, "supervision"), th(lang, "supervision_by", by=h.supervised_by or "",
                                              when=local(h.supervised_at, tz))),
                 (th(lang, "supervision_deadline"), deadline(lang, h.supervision_deadline, h.supervision_status, tz)),
                 (th(lang, "instructions_hint"), h.supervision_note)]
    return html.Section(id=ids.FACTS, className="phone-card phone-hazard-facts", children=[
        html.H2(h.title, className="phone-hazard-title"),
        html.Div(chips, className="phone-item-chips"),
        html.P(h.description, className="phone-hazard-text") if h.description and h.description != h.title else None,
        html.Dl([part for label, value in rows if value for part in (
            html.Dt(label), html.Dd(value, className="phone-hazard-text"))], className="phone-hazard-facts-list"),
    ])


def deadline(lang: str, at: datetime | None, status, tz: tzinfo):
    """A deadline with how near it is, marked when overdue or due soon."""
    if at is None:
        return None
    left = days_text(lang, status.days_left, status.overdue)
    mark = "overdue" if status.overdue else "due-soon" if status.due_soon else None
    said = left if not status.due_soon else f"{th(lang, 'due_soon')} · {left}"  # overdue: "2 days overdue" says it
    return html.Span([local(at, tz, year=True), " ", html.Span(
        said, className=f"phone-chip {mark}" if mark else "phone-muted")],
        className="phone-deadline" + (f" is-{mark}" if mark else ""))


def photos_card(view: PhoneView, h: HazardPage) -> html.Section:
    lang = view.lang
    fed_back = bool(h.after) or h.stage in ("feedback", "accepted")
    return html.Section(className="phone-card", children=[
        html.H3(th(lang, "before"), className="phone-section"),
        thumbnails(lang, h.before, ids.BEFORE),
        html.H3(th(lang, "after"), className="phone-section") if fed_back else None,
        thumbnails(lang, h.after, ids.AFTER) if fed_back else None,
    ])


def thumbnails(lang: str, shot: tuple[PhotoView, ...], component_id: str | None = None):
    """Thumbnails (small, for a school's Wi-Fi), each opening its original."""
    named = {"id": component_id} if component_id else {}
    if not shot:
        return html.P(th(lang, "no_photos"), className="phone-muted", **named) if component_id else None
    return html.Div([html.A(html.Img(src=p.thumbnail_url, alt=th(lang, "photo")), href=p.original_url,
                            target="_blank", rel="noopener", title=th(lang, "open_photo")) for p in shot],
                    className="phone-photos", **named)


def history(view: PhoneView, shown: Shown) -> html.Section:
    lang, tz = view.lang, shown.tz
    return html.Section(id=ids.HISTORY, className="phone-card", children=[
        html.H3(th(lang, "history"), className="phone-section"),
        html.Ol([html.Li(className="phone-step step-" + s.action, children=[
            html.Div([html.Strong(name_of(ACTION_NAMES, s.action, lang)), " · ", s.by],
                     className="phone-step-head"),
            html.Div(local(s.at, tz, year=True), className="phone-muted"),
            html.P(s.note, className="phone-hazard-text") if s.note else None,
            thumbnails(lang, s.photos),
        ]) for s in shown.hazard.steps], className="phone-history"),
    ])
