"""The district map administration page's component ids."""
from __future__ import annotations

UNIT = "dmap-unit"
UPLOAD = "dmap-upload"
SCHOOL = "dmap-school"
X = "dmap-x"
Y = "dmap-y"
PLACE = "dmap-place"
OFF = "dmap-off"
SAID = "dmap-said"
PLACES = "dmap-places"  # the schools and where they are
PREVIEW = "dmap-preview"
REFRESH = "dmap-refresh"  # dcc.Store bumped by each write: `show` reads the unit again
VIEW = "dmap-view"  # dcc.Store: {"lang"}
