"""The command centre's video wall: one school's risk map, six domains, people, hazards and live
alerts. /?school=<id>&lang=en&sound=on&view=map&screen=1/2&playlist=wall,map,alerts&every=30;
/wall redirects here keeping the query (assets/wall.js reads view, screen, playlist and sound).

Dash Pages finds this module in dashboard/pages/ (the app factory's pages folder) and registers
it; the refresh is in callbacks.py, the page's structure in view.py.
"""
from __future__ import annotations

import dash

from dashboard import wall_sync
from dashboard.access import readable_schools
from dashboard.pages.wall import callbacks
from dashboard.pages.wall.view import wall_frame
from dashboard.services import services
from layouts.i18n import TEXT, language

dash.register_page(__name__, path="/", name="wall", title=TEXT["zh"]["title"])


def layout(school: object = None, lang: object = None, **_other_query) -> dash.html.Div:
    """The page for ?school=&lang=; it reads only the school's name (a school the caller may not
    read shows none): the first refresh fills in the rest."""
    school = school if isinstance(school, str) and school else None
    live = services()
    names = live.school_names() if school and readable_schools([school]) else {}
    return wall_frame(language(lang), school, screen=wall_sync.new_screen_id(),
                      refresh_ms=live.settings.wall_refresh_ms, names=names, push=live.settings.wall_push)


def register_callbacks(app: dash.Dash) -> None:
    """Called by the app factory for this app (see dashboard.app._register_page_callbacks)."""
    callbacks.register(app)
