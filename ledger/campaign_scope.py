"""Which campaigns reach which schools, and who manages them (the commands in
ledger/commands/campaign_admin.py and the reads in queries/ both ask here).

A campaign is made by an administrator of the whole tree (`owner_unit` None: every school) or of a
province, city or district (`owner_unit` that unit's code: the schools under it). It reaches a school
of its types (`school_kinds`, empty: every type); a school whose type is not set yet gets every
campaign of its authorities: one list too many beats a school that never hears of a campaign.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import org_scope
from ledger.models import Campaign, OrgUnit

AUTHORITIES = ("province", "city", "district")  # the levels that instruct schools


def concerns(campaign: Campaign, *, school_type: str | None, owners: set[str]) -> bool:
    """Whether the campaign is the school's: of its type (or the school has none yet) and made by the
    whole tree's administrators or by one of `owners` (the school's authorities above it)."""
    kinds = campaign.school_kinds or []
    return (not kinds or school_type is None or school_type in kinds) and (
        campaign.owner_unit is None or campaign.owner_unit in owners)


def owners_of(db: Session, school: OrgUnit) -> set[str]:
    """The codes of the units whose campaigns reach the school: the units above it."""
    return {unit.code for unit in org_scope.ancestors(db, school)}


def manages(db: Session, campaign: Campaign, scope_unit: OrgUnit | None) -> bool:
    """Whether an administrator of this unit (None: every unit) manages the campaign: one made at
    their unit or below it."""
    if scope_unit is None:
        return True
    if campaign.owner_unit is None:
        return False
    owner = db.scalar(select(OrgUnit).where(OrgUnit.code == campaign.owner_unit))
    return owner is not None and org_scope.is_within(db, owner, scope_unit)
