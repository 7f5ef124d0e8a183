"""The component ids of the bureau's supervision page (/bureau/supervision), named once."""
from __future__ import annotations

VIEW = "bureau-sv-view"  # store: {"lang"} as loaded (nothing in it is trusted for scope)
MESSAGE = "bureau-sv-message"
COUNTS = "bureau-sv-counts"
LIST = "bureau-sv-list"
SCHOOL = "bureau-sv-school"
KIND = "bureau-sv-kind"
REF = "bureau-sv-ref"
HAZARD_PICK = "bureau-sv-hazard-pick"  # the picked school's open hazards; picking one fills REF with its code
TITLE = "bureau-sv-title"
INSTRUCTIONS = "bureau-sv-instructions"
DEADLINE = "bureau-sv-deadline"  # a date: the item is due at the end of that day, local time
OPEN = "bureau-sv-open"
ACT_ITEM = "bureau-sv-act-item"  # the item to return or close (not closed ones of the unit)
ACT_NOTE = "bureau-sv-act-note"  # the reason (return) or the note (close)
RETURN = "bureau-sv-return"
CLOSE = "bureau-sv-close"
FORM_FIELDS = (SCHOOL, KIND, REF, TITLE, INSTRUCTIONS, DEADLINE)
