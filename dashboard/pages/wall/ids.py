"""The wall's component ids, named once: its builders build with them, its callbacks and
assets/wall.js refer to them. A figure's id comes from the figures table (kernel/figures.py)."""
from __future__ import annotations

WALL = "wall-canvas"  # the 1920x1080 design canvas; assets/wall.js scales it by this id
TICK = "wall-tick"  # dcc.Interval, 1 s
VIEW = "wall-view"  # dcc.Store: {"school": ..., "lang": ...} as the URL asked
HEARTBEAT = "wall-heartbeat"  # dcc.Store: changes on every answered refresh; the link watchdog reads it
LOCATION = "wall-location"  # dcc.Location the school picker navigates with
SCHOOL_PICKER = "wall-school-picker"
AS_OF = "wall-as-of"
LAG = "wall-lag"
STALE_BANNER = "wall-stale"  # the data is not current (stale summary, Redis unreachable, no school)
LINK_BANNER = "wall-link-lost"  # the browser cannot reach the web app: set by the browser itself
ALERT_LIST = "wall-alert-list"
LISTED_HAZARDS = "wall-listed-hazards"  # major hazards under listed supervision (挂牌督办)
GATE_LIST = "wall-gates"  # visitor check-ins today per gate
HOURLY_CHART = "wall-hourly"  # dcc.Graph: people in and visitors per hour
RISK_MAP = "wall-risk-map"  # dcc.Graph: the four-colour risk map
LOWER = "wall-lower"  # the map and the panels beside it: shared by the plan's shape (map_fit.py)
MAP_NOTE = "wall-map-note"  # why there is no map, when there is none
FLASH = "wall-flash"  # dcc.Store: ids of critical alerts flashing now (assets/wall.js sounds new ones)
SOUNDED = "wall-sounded"  # dcc.Store: the flashing alerts the browser has already sounded for
POLL = "wall-poll"  # dcc.Store: set by assets/wall.js each tick it polls (not while the stream pushes)
SYNC = "wall-sync"  # dcc.Store: {"screen", "tag"}: which model this screen shows (dashboard/wall_sync.py)

# Pattern-matching ids: one callback output fills every figure on the page.
FIGURE = "wall-figure"


def figure(dom_id) -> dict:
    """The id of the element showing one number: `dom_id` is its figure's (`Figure.dom_id`,
    kernel/figures.py), also its data-testid; or dash.ALL, for the callback filling them all."""
    return {"type": FIGURE, "name": dom_id}


def sparkline(domain: str) -> str:
    """A domain's 24 hourly bars. One id per domain, not per bar: each id a callback writes is sent
    with every request, and 144 bar ids made each half-second request ~20 kB."""
    return f"wall-trend-{domain}"
