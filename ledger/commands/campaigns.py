"""Special campaigns: a school's result for a checklist item, the latest check winning.

The reads (the campaigns with their phases and results) are in queries/ledger/campaigns.py.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Campaign, ChecklistItem, ChecklistResult, OrgUnit


def record_result(session: Session, *, school: OrgUnit, campaign_code: str, item_text: str, result: str,
                  at: datetime, by: str | None, building: str | None, note: str = "",
                  event_id: str | None = None) -> ChecklistResult | None:
    """The latest check of an item at a school (and building) wins; None if the campaign or item
    is not in the ledger (the caller dead-letters it)."""
    item = session.scalar(select(ChecklistItem).join(Campaign).where(
        Campaign.code == campaign_code, ChecklistItem.text == item_text))
    if item is None:
        return None
    row = session.scalar(select(ChecklistResult).where(
        ChecklistResult.school_id == school.id, ChecklistResult.item_id == item.id,
        ChecklistResult.building_code == (building or "")))
    if row is None:
        row = ChecklistResult(school_id=school.id, item_id=item.id, building_code=building or "",
                              result=result, note=note, checked_at=at, checked_by=by, event_id=event_id)
        session.add(row)
    elif at >= row.checked_at:
        row.result, row.note, row.checked_at, row.checked_by, row.event_id = result, note, at, by, event_id
    session.flush()
    return row
