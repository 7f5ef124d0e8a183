"""The component ids of the special campaigns page (/lead/campaigns), named once:
its builders draw with them, its callbacks listen to them."""
from __future__ import annotations

VIEW = "lead-campaigns-view"  # store: {"school", "lang"} of the page as loaded
FAILING = "lead-campaigns-failing"
LIST = "lead-campaigns-list"
OPEN = "lead-campaign-open"  # pattern {"type": OPEN, "campaign": code}: a campaign's summary (tap to open)
ITEMS = "lead-campaign-items"  # pattern {"type": ITEMS, "campaign": code}: its items, read when opened


def open_id(code: str) -> dict:
    return {"type": OPEN, "campaign": code}


def items_id(code: str) -> dict:
    return {"type": ITEMS, "campaign": code}
