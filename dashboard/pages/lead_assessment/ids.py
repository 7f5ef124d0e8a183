"""The component ids of the assessment page (/lead/assessment), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

YEARS = "lead-assessment-years"
SCHOOL = "lead-assessment-school"
UNITS = "lead-assessment-units"
VIEW = "lead-assessment-view"  # store: {"school", "lang", "year"} of the page as loaded
OPEN = "lead-assessment-open"  # a row's summary (its taps open and shut it)
LINES = "lead-assessment-lines"  # a row's deduction lines, filled when first opened


def open_id(code: str) -> dict:
    return {"type": OPEN, "unit": code}


def lines_id(code: str) -> dict:
    return {"type": LINES, "unit": code}
