"""The district map administration page's callbacks, thin. `show` reads the chosen unit (only one the
signed-in admin manages: the dropdown's value is checked against the principal's unit on the
server); `upload` and `place` write through ledger/commands/district_maps.py in one transaction
with its audit entry and answer truthfully (the ledger's refusal in the page's language / failed /
saved), then bump the refresh store so `show` reads the unit again."""
from __future__ import annotations

import base64
import binascii

import dash
from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard.admin_context import acting_admin, actor_of
from dashboard.pages.admin_district_map import ids
from dashboard.pages.admin_district_map import view as part
from dashboard.pages.admin_district_map.text import tm
from dashboard.services import services
from layouts.admin_text import ta
from layouts.i18n import language
from ledger.commands import district_maps
from ledger.errors import LedgerError
from queries.ledger.district_wall import district, managed_units


def _said(ok: bool, text: str) -> html.Span:
    return html.Span(text, className="tone-ok" if ok else "tone-error")


def show(unit, _refresh, view_state):
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None or not isinstance(unit, str):
        return no_update, no_update, no_update
    try:
        with services().ledger_reads() as db:
            if unit not in {u["code"] for u in managed_units(db, principal.unit)}:
                return no_update, no_update, no_update
            found = district(db, unit)
    except SQLAlchemyError:
        return no_update, no_update, no_update
    if found is None:
        return no_update, no_update, no_update
    return part.school_options(lang, found), part.preview(lang, found), part.places(lang, found)


def _write(view_state, refresh, act):
    lang = language((view_state or {}).get("lang"))
    principal = acting_admin()
    if principal is None:
        return _said(False, ta(lang, "not_allowed")), no_update
    live = services()
    try:
        with live.ledger_session() as db:
            said = act(db, actor_of(principal), principal.unit, live.now(), lang)
            db.commit()
    except LedgerError as exc:  # refused, nothing saved
        return _said(False, ta(lang, "refused", reason=exc.text(lang))), no_update
    except SQLAlchemyError:
        return _said(False, ta(lang, "failed")), no_update
    count = refresh.get("n", 0) if isinstance(refresh, dict) else 0
    return _said(True, said), {"n": count + 1}


def change(contents, _place, _off, unit, school, x, y, refresh, view_state):
    """An uploaded map, or one school placed on it / taken off it."""
    lang = language((view_state or {}).get("lang"))
    trigger = ctx.triggered_id
    if trigger not in (ids.UPLOAD, ids.PLACE, ids.OFF) or not any(t.get("value") for t in ctx.triggered):
        return no_update, no_update
    if not isinstance(unit, str) or not unit:
        return _said(False, tm(lang, "pick_unit")), no_update
    if trigger == ids.UPLOAD:
        try:
            image = base64.b64decode(str(contents).split(",", 1)[1], validate=True)
        except (binascii.Error, ValueError, IndexError):
            return _said(False, tm(lang, "bad_upload")), no_update

        def act(db, actor, scope, now, lang):
            saved = district_maps.set_district_map(db, actor=actor, scope=scope, unit=unit, image=image, now=now)
            return tm(lang, "saved_map", w=saved["width"], h=saved["height"])
    else:
        if not isinstance(school, str) or not school:
            return _said(False, tm(lang, "pick_school")), no_update
        off = trigger == ids.OFF

        def act(db, actor, scope, now, lang):
            done = district_maps.place_school(db, actor=actor, scope=scope, unit=unit, school=school,
                                              x=None if off else x, y=None if off else y, now=now)
            return tm(lang, "removed" if off else "placed", school=done["school"])
    return _write(view_state, refresh, act)


def register_callbacks(app: dash.Dash) -> None:
    app.callback(Output(ids.SCHOOL, "options"), Output(ids.PREVIEW, "children"), Output(ids.PLACES, "children"),
                 Input(ids.UNIT, "value"), Input(ids.REFRESH, "data"), State(ids.VIEW, "data"))(show)
    app.callback(Output(ids.SAID, "children"), Output(ids.REFRESH, "data"),
                 Input(ids.UPLOAD, "contents"), Input(ids.PLACE, "n_clicks"), Input(ids.OFF, "n_clicks"),
                 State(ids.UNIT, "value"), State(ids.SCHOOL, "value"), State(ids.X, "value"), State(ids.Y, "value"),
                 State(ids.REFRESH, "data"), State(ids.VIEW, "data"), prevent_initial_call=True)(change)
