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
from layouts.map_labels import Dot, Style, lay_out, view_box
from layouts.site_plan import building_name, plan_images, plotly_text

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

# The map's width on the smallest tablet it is read on (1024x768 landscape: the map column); its
# height follows the plan (view.py sizes the graph to the plan's shape). Names are fitted for it.
DESIGN_WIDTH = 558
FONT = 12
MARK = 20

CONFIG = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "showTips": False,
          "responsive": True}


def drawn_buildings(plan: dict | None) -> list[dict]:
    """The plan's buildings that have a polygon to draw (in the plan's order)."""
    return [b for b in (plan or {}).get("buildings", []) if b.get("polygon")]


def _ring(polygon: list[list[float]]) -> tuple[list[float], list[float]]:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return xs + xs[:1], ys + ys[:1]


def style_for(plan: dict) -> Style:
    """The sizes the map is drawn at on the smallest tablet, for this plan's shape."""
    x0, y0, x1, y1 = view_box(plan)
    return Style(panel=(DESIGN_WIDTH, DESIGN_WIDTH * (y1 - y0) / max(x1 - x0, 1e-9)), font=FONT, dot=11, group=24,
                 mark=MARK, corners=("top-right", "bottom-right"))


def figure(lang: Language, plan: dict, marks: dict[str | None, BuildingFigures], selected: str | None = None) -> dict:
    """The map. `marks`: per building code its open hazards and alerts (a ring where alerts are
    open, a diamond where a major hazard is open); `selected`: the building outlined."""
    buildings = drawn_buildings(plan)
    placed = lay_out(plan, {b["code"]: building_name(lang, b) for b in buildings}, style_for(plan))
    images = plan_images(plan)
    halo_x, halo_y = [], []
    data: list[dict] = [{"type": "scatter", "mode": "lines", "x": halo_x, "y": halo_y, "hoverinfo": "skip",
                         "line": {"color": INK, "width": 10}, "showlegend": False}]
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
    labels = [placed.labels[b["code"]] for b in buildings]
    codes = {b["code"] for b in buildings}
    dots = [d for d in placed.dots if d.building in codes]
    data.append({"type": "scatter", "mode": "markers+text", "x": [d.x for d in dots], "y": [d.y for d in dots],
                 "customdata": [d.building for d in dots], "text": [str(d.count) if d.grouped else "" for d in dots],
                 "textfont": {"size": 12, "color": "#ffffff"},
                 "hovertext": [_dot_hover(d) for d in dots], "hoverinfo": "text",
                 "marker": {"size": [d.size - 2 for d in dots],
                            "color": [POINT.get(d.colour, POINT[None]) for d in dots],
                            "line": {"color": "#ffffff", "width": 1.5}}, "showlegend": False})
    # See-through markers under the names: a finger on a name picks the building too (the names
    # are annotations, which take no taps, on a light plate so they read over any colour); a
    # shortened name pops up whole.
    data.append({"type": "scatter", "mode": "markers", "x": [label.x for label in labels],
                 "y": [label.y for label in labels], "customdata": [label.code for label in labels],
                 "hovertext": [plotly_text(label.full) for label in labels],
                 "hoverinfo": ["text" if label.shortened else "none" for label in labels], "cliponaxis": False,
                 "marker": {"size": 40, "color": "rgba(0,0,0,0)"}, "showlegend": False})
    alarmed = [b for b in buildings if (found := marks.get(b["code"])) is not None and found.alerts_open]
    major = [b for b in buildings if (found := marks.get(b["code"])) is not None and found.hazards_major]
    data.append(_corner_marks(major, "diamond", "#c4161c", top=True))
    data.append(_corner_marks(alarmed, "circle-open", RING, top=False))
    x0, y0, x1, y1 = placed.view
    layout = {
        "showlegend": False, "hovermode": "closest", "dragmode": False, "clickmode": "event",
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif", "color": INK},
        "hoverlabel": {"font": {"size": 15}}, "images": images,
        "xaxis": {"range": [x0, x1], "visible": False, "fixedrange": True, "constrain": "range"},
        # Metres on both axes at the same scale, so the campus keeps its shape on every screen.
        "yaxis": {"range": [y0, y1], "visible": False, "fixedrange": True, "scaleanchor": "x", "constrain": "range"},
        # The campus boxes are white paper, unless the uploaded plan lies under them.
        "shapes": [{"type": "rect", "x0": c["box"][0], "y0": c["box"][1], "x1": c["box"][0] + c["box"][2],
                    "y1": c["box"][1] + c["box"][3], "layer": "below",
                    "fillcolor": "rgba(0,0,0,0)" if images else "#ffffff",
                    "line": {"color": "#b7c3d6", "width": 1.5, "dash": "dot"}} for c in plan.get("campuses", [])],
        "annotations": [{"x": c["box"][0] + 4, "y": c["box"][1] + c["box"][3] - 4, "showarrow": False,
                         "text": plotly_text(c.get("name_zh") or c.get("id", "")), "xanchor": "left",
                         "yanchor": "top", "font": {"size": 13, "color": "#5b6b82"}}
                        for c in plan.get("campuses", [])]
                       + [{"x": label.x, "y": label.y, "text": "<br>".join(plotly_text(line) for line in label.lines),
                           "showarrow": False,  # no hovertext: it would make the name catch the taps
                           "font": {"size": FONT, "color": INK}, "bgcolor": "rgba(255,255,255,0.82)", "borderpad": 2,
                           "xanchor": "center", "yanchor": "middle"} for label in labels],
    }
    return {"data": data, "layout": layout}


def _dot_hover(dot: Dot) -> str:
    """A risk point's name; a group's count and first names."""
    names = [plotly_text(n) for n in dot.names if n]
    if not dot.grouped:
        return names[0] if names else ""
    return f"{dot.count}: " + "、".join(names[:5]) + ("…" if len(names) > 5 else "")


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
