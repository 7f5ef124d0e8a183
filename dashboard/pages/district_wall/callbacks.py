"""The district wall's refresh (dashboard/pages/district_wall/page.py is the page), thin.

Each tick: the district's live figures for all its schools in two Redis round trips
(queries.district_live), the ledger's part (the unit, its map, the league, what is due) read at
most every LEDGER_TTL_S per unit and process, the model built once, and only the slots that differ
from what this screen shows are answered (dashboard/wall_sync.py). The caller may read the unit only
if it may read every school under it (a token or person of district A never sees district B);
checked on every refresh, not only when the page opens.
"""
from __future__ import annotations

import threading
import time
import weakref
from datetime import datetime

import dash
import redis
from dash import ClientsideFunction, Input, Output, State, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import wall_sync
from dashboard.access import current
from dashboard.pages.district_wall import ids, view
from dashboard.pages.district_wall.model import SLOTS, changes, district_model
from dashboard.pages.district_wall.text import td
from dashboard.services import clock_ms, services
from layouts.i18n import language
from queries import district_live
from queries.ledger import district_wall

MAX_UNITS_KEPT = 256
LEDGER_TTL_S = 30.0  # the league and the map change by people's hands, not by the second
# Per app (its Services), then per unit: (read at, what was read).
_ledger: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_figures: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per app, per unit: (at ms, figures, schools)
_lock = threading.Lock()

OUTPUTS = {
    "figures": Output(ids.FIGURES, "children"),
    "map": Output(ids.MAP, "children"),
    "alerts": Output(ids.ALERTS, "children"),
    "league": Output(ids.LEAGUE, "children"),
    "due": Output(ids.DUE, "children"),
    "as_of": Output(ids.AS_OF, "children"),
    "banner": Output(ids.STALE_BANNER, "children"),
    "banner_hidden": Output(ids.STALE_BANNER, "hidden"),
    "wall_class": Output(ids.WALL, "className"),
    "heartbeat": Output(ids.HEARTBEAT, "data"),
    "sync": Output(ids.SYNC, "data"),
}
BUILD = {"figures": view.figures_children, "map": view.map_children, "alerts": view.alert_rows,
         "league": view.league_rows, "due": view.due_rows}


def may_read_unit(schools: list[str]) -> bool:
    """Whether the current principal may read a unit with these schools: every one of them."""
    principal = current()
    if principal is None:
        return False
    return principal.schools is None or (bool(schools) and all(principal.may_read_school(s) for s in schools))


def ledger_part(unit: str) -> dict | None:
    """{"district", "league", "due"} of the unit, read at most every LEDGER_TTL_S; the last read
    while the ledger cannot be reached; None for no such unit."""
    live = services()
    with _lock:
        cached = _ledger.setdefault(live, {}).get(unit)
    if cached is not None and time.monotonic() - cached[0] < LEDGER_TTL_S:
        return cached[1]
    try:
        with live.ledger_reads() as db:
            found = district_wall.district(db, unit)
            if found is not None:
                now = live.now()
                found = {"district": found,
                         "league": district_wall.league_rows(
                             db, unit=unit, now=now, tz=live.settings.tz, review_days=live.settings.risk_review_days,
                             rules=live.assessment_rules, term_starts=live.settings.terms, slow=live.rollup_memo),
                         "due": district_wall.due_rows(db, unit=unit, now=now, tz=live.settings.tz)}
    except SQLAlchemyError:
        if cached is None:
            raise
        found = cached[1]
    with _lock:
        units = _ledger.setdefault(live, {})
        if len(units) >= MAX_UNITS_KEPT:  # any ?unit= may be asked for: keep the memory bounded
            units.clear()
        units[unit] = (time.monotonic(), found)
    return found


def live_figures(unit: str, schools: list[str], now: int) -> dict:
    """The district's live figures, read once per refresh period per unit and process: the screens
    of one district (three on a strip, a few in a room) share one read."""
    live = services()
    with _lock:
        cached = _figures.setdefault(live, {}).get(unit)
    if cached is not None and 0 <= now - cached[0] < live.settings.wall_refresh_ms and cached[2] == schools:
        return cached[1]
    found = district_live.district_live(live.redis, schools, now_ms=now,
                                        stale_after_s=live.settings.stale_after_seconds)
    with _lock:
        units = _figures.setdefault(live, {})
        if len(units) >= MAX_UNITS_KEPT:
            units.clear()
        units[unit] = (now, found, schools)
    return found


def refresh(_tick, view_data, sync):
    lang = language((view_data or {}).get("lang"))
    unit = (view_data or {}).get("unit")
    now = clock_ms()
    live = services()
    sync = sync or {}
    screen = sync.get("screen") or wall_sync.new_screen_id()
    part = ledger_part(unit[:64]) if isinstance(unit, str) and unit else None
    if part is None or not may_read_unit(part["district"]["schools"]):
        # The same answer for a unit that does not exist as for one that is not the caller's.
        result = dict.fromkeys(OUTPUTS, no_update)
        result.update(banner=td(lang, "not_yours"), banner_hidden=False, heartbeat={"unit": None, "at": now},
                      sync={"screen": screen, "tag": None})
        return result
    schools = part["district"]["schools"]
    try:
        figures = live_figures(unit, schools, now)
        previous = wall_sync.recall(live.redis, screen, sync.get("tag"))
    except redis.RedisError:
        result = dict.fromkeys(OUTPUTS, no_update)
        result.update(banner=td(lang, "store_down"), banner_hidden=False, wall_class="wall district-wall is-stale",
                      heartbeat={"unit": unit, "at": now}, sync={"screen": screen, "tag": None})
        return result
    model = district_model(lang, district=part["district"], live=figures, league=part["league"],
                           due=part["due"], now=datetime.fromtimestamp(now / 1000, live.settings.tz))
    changed = changes(previous, model)
    try:
        tag = wall_sync.remember(live.redis, screen, model)
    except redis.RedisError:
        tag = None
    result = dict.fromkeys(OUTPUTS, no_update)
    for slot in SLOTS:
        if slot in changed:
            result[slot] = BUILD[slot](lang, changed[slot]) if slot in BUILD else changed[slot]
    if "banner" in changed:
        result["banner"] = changed["banner"] or ""
        result["banner_hidden"] = changed["banner"] is None
    result["heartbeat"] = {"unit": unit, "at": now}
    result["sync"] = {"screen": screen, "tag": tag}
    return result


def register(app: dash.Dash) -> None:
    app.callback(output=OUTPUTS, inputs={"_tick": Input(ids.TICK, "n_intervals")},
                 state={"view_data": State(ids.VIEW, "data"), "sync": State(ids.SYNC, "data")})(refresh)
    app.clientside_callback(  # the school wall's link watchdog (assets/wall.js)
        ClientsideFunction(namespace="wall", function_name="watchdog"),
        Output(ids.LINK_BANNER, "hidden"),
        Input(ids.TICK, "n_intervals"), State(ids.HEARTBEAT, "data"),
    )
