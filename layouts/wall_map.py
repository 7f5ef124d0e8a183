"""The four-colour risk map (风险四色图) as pure functions: a site plan in, a Plotly figure out.

Drawn from the school's own plan (queries.ledger.lookups.site_plan, metres, x east, y north):
command centres are often offline, so there are no map tiles. Each building is filled by the
highest risk level inside it, risk points are small markers in their colour; two live overlays sit
on top: a ring on every building with open alerts (assets/wall.css makes it pulse) and a diamond
on every building with an open major hazard.

The figure's structure is fixed by the plan: overlays only move points in and out of their two
traces and recolour building fills, so an update is a small Patch (see `overlay_patch`), never a
new figure. Trace order is part of that contract (the pulse trace is last: the CSS finds it so).
"""
from __future__ import annotations

import functools
import hashlib
import html
import json

from dash import Patch

from layouts.i18n import Language, t

RISK_COLOURS = ("red", "orange", "yellow", "blue")
# The national four colours, set a little darker than pure hues so white labels stay legible.
FILL = {"red": "#d32f2f", "orange": "#f57c00", "yellow": "#f2c200", "blue": "#1e6fd9", None: "#24364f"}
EDGE = {"red": "#ff8a80", "orange": "#ffcc80", "yellow": "#fff59d", "blue": "#90caf9", None: "#4b6385"}
LABEL_ON = {"yellow": "#1a1a1a"}  # dark text on yellow; white elsewhere
SEVERITY_RING = {"critical": "#ff4d4f", "high": "#ff8a1f", "medium": "#ffd426", "low": "#3aa0ff"}
TRACE_POINTS, TRACE_LABELS, TRACE_MAJOR, TRACE_PULSE = range(4)  # names drawn over the dots


def centroid(polygon: list[list[float]]) -> tuple[float, float]:
    """The area centroid of a simple polygon (shoelace), where a label or marker sits; the mean of
    the corners for a degenerate one."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        n = len(polygon) or 1
        return sum(p[0] for p in polygon) / n, sum(p[1] for p in polygon) / n
    return round(cx / (3 * area), 2), round(cy / (3 * area), 2)


def inside(point: tuple[float, float], polygon: list[list[float]]) -> bool:
    """Ray casting: is the point strictly inside the polygon?"""
    x, y = point
    found = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            found = not found
    return found


def _edge_distance(point: tuple[float, float], polygon: list[list[float]]) -> float:
    px, py = point
    best = float("inf")
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        dx, dy = x1 - x0, y1 - y0
        length = dx * dx + dy * dy
        k = 0.0 if length == 0 else max(0.0, min(1.0, ((px - x0) * dx + (py - y0) * dy) / length))
        best = min(best, ((px - x0 - k * dx) ** 2 + (py - y0 - k * dy) ** 2) ** 0.5)
    return best


def label_point(polygon: list[list[float]]) -> tuple[float, float]:
    """See `_label_point`; cached, since every refresh places the overlay on the same buildings."""
    return _label_point(tuple(tuple(p) for p in polygon))


@functools.lru_cache(maxsize=4096)
def _label_point(corners: tuple[tuple[float, float], ...], steps: int = 24) -> tuple[float, float]:
    """Where a building's name sits: its centroid when that lies inside (rectangles), else the
    point of a grid over the building farthest from its edges (the centroid of an L can fall
    outside it, in the corner between the wings)."""
    polygon = [list(p) for p in corners]
    middle = centroid(polygon)
    if inside(middle, polygon):
        return middle
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    best, best_distance = middle, -1.0
    for i in range(1, steps):
        for j in range(1, steps):
            point = (min(xs) + (max(xs) - min(xs)) * i / steps, min(ys) + (max(ys) - min(ys)) * j / steps)
            if inside(point, polygon):
                distance = _edge_distance(point, polygon)
                if distance > best_distance:
                    best, best_distance = (round(point[0], 2), round(point[1], 2)), distance
    return best


def _path(polygon: list[list[float]]) -> str:
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in polygon) + "Z"


def building_name(lang: Language, building: dict) -> str:
    return (building.get("name_en") if lang == "en" else None) or building.get("name_zh") or building["code"]


def plotly_text(text: str) -> str:
    """Plotly reads a few HTML tags in its text (<b>, <br>, <a href>): names from the ledger are
    entered by people, so they go in with < > & escaped and Plotly shows them as written."""
    return html.escape(text, quote=False)


def plan_digest(plan: dict | None, lang: Language) -> str:
    """Changes when anything the drawn figure depends on changes (not the live overlays)."""
    text = json.dumps([lang, plan], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def overlay(lang: Language, plan: dict | None, alerts_by_building: dict, major_by_building: dict) -> dict:
    """The live part of the map: which buildings ring (open alerts, ring in the top severity's
    colour) and which carry the major-hazard diamond. Buildings not on the plan are left out."""
    rings = {"x": [], "y": [], "color": [], "customdata": []}
    major = {"x": [], "y": [], "customdata": [], "text": []}
    for building in (plan or {}).get("buildings", []):
        code = building["code"]
        polygon = building.get("polygon")
        if not polygon:
            continue
        x, y = label_point(polygon)
        alerts = alerts_by_building.get(code)
        if alerts and alerts.get("open"):
            rings["x"].append(x)
            rings["y"].append(y)
            rings["color"].append(SEVERITY_RING.get(alerts.get("top"), SEVERITY_RING["low"]))
            rings["customdata"].append(code)
        if major_by_building.get(code):
            # At the building's top-right corner, clear of its name in the middle.
            major["x"].append(max(p[0] for p in polygon))
            major["y"].append(max(p[1] for p in polygon))
            major["customdata"].append(code)
            major["text"].append(t(lang, "map_major"))
    return {"rings": rings, "major": major}


def map_figure(lang: Language, plan: dict, live: dict) -> dict:
    """The whole figure for a plan, with the live overlay `live` (from `overlay`)."""
    width = plan.get("extent", {}).get("width") or 100
    height = plan.get("extent", {}).get("height") or 100
    shapes, labels = [], {"x": [], "y": [], "text": [], "color": []}
    for campus in plan.get("campuses", []):
        x, y, w, h = campus["box"]
        shapes.append({"type": "rect", "x0": x, "y0": y, "x1": x + w, "y1": y + h, "layer": "below",
                       "line": {"color": "#3d5a80", "width": 1.5, "dash": "dot"}, "fillcolor": "rgba(0,0,0,0)"})
    for building in plan.get("buildings", []):
        colour = building.get("colour")
        shapes.append({"type": "path", "path": _path(building["polygon"]), "layer": "below",
                       "fillcolor": FILL.get(colour, FILL[None]), "line": {"color": EDGE.get(colour, EDGE[None]), "width": 2}})
        x, y = label_point(building["polygon"])
        labels["x"].append(x)
        labels["y"].append(y)
        labels["text"].append(plotly_text(building_name(lang, building)))
        labels["color"].append(LABEL_ON.get(colour, "#ffffff"))
    points = plan.get("risk_points", [])
    annotations = [{"x": c["box"][0] + 4, "y": c["box"][1] + c["box"][3] - 4, "text": plotly_text(c.get("name_zh") or c["id"]),
                    "showarrow": False, "xanchor": "left", "yanchor": "top",
                    "font": {"size": 15, "color": "#8fa6c2"}} for c in plan.get("campuses", [])]
    rings, major = live["rings"], live["major"]
    data = [
        {"type": "scatter", "mode": "markers", "x": [p["x"] for p in points], "y": [p["y"] for p in points],
         "marker": {"size": 7, "color": [FILL.get(p.get("colour"), FILL[None]) for p in points],
                    "line": {"color": "#0b1424", "width": 1}}, "hoverinfo": "skip"},
        {"type": "scatter", "mode": "text", "x": labels["x"], "y": labels["y"], "text": labels["text"],
         "textfont": {"size": 14, "color": labels["color"]}, "hoverinfo": "skip", "cliponaxis": False},
        {"type": "scatter", "mode": "markers", "x": major["x"], "y": major["y"], "customdata": major["customdata"],
         "text": major["text"], "cliponaxis": False,
         "marker": {"symbol": "diamond", "size": 24, "color": "#ff1744", "line": {"color": "#ffffff", "width": 2}},
         "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": rings["x"], "y": rings["y"], "customdata": rings["customdata"],
         "marker": {"symbol": "circle-open", "size": 46, "color": rings["color"], "line": {"width": 5}},
         "hoverinfo": "skip"},
    ]
    layout = {
        "shapes": shapes, "annotations": annotations, "showlegend": False, "hovermode": False,
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4}, "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)", "dragmode": False,
        "font": {"family": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"},
        "xaxis": {"range": [0, width], "visible": False, "fixedrange": True},
        # Metres on both axes at the same scale, so the campus keeps its shape on every screen.
        "yaxis": {"range": [0, height], "visible": False, "fixedrange": True, "scaleanchor": "x"},
    }
    return {"data": data, "layout": layout}


def overlay_patch(previous: dict, current: dict) -> Patch | None:
    """A Patch moving the overlay traces from `previous` to `current`; None when nothing moved."""
    if previous == current:
        return None
    patch = Patch()
    for name, index in (("major", TRACE_MAJOR), ("rings", TRACE_PULSE)):
        before, after = previous.get(name), current[name]
        if before == after:
            continue
        patch["data"][index]["x"] = after["x"]
        patch["data"][index]["y"] = after["y"]
        patch["data"][index]["customdata"] = after["customdata"]
        if name == "rings":
            patch["data"][index]["marker"]["color"] = after["color"]
        else:
            patch["data"][index]["text"] = after["text"]
    return patch
