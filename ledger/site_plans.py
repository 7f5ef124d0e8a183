"""Site plans of the demo schools: building and zone polygons in local metres, as plain data.

The four-colour map is drawn from the school's own plan (command centres often have no internet,
so no map tiles). x runs east and y north from the plan's south-west corner. Each building is a
rectangle or an L (a main block with a wing on top); its zones are strips of the building's
blocks, inset by a metre so a zone never touches its building's outline. Building and zone ids are
those of `demo.sites`: events carry them.
"""
from __future__ import annotations

from dataclasses import dataclass

Rect = tuple[float, float, float, float]  # x, y, width, height
Point = tuple[float, float]

ZONE_INSET = 1.0  # metres between a zone and its building's outline


@dataclass(frozen=True)
class BuildingPlan:
    building: str
    blocks: tuple[Rect, ...]  # one block, or a main block and a wing sitting on its top edge
    wing_side: str = ""  # "left" or "right": which end of the main block's top the wing stands on

    @property
    def polygon(self) -> list[list[float]]:
        return building_outline(self.blocks, self.wing_side)


@dataclass(frozen=True)
class SitePlan:
    school: str
    width: float
    height: float
    campuses: tuple[tuple[str, str, Rect], ...]  # (campus id, Chinese name, box)
    buildings: tuple[BuildingPlan, ...]

    def as_json(self) -> dict:
        """What `OrgUnit.site_plan` holds for the school."""
        return {"width": self.width, "height": self.height,
                "campuses": [{"id": cid, "name_zh": name, "box": list(box)} for cid, name, box in self.campuses]}

    def building(self, building_id: str) -> BuildingPlan:
        for plan in self.buildings:
            if plan.building == building_id:
                return plan
        raise KeyError(f"{self.school} has no building {building_id!r} on its site plan")


def _rect(x: float, y: float, w: float, h: float) -> tuple[Rect, ...]:
    return ((x, y, w, h),)


def _ell(main: Rect, wing_w: float, wing_h: float, side: str) -> tuple[Rect, ...]:
    x, y, w, h = main
    wing_x = x if side == "left" else x + w - wing_w
    return (main, (wing_x, y + h, wing_w, wing_h))


# The university's two campuses sit side by side (本部 west, 新乡校区 east), a road between them.
_UNIV = SitePlan("demo-univ", 900, 480, (
    ("main", "本部校区", (0, 0, 430, 480)),
    ("xinxiang", "新乡校区", (470, 0, 430, 480)),
), (
    BuildingPlan("chem-north", _ell((30, 300, 170, 60), 60, 90, "left"), "left"),
    BuildingPlan("xueyuan-canteen", _rect(250, 320, 140, 90)),
    BuildingPlan("qinzheng", _rect(40, 120, 150, 80)),
    BuildingPlan("xiyu-10", _ell((240, 60, 150, 50), 50, 110, "right"), "right"),
    BuildingPlan("xiangzhen", _ell((510, 300, 180, 60), 60, 100, "right"), "right"),
    BuildingPlan("weixuan-canteen", _rect(740, 320, 130, 80)),
    BuildingPlan("library", _rect(520, 80, 160, 110)),
    BuildingPlan("xianzhai", _ell((720, 60, 150, 50), 50, 120, "left"), "left"),
))

_MIDDLE = SitePlan("demo-middle", 300, 240, (("main", "校本部", (0, 0, 300, 240)),), (
    BuildingPlan("teaching", _ell((20, 150, 140, 40), 40, 40, "left"), "left"),
    BuildingPlan("science", _rect(190, 160, 90, 50)),
    BuildingPlan("canteen", _rect(190, 70, 90, 55)),
    BuildingPlan("dormitory", _ell((20, 20, 120, 35), 35, 60, "right"), "right"),
    BuildingPlan("admin", _rect(20, 90, 60, 40)),
))

_PRIMARY = SitePlan("demo-primary", 220, 180, (("main", "校本部", (0, 0, 220, 180)),), (
    BuildingPlan("teaching", _ell((20, 100, 120, 35), 35, 35, "left"), "left"),
    BuildingPlan("canteen", _rect(150, 110, 55, 50)),
    BuildingPlan("complex", _rect(20, 20, 110, 50)),
))

SITE_PLANS: dict[str, SitePlan] = {plan.school: plan for plan in (_UNIV, _MIDDLE, _PRIMARY)}


def building_outline(blocks: tuple[Rect, ...], wing_side: str = "") -> list[list[float]]:
    """The outline, counter-clockwise from the south-west corner, of a block or an L."""
    x, y, w, h = blocks[0]
    if len(blocks) == 1:
        return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
    wx, wy, ww, wh = blocks[1]
    top = wy + wh
    if wing_side == "left":
        return [[x, y], [x + w, y], [x + w, y + h], [wx + ww, y + h], [wx + ww, top], [x, top]]
    return [[x, y], [x + w, y], [x + w, top], [wx, top], [wx, y + h], [x, y + h]]


def _strips(block: Rect, count: int) -> list[Rect]:
    """`count` equal strips across the block's long side, each inset from the block's edges."""
    x, y, w, h = block
    out = []
    for i in range(count):
        if w >= h:
            sx, sy, sw, sh = x + w * i / count, y, w / count, h
        else:
            sx, sy, sw, sh = x, y + h * i / count, w, h / count
        out.append((sx + ZONE_INSET, sy + ZONE_INSET, sw - 2 * ZONE_INSET, sh - 2 * ZONE_INSET))
    return out


def zone_rects(plan: BuildingPlan, zone_count: int) -> list[Rect]:
    """The zones' rectangles in the order of the building's zones: the main block takes the first
    half (rounded up), the wing the rest."""
    if len(plan.blocks) == 1 or zone_count < 2:
        return _strips(plan.blocks[0], zone_count)
    first = zone_count - zone_count // 2
    return _strips(plan.blocks[0], first) + _strips(plan.blocks[1], zone_count - first)


def rect_polygon(rect: Rect) -> list[list[float]]:
    x, y, w, h = rect
    return [[round(x, 2), round(y, 2)], [round(x + w, 2), round(y, 2)],
            [round(x + w, 2), round(y + h, 2)], [round(x, 2), round(y + h, 2)]]


def zone_polygons(school: str, building: str, zone_ids: list[str]) -> dict[str, list[list[float]]]:
    plan = SITE_PLANS[school].building(building)
    return {zone: rect_polygon(rect) for zone, rect in zip(zone_ids, zone_rects(plan, len(zone_ids)))}


def point_in_polygon(point: Point, polygon: list[list[float]]) -> bool:
    """Ray casting; a point on the outline counts as inside."""
    px, py = point
    inside = False
    n = len(polygon)
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        if min(x1, x2) <= px <= max(x1, x2) and min(y1, y2) <= py <= max(y1, y2):
            cross = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)
            if abs(cross) < 1e-9:
                return True
        if (y1 > py) != (y2 > py):
            if px < x1 + (py - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def bounding_box(polygon: list[list[float]]) -> Rect:
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    return (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def marker(polygon: list[list[float]], index: int) -> Point:
    """The `index`-th risk-point marker in a polygon: a 3 × 3 grid of spots inside its box, walked
    in a fixed order so markers of one zone rarely sit on each other; spots outside an L's notch
    are skipped. Deterministic, so a reload draws the same map."""
    x, y, w, h = bounding_box(polygon)
    spots = [(x + w * fx, y + h * fy) for fy in (0.5, 0.25, 0.75) for fx in (0.5, 0.25, 0.75)]
    inside = [s for s in spots if point_in_polygon(s, polygon)] or [(x + w / 2, y + h / 2)]
    sx, sy = inside[index % len(inside)]
    # Past nine markers, nudge each round a little so later ones stay visible.
    shift = (index // len(inside)) * 1.5
    candidate = (round(sx + shift, 2), round(sy + shift, 2))
    return candidate if point_in_polygon(candidate, polygon) else (round(sx, 2), round(sy, 2))


def rects_overlap(a: Rect, b: Rect) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
