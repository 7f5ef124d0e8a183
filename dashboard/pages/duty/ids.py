"""The component ids of the duty console (/duty), named once: its builders draw with them, its
callbacks listen to them."""
from __future__ import annotations

DUTY = "duty-root"
DUTY_TICK = "duty-tick"  # dcc.Interval: the list follows the ledger every second
DUTY_VIEW = "duty-view"  # dcc.Store: {"school", "lang"} as the URL asked
DUTY_SCHOOL = "duty-school"
DUTY_FILTER_DOMAIN = "duty-filter-domain"
DUTY_FILTER_BUILDING = "duty-filter-building"
DUTY_FILTER_TYPE = "duty-filter-type"
DUTY_SUMMARY = "duty-summary"
DUTY_AS_OF = "duty-as-of"
DUTY_BANNER = "duty-banner"  # the ledger cannot be reached
DUTY_LIST = "duty-alert-list"  # tbody of open alerts
DUTY_LIST_DIGEST = "duty-list-digest"  # dcc.Store: what the list shows, so an unchanged list is not resent
DUTY_SELECTED = "duty-selected"  # dcc.Store: the alert id open in the detail panel
DUTY_LINKED = "duty-linked"  # dcc.Store: the alert a message's link opened, until its row is shown (duty.js)
DUTY_DETAIL = "duty-detail"
DUTY_HISTORY = "duty-history"
DUTY_ASSIGNEE = "duty-assignee"
DUTY_DISPATCH_NOTE = "duty-dispatch-note"
DUTY_DISPATCH = "duty-dispatch"
DUTY_OUTCOME = "duty-outcome"
DUTY_RESOLVE_NOTE = "duty-resolve-note"
DUTY_RESOLVE = "duty-resolve"
DUTY_FORMS = "duty-forms"
DUTY_FEEDBACK = "duty-feedback"
DUTY_ACTED = "duty-acted"  # dcc.Store: the last action's result; the list refreshes on it
DUTY_SHIFT_DATE = "duty-shift-date"
DUTY_SHIFT = "duty-shift"
DUTY_DOWNLOAD = "duty-download"
DUTY_DOWNLOAD_PDF = "duty-download-pdf"  # the handover report as a printable PDF (ledger/handover_pdf.py)
DUTY_SIGN_OUT = "duty-sign-out"
DUTY_HANDOVER = "duty-handover"
# Response on the console (issue 16): the sound switch and its words, the unacknowledged critical
# alerts (the browser beeps for each new one, dashboard duty.js), the alarm banner, the response card.
DUTY_SOUND = "duty-sound"  # button: enable / disable sound, its state as its text
DUTY_SOUND_TEXT = "duty-sound-text"  # dcc.Store: the button's words in the page's language
DUTY_CRITICAL = "duty-critical"  # dcc.Store: ids of the unacknowledged critical alerts
DUTY_SOUNDED = "duty-sounded"  # dcc.Store: the ids already sounded in this browser
DUTY_MUTE = "duty-mute"  # button: silence the repeating alarm for 5 minutes (duty.js)
DUTY_ALARM = "duty-alarm"  # the banner that stays while a critical alert is unacknowledged
DUTY_CARD = "duty-card"  # the response card of the picked alert
DUTY_ON_CALL = "duty-on-call"  # who is on call now (the roster, issue 16)
DUTY_ON_CALL_TICK = "duty-on-call-tick"
DUTY_ACK = "duty-ack"  # pattern: one acknowledge button per unacknowledged alert
DUTY_OPEN = "duty-open"  # pattern: one "handle" button per alert


def duty_ack(alert_id: int) -> dict:
    return {"type": DUTY_ACK, "alert": alert_id}


def duty_open(alert_id: int) -> dict:
    return {"type": DUTY_OPEN, "alert": alert_id}
