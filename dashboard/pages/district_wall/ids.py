"""The district wall's component ids. assets/wall.js knows the canvas's id too: it fits it, splits it
over displays and runs its playlists as it does the school wall's (whose ids must differ: one
output per id in the app)."""
from __future__ import annotations

WALL = "district-canvas"  # assets/wall.js scales the canvas by this id
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
