"""The component ids of the leadership overview (/lead), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

VIEW = "lead-overview-view"  # store: {"school", "lang"} of the page as loaded
TICK = "lead-overview-tick"  # the live figures' refresh
STATUS = "lead-overview-status"
ALERTS = "lead-overview-alerts-today"
VISITORS = "lead-overview-visitors"
ATTENDANCE = "lead-overview-attendance"
DOMAINS = "lead-overview-domains"
LIVE_OUTPUTS = (STATUS, ALERTS, VISITORS, ATTENDANCE, DOMAINS)  # what the refresh redraws, in order
HAZARDS = "lead-overview-hazards"
MAP = "lead-overview-map"
BUILDING = "lead-overview-building"  # the type of each building button's id {"type", "code"}
DRILL = "lead-overview-drill"
DRILL_SHOWN = "lead-overview-drill-shown"  # store a clientside callback writes nothing to (it scrolls)
BACKLOG = "lead-overview-backlog"
