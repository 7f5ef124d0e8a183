"""The command centre's video wall: one school's six domains, people on campus, hazards and live
alerts, refreshed every second. /?school=<id>&lang=en; /wall redirects here keeping the query.

The hazard panel shows the SQL ledger's figures that the summary carries from Redis (`ledger`),
so the wall never queries SQL itself. The callback is thin: fetch with the queries, hand plain data to layouts.wall_panels, write the
result into the fixed page. When Redis cannot be reached the numbers stay as they were and a
banner says they are not current; when the browser cannot reach this app, assets/wall.js says so.
"""
from __future__ import annotations

from datetime import datetime

import dash
import redis
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, no_update

from dashboard import ids
from dashboard.access import readable_schools, require_school
from dashboard.services import clock_ms, services
from layouts.i18n import TEXT, language, t
from layouts.wall_frame import wall_frame
from layouts.wall_panels import SPARKLINE_MINUTES, wall_update

dash.register_page(__name__, path="/", name="wall", title=TEXT["zh"]["title"])


def layout(school: object = None, lang: object = None, **_other_query) -> dash.html.Div:
    """The page for ?school=&lang=; it reads nothing: the first refresh fills it in."""
    return wall_frame(language(lang), school if isinstance(school, str) and school else None)


OUTPUTS = dict(
    figures=Output(ids.figure(ALL), "children"),
    classes=Output(ids.figure(ALL), "className"),
    sparklines=Output(ids.sparkline(ALL), "children"),
    alerts=Output(ids.ALERT_LIST, "children"),
    listed=Output(ids.LISTED_HAZARDS, "children"),
    as_of=Output(ids.AS_OF, "children"),
    lag=Output(ids.LAG, "children"),
    banner=Output(ids.STALE_BANNER, "children"),
    banner_hidden=Output(ids.STALE_BANNER, "hidden"),
    wall_class=Output(ids.WALL, "className"),
    picker_options=Output(ids.SCHOOL_PICKER, "options"),
    picker_value=Output(ids.SCHOOL_PICKER, "value"),
    heartbeat=Output(ids.HEARTBEAT, "data"),
)


def refresh(_tick, view, picker_value, picker_options):
    lang = language(view.get("lang"))
    now = clock_ms()
    live = services()
    try:
        schools = readable_schools(live.schools())  # a token scoped to a school: that school only
        school = view.get("school") or (schools[0] if schools else None)
        require_school(school)
        summary = live.summary(school, now_ms=now) if school else None
        trend = live.trend(school, minutes=SPARKLINE_MINUTES, now_ms=now) if summary else None
    except redis.RedisError:
        return _store_unreachable(lang, now)
    update = wall_update(lang, school=school, summary=summary, trend=trend,
                         now=datetime.fromtimestamp(now / 1000, live.settings.tz))
    return {
        "figures": _in_page_order("figures", update["figures"]),
        "classes": _in_page_order("classes", update["classes"]),
        "sparklines": _in_page_order("sparklines", update["sparklines"]),
        "alerts": update["alerts"],
        "listed": update["listed"],
        "as_of": update["as_of"],
        "lag": update["lag"],
        "banner": update["banner"] or "",
        "banner_hidden": update["banner"] is None,
        "wall_class": update["wall_class"],
        # The picker changes only when the school list does, so nobody's open menu is reset.
        "picker_options": schools if schools != picker_options else no_update,
        "picker_value": school if school != picker_value else no_update,
        "heartbeat": {"school": school, "at": now},
    }


def _store_unreachable(lang: str, now: int) -> dict:
    """Keep every number as it was, grey it out and say why: never show zeros as if they were true."""
    result = {name: no_update for name in OUTPUTS}
    for many in ("figures", "classes", "sparklines"):  # pattern-matching outputs: one per component
        result[many] = [no_update] * len(ctx.outputs_grouping[many])
    result.update(banner=t(lang, "store_down"), banner_hidden=False, wall_class="wall is-stale",
                  heartbeat={"school": None, "at": now})
    return result


def _in_page_order(output: str, values: dict) -> list:
    """Values of a pattern-matching output, in the order Dash lists the page's components."""
    key = "name" if output in ("figures", "classes") else "domain"
    return [values[spec["id"][key]] for spec in ctx.outputs_grouping[output]]


def register_callbacks(app: dash.Dash) -> None:
    """Called by the app factory for this app (see dashboard.app._register_page_callbacks)."""
    app.callback(
        output=OUTPUTS,
        inputs=dict(_tick=Input(ids.TICK, "n_intervals")),
        state=dict(view=State(ids.VIEW, "data"), picker_value=State(ids.SCHOOL_PICKER, "value"),
                   picker_options=State(ids.SCHOOL_PICKER, "options")),
    )(refresh)
    # In the browser: the link watchdog (and Dash's undo history kept short), and navigation
    # when someone picks another school.
    app.clientside_callback(
        ClientsideFunction(namespace="wall", function_name="watchdog"),
        Output(ids.LINK_BANNER, "hidden"),
        Input(ids.TICK, "n_intervals"), State(ids.HEARTBEAT, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="wall", function_name="pickSchool"),
        Output(ids.LOCATION, "search"),
        Input(ids.SCHOOL_PICKER, "value"), State(ids.HEARTBEAT, "data"), State(ids.VIEW, "data"),
        prevent_initial_call=True,
    )
