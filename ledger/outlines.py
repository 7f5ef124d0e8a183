"""Building outlines: checking one drawn in the browser or read from a GeoJSON file. Pure.

An outline is a simple polygon in plan metres (x east, y north): at least 3 distinct points, at
most MAX_VERTICES (a building drawn by hand has a few dozen; a thousand-vertex trace from a
survey export is refused with the reason, not silently simplified, so nobody wonders where the
shape went), no edge crossing another, and every point on the campus plan. A closing point equal
to the first (as GeoJSON writes rings) is dropped.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ledger.errors import LedgerError, Words, words

MAX_VERTICES = 200
MAX_FEATURES = 500  # buildings in one GeoJSON file
MAX_GEOJSON_BYTES = 1_000_000
NAME_KEYS = ("code", "name", "name_zh", "名称", "编号")
OUTLINE = Words("the outline", "轮廓")


class BadOutline(LedgerError):
    """An outline the ledger does not keep, and why."""


Point = tuple[float, float]


def _number(value, what: Words) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadOutline(f"{what.en} is not a number", zh=f"{what.zh}不是数字")
    return float(value)


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a: Point, b: Point, p: Point) -> bool:
    return min(a[0], b[0]) - 1e-9 <= p[0] <= max(a[0], b[0]) + 1e-9 and \
        min(a[1], b[1]) - 1e-9 <= p[1] <= max(a[1], b[1]) + 1e-9


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Whether segments ab and cd meet (touching counts)."""
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    eps = 1e-9
    if o1 * o2 < 0 and o3 * o4 < 0 and min(abs(o1), abs(o2), abs(o3), abs(o4)) > eps:
        return True  # a proper crossing
    return any(abs(o) <= eps and _on_segment(p, q, r) for o, p, q, r in (
        (o1, a, b, c), (o2, a, b, d), (o3, c, d, a), (o4, c, d, b)))


def self_intersection(points: list[Point]) -> tuple[int, int] | None:
    """The first pair of non-adjacent edges that meet (edge i runs from point i to i+1), or None."""
    n = len(points)
    for i in range(n):
        a, b = points[i], points[(i + 1) % n]
        for j in range(i + 1, n):
            if j == i or (j + 1) % n == i or j == (i + 1) % n:
                continue  # neighbours share a point
            if segments_cross(a, b, points[j], points[(j + 1) % n]):
                return i, j
    return None


def area(points: list[Point]) -> float:
    return sum(points[i][0] * points[(i + 1) % len(points)][1] - points[(i + 1) % len(points)][0] * points[i][1]
               for i in range(len(points))) / 2


def check(raw, *, width: float | None = None, height: float | None = None, origin: Point = (0.0, 0.0),
          what: str | Words = OUTLINE) -> list[list[float]]:
    """The outline as the ledger keeps it ([[x, y], ...], centimetres), shifted by `origin`, checked
    against the plan [0, width] × [0, height] (before the shift); BadOutline saying what is wrong."""
    what = words(what)
    if not isinstance(raw, (list, tuple)):
        raise BadOutline(f"{what.en} is not a list of points", zh=f"{what.zh}不是一串点")
    if len(raw) > MAX_VERTICES + 1:
        raise BadOutline(f"{what.en} has {len(raw)} points; at most {MAX_VERTICES} (simplify it in the drawing "
                         "program first)",
                         zh=f"{what.zh}有 {len(raw)} 个点，至多 {MAX_VERTICES} 个（请先在绘图软件中简化）")
    points: list[Point] = []
    for index, pair in enumerate(raw, 1):
        if not isinstance(pair, (list, tuple)) or len(pair) < 2:
            raise BadOutline(f"{what.en}: point {index} is not a pair of numbers",
                             zh=f"{what.zh}：第 {index} 个点不是一对数字")
        x = _number(pair[0], Words(f"{what.en}: point {index}'s x", f"{what.zh}：第 {index} 个点的 x"))
        y = _number(pair[1], Words(f"{what.en}: point {index}'s y", f"{what.zh}：第 {index} 个点的 y"))
        outside = width is not None and height is not None and not (
            -1e-6 <= x <= width + 1e-6 and -1e-6 <= y <= height + 1e-6)
        if outside:
            raise BadOutline(f"{what.en}: point {index} ({x:g}, {y:g}) lies outside the plan "
                             f"(0–{width:g} m east, 0–{height:g} m north)",
                             zh=f"{what.zh}：第 {index} 个点（{x:g}, {y:g}）在平面图之外"
                                f"（东西 0–{width:g} 米，南北 0–{height:g} 米）")
        if not points or (abs(points[-1][0] - x) > 1e-6 or abs(points[-1][1] - y) > 1e-6):
            points.append((x, y))  # a point repeated right after itself is one point
    if len(points) > 1 and abs(points[0][0] - points[-1][0]) < 1e-6 and abs(points[0][1] - points[-1][1]) < 1e-6:
        points.pop()  # the ring's closing point
    if len(points) < 3:
        raise BadOutline(f"{what.en} needs at least 3 points; it has {len(points)}",
                         zh=f"{what.zh}至少需要 3 个点，现有 {len(points)} 个")
    if len(points) > MAX_VERTICES:
        raise BadOutline(f"{what.en} has {len(points)} points; at most {MAX_VERTICES} (simplify it first)",
                         zh=f"{what.zh}有 {len(points)} 个点，至多 {MAX_VERTICES} 个（请先简化）")
    crossing = self_intersection(points)
    if crossing is not None:
        i, j = crossing
        raise BadOutline(f"{what.en} crosses itself: the edge from point {i + 1} meets the edge from point {j + 1}",
                         zh=f"{what.zh}自相交：从第 {i + 1} 个点出发的边与从第 {j + 1} 个点出发的边相交")
    if abs(area(points)) < 1.0:
        raise BadOutline(f"{what.en} encloses less than one square metre", zh=f"{what.zh}围成的面积不足 1 平方米")
    ox, oy = origin
    return [[round(x + ox, 2), round(y + oy, 2)] for x, y in points]


@dataclass(frozen=True)
class Feature:
    name: str  # the code (or name) the file gives: matched to a building's code, else its Chinese name
    ring: list  # the outer ring as the file gives it


def read_geojson(text: str | bytes) -> list[Feature]:
    """The polygons of a GeoJSON FeatureCollection (or one Feature), each with its name; a
    MultiPolygon counts as one outline only when it has exactly one polygon (a building is one shape)."""
    if len(text) > MAX_GEOJSON_BYTES:
        raise BadOutline(f"the GeoJSON file is larger than {MAX_GEOJSON_BYTES // 1_000_000} MB",
                         zh=f"GeoJSON 文件大于 {MAX_GEOJSON_BYTES // 1_000_000} MB")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadOutline(f"the file is not JSON ({type(exc).__name__})",
                         zh=f"文件不是 JSON（{type(exc).__name__}）") from None
    if not isinstance(doc, dict):
        raise BadOutline("the file is not a GeoJSON object", zh="文件不是 GeoJSON 对象")
    features = [doc] if doc.get("type") == "Feature" else doc.get("features")
    if doc.get("type") not in ("Feature", "FeatureCollection") or not isinstance(features, list):
        raise BadOutline("the file is not a GeoJSON FeatureCollection", zh="文件不是 GeoJSON FeatureCollection")
    if not features:
        raise BadOutline("the GeoJSON file has no features", zh="GeoJSON 文件中没有要素（feature）")
    if len(features) > MAX_FEATURES:
        raise BadOutline(f"the GeoJSON file has {len(features)} features; at most {MAX_FEATURES}",
                         zh=f"GeoJSON 文件有 {len(features)} 个要素，至多 {MAX_FEATURES} 个")
    found = []
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict):
            raise BadOutline(f"feature {number} is not an object", zh=f"第 {number} 个要素不是对象")
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        name = next((str(props[k]).strip() for k in NAME_KEYS if isinstance(props.get(k), (str, int))
                     and str(props[k]).strip()), "")
        if not name:
            raise BadOutline(f"feature {number} has no code or name property ({', '.join(NAME_KEYS)})",
                             zh=f"第 {number} 个要素没有编号或名称属性（{'、'.join(NAME_KEYS)}）")
        geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        if kind == "MultiPolygon" and isinstance(coords, list) and len(coords) == 1:
            kind, coords = "Polygon", coords[0]
        if kind == "MultiPolygon":
            raise BadOutline(f"feature {number} ({name}) is a MultiPolygon of several shapes; a building is one",
                             zh=f"第 {number} 个要素（{name}）是由多个图形组成的 MultiPolygon，一栋楼宇只有一个轮廓")
        if kind != "Polygon" or not isinstance(coords, list) or not coords:
            raise BadOutline(f"feature {number} ({name}) is not a Polygon",
                             zh=f"第 {number} 个要素（{name}）不是 Polygon")
        if len(coords) > 1:
            raise BadOutline(f"feature {number} ({name}) has a hole; a building outline has none",
                             zh=f"第 {number} 个要素（{name}）有内洞，楼宇轮廓不应有洞")
        found.append(Feature(name, coords[0]))
    return found
