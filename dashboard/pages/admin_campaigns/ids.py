"""The component ids of the campaigns page (/admin/campaigns), named once."""
from __future__ import annotations

VIEW = "admin-campaigns-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)
LIST = "admin-campaigns-list"
MESSAGE = "admin-campaigns-message"
PICK = "admin-campaigns-pick"  # the campaign being edited; empty: a new one
CODE = "admin-campaigns-code"
NAME = "admin-campaigns-name"
NAME_EN = "admin-campaigns-name-en"
TYPES = "admin-campaigns-types"
BUILDING_KINDS = "admin-campaigns-building-kinds"
SOURCE = "admin-campaigns-source"
ITEMS = "admin-campaigns-items"
ITEMS_EN = "admin-campaigns-items-en"  # line n: the English of the n-th item (blank: none)
PHASES = ("deploy", "inspect", "consolidate")


def starts(phase: str) -> str:
    return f"admin-campaigns-{phase}-starts"


def ends(phase: str) -> str:
    return f"admin-campaigns-{phase}-ends"


SAVE = "admin-campaigns-save"
UPLOAD = "admin-campaigns-upload"
