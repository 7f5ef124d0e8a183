"""The component ids of the phone's inspections page (/m/inspections), named once."""
from __future__ import annotations

TODAY = "phone-inspections-today"  # the list of today's inspections
DRAFTS = "phone-inspections-drafts"  # the failed items not yet reported
EMPTY = "phone-inspections-empty"  # "no inspection due today"
