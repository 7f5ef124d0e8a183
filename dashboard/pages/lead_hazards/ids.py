"""The component ids of the hazard ledger page (/lead/hazards), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

VIEW = "lead-hazards-view"  # store: {"school", "lang"} of the page as loaded
F_STAGE = "lead-hazards-stage"
F_GRADE = "lead-hazards-grade"
F_UNIT = "lead-hazards-unit"
F_OVERDUE = "lead-hazards-overdue"
F_BUILDING = "lead-hazards-building"
FILTERS = (F_STAGE, F_GRADE, F_UNIT, F_OVERDUE, F_BUILDING)
COUNT = "lead-hazards-count"
DOWNLOAD = "lead-hazards-download"
GRID = "lead-hazards-grid"
GRID_BOX = "lead-hazards-grid-box"
RECORD = "lead-hazards-record"
RECORD_SHOWN = "lead-hazards-record-shown"  # store a clientside callback writes nothing to (it scrolls)
