"""The first wall page: six domains, visitors, attendance, hazards and live alerts, every second."""
from __future__ import annotations

import time
from datetime import datetime

import dash
import redis
from dash import Input, Output, callback, dcc, html

from dashboard import ids
from dashboard.api import client, read_summary, settings
from layouts.i18n import language, query_value, t
from layouts.wall_panels import wall_body
from queries import summary as queries

dash.register_page(__name__, path="/", redirect_from=["/wall"], title="校园安全指挥中心")


def layout(**_query) -> html.Div:
    return html.Div(id=ids.CANVAS, className="canvas", children=[
        dcc.Location(id=ids.URL),
        dcc.Interval(id=ids.TICK, interval=1000),
        html.Header(className="wall-header", children=[
            html.H1(id=ids.TITLE),
            html.Div(id=ids.AS_OF, className="as-of", **{"data-testid": "as-of"}),
        ]),
        html.Div(id=ids.STALE_BANNER, className="stale-banner", hidden=True, **{"data-testid": "stale-banner"}),
        html.Main(id=ids.BODY, className="wall-body"),
    ])


@callback(
    Output(ids.TITLE, "children"), Output(ids.AS_OF, "children"), Output(ids.STALE_BANNER, "children"),
    Output(ids.STALE_BANNER, "hidden"), Output(ids.BODY, "children"),
    Input(ids.TICK, "n_intervals"), Input(ids.URL, "search"),
)
def refresh(_tick, search):
    lang = language(search)
    try:
        school = query_value(search, "school") or next(iter(queries.list_schools(client())), None)
        found = read_summary(school) if school else None
    except redis.RedisError:
        return t(lang, "title"), "", t(lang, "down"), False, dash.no_update
    title = f"{t(lang, 'title')} · {school}" if school else t(lang, "title")
    if found is None:
        return title, "", t(lang, "no_school"), False, []
    as_of = f"{t(lang, 'as_of')} {found['as_of'][11:19]}" if found["as_of"] else ""
    banner = t(lang, "stale", seconds=int(settings().stale_after_seconds))
    now = datetime.fromtimestamp(time.time(), settings().tz)
    return title, as_of, banner, not found["stale"], wall_body(lang, found, now)
