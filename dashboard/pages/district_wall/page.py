"""The district wall: /district?unit=<code of a district, city or province>&lang=en&screen=2/3
&playlist=district,schools&every=30 (issue 17). Without ?unit= it shows the caller's own unit (a
district officer's, or a wall token issued for a district). The school wall stays at /?school=.

Dash Pages finds this module and registers it; the refresh is in callbacks.py, the structure in view.py.
"""
from __future__ import annotations

import dash
from sqlalchemy.exc import SQLAlchemyError

from dashboard import wall_sync
from dashboard.access import current
from dashboard.pages.district_wall import callbacks
from dashboard.pages.district_wall.text import TEXT, td
from dashboard.pages.district_wall.view import district_frame
from dashboard.services import services
from layouts.i18n import language

PAGE = "district_wall"
dash.register_page(__name__, path="/district", name=PAGE, title=TEXT["zh"]["title"])


def layout(unit: object = None, lang: object = None, **_other_query) -> dash.html.Div:
    lang = language(lang)
    principal = current()
    unit = unit if isinstance(unit, str) and unit else (principal.unit if principal is not None else None)
    live = services()
    frame = dict(screen=wall_sync.new_screen_id(), refresh_ms=live.settings.wall_refresh_ms)
    if not unit:
        return district_frame(lang, None, "", tour=[], note=td(lang, "no_unit"), **frame)
    try:
        part = callbacks.ledger_part(unit[:64])
    except SQLAlchemyError:
        part = None
    if part is None or not callbacks.may_read_unit(part["district"]["schools"]):
        return district_frame(lang, None, "", tour=[], note=td(lang, "not_yours"), **frame)
    found = part["district"]
    title = (found.get("name_en") if lang == "en" else None) or found["name_zh"]
    return district_frame(lang, found["code"], title, tour=found["schools"], note=None, **frame)


def register_callbacks(app: dash.Dash) -> None:
    callbacks.register(app)
