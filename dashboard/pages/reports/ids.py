"""The component ids of the school's reports page (/reports), named once."""
from __future__ import annotations

VIEW = "reports-view"  # store: {"school", "lang"} as loaded (the school is checked again on the server)
EDITING = "reports-editing"  # store: the id of the report the panel shows; None: none
PERIOD = "reports-period"  # the month whose monthly report to open
OPEN = "reports-open"  # open (draft, pre-filled) the monthly report of PERIOD
PICK = "reports-pick"  # the type of each list row's open button id {"type", "report"}
PANEL = "reports-panel"  # the report shown: its state, due moment, figures
TEXT = "reports-text"  # the school's own words
SAVE = "reports-save"
SUBMIT = "reports-submit"
MESSAGE = "reports-message"
LIST = "reports-list"
