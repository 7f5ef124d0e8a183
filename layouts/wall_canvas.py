"""Where a wall's design canvas lies on each display of a wall of displays, pure (issue 17).

A wall is drawn on a fixed design canvas, 1920x1080 (16:9), that assets/wall.js scales uniformly.
`?screen=i/N` or `?screen=i/CxR` says which display of a cols x rows wall this browser is. A grid
(2x2) or a pair (1x2) shows the one 16:9 canvas across all its displays, centred, as before. A strip
of three or more displays side by side (1x3, 1xN: one row) would leave the outer displays black
that way, so a strip gets a canvas as wide as the strip (48:9 for three) and the wall lays its
panels out across the displays instead (assets/wall.css `.strip`): every display used.

assets/wall.js repeats this arithmetic in the browser, where the display's size is known (it marks
a strip on <html data-strip="N"> for the stylesheet and widens the canvas); tests/dashboard/
test_district_wall_rules.py holds this module to the numbers and the browser test the script.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DESIGN_WIDTH = 1920
DESIGN_HEIGHT = 1080
MIN_STRIP = 3  # displays in one row from which the canvas widens (a pair keeps the 16:9 canvas)
MAX_DISPLAYS = 12
_SCREEN = re.compile(r"^(\d{1,2})/(\d{1,2})(?:x(\d{1,2}))?$")


@dataclass(frozen=True)
class Screen:
    col: int = 0  # 0-based
    row: int = 0
    cols: int = 1
    rows: int = 1

    @property
    def strip(self) -> bool:
        """Three or more displays in one row: the canvas widens to the whole strip."""
        return self.rows == 1 and self.cols >= MIN_STRIP


WHOLE = Screen()


def parse_screen(text: object) -> Screen:
    """`?screen=` as assets/wall.js reads it: "2/3" (2nd of 3 side by side), "3/2x2" (3rd of a 2x2
    grid, left to right then down). Anything else, or an impossible index: one display."""
    match = _SCREEN.match(text) if isinstance(text, str) else None
    if not match:
        return WHOLE
    index, cols = int(match[1]) - 1, int(match[2])
    rows = int(match[3]) if match[3] else 1
    if cols < 1 or rows < 1 or cols * rows > MAX_DISPLAYS or not 0 <= index < cols * rows:
        return WHOLE
    return Screen(index % cols, index // cols, cols, rows)


def canvas_size(screen: Screen) -> tuple[int, int]:
    """The design canvas in design px: a strip's is as wide as its displays; otherwise 1920x1080."""
    if screen.strip:
        return DESIGN_WIDTH * screen.cols, DESIGN_HEIGHT
    return DESIGN_WIDTH, DESIGN_HEIGHT


def placement(screen: Screen, width: float, height: float) -> tuple[float, float, float]:
    """(left, top, scale) of the canvas on this display of `width` x `height` CSS px: the canvas
    covers the whole wall of displays as large as fits, centred, and this display shows its tile."""
    design_w, design_h = canvas_size(screen)
    scale = min(width * screen.cols / design_w, height * screen.rows / design_h)
    left = (width * screen.cols - design_w * scale) / 2 - screen.col * width
    top = (height * screen.rows - design_h * scale) / 2 - screen.row * height
    return left, top, scale
