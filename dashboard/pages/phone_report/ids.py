"""The component ids of the phone's report page (/m/report), named once. assets/phone_report.js
finds the page by APP and reads its data attribute; it draws the form inside APP itself."""
from __future__ import annotations

APP = "phone-report-app"  # the script's root: data-form holds the page's JSON (view.form_data)
NOTICE = "phone-report-notice"  # what the server says about the address: a point or draft not used
SEND_PATH = "/m/report/send"  # the JSON route the script sends a report to (dashboard/phone_report_api.py)
