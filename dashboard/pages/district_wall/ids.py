"""The district wall's component ids. The canvas keeps the school wall's id, so assets/wall.js fits
it, splits it over displays and runs its playlists the same way."""
from __future__ import annotations

WALL = "wall-canvas"  # assets/wall.js scales the canvas by this id (dashboard/pages/wall/ids.py WALL)
TICK = "district-tick"
VIEW = "district-view"  # dcc.Store: {"unit", "lang"} as the URL asked
HEARTBEAT = "district-heartbeat"  # changes on every answered refresh: the link watchdog reads it
SYNC = "district-sync"  # {"screen", "tag"}: which model this screen shows (dashboard/wall_sync.py)
AS_OF = "district-as-of"
STALE_BANNER = "district-stale"
LINK_BANNER = "district-link-lost"
FIGURES = "district-figures"  # schools, open alerts, critical, red schools
MAP = "district-map"  # the map (a dcc.Graph over the uploaded image) or the grid of school tiles
ALERTS = "district-alerts"
LEAGUE = "district-league"
DUE = "district-due"
