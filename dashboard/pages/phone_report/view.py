"""The report page's builders, pure: what the server read (ReportStart) in, the frame's body out —
the notices about the address (a scanned point or a draft that was not used) and the root of the
form with its data (JSON in a data attribute, read by assets/phone_report.js, which draws the form
with DOM calls and text nodes: nothing typed by anyone is ever taken for markup)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

from dash import dcc, html

from dashboard.pages.phone_report import ids
from dashboard.pages.phone_report.text import SCRIPT, tr
from layouts.phone_view import PhoneView

PHOTO_PATH = "/photos"


@dataclass(frozen=True)
class DraftStart:
    """A failed checklist item the form starts from (queries/ledger/inspections.py hazard_draft)."""

    result_id: int
    school: str
    building: str | None
    zone: str | None
    risk_point: str | None
    risk_point_name: str | None
    description: str
    photo_keys: tuple[str, ...] = ()
    reported_as: str | None = None  # its hazard's code once reported: the page links it instead


@dataclass(frozen=True)
class ReportStart:
    """What the server read for the form: the person (their id keys the phone's local queue), the
    places they may report at, and what the address asked for, if it may be used."""

    user_id: int
    schools: tuple = ()  # queries/ledger/report_places.py SchoolPlaces (with .name(lang), .buildings, ...)
    point: object | None = None  # its PointPlace (school, code, name, building, zone)
    draft: DraftStart | None = None
    notices: tuple[str, ...] = field(default_factory=tuple)  # text keys: point_ignored, draft_ignored
    max_photos: int = 9  # the ledger's limits (ledger/commands/photos.py MAX_PER_STEP, hazard_work_rules TEXT_MAX)
    max_text: int = 2000


def hazard_path(view: PhoneView, school: str, code: str) -> str:
    """The hazard's own phone page (dashboard/pages/phone_hazard: another part of issue 15)."""
    return view.href(f"/m/hazards/{quote(school, safe='')}/{quote(code, safe='')}")


def form_data(view: PhoneView, start: ReportStart) -> dict:
    """Everything the script needs, as JSON: no second request before the form can be used."""
    lang = view.lang
    draft = start.draft if start.draft is not None and start.draft.reported_as is None else None
    return {
        "lang": lang, "user": start.user_id, "csrf": view.csrf, "send": ids.SEND_PATH, "photo": PHOTO_PATH,
        "hazard": view.href("/m/hazards/{school}/{code}"),  # the script fills both, encoded
        "max_photos": start.max_photos, "max_text": start.max_text,
        "schools": [{"code": s.code, "name": s.name(lang), "buildings": [
            {"code": b.code, "name": b.name(lang), "zones": [{"code": z.code, "name": z.name(lang)} for z in b.zones]}
            for b in s.buildings]} for s in start.schools],
        "point": None if start.point is None else {
            "school": start.point.school, "code": start.point.code, "name": start.point.name,
            "building": start.point.building, "zone": start.point.zone},
        "draft": None if draft is None else {
            "id": draft.result_id, "school": draft.school, "building": draft.building, "zone": draft.zone,
            "point": draft.risk_point, "point_name": draft.risk_point_name, "description": draft.description,
            "photos": [{"key": k, "thumbnail": f"{PHOTO_PATH}/{k}/thumbnail"} for k in draft.photo_keys]},
        "words": {key: tr(lang, key) for key in SCRIPT},
    }


def body(view: PhoneView, start: ReportStart) -> html.Div:
    lang = view.lang
    notices = [html.P(tr(lang, key), className="phone-message tone-error", role="status") for key in start.notices]
    if start.draft is not None and start.draft.reported_as is not None:
        code = start.draft.reported_as
        notices.append(html.P([tr(lang, "draft_reported", code=code), " ",
                               dcc.Link(tr(lang, "open_hazard"), href=hazard_path(view, start.draft.school, code))],
                              className="phone-message tone-ok", role="status"))
    if not start.schools:
        return html.Div([*notices, html.P(tr(lang, "no_school"), className="phone-problem", role="alert")])
    data = json.dumps(form_data(view, start), ensure_ascii=False, separators=(",", ":"))
    return html.Div([
        html.Div(notices, id=ids.NOTICE),
        html.Div(id=ids.APP, className="phone-report-app", **{"data-form": data}),
    ])
