"""Where the four-colour map puts building names and risk-point dots so both stay legible, pure.

The map is drawn at a known size (the wall's 1920x1080 design canvas; the overview's tablets),
so a name's size in metres is known: CJK characters are about 1 em wide, Latin ones about 0.6 em.
A name is wrapped to two lines, or shortened with "…", to fit its building's width (the full name
goes in the hover text), then put where its box covers no dot and no corner mark: inside the
outline near its middle, else just beside it (above, below, right, left), clear of other
buildings and names. A building with many dots (or with no room left for its name between them)
shows one dot per colour with the count in it instead.

Plans are in metres, x east, y north (queries.ledger.lookups.site_plan).
"""
from __future__ import annotations

import functools
import json
import unicodedata
from dataclasses import dataclass

from layouts.site_plan import inside, label_point, plan_images

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in metres
COLOURS = ("red", "orange", "yellow", "blue", None)
LINE_HEIGHT = 1.25  # lines of a name, in em
ELLIPSIS = "…"


@dataclass(frozen=True)
class Style:
    """The sizes the map is drawn at, in CSS pixels of its surface."""
    panel: tuple[float, float]  # the map's plot area at its design size (smallest screen it is on)
    font: float  # building names
    dot: float  # a risk point's marker (diameter, outline included)
    group: float  # a grouped dot holding its count
    mark: float  # the corner marks (major hazard, open alerts)
    corners: tuple[str, ...] = ("top-right",)  # where the live marks sit (see `corner_marks`)
    group_above: int = 8  # more dots than this in one building: grouped


@dataclass(frozen=True)
class Label:
    code: str
    x: float
    y: float
    lines: tuple[str, ...]
    full: str  # the whole name, for the hover text
    box: Box
    where: str  # "inside", "beside" or "over" (no clear spot: on the middle, as before)

    @property
    def shortened(self) -> bool:
        return not _is_whole(self.lines, self.full)


@dataclass(frozen=True)
class Dot:
    """A risk point as drawn, or a group of a building's points of one colour (`count` > 1)."""
    x: float
    y: float
    colour: str | None
    building: str | None
    count: int
    names: tuple[str, ...]
    size: float  # px
    grouped: bool = False


@dataclass(frozen=True)
class MapLayout:
    view: Box  # the axes' ranges: the plan's content with a small margin
    labels: dict[str, Label]
    dots: tuple[Dot, ...]

    @property
    def grouped(self) -> set[str]:
        return {d.building for d in self.dots if d.grouped and d.building}


def char_em(char: str) -> float:
    """A character's width in em: CJK (and the ellipsis, full width in CJK fonts) 1, else about 0.6."""
    return 1.0 if char == ELLIPSIS or unicodedata.east_asian_width(char) in "WF" else 0.6


def text_em(text: str) -> float:
    return sum(char_em(c) for c in text)


def fit_name(name: str, width_em: float, max_lines: int = 2) -> tuple[str, ...]:
    """`name` in at most `max_lines` lines of at most `width_em` em each: broken at a space or
    before a bracket where one is near, anywhere between CJK characters, and the last line
    shortened with "…" when the rest does not fit."""
    name = " ".join(name.split())
    width_em = max(width_em, 2.0)
    lines: list[str] = []
    rest = name
    while rest and len(lines) < max_lines:
        if text_em(rest) <= width_em:
            lines.append(rest)
            rest = ""
            break
        if len(lines) == max_lines - 1:
            lines.append(_shorten(rest, width_em))
            rest = ""
            break
        cut = _break(rest, width_em)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return tuple(lines)


def _shorten(text: str, width_em: float) -> str:
    kept = ""
    for char in text:
        if text_em(kept + char) + text_em(ELLIPSIS) > width_em:
            break
        kept += char
    return kept.rstrip() + ELLIPSIS


def _break(text: str, width_em: float) -> int:
    """Where the first line of `text` ends: the last space or bracket that fits (if past a third
    of the width), else the last CJK boundary that fits, else the last character that fits."""
    fits = 0
    while fits < len(text) and text_em(text[:fits + 1]) <= width_em:
        fits += 1
    fits = max(fits, 1)
    if fits < len(text) and text[fits] == " ":
        return fits
    soft = [i for i in range(1, fits + 1) if text[i - 1] == " " or (i < len(text) and text[i] in "（(")]
    soft = [i for i in soft if text_em(text[:i]) >= width_em / 3]
    if soft:
        return soft[-1]
    hard = [i for i in range(1, fits + 1) if char_em(text[i - 1]) == 1.0 or (i < len(text) and char_em(text[i]) == 1.0)]
    return hard[-1] if hard else fits


def content_box(plan: dict) -> Box:
    """Everything drawn: campus boxes, building outlines and plan images; the extent if none."""
    xs: list[float] = []
    ys: list[float] = []
    images = [[i["x"], i["y"] - i["sizey"], i["sizex"], i["sizey"]] for i in plan_images(plan)]
    for box in [c.get("box") for c in plan.get("campuses") or []] + images:
        if box and len(box) == 4:
            xs += [box[0], box[0] + box[2]]
            ys += [box[1], box[1] + box[3]]
    for building in plan.get("buildings") or []:
        for x, y in building.get("polygon") or []:
            xs.append(x)
            ys.append(y)
    if not xs:
        extent = plan.get("extent") or {}
        return 0.0, 0.0, float(extent.get("width") or 100), float(extent.get("height") or 100)
    return min(xs), min(ys), max(xs), max(ys)


def view_box(plan: dict) -> Box:
    """The axes' ranges: the content with 2% to spare around it (outlines' strokes, the marks at
    buildings' corners)."""
    x0, y0, x1, y1 = content_box(plan)
    spare = max(x1 - x0, y1 - y0) * 0.02
    return x0 - spare, y0 - spare, x1 + spare, y1 + spare


def scale(view: Box, panel: tuple[float, float]) -> float:
    """Pixels per metre with the aspect kept: the view fills the panel's limiting dimension."""
    return min(panel[0] / max(view[2] - view[0], 1e-9), panel[1] / max(view[3] - view[1], 1e-9))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _square(x: float, y: float, side: float) -> Box:
    return x - side / 2, y - side / 2, x + side / 2, y + side / 2


def _crosses(box: Box, a: list[float], b: list[float]) -> bool:
    """Does the segment a-b pass through the open box? (Liang-Barsky clipping)"""
    (x0, y0), (x1, y1) = a, b
    t0, t1 = 0.0, 1.0
    dx, dy = x1 - x0, y1 - y0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q <= 0:
                return False
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 >= t1:
            return False
    return True


def box_inside(box: Box, polygon: list[list[float]]) -> bool:
    """The whole box lies within the outline: its middle inside, no edge of the outline through it."""
    middle = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    if not inside(middle, polygon):
        return False
    return not any(_crosses(box, a, b) for a, b in zip(polygon, polygon[1:] + polygon[:1]))


def _bounds(polygon: list[list[float]]) -> Box:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return min(xs), min(ys), max(xs), max(ys)


def _first_spot(polygon: list[list[float]], w: float, h: float, blocked: list[Box], key, steps: int = 12
                ) -> tuple[float, float] | None:
    """The best spot by `key` (smallest first) on a grid over the building for the middle of a
    w x h box lying inside the outline and over nothing in `blocked`; None if there is none."""
    x0, y0, x1, y1 = _bounds(polygon)
    if x1 - x0 < w or y1 - y0 < h:
        return None
    blocked = [b for b in blocked if overlaps(b, (x0, y0, x1, y1))]  # every box tried lies in (x0, y0, x1, y1)
    grid = [(x0 + w / 2 + (x1 - x0 - w) * i / steps, y0 + h / 2 + (y1 - y0 - h) * j / steps)
            for i in range(steps + 1) for j in range(steps + 1)]
    for x, y in sorted(grid, key=key):
        box = _square_wh(x, y, w, h)
        if not any(overlaps(box, b) for b in blocked) and box_inside(box, polygon):
            return x, y
    return None


def _square_wh(x: float, y: float, w: float, h: float) -> Box:
    return x - w / 2, y - h / 2, x + w / 2, y + h / 2


def corner_marks(polygon: list[list[float]], corners: tuple[str, ...]) -> list[tuple[float, float]]:
    """Where the live marks sit on a building: "top-right" (the major-hazard diamond), "bottom-right"
    (the open-alerts ring)."""
    x0, y0, x1, y1 = _bounds(polygon)
    return [(x1, y1 if corner == "top-right" else y0) for corner in corners]


def lay_out(plan: dict, names: dict[str, str], style: Style) -> MapLayout:
    """See the module's docstring; cached, since the wall and the overview redraw the same plans."""
    key = json.dumps([plan.get("buildings"), plan.get("risk_points"), plan.get("campuses"), plan.get("images"),
                      plan.get("extent"), names], sort_keys=True, ensure_ascii=False, default=str)
    return _lay_out(key, style)


@functools.lru_cache(maxsize=64)
def _lay_out(key: str, style: Style) -> MapLayout:
    buildings, points, campuses, images, extent, names = json.loads(key)
    plan = {"buildings": buildings or [], "campuses": campuses or [], "images": images or [], "extent": extent}
    view = view_box(plan)
    per_metre = scale(view, style.panel)
    drawn = [b for b in plan["buildings"] if b.get("polygon")]
    marks = [_square(x, y, (style.mark + 4) / per_metre) for b in drawn
             for x, y in corner_marks(b["polygon"], style.corners)]
    by_building: dict[str | None, list[dict]] = {}
    for point in points or []:
        if point.get("x") is not None and point.get("y") is not None:
            by_building.setdefault(point.get("building"), []).append(point)
    codes = {b["code"] for b in drawn}
    dots = [_dot(p, style) for code, found in by_building.items() if code not in codes for p in found]
    labels: dict[str, Label] = {}
    taken: list[Box] = [_box_of(d, per_metre) for d in dots]  # names and groups placed so far, loose dots
    outlines = [_bounds(b["polygon"]) for b in drawn]
    for building in drawn:
        code, polygon = building["code"], building["polygon"]
        place = functools.partial(_place, code, polygon, names.get(code) or code, style=style, per_metre=per_metre,
                                  outlines=outlines, view=view)
        own = [_dot(p, style) for p in by_building.get(code, [])]
        label = place(blocked=marks + taken + [_box_of(d, per_metre) for d in own])
        if own and (label.where != "inside" or len(own) > style.group_above):
            label, own = _group(code, polygon, own, place, style=style, per_metre=per_metre, blocked=marks + taken,
                                outlines=outlines, view=view)
        labels[code] = label
        taken.append(label.box)
        taken.extend(_box_of(d, per_metre) for d in own if d.grouped)
        dots.extend(own)
    return MapLayout(view=view, labels=labels, dots=tuple(dots))


def _dot(point: dict, style: Style) -> Dot:
    return Dot(point["x"], point["y"], point.get("colour"), point.get("building"), 1,
               (point.get("name") or point.get("code") or "",), style.dot)


def _box_of(dot: Dot, per_metre: float) -> Box:
    """A dot's box with 2 px to spare around it."""
    return _square(dot.x, dot.y, (dot.size + 4) / per_metre)


Row = tuple[int, tuple[float, float], Box]  # columns, the middle, the box


def _rows(polygon: list[list[float]], count: int, side: float, blocked: list[Box], outlines: list[Box], view: Box,
          where: str = "foot") -> list[Row]:
    """Where `count` grouped dots of `side` metres fit, clear of `blocked`, in one row (or two):
    where="foot": the lowest inside the building, then beside it; "ends": the lowest and the
    highest inside; "inside": the lowest inside only."""
    out: list[Row] = []
    middle = _middle_x(polygon)
    for columns in sorted({count, (count + 1) // 2}, reverse=True):
        width, height = side * columns, side * -(-count // columns)
        ends = [lambda s: (s[1], abs(s[0] - middle))]
        if where == "ends":
            ends.append(lambda s: (-s[1], abs(s[0] - middle)))
        for key in ends:
            spot = _first_spot(polygon, width, height, blocked, key)
            if spot is not None:
                out.append((columns, spot, _square_wh(*spot, width, height)))
    if where == "foot":
        for columns in sorted({count, (count + 1) // 2}, reverse=True):
            width, height = side * columns, side * -(-count // columns)
            out += [(columns, s, _square_wh(*s, width, height))
                    for s in _beside(polygon, width, height, blocked, outlines, view)]
    return out


def _group(code: str, polygon: list[list[float]], dots: list[Dot], place: functools.partial, *, style: Style,
           per_metre: float, blocked: list[Box], outlines: list[Box], view: Box) -> tuple[Label, list[Dot]]:
    """A dense building's name and grouped dots: one dot per colour holding its count (else, in
    a small building, one dot in the worst colour holding them all). Preferred: the whole name
    with the groups inside; then the groups at the building's foot or top with the name clear of
    them (whole, else shortened); then the groups beside the outline; last, at their points' middle."""
    colours = [c for c in COLOURS if any(d.colour == c for d in dots)]
    side = (style.group + 4) / per_metre
    kinds_tried = (colours, colours[:1])  # one dot per colour, else one in the worst colour
    first = place(blocked=blocked)
    shortened: tuple[Label, list[Dot]] | None = None
    for kinds in kinds_tried:
        # The name as it would be alone, with the groups inside where they still fit...
        rows = _rows(polygon, len(kinds), side, blocked + [first.box], [], view, where="inside")
        if first.where == "inside" and rows:
            return first, _grouped(code, dots, kinds, rows[0], side, style.group)
        # ...else the groups at the building's foot (or top) and the name clear of them.
        for row in _rows(polygon, len(kinds), side, blocked, [], view, where="ends"):
            label = place(blocked=blocked + [row[2]])
            if label.where == "inside" and not label.shortened:
                return label, _grouped(code, dots, kinds, row, side, style.group)
            if label.where == "inside" and shortened is None:
                shortened = label, _grouped(code, dots, kinds, row, side, style.group)
    if shortened:
        return shortened
    for kinds in kinds_tried:
        rows = _rows(polygon, len(kinds), side, blocked + [first.box], outlines, view)
        if rows:
            return first, _grouped(code, dots, kinds, rows[0], side, style.group)
    return first, _grouped(code, dots, colours[:1], None, side, style.group)


def _grouped(code: str, dots: list[Dot], kinds: list[str | None], row: Row | None, side: float,
             size: float) -> list[Dot]:
    """One dot per colour of `kinds` holding its count (a single kind: all the points), laid in
    `row` (with none: at the middle of its points)."""
    out = []
    for n, colour in enumerate(kinds):
        mine = dots if len(kinds) == 1 else [d for d in dots if d.colour == colour]
        if row is not None:
            columns, _, box = row
            x, y = box[0] + side * (n % columns + 0.5), box[3] - side * (n // columns + 0.5)
        else:
            x, y = sum(d.x for d in mine) / len(mine), sum(d.y for d in mine) / len(mine)
        out.append(Dot(round(x, 2), round(y, 2), colour, code, len(mine), tuple(n for d in mine for n in d.names),
                       size, grouped=True))
    return out


def _middle_x(polygon: list[list[float]]) -> float:
    return label_point(polygon)[0]


def _beside(polygon: list[list[float]], w: float, h: float, blocked: list[Box], outlines: list[Box],
            view: Box) -> list[tuple[float, float]]:
    """Spots for a w x h box just off the outline (above, below, right, left), clear of `blocked`,
    of other buildings and within the view."""
    x0, y0, x1, y1 = own = _bounds(polygon)
    xs = ((x0 + x1) / 2, x0 + w / 2, x1 - w / 2)
    ys = ((y0 + y1) / 2, y0 + h / 2, y1 - h / 2)
    spots = ([(x, y1 + h / 2) for x in xs] + [(x, y0 - h / 2) for x in xs]
             + [(x1 + w / 2, y) for y in ys] + [(x0 - w / 2, y) for y in ys])
    others = [o for o in outlines if o != own]
    out = []
    for x, y in spots:
        box = _square_wh(x, y, w, h)
        within = view[0] <= box[0] and box[2] <= view[2] and view[1] <= box[1] and box[3] <= view[3]
        if within and not any(overlaps(box, b) for b in blocked + others):
            out.append((x, y))
    return out


def _place(code: str, polygon: list[list[float]], name: str, *, style: Style, per_metre: float,
           blocked: list[Box], outlines: list[Box], view: Box) -> Label:
    em = style.font / per_metre  # one em in metres
    pad = 3 / per_metre
    x0, y0, x1, y1 = _bounds(polygon)
    middle = label_point(polygon)

    def sized(width_em: float, max_lines: int = 2) -> tuple[tuple[str, ...], float, float]:
        lines = fit_name(name, width_em, max_lines)
        return lines, max(text_em(line) for line in lines) * em + 2 * pad, len(lines) * LINE_HEIGHT * em + pad

    # Inside: as wide as the outline allows (narrower where its corners are taken), on two lines
    # (else one), nearest the middle that is clear; beside: as wide as the building or six
    # characters, just off one side. The whole name inside, else beside; shortened only if neither.
    widths = [(x1 - x0) * k for k in (1, 0.8, 0.6, 0.45)]
    inside_sizes = [sized((width - 2 * pad) / em, max_lines) for width in widths for max_lines in (2, 1)]
    beside_sizes = [sized(max(width, 3 * em) / em) for width in [max(x1 - x0, 6 * em)] + widths[1:]]
    for whole in (True, False):
        for lines, w, h in inside_sizes:
            if _is_whole(lines, name) != whole:
                continue
            spot = _first_spot(polygon, w, h, blocked, lambda s: (s[0] - middle[0]) ** 2 + (s[1] - middle[1]) ** 2)
            if spot is not None:
                x, y = spot
                return Label(code, round(x, 2), round(y, 2), lines, name, _square_wh(x, y, w, h), "inside")
        for lines, w, h in beside_sizes:
            if _is_whole(lines, name) != whole:
                continue
            for x, y in _beside(polygon, w, h, blocked, outlines, view):
                return Label(code, round(x, 2), round(y, 2), lines, name, _square_wh(x, y, w, h), "beside")
    lines, w, h = sized((x1 - x0) / em)
    return Label(code, middle[0], middle[1], lines, name, _square_wh(*middle, w, h), "over")


def _is_whole(lines: tuple[str, ...], name: str) -> bool:
    return not lines[-1].endswith(ELLIPSIS) or name.endswith(ELLIPSIS)
