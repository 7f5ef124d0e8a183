"""The component ids of the phone's checklist page (/m/inspections/<plan>), named once. The item
ids are pattern-matching ids: {"type": ..., "item": <position>}."""
from __future__ import annotations

VIEW = "phone-inspection-view"  # store: {"lang", "plan"} of the page as loaded
SHEET = "phone-inspection-sheet"  # the start panel, the checklist or the summary
INSPECTION = "phone-inspection-id"  # store in the checklist: {"inspection": id}
START = "phone-inspection-start"
FINISH = "phone-inspection-finish"
MESSAGE = "phone-inspection-message"  # what start and finish answered
SUMMARY = "phone-inspection-summary"
CONTINUE = "phone-inspection-continue"  # "continue at item N"

# Per item (pattern-matching types).
ITEM = "phone-inspection-item"  # the item's card; its class says its answer (is-pass, is-fail, is-na)
# The three buttons, one type each (a pattern mixing MATCH and ALL is no request the access guard's
# shape check knows, dashboard/callback_scope.py): answer(result, position).
ANSWER = "phone-inspection-answer"
NOTE = "phone-inspection-note"
PHOTOS = "phone-inspection-photos"  # store: the item's photo keys (assets/phone_inspection.js sets it)
PHOTO_LIST = "phone-inspection-photo-list"  # the thumbnails
ADD_PHOTO = "phone-inspection-add-photo"  # the JS opens the camera or the gallery from it
ANSWERED = "phone-inspection-answered"  # store: the saved answer, for a note or photo sent after it
STATUS = "phone-inspection-status"  # saved / refused, per item
REPORT = "phone-inspection-report"  # a failed item's "report as a hazard"


def item(kind: str, position: int) -> dict:
    return {"type": kind, "item": position}


def answer(result: str, position) -> dict:
    return {"type": f"{ANSWER}-{result}", "item": position}
