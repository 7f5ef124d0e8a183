"""The campaigns as the administration page lists them (/admin/campaigns): those the admin manages
(made at their unit or below; every one for the whole tree) and, read-only, those made above them
that reach their schools. Plain rows, no ORM objects past the session."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ledger import org_scope
from ledger.campaign_scope import manages
from ledger.models import Campaign, OrgUnit


@dataclass(frozen=True)
class CampaignRow:
    code: str
    name_zh: str
    school_types: tuple[str, ...]  # empty: every type
    building_kinds: tuple[str, ...]
    owner: str | None  # the owner unit's name; None: made for every school
    phases: tuple[tuple[str, str, str], ...]  # (phase, starts_on, ends_on) as ISO dates
    items: tuple[str, ...]
    source: str
    editable: bool
    name_en: str = ""  # "": none written (the list shows the Chinese on English pages)
    items_en: tuple[str, ...] = ()  # each item's English in the items' order, "" for none


def campaign_rows(db: Session, scope: str | None) -> list[CampaignRow]:
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == scope)) if scope is not None else None
    if scope is not None and unit is None:
        return []
    above = {a.code for a in org_scope.ancestors(db, unit)} | {unit.code} if unit is not None else set()
    names = dict(db.execute(select(OrgUnit.code, OrgUnit.name_zh).where(OrgUnit.code.in_(
        select(Campaign.owner_unit).where(Campaign.owner_unit.is_not(None))))).all())
    rows = []
    for c in db.scalars(select(Campaign).options(selectinload(Campaign.phases), selectinload(Campaign.items))
                        .order_by(Campaign.id)):
        editable = manages(db, c, unit)
        if not editable and c.owner_unit is not None and c.owner_unit not in above:
            continue  # another authority's campaign: not for this admin's schools
        rows.append(CampaignRow(
            c.code, c.name_zh, tuple(c.school_kinds or ()), tuple(c.building_kinds or ()),
            names.get(c.owner_unit, c.owner_unit) if c.owner_unit else None,
            tuple((p.phase, p.starts_on.isoformat(), p.ends_on.isoformat()) for p in c.phases),
            tuple(i.text for i in c.items), c.source or "", editable, c.name_en or "",
            tuple(i.text_en or "" for i in c.items)))
    return rows
