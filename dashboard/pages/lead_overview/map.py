"""The overview's four-colour risk map (风险四色图) for tablets, pure: the school's site plan and
the ledger's per-building figures in, a Plotly figure out.

The same plan and geometry as the wall's map (layouts/site_plan.py: label points, escaping of
names people typed), drawn light for daylight and made to be tapped: every building is a filled
trace of its own whose points all carry the building's code (`customdata`), and so do the
see-through markers under its name, its risk points and its marks, so a tap anywhere on a
building names it in `clickData`. Those traces hover as "none" (a tap is reported, no label pops
up over the map; the drill panel says which building it was); a risk point shows its name. No map
tiles: the plan is in the school's own metres.

Trace order is fixed (the tap's highlight patches trace HALO, drawn under the buildings so that a
thick outline shows around the tapped one).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from dash import Patch

from layouts.i18n import Language
from layouts.site_plan import building_name, label_point, plotly_text

if TYPE_CHECKING:  # the rows the callbacks read (queries/ledger/lead_overview.py); annotations only
    from queries.ledger.lead_overview import BuildingFigures

# The national four colours (as on the wall), a little see-through on the light page.
FILL = {"red": "rgba(217,54,62,0.88)", "orange": "rgba(240,124,27,0.88)", "yellow": "rgba(230,184,0,0.85)",
        "blue": "rgba(47,127,224,0.85)", None: "rgba(160,174,196,0.75)"}
POINT = {"red": "#b3161d", "orange": "#c85a00", "yellow": "#9a7a00", "blue": "#1b5fb8", None: "#5b6b82"}
EDGE = "#ffffff"
INK = "#14213d"
RING = "#c4161c"
HALO = 0  # the tapped building's outline

CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "showTips": False,
          "responsive": True}


def drawn_buildings(plan: dict | None) -> list[dict]:
    """The plan's buildings that have a polygon to draw (in the plan's order)."""
    return [b for b in (plan or {}).get("buildings", []) if b.get("polygon")]


def _ring(polygon: list[list[float]]) -> tuple[list[float], list[float]]:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return xs + xs[:1], ys + ys[:1]


def figure(lang: Language, plan: dict, marks: dict[str | None, BuildingFigures], selected: str | None = None) -> dict:
    """The map. `marks`: per building code its open hazards and alerts (a ring where alerts are
    open, a diamond where a major hazard is open); `selected`: the building outlined."""
    width = (plan.get("extent") or {}).get("width") or 100
    height = (plan.get("extent") or {}).get("height") or 100
    buildings = drawn_buildings(plan)
    halo_x, halo_y = [], []
    data: list[dict] = [{"type": "scatter", "mode": "lines", "x": halo_x, "y": halo_y, "hoverinfo": "skip",
                         "line": {"color": INK, "width": 10}, "showlegend": False}]
    labels = {"x": [], "y": [], "text": [], "customdata": []}
    for building in buildings:
        code, colour, name = building["code"], building.get("colour"), building_name(lang, building)
        xs, ys = _ring(building["polygon"])
        if code == selected:
            halo_x.extend(xs)
            halo_y.extend(ys)
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys, "fill": "toself",
                     "fillcolor": FILL.get(colour, FILL[None]), "line": {"color": EDGE, "width": 2},
                     "customdata": [code] * len(xs), "name": plotly_text(name), "hoveron": "fills+points",
                     "hoverinfo": "none", "showlegend": False})
        x, y = label_point(building["polygon"])
        labels["x"].append(x)
        labels["y"].append(y)
        labels["text"].append(two_lines(name))
        labels["customdata"].append(code)
    codes = {b["code"] for b in buildings}
    points = [p for p in plan.get("risk_points", []) if p.get("x") is not None and p.get("building") in codes]
    data.append({"type": "scatter", "mode": "markers", "x": [p["x"] for p in points], "y": [p["y"] for p in points],
                 "customdata": [p["building"] for p in points],
                 "hovertext": [plotly_text(p.get("name") or p["code"]) for p in points], "hoverinfo": "text",
                 "marker": {"size": 9, "color": [POINT.get(p.get("colour"), POINT[None]) for p in points],
                            "line": {"color": "#ffffff", "width": 1.5}}, "showlegend": False})
    # Large see-through markers under the names: a finger on a name picks the building too (the
    # names are annotations, which take no taps, on a light plate so they read over any colour).
    data.append({"type": "scatter", "mode": "markers", "x": labels["x"], "y": labels["y"],
                 "customdata": labels["customdata"], "hoverinfo": "none", "cliponaxis": False,
                 "marker": {"size": 40, "color": "rgba(0,0,0,0)"}, "showlegend": False})
    alarmed = [b for b in buildings if (found := marks.get(b["code"])) is not None and found.alerts_open]
    major = [b for b in buildings if (found := marks.get(b["code"])) is not None and found.hazards_major]
    data.append(_corner_marks(major, "diamond", "#c4161c", top=True))
    data.append(_corner_marks(alarmed, "circle-open", RING, top=False))
    layout = {
        "showlegend": False, "hovermode": "closest", "dragmode": False, "clickmode": "event",
        "margin": {"l": 2, "r": 2, "t": 2, "b": 2}, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif", "color": INK},
        "hoverlabel": {"font": {"size": 15}},
        "xaxis": {"range": [0, width], "visible": False, "fixedrange": True},
        # Metres on both axes at the same scale, so the campus keeps its shape on every screen.
        "yaxis": {"range": [0, height], "visible": False, "fixedrange": True, "scaleanchor": "x"},
        "shapes": [{"type": "rect", "x0": c["box"][0], "y0": c["box"][1], "x1": c["box"][0] + c["box"][2],
                    "y1": c["box"][1] + c["box"][3], "layer": "below", "fillcolor": "#ffffff",
                    "line": {"color": "#b7c3d6", "width": 1.5, "dash": "dot"}} for c in plan.get("campuses", [])],
        "annotations": [{"x": c["box"][0] + 4, "y": c["box"][1] + c["box"][3] - 4, "showarrow": False,
                         "text": plotly_text(c.get("name_zh") or c.get("id", "")), "xanchor": "left",
                         "yanchor": "top", "font": {"size": 13, "color": "#5b6b82"}}
                        for c in plan.get("campuses", [])]
                       + [{"x": x, "y": y, "text": text, "showarrow": False, "font": {"size": 12, "color": INK},
                           "bgcolor": "rgba(255,255,255,0.82)", "borderpad": 2, "xanchor": _anchor(x, width)}
                          for x, y, text in zip(labels["x"], labels["y"], labels["text"])],
    }
    return {"data": data, "layout": layout}


def two_lines(name: str, longest: int = 10) -> str:
    """A long name on two lines, broken at the space nearest its middle or before a bracket
    (化学化工学院<br>（化学北楼）), escaped for Plotly: names on a small plan collide otherwise."""
    if len(name) <= longest:
        return plotly_text(name)
    breaks = [i for i, c in enumerate(name) if c == " "] + [i - 1 for i, c in enumerate(name) if c in "（("]
    breaks = [i for i in breaks if 0 < i < len(name) - 1]
    if not breaks:
        return plotly_text(name)
    at = min(breaks, key=lambda i: abs(i - len(name) / 2))
    head, tail = name[:at + 1].rstrip(), name[at + 1:].lstrip()
    return plotly_text(head) + "<br>" + plotly_text(tail)


def _anchor(x: float, width: float) -> str:
    """Names near the plan's sides run inwards, so a long one is not cut off at the map's edge."""
    return "left" if x < width * 0.15 else "right" if x > width * 0.85 else "center"


def _corner_marks(buildings: list[dict], symbol: str, colour: str, *, top: bool) -> dict:
    """A mark at each building's top-right (major hazard) or bottom-right (open alerts) corner,
    clear of its name in the middle."""
    xs = [max(p[0] for p in b["polygon"]) for b in buildings]
    ys = [(max if top else min)(p[1] for p in b["polygon"]) for b in buildings]
    marker = {"symbol": symbol, "size": 20, "color": colour, "line": {"color": "#ffffff" if top else colour,
                                                                       "width": 2 if top else 4}}
    return {"type": "scatter", "mode": "markers", "x": xs, "y": ys, "customdata": [b["code"] for b in buildings],
            "hoverinfo": "none", "cliponaxis": False, "marker": marker, "showlegend": False}


def halo_patch(plan: dict | None, selected: str | None) -> Patch:
    """A Patch outlining `selected` (none: no outline) on a map drawn by `figure` from `plan`."""
    patch = Patch()
    found = next((b for b in drawn_buildings(plan) if b["code"] == selected), None)
    xs, ys = _ring(found["polygon"]) if found else ([], [])
    patch["data"][HALO]["x"] = xs
    patch["data"][HALO]["y"] = ys
    return patch


def tapped_building(click: object) -> str | None:
    """The building code a tap on the map names (the first point's customdata), else None."""
    points = click.get("points") if isinstance(click, dict) else None
    if not isinstance(points, list) or not points or not isinstance(points[0], dict):
        return None
    code = points[0].get("customdata")
    if isinstance(code, list):  # Plotly sends a list for multi-valued customdata
        code = code[0] if code else None
    return code if isinstance(code, str) and code else None
