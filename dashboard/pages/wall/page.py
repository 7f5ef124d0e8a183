"""The command centre's video wall: one school's risk map, six domains, people, hazards and live
alerts. /?school=<id>&lang=en&sound=on&view=map&screen=1/2&playlist=wall,map,alerts&every=30;
&at=2026-12-06T03:14 for the wall at a past minute (issue 18; past.py, dashboard/wall_past.py);
/wall redirects here keeping the query (assets/wall.js reads view, screen, playlist and sound).

Dash Pages finds this module in dashboard/pages/ (the app factory's pages folder) and registers
it; the refresh is in callbacks.py, the page's structure in view.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import dash

from dashboard import wall_past, wall_sync
from dashboard.access import readable_schools
from dashboard.pages.wall import callbacks, past
from dashboard.pages.wall.view import wall_frame
from dashboard.services import clock_ms, services
from layouts.i18n import TEXT, language
from ledger.errors import LedgerError

dash.register_page(__name__, path="/", name="wall", title=TEXT["zh"]["title"])


def layout(school: object = None, lang: object = None, at: object = None, **_other_query) -> dash.html.Div:
    """The page for ?school=&lang=; it reads only the school's name (a school the caller may not
    read shows none): the first refresh fills in the rest. With ?at= and a role that may see the past
    (decided here, on the server; a kiosk's wall token never may, and its ?at= is ignored), the past
    view of that minute (past.py); those roles also get the time control on the live wall."""
    school = school if isinstance(school, str) and school else None
    lang = language(lang)
    live = services()
    names = live.school_names() if school and readable_schools([school]) else {}
    history, shown = None, None
    if wall_past.may_see_past() and live.settings.wall_history_days:
        tz = live.settings.tz
        now = datetime.fromtimestamp(clock_ms() / 1000, tz)
        latest = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)  # the last ended minute
        refusal = None
        if isinstance(at, str) and at.strip():
            try:
                moment = wall_past.asked(at, local=tz)
                shown = moment.isoformat()
                minute = moment.astimezone(tz).replace(second=0, microsecond=0)
                earliest = now - timedelta(days=live.settings.wall_history_days) + timedelta(minutes=1)
                history = past.past_banner(lang, school, minute, earliest=earliest, latest=latest)
            except LedgerError as exc:
                refusal = exc.text(lang)
        if history is None:
            history = past.live_control(lang, school, latest, refusal)
    return wall_frame(lang, school, screen=wall_sync.new_screen_id(), refresh_ms=live.settings.wall_refresh_ms,
                      names=names, history=history, at=shown, push=live.settings.wall_push and shown is None)


def register_callbacks(app: dash.Dash) -> None:
    """Called by the app factory for this app (see dashboard.app._register_page_callbacks)."""
    callbacks.register(app)
