"""The component ids of the incident review page (/review), named once."""
from __future__ import annotations

VIEW = "review-view"  # store: {"lang", "alert", "version"} as loaded; the alert is only a question to the server
MESSAGE = "review-message"
FINDINGS = "review-findings"
MEASURES = "review-measures"
SAVE = "review-save"
TIMELINE = "review-timeline"
PDF = "review-pdf"
