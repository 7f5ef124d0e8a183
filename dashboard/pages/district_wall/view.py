"""The district wall's fixed structure on the 1920x1080 canvas, and each slot's components. Pure.

Top to bottom: header (title, the unit's name, four figures, the data time), banners, then three
columns: the map of the district's schools (or their tiles, when no map image is uploaded); the
league over the reports and supervision due; the live alerts across the district. On a strip of
three displays (assets/district_wall.css) the map takes the middle display, the league and the
due panel the left, the alerts the right.
"""
from __future__ import annotations

import json

from dash import dcc, html

from dashboard.pages.district_wall import ids
from dashboard.pages.district_wall.markers import FILL, RISK_ORDER
from dashboard.pages.district_wall.text import td
from layouts.i18n import Language
from layouts.site_plan import plotly_text

HTML_LANG = {"zh": "zh-CN", "en": "en"}
GRAPH_CONFIG = {"staticPlot": True, "displayModeBar": False, "responsive": True}
RING = "#ff4d4f"


def image_url(unit: str, sha256: str) -> str:
    """The map image's address; the digest in it means a new upload is never hidden by a cache."""
    return f"/district-maps/{unit}?v={sha256[:16]}"


def map_figure(slot: dict) -> dict:
    """The uploaded map with the schools on it: one trace per risk colour, the pulsing rings last
    (assets/district_wall.css animates the last trace's points). Axes are the image's pixels, one
    scale on both, so the map is never stretched."""
    image = slot["image"]
    width, height = image["width"], image["height"]
    placed = [m for m in slot["markers"] if m["x"] is not None]
    traces = []
    for colour in (*RISK_ORDER, "none"):
        shown = [m for m in placed if m["colour"] == colour]
        traces.append({"type": "scatter", "mode": "markers+text", "name": colour,
                       "x": [m["x"] * width for m in shown], "y": [(1 - m["y"]) * height for m in shown],
                       # Plotly reads <b>, <br>, <a href> in text: a typed name goes in escaped, shown as written.
                       "text": [plotly_text(m["name"]) for m in shown], "textposition": "bottom center",
                       "textfont": {"size": 20, "color": "#ffffff"},
                       "marker": {"size": 26, "color": FILL[colour], "line": {"width": 3, "color": "#ffffff"}}})
    rings = [m for m in placed if m["pulse"]]
    traces.append({"type": "scatter", "mode": "markers", "name": "critical",
                   "x": [m["x"] * width for m in rings], "y": [(1 - m["y"]) * height for m in rings],
                   "marker": {"size": 54, "symbol": "circle-open", "color": RING, "line": {"width": 6}}})
    return {"data": traces, "layout": {
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"visible": False, "range": [0, width], "fixedrange": True, "constrain": "domain"},
        "yaxis": {"visible": False, "range": [0, height], "fixedrange": True, "scaleanchor": "x",
                  "scaleratio": 1, "constrain": "domain"},
        "images": [{"source": image_url(slot["unit"], image["sha256"]), "xref": "x", "yref": "y", "x": 0,
                    "y": height, "sizex": width, "sizey": height, "sizing": "stretch", "layer": "below",
                    "xanchor": "left", "yanchor": "top"}],
    }}


def school_tile(m: dict) -> html.Li:
    return html.Li(className=f"school-tile risk-{m['colour']}" + (" is-pulsing" if m["pulse"] else ""),
                   **{"data-school": m["school"]}, children=[
        html.Span(m["name"], className="school-tile-name"),
        html.Span(f"{m['open']:,}", className="school-tile-open"),
    ])


def map_children(lang: Language, slot: dict) -> list:
    """The map when the district has an image, else a clean grid of school tiles (each coloured and
    pulsing as its marker would)."""
    if slot.get("image"):
        return [dcc.Graph(figure=map_figure(slot), config=GRAPH_CONFIG, className="district-map-graph",
                          responsive=True)]
    count = max(1, len(slot["markers"]))
    columns = 2 if count <= 4 else 3 if count <= 9 else 4 if count <= 16 else 6
    return [html.Div(td(lang, "map_none"), className="map-note-line"),
            html.Ul([school_tile(m) for m in slot["markers"]], className=f"school-tiles cols-{columns}",
                    **{"data-testid": "school-tiles"})]


def figures_children(lang: Language, figures: dict) -> list:
    names = (("schools", "schools"), ("open", "open_alerts"), ("critical", "critical"), ("red", "red_schools"))
    return [html.Div(className=f"figure-box dfig-{key}" + (" is-raised" if key in ("critical", "red") and figures[key]
                                                           else ""), children=[
        html.Div(f"{figures[key]:,}", className="figure", **{"data-testid": f"district-{key}"}),
        html.Div(td(lang, label), className="figure-label")]) for key, label in names]


def alert_rows(lang: Language, rows: list[dict]) -> list:
    if not rows:
        return [html.Tr(html.Td(td(lang, "alerts_none"), colSpan=5, className="empty"))]
    return [html.Tr(className=f"sev-{r['severity']} state-{r['state']}", children=[
        html.Td(html.Span(r["severity_text"], className="sev-badge"), className="sev"),
        html.Td(r["school"], className="school"),
        html.Td(r["type_text"], className="type"),
        html.Td(r["since"], className="time"),
        html.Td(r["state_text"], className="state"),
    ]) for r in rows]


def league_rows(lang: Language, rows: list[dict]) -> list:
    if not rows:
        return [html.Tr(html.Td(td(lang, "league_none"), colSpan=6, className="empty"))]
    return [html.Tr(children=[
        html.Td(r.get("rank", "—"), className="rank"), html.Td(r["name"], className="school"),
        html.Td(r["score"], className="num"), html.Td(r["rate"], className="num"),
        html.Td(f"{r['overdue']:,}", className="num" + (" is-bad" if r["overdue"] else "")),
        html.Td(f"{r['open']:,}", className="num" + (" is-bad" if r["open"] else "")),
    ]) for r in rows]


def due_rows(lang: Language, rows: list[dict]) -> list:
    if not rows:
        return [html.Li(td(lang, "due_none"), className="empty")]
    return [html.Li(className="due" + (" is-late" if r["late"] else ""), children=[
        html.Span(r["school"], className="due-school"), html.Span(r["what"], className="due-what"),
        html.Span(r["due"] + (f" · {td(lang, 'late')}" if r["late"] else ""), className="due-at"),
    ]) for r in rows]


def table(lang: Language, columns: tuple[str, ...], body_id: str, kind: str) -> html.Table:
    return html.Table(className=f"district-table {kind}", children=[
        html.Thead(html.Tr([html.Th(td(lang, c) if c else "", className=c or "rank") for c in columns])),
        html.Tbody(id=body_id, **{"data-testid": body_id}),
    ])


def district_frame(lang: Language, unit: str | None, title: str, *, screen: str, refresh_ms: int,
                   tour: list[str], note: str | None = None) -> html.Div:
    """The whole page, every slot empty until the first refresh. `tour`: the schools' codes a
    playlist's "schools" step visits (assets/wall.js reads data-tour); `note`: why nothing is shown."""
    return html.Div(id=ids.WALL, className="wall district-wall", lang=HTML_LANG[lang],
                    **{"data-tour": json.dumps(tour)}, children=[
        dcc.Interval(id=ids.TICK, interval=refresh_ms, disabled=note is not None),
        dcc.Store(id=ids.VIEW, data={"unit": unit, "lang": lang}),
        dcc.Store(id=ids.HEARTBEAT),
        dcc.Store(id=ids.SYNC, data={"screen": screen, "tag": None}),
        html.Header(className="wall-header", children=[
            html.Div(className="wall-title", children=[
                html.H1(td(lang, "title")), html.Span(title, className="unit-name", **{"data-testid": "unit-name"})]),
            html.Div(id=ids.FIGURES, className="district-figures"),
            html.Div(className="as-of-block", children=[
                html.Span(td(lang, "as_of"), className="as-of-label"),
                html.Span("--:--:--", id=ids.AS_OF, className="as-of", **{"data-testid": "as-of"})]),
        ]),
        html.Div(td(lang, "link_lost"), id=ids.LINK_BANNER, className="banner link-banner", hidden=True,
                 role="alert", **{"data-testid": "link-banner"}),
        html.Div(note or "", id=ids.STALE_BANNER, className="banner", hidden=note is None, role="alert",
                 **{"data-testid": "stale-banner"}),
        html.Div(className="district-lower", children=[
            html.Section(className="panel district-map-panel", children=[
                html.H2(td(lang, "map")),
                html.Div(className="district-legend", children=[
                    html.Span([html.Span(className=f"chip risk-{c}"), td(lang, f"risk_{c}")], className="legend-item")
                    for c in RISK_ORDER]),
                html.Div(id=ids.MAP, className="district-map", **{"data-testid": "district-map"}),
            ]),
            html.Div(className="district-middle", children=[
                html.Section(className="panel district-league-panel", children=[
                    html.H2(td(lang, "league")),
                    table(lang, ("", "col_school", "col_score", "col_rate", "col_overdue", "col_open"),
                          ids.LEAGUE, "league")]),
                html.Section(className="panel district-due-panel", children=[
                    html.H2(td(lang, "due")),
                    html.Ul(id=ids.DUE, className="due-list", **{"data-testid": ids.DUE})]),
            ]),
            html.Section(className="panel district-alerts-panel", children=[
                html.H2(td(lang, "alerts")),
                table(lang, ("col_severity", "col_school", "col_type", "col_time", "col_state"), ids.ALERTS,
                      "alerts")]),
        ]),
    ])
