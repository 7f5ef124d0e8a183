"""How the wall's lower area is shared so the school's site plan fills the map panel, pure.

The wall is a fixed 1920x1080 design canvas (assets/wall.js scales it uniformly to any screen), so
the map's panel can be sized in design pixels from the plan's shape alone. A plan is never
stretched (metres are one scale on both axes); instead the panel takes the plan's shape:

- "beside" (tall, squarish and moderately wide plans): the map is a full-height column next to
  people-over-hazards and the live alerts, as wide as the plan needs at that height, between
  MIN_WIDTH and the usual WIDTH; the live alerts take whatever width is left. Never wider: the
  alert list's place column (and its English headings) needs the 708 px the usual width leaves it,
  so a plan between about 1:1 and 1.6:1 keeps a band above and below.
- "over" (wide plans, such as a university's campuses side by side): the map keeps the usual
  width, is exactly as tall as the plan at that width, and the hazard panel moves beneath it; the
  people panel takes the middle column's whole height. Chosen only when the hazard panel keeps at
  least HAZARDS_MIN_HEIGHT beneath the map.

assets/wall.css draws both from the lower area's class and two custom properties (`lower_style`).
"""
from __future__ import annotations

from dataclasses import dataclass

from layouts.map_labels import view_box

LOWER_HEIGHT = 758  # the lower area on the design canvas: 1080 - paddings, header, tiles and gaps
GAP = 12
WIDTH = 640  # the map's usual column
SIDES = 34  # a panel's paddings and borders across
CHROME = 122  # the map panel's title, legend and keys: the plot gets the rest of its height
MIN_WIDTH = 320
LEGEND_ONE_ROW = 560  # a narrower plot has its legend in two rows (assets/wall.css), this much taller:
LEGEND_ROW = 30
HAZARDS_MIN_HEIGHT = 250  # the hazard loop's stages and figures (the listed ones clip below them)


@dataclass(frozen=True)
class MapFit:
    arrangement: str  # "beside" or "over"
    width: int  # the map panel's width, design px
    plot: tuple[int, int]  # the plot area's size, design px: the map's names are fitted for it
    aspect: float  # the plan's drawn extent, width / height


USUAL = MapFit("beside", WIDTH, (WIDTH - SIDES, LOWER_HEIGHT - CHROME), 1.0)


def map_fit(plan: dict | None) -> MapFit:
    """Where the map goes for this plan (the usual column when there is none)."""
    if not plan:
        return USUAL
    x0, y0, x1, y1 = view_box(plan)
    aspect = max(x1 - x0, 1e-9) / max(y1 - y0, 1e-9)
    height = LOWER_HEIGHT - CHROME
    over = round((WIDTH - SIDES) / aspect)
    if over <= LOWER_HEIGHT - GAP - CHROME - HAZARDS_MIN_HEIGHT:
        return MapFit("over", WIDTH, (WIDTH - SIDES, over), aspect)
    width = max(MIN_WIDTH, min(WIDTH, round(height * aspect) + SIDES))
    if width - SIDES < LEGEND_ONE_ROW:
        height -= LEGEND_ROW
        width = max(MIN_WIDTH, min(WIDTH, round(height * aspect) + SIDES))
    return MapFit("beside", width, (width - SIDES, height), aspect)


def lower_class(fit: MapFit) -> str:
    return f"lower map-{fit.arrangement}"


def lower_style(fit: MapFit) -> dict:
    """The custom properties assets/wall.css sizes the map with."""
    return {"--map-width": f"{fit.width}px", "--plan-aspect": f"{fit.aspect:.4f}"}
