"""The component ids of the "my work" page (/m), named once."""
from __future__ import annotations

LISTS = "phone-work-lists"  # what waits for me, list by list
REPORTS = "phone-work-reports"  # what I reported
BUREAU = "phone-work-bureau"  # what the education bureau asks of my school (督办, 通报)


def list_id(kind: str) -> str:
    """The section of one list (queries/ledger/my_work.py KINDS)."""
    return f"phone-work-{kind.replace('_', '-')}"
