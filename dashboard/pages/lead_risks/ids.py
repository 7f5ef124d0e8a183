"""The component ids of the risk register page (/lead/risks), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

VIEW = "lead-risks-view"  # store: {"school", "lang"} of the page as loaded
F_COLOUR = "lead-risks-colour"
F_UNIT = "lead-risks-unit"
COUNT = "lead-risks-count"
LIST = "lead-risks-list"  # the risk points' grid's box
GRID = "lead-risks-grid"
DUE_GRID = "lead-risks-reviews-grid"
