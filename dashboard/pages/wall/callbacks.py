"""The wall's callbacks (dashboard/pages/wall/page.py is the page).

The screen's changes are pushed to it (GET /wall/stream, dashboard/wall_stream.py) once its first
answer is in; this callback is that first answer and the fallback: while the stream cannot be
opened, every WALL_REFRESH_MS the screen asks for changes (assets/wall_push.js sets ids.POLL).
The callback is thin: fetch the summary (Redis; the ledger's figures ride in it) and the site
plan (SQL, read at most once a minute), build the model (dashboard/pages/wall/model.py), and
answer only the slots that differ from the model this screen last applied (dashboard/wall_sync.py).
When Redis cannot be reached the numbers stay as they were, greyed, and a banner says they are
not current; when the browser cannot reach this app, assets/wall.js says so. Both clear by
themselves when the source is back.
With `at` in the page's view (the past view, issue 18; page.py puts it there only for the roles that
may see the past, and this checks again), the one answer is the model of the summary the recorder kept
for that minute (dashboard/wall_past.py), marked past (past.py); the page's timer is off and nothing
is pushed to it.
"""
from __future__ import annotations

from datetime import datetime

import dash
import redis
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update
from sqlalchemy.exc import SQLAlchemyError

from dashboard import wall_past, wall_sync
from dashboard.access import readable_schools, require_school
from dashboard.pages.wall import ids
from dashboard.pages.wall.model import changes, wall_model
from dashboard.pages.wall.past import past_model
from dashboard.pages.wall.view import school_options
from dashboard.services import clock_ms, services
from kernel.catalogue import DOMAINS
from layouts.i18n import language, t
from ledger.errors import LedgerError

OUTPUTS = {
    "fig": Output(ids.figure(ALL), "children"),
    "cls": Output(ids.figure(ALL), "className"),
    "bars": {domain: Output(ids.sparkline(domain), "children") for domain in DOMAINS},
    "alerts": Output(ids.ALERT_LIST, "children"),
    "listed": Output(ids.LISTED_HAZARDS, "children"),
    "gates": Output(ids.GATE_LIST, "children"),
    "hourly": Output(ids.HOURLY_CHART, "figure"),
    "map": Output(ids.RISK_MAP, "figure"),
    "map_note": Output(ids.MAP_NOTE, "children"),
    "lower_class": Output(ids.LOWER, "className"),
    "lower_style": Output(ids.LOWER, "style"),
    "as_of": Output(ids.AS_OF, "children"),
    "lag": Output(ids.LAG, "children"),
    "banner": Output(ids.STALE_BANNER, "children"),
    "banner_hidden": Output(ids.STALE_BANNER, "hidden"),
    "wall_class": Output(ids.WALL, "className"),
    "flash": Output(ids.FLASH, "data"),
    "picker_options": Output(ids.SCHOOL_PICKER, "options"),
    "picker_value": Output(ids.SCHOOL_PICKER, "value"),
    "heartbeat": Output(ids.HEARTBEAT, "data"),
    "sync": Output(ids.SYNC, "data"),
}
# Pattern-matching outputs: the key each component's id carries, to put values in page order.
MANY = {"fig": "name", "cls": "name"}


def refresh(poll, view, sync, picker_value, picker_options):
    lang = language(view.get("lang"))
    now = clock_ms()
    live = services()
    sync = sync or {}
    screen = sync.get("screen") or wall_sync.new_screen_id()
    # The past view (issue 18): only for a role that may see it, checked here on the server every time
    # (the store is the browser's to edit); a kiosk's wall token asking is answered the live wall.
    at = _past_moment(view.get("at")) if view.get("at") and wall_past.may_see_past() else None
    try:
        schools = readable_schools(live.schools())  # a token scoped to a school: that school only
        school = view.get("school") or (schools[0] if schools else None)
        require_school(school)
        summary = live.summary(school, now_ms=now) if school and at is None else None
        # Back from the stream, the screen shows what was pushed, not what its tag names: send all.
        whole = isinstance(poll, dict) and poll.get("whole") is True
        previous = None if whole else wall_sync.recall(live.redis, screen, sync.get("tag"))
    except redis.RedisError:
        return _store_unreachable(lang, now, screen, _poll_number(poll))
    plan = live.site_plan(school) if school else None
    if at is None:
        model = wall_model(lang, school=school, summary=summary, plan=plan,
                           now=datetime.fromtimestamp(now / 1000, live.settings.tz))
    else:
        model = _past_model(lang, school, plan, at)
    changed = changes(previous, model, lang=lang, plan=plan)
    try:
        tag = wall_sync.remember(live.redis, screen, model)
    except redis.RedisError:
        tag = None  # the next answer sends everything
    result = {name: changed.get(name, no_update) for name in OUTPUTS}
    result["bars"] = {domain: changed.get("bars", {}).get(domain, no_update) for domain in DOMAINS}
    for name, key in MANY.items():
        values = changed.get(name, {})
        result[name] = [values.get(spec["id"][key], no_update) for spec in ctx.outputs_grouping[name]]
    if "banner" in changed:
        result["banner"] = changed["banner"] or ""
        result["banner_hidden"] = changed["banner"] is None
    # The picker changes only when the school list (or a name) does, so nobody's open menu is reset.
    options = school_options(lang, schools, live.school_names())
    shown = [(o.get("label"), o.get("value")) if isinstance(o, dict) else (o, o) for o in picker_options or ()]
    result["picker_options"] = options if [(o["label"], o["value"]) for o in options] != shown else no_update
    result["picker_value"] = school if school != picker_value else no_update
    result["heartbeat"] = {"school": school, "at": now, "n": _poll_number(poll)}
    result["sync"] = {"screen": screen, "tag": tag}
    return result


def _past_moment(raw) -> datetime | None:
    try:
        return wall_past.asked(raw if isinstance(raw, str) else None)
    except LedgerError:
        return None  # not a moment the page would have put there: the live wall


def _past_model(lang: str, school: str | None, plan: dict | None, at: datetime) -> dict:
    """The wall's model of the summary kept for the minute holding `at`, as the past view shows it."""
    tz = services().settings.tz
    try:
        snapshot = wall_past.read(school, at) if school else None
        state = "none" if snapshot is None else "gap" if snapshot.gap else "shown"
    except SQLAlchemyError:
        snapshot, state = None, "unreadable"
    minute = at.astimezone(tz).replace(second=0, microsecond=0)
    model = wall_model(lang, school=school, summary=snapshot.summary if snapshot else None, plan=plan,
                       now=(snapshot.taken_at if snapshot else at).astimezone(tz))
    return past_model(model, lang, minute=minute, state=state)


def _poll_number(poll) -> int | None:
    """Which poll an answer answers (assets/wall_push.js numbers them): the browser sends the next
    one, or opens the stream, once the answer to its last is in."""
    n = poll.get("n") if isinstance(poll, dict) else None
    return n if isinstance(n, int) else None


def _store_unreachable(lang: str, now: int, screen: str, poll_n: int | None) -> dict:
    """Keep every number as it was, grey it out and say why: never show zeros as if they were true.
    The screen forgets its tag, so the first answer after Redis is back repaints everything."""
    result = {name: no_update for name in OUTPUTS}
    for many in MANY:  # pattern-matching outputs: one per component
        result[many] = [no_update] * len(ctx.outputs_grouping[many])
    result["bars"] = dict.fromkeys(DOMAINS, no_update)
    result.update(banner=t(lang, "store_down"), banner_hidden=False, wall_class="wall is-stale",
                  heartbeat={"school": None, "at": now, "n": poll_n}, sync={"screen": screen, "tag": None})
    return result


def register(app: dash.Dash) -> None:
    """The wall's callbacks on this app (page.py's `register_callbacks`, called by the factory)."""
    app.callback(
        output=OUTPUTS,
        inputs={"poll": Input(ids.POLL, "data")},
        state={"view": State(ids.VIEW, "data"), "sync": State(ids.SYNC, "data"),
                   "picker_value": State(ids.SCHOOL_PICKER, "value"),
                   "picker_options": State(ids.SCHOOL_PICKER, "options")},
    )(refresh)
    # In the browser: the stream or else the poll (assets/wall_push.js), the link watchdog (and
    # Dash's undo history kept short), a sound for a new critical alert when ?sound=on, and
    # navigation when someone picks another school.
    app.clientside_callback(
        ClientsideFunction(namespace="wall", function_name="pushOrPoll"),
        Output(ids.POLL, "data"),
        Input(ids.TICK, "n_intervals"), State(ids.HEARTBEAT, "data"), State(ids.VIEW, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="wall", function_name="watchdog"),
        Output(ids.LINK_BANNER, "hidden"),
        Input(ids.TICK, "n_intervals"), State(ids.HEARTBEAT, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="wall", function_name="alarm"),
        Output(ids.SOUNDED, "data"),
        Input(ids.FLASH, "data"), State(ids.SOUNDED, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="wall", function_name="pickSchool"),
        Output(ids.LOCATION, "search"),
        Input(ids.SCHOOL_PICKER, "value"), State(ids.HEARTBEAT, "data"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
