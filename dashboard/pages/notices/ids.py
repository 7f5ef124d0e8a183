"""The component ids of the school's notices page (/notices), named once."""
from __future__ import annotations

VIEW = "school-notices-view"  # store: {"lang"} as loaded (nothing in it is trusted for scope)
MESSAGE = "school-notices-message"
LIST = "school-notices-list"
CONFIRM = "school-notices-confirm"  # pattern: {"type": CONFIRM, "notice": id}, one button per unread notice
