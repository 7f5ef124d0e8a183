"""The component ids of the inspection plans page (/inspection-plans), named once."""
from __future__ import annotations

VIEW = "inspection-plans-view"  # store: {"school", "lang"} as loaded (the school is checked again on the server)
EDITING = "inspection-plans-editing"  # store: the id of the plan the form edits; None: a new plan
FORM_TITLE = "inspection-plans-form-title"
NAME = "inspection-plans-name"
FREQUENCY = "inspection-plans-frequency"
TARGET = "inspection-plans-target"  # what is inspected: a risk point, a building, or a zone of one
CHECKLIST = "inspection-plans-checklist"
ASSIGNEE = "inspection-plans-assignee"  # a role, or one person
UNIT = "inspection-plans-unit"
STARTS = "inspection-plans-starts"
SAVE = "inspection-plans-save"
NEW = "inspection-plans-new"  # clear the form for a new plan
MESSAGE = "inspection-plans-message"
LIST = "inspection-plans-list"
EDIT = "inspection-plans-edit"  # the type of each row's edit button id {"type", "plan"}
RETIRE = "inspection-plans-retire"  # the type of each row's retire confirmation id {"type", "plan"}
FORM_FIELDS = (NAME, FREQUENCY, TARGET, CHECKLIST, ASSIGNEE, UNIT, STARTS)
