"""The four-colour risk map (风险四色图) as pure functions: a site plan in, a Plotly figure out.

Drawn from the school's own plan (queries.ledger.lookups.site_plan, metres, x east, y north):
command centres are often offline, so there are no map tiles. Each building is filled by the
highest risk level inside it, risk points are small markers in their colour; two live overlays sit
on top: a ring at the bottom-right corner of every building with open alerts (assets/wall.css
makes it pulse) and a diamond at the top-right corner of every building with an open major hazard.
Names and dots are placed for legibility by layouts/map_labels.py.

The figure's structure is fixed by the plan: overlays only move points in and out of their two
traces and recolour building fills, so an update is a small Patch (see `overlay_patch`), never a
new figure. Trace order is part of that contract (the pulse trace is last: the CSS finds it so).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json

from dash import Patch

from dashboard.pages.wall.map_fit import USUAL, map_fit
from layouts.i18n import Language, t
from layouts.map_labels import Style, lay_out, scale, view_box
from layouts.site_plan import building_name, plan_images, plotly_text

# The national four colours, set a little darker than pure hues so white labels stay legible.
FILL = {"red": "#d32f2f", "orange": "#f57c00", "yellow": "#f2c200", "blue": "#1e6fd9", None: "#24364f"}
EDGE = {"red": "#ff8a80", "orange": "#ffcc80", "yellow": "#fff59d", "blue": "#90caf9", None: "#4b6385"}
LABEL_ON = {"yellow": "#1a1a1a"}  # dark text on yellow; white elsewhere
SEVERITY_RING = {"critical": "#ff4d4f", "high": "#ff8a1f", "medium": "#ffd426", "low": "#3aa0ff"}
TRACE_POINTS, TRACE_LABELS, TRACE_MAJOR, TRACE_PULSE = range(4)  # names drawn over the dots
RING, DIAMOND = 40, 24  # px: the open-alerts ring (bottom-right corner), the major-hazard mark (top-right)
RING_OUT = 10  # px the ring's centre sits out from its corner, so it takes less of a small building
# The sizes the map's names and marks are drawn at on the 1920x1080 design canvas (assets/wall.js
# scales it to 4K), with the usual plot area; `style_for` gives a plan's own plot area (map_fit.py,
# measured in tests/dashboard/test_map_browser.py): names are fitted and placed for it
# (layouts/map_labels.py).
STYLE = Style(panel=USUAL.plot, font=14, dot=8, group=22, mark=max(DIAMOND, RING - 2 * RING_OUT),
              corners=("top-right", "bottom-right"))
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def style_for(plan: dict) -> Style:
    """STYLE with the plot area the wall gives this plan (dashboard/pages/wall/map_fit.py)."""
    return dataclasses.replace(STYLE, panel=map_fit(plan).plot)


def _path(polygon: list[list[float]]) -> str:
    return "M" + "L".join(f"{x:g},{y:g}" for x, y in polygon) + "Z"


def plan_digest(plan: dict | None, lang: Language) -> str:
    """Changes when anything the drawn figure depends on changes (not the live overlays)."""
    text = json.dumps([lang, plan], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def overlay(lang: Language, plan: dict | None, alerts_by_building: dict, major_by_building: dict) -> dict:
    """The live part of the map: which buildings ring (open alerts, ring in the top severity's
    colour) and which carry the major-hazard diamond. Buildings not on the plan are left out."""
    rings = {"x": [], "y": [], "color": [], "customdata": []}
    major = {"x": [], "y": [], "customdata": [], "text": []}
    out = RING_OUT / scale(view_box(plan), style_for(plan).panel) if plan else 0
    for building in (plan or {}).get("buildings", []):
        code = building["code"]
        polygon = building.get("polygon")
        if not polygon:
            continue
        alerts = alerts_by_building.get(code)
        if alerts and alerts.get("open"):
            # At the building's bottom-right corner (as on the overview), clear of its name.
            rings["x"].append(round(max(p[0] for p in polygon) + out, 2))
            rings["y"].append(round(min(p[1] for p in polygon) - out, 2))
            rings["color"].append(SEVERITY_RING.get(alerts.get("top"), SEVERITY_RING["low"]))
            rings["customdata"].append(code)
        if major_by_building.get(code):
            # At the building's top-right corner, clear of its name.
            major["x"].append(max(p[0] for p in polygon))
            major["y"].append(max(p[1] for p in polygon))
            major["customdata"].append(code)
            major["text"].append(t(lang, "map_major"))
    return {"rings": rings, "major": major}


def map_figure(lang: Language, plan: dict, live: dict) -> dict:
    """The whole figure for a plan, with the live overlay `live` (from `overlay`)."""
    names = {b["code"]: building_name(lang, b) for b in plan.get("buildings", [])}
    placed = lay_out(plan, names, style_for(plan))
    images = plan_images(plan)
    shapes, labels = [], {"x": [], "y": [], "text": [], "hovertext": [], "color": []}
    for campus in plan.get("campuses", []):
        x, y, w, h = campus["box"]
        shapes.append({"type": "rect", "x0": x, "y0": y, "x1": x + w, "y1": y + h, "layer": "below",
                       "line": {"color": "#3d5a80", "width": 1.5, "dash": "dot"}, "fillcolor": "rgba(0,0,0,0)"})
    for building in plan.get("buildings", []):
        colour = building.get("colour")
        if not building.get("polygon"):
            continue
        # Over an uploaded plan the fills let its drawing show through a little.
        shapes.append({"type": "path", "path": _path(building["polygon"]), "layer": "below",
                       "fillcolor": FILL.get(colour, FILL[None]), "opacity": 0.82 if images else 1,
                       "line": {"color": EDGE.get(colour, EDGE[None]), "width": 2}})
        label = placed.labels[building["code"]]
        labels["x"].append(label.x)
        labels["y"].append(label.y)
        labels["text"].append("<br>".join(plotly_text(line) for line in label.lines))
        labels["hovertext"].append(plotly_text(label.full))
        labels["color"].append(LABEL_ON.get(colour, "#ffffff") if label.where != "beside" else "#ffffff")
    dots = placed.dots
    annotations = [{"x": c["box"][0] + 4, "y": c["box"][1] + c["box"][3] - 4,
                    "text": plotly_text(c.get("name_zh") or c["id"]),
                    "showarrow": False, "xanchor": "left", "yanchor": "top",
                    "font": {"size": 15, "color": "#8fa6c2"}} for c in plan.get("campuses", [])]
    rings, major = live["rings"], live["major"]
    x0, y0, x1, y1 = placed.view
    data = [
        # Risk points; a dense building's as one dot per colour with its count in it.
        {"type": "scatter", "mode": "markers+text", "x": [d.x for d in dots], "y": [d.y for d in dots],
         "text": [str(d.count) if d.grouped else "" for d in dots],
         "hovertext": [plotly_text("、".join(d.names)) for d in dots],
         "textfont": {"size": 13, "color": [LABEL_ON.get(d.colour, "#ffffff") for d in dots]},
         "marker": {"size": [d.size - 1 for d in dots], "color": [FILL.get(d.colour, FILL[None]) for d in dots],
                    # A group's white edge sets it off its building, which is usually its colour.
                    "line": {"color": ["#ffffff" if d.grouped else "#0b1424" for d in dots],
                             "width": [2 if d.grouped else 1 for d in dots]}},
         "hoverinfo": "skip", "cliponaxis": False},
        {"type": "scatter", "mode": "text", "x": labels["x"], "y": labels["y"], "text": labels["text"],
         "hovertext": labels["hovertext"],
         "textfont": {"size": STYLE.font, "color": labels["color"]}, "hoverinfo": "skip", "cliponaxis": False},
        {"type": "scatter", "mode": "markers", "x": major["x"], "y": major["y"], "customdata": major["customdata"],
         "text": major["text"], "cliponaxis": False,
         "marker": {"symbol": "diamond", "size": DIAMOND, "color": "#ff1744",
                    "line": {"color": "#ffffff", "width": 2}},
         "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": rings["x"], "y": rings["y"], "customdata": rings["customdata"],
         "cliponaxis": False,
         "marker": {"symbol": "circle-open", "size": RING, "color": rings["color"], "line": {"width": 5}},
         "hoverinfo": "skip"},
    ]
    layout = {
        "shapes": shapes, "annotations": annotations, "images": images, "showlegend": False, "hovermode": False,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)", "dragmode": False, "font": {"family": FONT},
        # The plan's content, not its nominal extent; Plotly widens the other axis's range to the
        # panel's shape, so the plot area fills the panel and the plan its limiting dimension.
        "xaxis": {"range": [x0, x1], "visible": False, "fixedrange": True, "constrain": "range"},
        # Metres on both axes at the same scale, so the campus keeps its shape on every screen.
        "yaxis": {"range": [y0, y1], "visible": False, "fixedrange": True, "scaleanchor": "x",
                  "constrain": "range"},
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
