"""A school's site plan as pure geometry, shared by the wall's risk map and the leadership
overview's map: where a building's name (or a marker) sits, its name in the page's language, and
text made safe for Plotly.

Plans are in metres, x east, y north (queries.ledger.lookups.site_plan).
"""
from __future__ import annotations

import functools
import html

from layouts.i18n import Language


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


def building_name(lang: Language, building: dict) -> str:
    return (building.get("name_en") if lang == "en" else None) or building.get("name_zh") or building["code"]


def plan_images(plan: dict, *, opacity: float = 1.0) -> list[dict]:
    """The plan's uploaded images (plan["images"]: {"href", "box": [x, y, w, h]} in metres) as Plotly
    layout images under the buildings. Only paths of this site are drawn (a wall is often offline,
    and a plan must never make it fetch from elsewhere); anything else is left out."""
    out = []
    for image in plan.get("images") or []:
        href, box = (image.get("href"), image.get("box")) if isinstance(image, dict) else (None, None)
        if not (isinstance(href, str) and href.startswith("/") and not href.startswith("//")
                and href.isprintable() and "\\" not in href and len(href) <= 500):
            continue
        if not (isinstance(box, (list, tuple)) and len(box) == 4
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)
                and box[2] > 0 and box[3] > 0):
            continue
        x, y, w, h = box
        out.append({"source": href, "xref": "x", "yref": "y", "x": x, "y": y + h, "sizex": w, "sizey": h,
                    "xanchor": "left", "yanchor": "top", "sizing": "stretch", "layer": "below",
                    "opacity": opacity})
    return out


def plotly_text(text: str) -> str:
    """Plotly reads a few HTML tags in its text (<b>, <br>, <a href>): names from the ledger are
    entered by people, so they go in with < > & escaped and Plotly shows them as written."""
    return html.escape(text, quote=False)
