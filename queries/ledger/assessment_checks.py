"""Art. 15's facts from the special campaigns (专项治理): the places where a campaign's checklist was
not worked through by the end of its inspect phase (排查整治), per unit or per school, for
`ledger.scoring.UnitFacts.campaign_gaps`.

A campaign's checks at a school are its items at the school's buildings of its kinds (every
building when it names none), as /lead/campaigns counts them (queries/ledger/lead_campaigns.py);
the campaigns that concern a school are those of `ledger.campaign_scope.concerns`. A check counts
as done when the ledger holds a result for it (pass or fail: a failure was checked; it becomes a
hazard, which art. 17 follows). A place belongs to its building's responsible unit; a building with
no unit counts for the school only. One read for every owner, in four queries whatever their number
(the district's league scores thirty schools at once): campaigns, the authorities above the schools,
the buildings, the results.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ledger.campaign_scope import AUTHORITIES, concerns
from ledger.models import Building, Campaign, ChecklistResult, OrgUnit

INSPECT = "inspect"


def campaign_gaps(session: Session, *, owner: Literal["unit", "school"], ids: Iterable[int], schools: Iterable[int],
                  ended_from: date, ended_before: date) -> dict[int, list[tuple[str, str]]]:
    """Per owner id (a unit, or a school), (place, campaign) for every building a campaign whose
    inspect phase ended on a day in [ended_from, ended_before) left with an item unchecked.
    `schools`: the schools the owners are in (for units, their school)."""
    ids, school_ids = set(ids), sorted(set(schools))
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not ids or not school_ids:
        return out
    ended = [c for c in session.scalars(select(Campaign).options(
        selectinload(Campaign.phases), selectinload(Campaign.items)).order_by(Campaign.id))
        if c.items and any(p.phase == INSPECT and ended_from <= p.ends_on < ended_before for p in c.phases)]
    if not ended:
        return out
    rows = session.execute(select(OrgUnit.id, OrgUnit.school_type, OrgUnit.parent_id)
                           .where(OrgUnit.id.in_(school_ids))).all()
    above = _authorities(session)
    buildings: dict[int, list] = defaultdict(list)
    for b in session.execute(select(Building.school_id, Building.code, Building.name_zh, Building.kind,
                                    Building.unit_id).where(Building.school_id.in_(school_ids))
                             .order_by(Building.code)):
        buildings[b.school_id].append(b)
    items = {item.id for c in ended for item in c.items}
    checked = set(session.execute(
        select(ChecklistResult.school_id, ChecklistResult.item_id, ChecklistResult.building_code).distinct()
        .where(ChecklistResult.school_id.in_(school_ids), ChecklistResult.item_id.in_(items))).all())
    for school_id, school_type, parent_id in rows:
        owners = _codes_above(parent_id, above)
        for campaign in ended:
            if not concerns(campaign, school_type=school_type, owners=owners):
                continue
            kinds = campaign.building_kinds or []
            for b in buildings[school_id]:
                if kinds and b.kind not in kinds:
                    continue
                if all((school_id, item.id, b.code) in checked for item in campaign.items):
                    continue
                who = school_id if owner == "school" else b.unit_id
                if who in ids:
                    out[who].append((b.name_zh, campaign.name_zh))
    return out


def _authorities(session: Session) -> dict[int, tuple[str, int | None]]:
    """Every province, city and district: id -> (code, parent id). A few dozen rows at most."""
    return {row.id: (row.code, row.parent_id) for row in session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.parent_id).where(OrgUnit.kind.in_(AUTHORITIES)))}


def _codes_above(parent_id: int | None, above: dict[int, tuple[str, int | None]]) -> set[str]:
    """The codes of the authorities above a school (`campaign_scope.owners_of`, from one read)."""
    codes: set[str] = set()
    for _ in range(16):  # deeper than any real tree; bad data cannot loop for ever
        if parent_id is None or parent_id not in above:
            break
        code, parent_id = above[parent_id]
        codes.add(code)
    return codes
