"""The site administration page's callbacks, thin. `show` reads the chosen school (only one the
signed-in admin manages: the school comes from the dropdown, which the browser may edit, so it is
checked against the principal's unit on the server) and fills the page; `change_plan` and
`change_building` make each write through ledger/commands/sites.py in one transaction with its
audit entry, answer truthfully (refused with the ledger's words / failed / saved) and bump their
refresh store so `show` reads the school again. Two write callbacks, not one: each carries only its
card's values, so a request stays well under the 2 MiB a request may be. The drawing is the
browser's (assets/admin_sites.js): a clientside callback hands it the plan."""
from __future__ import annotations

import base64
import binascii

from dash import ClientsideFunction, Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_sites import ids
from dashboard.pages.admin_sites import view as part
from dashboard.pages.admin_sites.text import to
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import sites
from ledger.errors import LedgerError
from queries.ledger.sites import managed_schools, school_site

SHOWN = 20  # the outputs of `show`


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _upload(contents) -> bytes | None:
    """The bytes of a dcc.Upload's data: URL; its declared type is ignored (the ledger reads the bytes)."""
    if not isinstance(contents, str) or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def show(school, campus, building, refresh, _plan_refresh, view_state):
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None:
        return (no_update,) * SHOWN
    try:
        with services().ledger_reads() as db:
            unit = next((s for s in managed_schools(db, principal.unit) if s.code == school), None)
            if unit is None:
                return (no_update,) * SHOWN
            site = school_site(db, unit)
    except SQLAlchemyError:
        return (no_update,) * SHOWN
    trigger = ctx.triggered_id
    known = [c["id"] for c in site.campuses]
    if trigger in (None, ids.SCHOOL) or campus not in known:
        campus, building = (known[0] if known else None), ""
    elif trigger == ids.CAMPUS:
        building = ""
    if trigger == ids.REFRESH and isinstance(refresh, dict) and refresh.get("building") is not None:
        building = refresh["building"]
    here = part.on_campus(site.buildings, campus)
    edited = next((b for b in here if b["code"] == building), None)
    building = edited["code"] if edited else ""
    place = next((c for c in site.campuses if c["id"] == campus), None)
    width, height, x, y = part.campus_fields(place)
    fields = (edited["code"], True, edited["name_zh"], edited.get("name_en") or "",
              edited.get("kind") if edited.get("kind") in part.USES else "other",
              edited.get("floors"), edited.get("unit")) if edited else ("", False, "", "", "teaching", None, None)
    return (part.campus_options(lang, site.campuses), campus, width, height, x, y,
            part.building_options(lang, here), building, *fields, part.unit_options(lang, site.units),
            part.building_list(lang, here) if known else html.P(to(lang, "no_campus"), className="lead-problem"),
            part.plan_data(place, here, building or None), part.zone_options(lang, edited), None)


def _said(lang, ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")


def _write(view_state, refresh, act, *, needs: tuple = ()):
    """One write: the admin checked, `act(db, actor, scope, now)` -> (said, building to select) in one
    transaction, and a truthful answer: (message, the refresh store bumped or no_update)."""
    lang = language((view_state or {}).get("lang"))
    if not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update
    principal = acting_admin()
    if principal is None:
        return _said(lang, False, ta(lang, "not_allowed")), no_update
    for value, key in needs:
        if not _text(value):
            return _said(lang, False, to(lang, key)), no_update
    live = services()
    try:
        with live.ledger_session() as db:
            said, selected = act(db, actor_of(principal), principal.unit, live.now(), lang)
            db.commit()
    except BadUpload:
        return _said(lang, False, to(lang, "bad_upload")), no_update
    except LedgerError as exc:  # refused, nothing saved: the ledger's own words
        return _said(lang, False, ta(lang, "refused", reason=exc.text(lang))), no_update
    except SQLAlchemyError:
        return _said(lang, False, ta(lang, "failed")), no_update
    count = refresh.get("n", 0) if isinstance(refresh, dict) else 0
    return _said(lang, True, said), {"n": count + 1, "building": selected}


class BadUpload(Exception):
    """An upload whose data: URL cannot be decoded (no page of ours sends one)."""


def change_plan(_save, geojson, school, campus, width, height, x, y, upload, refresh, view_state):
    """The plan card: save the campus plan (size, place, image), or import GeoJSON outlines."""
    trigger = ctx.triggered_id

    def act(db, actor, scope, now, lang):
        if trigger == ids.SAVE_PLAN:
            image = _upload(upload) if upload else None
            if upload and image is None:
                raise BadUpload
            place = sites.set_campus_plan(db, actor=actor, scope=scope, school=school, campus=campus, width=width,
                                          height=height, x=x, y=y, image=image, now=now)
            return to(lang, "plan_saved", campus=part.name_of(lang, place)), None
        text = _upload(geojson)
        if text is None:
            raise BadUpload
        done = sites.import_outlines(db, actor=actor, scope=scope, school=school, campus=campus, text=text, now=now)
        return to(lang, "imported", n=len(done)), None

    if trigger not in (ids.SAVE_PLAN, ids.GEOJSON):
        return no_update, no_update
    return _write(view_state, refresh, act, needs=((school, "pick_school"), (campus, "pick_school")))


def change_building(_save, _retire, _zone, _retire_zone, school, campus, building, code, name_zh, name_en, use,
                    floors, unit, outline, zone_code, zone_name, zone, refresh, view_state):
    """The building card: save (create or edit) or retire the building, add a zone to it or retire one."""
    trigger = ctx.triggered_id

    def act(db, actor, scope, now, lang):
        if trigger == ids.SAVE_BUILDING:
            values = dict(actor=actor, scope=scope, school=school, name_zh=name_zh or "", name_en=_text(name_en),
                          kind=use or "", floors=floors, campus=campus, unit=_text(unit), outline=outline or None,
                          now=now)
            made = (sites.update_building(db, code=building, **values) if building else
                    sites.create_building(db, code=code or "", **values))
            return to(lang, "building_saved", name=made.name_zh), made.code
        if trigger == ids.RETIRE_BUILDING:
            made = sites.retire_building(db, actor=actor, scope=scope, school=school, code=building, now=now)
            return to(lang, "retired", name=made.name_zh), ""
        if trigger == ids.RETIRE_ZONE:
            made = sites.retire_zone(db, actor=actor, scope=scope, school=school, building=building, code=zone,
                                     now=now)
            return to(lang, "zone_retired", name=made.name_zh), building
        made = sites.create_zone(db, actor=actor, scope=scope, school=school, building=building,
                                 code=zone_code or "", name_zh=zone_name or "", now=now)
        return to(lang, "zone_added", name=made.name_zh), building

    if trigger not in (ids.SAVE_BUILDING, ids.RETIRE_BUILDING, ids.ADD_ZONE, ids.RETIRE_ZONE):
        return no_update, no_update
    needs = ((school, "pick_school"), (campus, "pick_school"))
    if trigger != ids.SAVE_BUILDING:
        needs += ((building, "pick_building"),)
    if trigger == ids.RETIRE_ZONE:
        needs += ((zone, "pick_zone"),)
    return _write(view_state, refresh, act, needs=needs)


def register_callbacks(app) -> None:
    app.callback(
        Output(ids.CAMPUS, "options"), Output(ids.CAMPUS, "value"), Output(ids.WIDTH, "value"),
        Output(ids.HEIGHT, "value"), Output(ids.X, "value"), Output(ids.Y, "value"),
        Output(ids.BUILDING, "options"), Output(ids.BUILDING, "value"), Output(ids.CODE, "value"),
        Output(ids.CODE, "disabled"), Output(ids.NAME_ZH, "value"), Output(ids.NAME_EN, "value"),
        Output(ids.USE, "value"), Output(ids.FLOORS, "value"), Output(ids.UNIT, "value"),
        Output(ids.UNIT, "options"), Output(ids.BUILDINGS, "children"), Output(ids.PLAN, "data"),
        Output(ids.ZONE, "options"), Output(ids.ZONE, "value"),
        Input(ids.SCHOOL, "value"), Input(ids.CAMPUS, "value"), Input(ids.BUILDING, "value"),
        Input(ids.REFRESH, "data"), Input(ids.PLAN_REFRESH, "data"), State(ids.VIEW, "data"),
    )(show)
    app.callback(
        Output(ids.PLAN_MESSAGE, "children"), Output(ids.PLAN_REFRESH, "data"),
        Input(ids.SAVE_PLAN, "n_clicks"), Input(ids.GEOJSON, "contents"),
        State(ids.SCHOOL, "value"), State(ids.CAMPUS, "value"), State(ids.WIDTH, "value"), State(ids.HEIGHT, "value"),
        State(ids.X, "value"), State(ids.Y, "value"), State(ids.UPLOAD, "contents"), State(ids.PLAN_REFRESH, "data"),
        State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change_plan)
    app.callback(
        Output(ids.MESSAGE, "children"), Output(ids.REFRESH, "data"),
        Input(ids.SAVE_BUILDING, "n_clicks"), Input(ids.RETIRE_BUILDING, "n_clicks"), Input(ids.ADD_ZONE, "n_clicks"),
        Input(ids.RETIRE_ZONE, "n_clicks"),
        State(ids.SCHOOL, "value"), State(ids.CAMPUS, "value"), State(ids.BUILDING, "value"),
        State(ids.CODE, "value"), State(ids.NAME_ZH, "value"), State(ids.NAME_EN, "value"), State(ids.USE, "value"),
        State(ids.FLOORS, "value"), State(ids.UNIT, "value"), State(ids.OUTLINE, "data"),
        State(ids.ZONE_CODE, "value"), State(ids.ZONE_NAME, "value"), State(ids.ZONE, "value"),
        State(ids.REFRESH, "data"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )(change_building)
    app.clientside_callback(ClientsideFunction("admin_sites", "load"), Output(ids.PLAN_SHOWN, "children"),
                            Input(ids.PLAN, "data"))
    app.clientside_callback(ClientsideFunction("admin_sites", "picked"), Output(ids.UPLOAD_NAME, "children"),
                            Input(ids.UPLOAD, "filename"))
