"""Component ids, named once: layouts build with them, callbacks and the wall's JS refer to them."""
from __future__ import annotations

# The wall page (dashboard/pages/wall.py)
WALL = "wall-canvas"  # the 1920x1080 design canvas; assets/wall.js scales it by this id
TICK = "wall-tick"  # dcc.Interval, 1 s
VIEW = "wall-view"  # dcc.Store: {"school": ..., "lang": ...} as the URL asked
HEARTBEAT = "wall-heartbeat"  # dcc.Store: changes on every answered refresh; the link watchdog reads it
LOCATION = "wall-location"  # dcc.Location the school picker navigates with
SCHOOL_PICKER = "wall-school-picker"
AS_OF = "wall-as-of"
LAG = "wall-lag"
STALE_BANNER = "wall-stale"  # the data is not current (stale summary, Redis unreachable, no school)
LINK_BANNER = "wall-link-lost"  # the browser cannot reach the web app: set by the browser itself
ALERT_LIST = "wall-alert-list"
LISTED_HAZARDS = "wall-listed-hazards"  # major hazards under listed supervision (挂牌督办)
GATE_LIST = "wall-gates"  # visitor check-ins today per gate
HOURLY_CHART = "wall-hourly"  # dcc.Graph: people in and visitors per hour
RISK_MAP = "wall-risk-map"  # dcc.Graph: the four-colour risk map
MAP_NOTE = "wall-map-note"  # why there is no map, when there is none
FLASH = "wall-flash"  # dcc.Store: ids of critical alerts flashing now (assets/wall.js sounds new ones)
SOUNDED = "wall-sounded"  # dcc.Store: the flashing alerts the browser has already sounded for
SYNC = "wall-sync"  # dcc.Store: {"screen", "tag"}: which model this screen shows (dashboard/wall_sync.py)

# Pattern-matching ids: one callback output fills every figure on the page.
FIGURE = "wall-figure"


def figure(name: str) -> dict:
    """The id of the element showing one number; `name` is also its data-testid."""
    return {"type": FIGURE, "name": name}


def sparkline(domain: str) -> str:
    """A domain's 24 hourly bars. One id per domain, not per bar: each id a callback writes is sent
    with every request, and 144 bar ids made each half-second request ~20 kB."""
    return f"wall-trend-{domain}"


# The duty console (dashboard/pages/duty.py)
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
DUTY_SIGN_OUT = "duty-sign-out"
DUTY_HANDOVER = "duty-handover"
DUTY_ACK = "duty-ack"  # pattern: one acknowledge button per unacknowledged alert
DUTY_OPEN = "duty-open"  # pattern: one "handle" button per alert


def duty_ack(alert_id: int) -> dict:
    return {"type": DUTY_ACK, "alert": alert_id}


def duty_open(alert_id: int) -> dict:
    return {"type": DUTY_OPEN, "alert": alert_id}
