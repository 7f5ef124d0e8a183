"""The component ids of the drills and trainings page (/drills), named once."""
from __future__ import annotations

VIEW = "drills-view"  # store: {"school", "lang"} as loaded (the school is checked again on the server)
EDITING = "drills-editing"  # store: the id of the record the form corrects; None: a new record
# store: the new record's request id (ledger/commands/drills.py record_drill): a form sent twice before
# its first answer (a double tap) is one record; renewed whenever the form turns to a new record
REQUEST = "drills-request"
FORM_TITLE = "drills-form-title"
TITLE = "drills-title"
KIND = "drills-kind"
HELD_ON = "drills-held-on"
UNIT = "drills-unit"
COUNT = "drills-count"
NAMES = "drills-names"
PLAN = "drills-plan"
NOTES = "drills-notes"
SAVE = "drills-save"
NEW = "drills-new"  # clear the form for a new record
REASON = "drills-reason"  # why the record being corrected is withdrawn
WITHDRAW = "drills-withdraw"
MESSAGE = "drills-message"
COUNTS = "drills-counts"
LIST = "drills-list"
EDIT = "drills-edit"  # the type of each row's correct button id {"type", "drill"}
FORM_FIELDS = (TITLE, KIND, HELD_ON, UNIT, COUNT, NAMES, PLAN, NOTES)
