"""The component ids of the district's reports page (/bureau/reports), named once."""
from __future__ import annotations

VIEW = "bureau-reports-view"  # store: {"lang", "window"} as loaded (the schools are the caller's, on the server)
RATES = "bureau-reports-rates"
LIST = "bureau-reports-list"
REASON = "bureau-reports-reason"  # why a report is returned
RECEIPT = "bureau-reports-receipt"  # the type of each row's receipt button id {"type", "report"}
RETURN = "bureau-reports-return"  # the type of each row's return button id {"type", "report"}
MESSAGE = "bureau-reports-message"
RULE_DAY = "bureau-reports-rule-day"
RULE_HAZARD = "bureau-reports-rule-hazard"
RULE_ALARM = "bureau-reports-rule-alarm"
RULE_FIRST = "bureau-reports-rule-first"  # the first month owed, YYYY-MM (empty: every month)
RULE_SAVE = "bureau-reports-rule-save"
RULE_MESSAGE = "bureau-reports-rule-message"
