"""Special campaigns: phases, checklist items and each school's results."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ledger.models import Campaign, ChecklistItem, ChecklistResult, OrgUnit


def current_phase(campaign: Campaign, today: date) -> str | None:
    for phase in campaign.phases:
        if phase.starts_on <= today <= phase.ends_on:
            return phase.phase
    return None


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


def list_campaigns(session: Session, *, school: OrgUnit, today: date) -> list[dict]:
    campaigns = session.scalars(select(Campaign).options(
        selectinload(Campaign.phases), selectinload(Campaign.items)).order_by(Campaign.id))
    results = {}
    for row in session.scalars(select(ChecklistResult).where(ChecklistResult.school_id == school.id)):
        results.setdefault(row.item_id, []).append(row)
    out = []
    for campaign in campaigns:
        items = []
        passed = failed = 0
        for item in campaign.items:
            rows = results.get(item.id, [])
            fails = sum(r.result == "fail" for r in rows)
            passes = sum(r.result == "pass" for r in rows)
            passed += passes
            failed += fails
            items.append({"item": item.text, "pass": passes, "fail": fails,
                          "last_checked": max((r.checked_at for r in rows), default=None)})
        out.append({
            "campaign": campaign.code, "name_zh": campaign.name_zh,
            "phase": current_phase(campaign, today),
            "phases": [{"phase": p.phase, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
                       for p in campaign.phases],
            "checked": passed + failed, "pass": passed, "fail": failed, "items": items,
        })
    return out
