"""The component ids of the hazard page (/m/hazards/<school>/<code>), named once."""
from __future__ import annotations

HAZARD = "phone-hazard-hazard"  # store: {"school", "code", "lang"} of the page as loaded (the browser's to edit)
CONTENT = "phone-hazard-content"  # the hazard, its photos and history: drawn again after a step
MESSAGE = "phone-hazard-message"  # what the last step's answer was: saved / refused / failed
FORMS = "phone-hazard-forms"  # the step forms open to the person: drawn again after a step
ACTED = "phone-hazard-acted"  # store: the last step saved, which redraws CONTENT

FACTS = "phone-hazard-facts"
HISTORY = "phone-hazard-history"
BEFORE = "phone-hazard-before"
AFTER = "phone-hazard-after"
STEPS = "phone-hazard-steps"  # the step forms; absent when none is open to the person

ASSIGN_GRADE = "phone-hazard-assign-grade"
ASSIGN_UNIT = "phone-hazard-assign-unit"
ASSIGN_PERSON = "phone-hazard-assign-person"
ASSIGN_DEADLINE = "phone-hazard-assign-deadline"
ASSIGN_REQUIREMENT = "phone-hazard-assign-requirement"
ASSIGN_SEND = "phone-hazard-assign-send"

START_NOTE = "phone-hazard-start-note"
START_SEND = "phone-hazard-start-send"

FEEDBACK_MEASURES = "phone-hazard-feedback-measures"
FEEDBACK_PHOTOS = "phone-hazard-feedback-photos"  # store: the keys POST /photos answered (assets/phone_hazard.js)
FEEDBACK_ADD = "phone-hazard-feedback-add"  # "add a photo": the script opens the camera or gallery
FEEDBACK_UPLOADING = "phone-hazard-feedback-uploading"  # the script's word on the upload
FEEDBACK_PREVIEW = "phone-hazard-feedback-preview"
FEEDBACK_SEND = "phone-hazard-feedback-send"

VERDICT_NOTE = "phone-hazard-verdict-note"  # the acceptance note, or the reason it fails
ACCEPT_SEND = "phone-hazard-accept-send"
REJECT_SEND = "phone-hazard-reject-send"

SUPERVISE_DEADLINE = "phone-hazard-supervise-deadline"
SUPERVISE_INSTRUCTIONS = "phone-hazard-supervise-instructions"
SUPERVISE_SEND = "phone-hazard-supervise-send"

# The button of each step (ledger step names: my_work.steps_open_to).
SEND = {"notify": ASSIGN_SEND, "rectify": START_SEND, "feedback": FEEDBACK_SEND, "accept": ACCEPT_SEND,
        "reject": REJECT_SEND, "supervise": SUPERVISE_SEND}
