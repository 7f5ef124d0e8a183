"""Special campaigns: phases, checklist items and each school's results.

Names and items come in both languages (`name_en`, `item_en`: None when none was written); the pages
choose (kernel.names.local_name: the English on ?lang=en when there is one, else the Chinese).

A school sees the campaigns of its type made for it (ledger/campaign_scope.py says which).

Recording a result is a ledger command (ledger/commands/campaigns.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ledger.campaign_scope import concerns, owners_of
from ledger.models import Campaign, ChecklistResult, OrgUnit


def school_catalogue(session: Session, school: OrgUnit) -> list[Campaign]:
    """The campaigns of this school, with their phases and items, in the order they were made."""
    owners = owners_of(session, school)
    every = session.scalars(select(Campaign).options(
        selectinload(Campaign.phases), selectinload(Campaign.items)).order_by(Campaign.id))
    return [c for c in every if concerns(c, school_type=school.school_type, owners=owners)]


def current_phase(campaign: Campaign, today: date) -> str | None:
    for phase in campaign.phases:
        if phase.starts_on <= today <= phase.ends_on:
            return phase.phase
    return None


def list_campaigns(session: Session, *, school: OrgUnit, today: date) -> list[dict]:
    campaigns = school_catalogue(session, school)
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
            items.append({"item": item.text, "item_en": item.text_en, "pass": passes, "fail": fails,
                          "last_checked": max((r.checked_at for r in rows), default=None)})
        out.append({
            "campaign": campaign.code, "name_zh": campaign.name_zh, "name_en": campaign.name_en,
            "phase": current_phase(campaign, today),
            "phases": [{"phase": p.phase, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
                       for p in campaign.phases],
            "checked": passed + failed, "pass": passed, "fail": failed, "items": items,
        })
    return out
