"""The special campaigns (专项治理) of one school for leadership (/lead/campaigns): each campaign's
phase and progress, the failing checks to chase, and one campaign's results item by item and
building by building (read when the leader opens it).

A check is one checklist item at one place. The places an item is checked at are the school's
buildings of the campaign's building kinds (every building when the campaign names none), plus
any other place a result names (a check of the whole school has no building). The ledger keeps
one result per school, item and place — the latest: `ledger.commands.campaigns.record_result`
lets a later check replace an earlier one and never the reverse, and a unique constraint holds
it — so "the latest result per item and building" is simply the row, counted with GROUP BY here.

A campaign concerns a school when it is of the school's type and made for it
(queries/ledger/campaigns.py `school_catalogue`; a school with no type yet: every campaign) and the
school has a place for it (a building of its kinds, or a result).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.models import Building, Campaign, ChecklistItem, ChecklistResult, OrgUnit
from queries.ledger.campaigns import current_phase, school_catalogue

FAILING_LIMIT = 200  # the chase list shows the oldest failures; the total says how many in all


@dataclass(frozen=True)
class ItemProgress:
    item_id: int
    text: str
    due: int  # checks: places this item is checked at
    passed: int
    failed: int
    text_en: str | None = None  # None: no English, English pages show `text`

    @property
    def checked(self) -> int:
        return self.passed + self.failed


@dataclass(frozen=True)
class CampaignProgress:
    code: str
    name_zh: str
    phase: str | None  # the phase today: deploy | inspect | consolidate; None before or after
    state: str  # running | upcoming | ended
    phases: tuple[tuple[str, date, date], ...]
    items: tuple[ItemProgress, ...] = field(default_factory=tuple)
    name_en: str | None = None  # None: no English, English pages show name_zh

    @property
    def due(self) -> int:
        return sum(i.due for i in self.items)

    @property
    def passed(self) -> int:
        return sum(i.passed for i in self.items)

    @property
    def failed(self) -> int:
        return sum(i.failed for i in self.items)

    @property
    def checked(self) -> int:
        return self.passed + self.failed

    @property
    def progress(self) -> float | None:
        """Checks with a result over all checks due."""
        return round(self.checked / self.due, 4) if self.due else None

    @property
    def pass_rate(self) -> float | None:
        """Passed over checked (the latest result of each check)."""
        return round(self.passed / self.checked, 4) if self.checked else None


@dataclass(frozen=True)
class FailingCheck:
    campaign: str
    campaign_name_zh: str
    item: str
    building: str  # code; "" for the whole school
    building_name_zh: str | None
    building_name_en: str | None
    checked_at: datetime
    checked_by: str | None
    note: str
    campaign_name_en: str | None = None
    item_en: str | None = None


def _catalogue(session: Session, school_id: int) -> list[Campaign]:
    school = session.get(OrgUnit, school_id)
    return school_catalogue(session, school) if school is not None else []


def _places(buildings: list, kinds: list) -> set[str]:
    """The building codes a campaign is checked at in a school. A campaign of every building at a
    school with no buildings yet (one just set up) is checked at the school as a whole (""): the
    school sees the campaign it was given from its first day."""
    if not kinds and not buildings:
        return {""}
    return {b.code for b in buildings if not kinds or b.kind in kinds}


def _state(campaign: Campaign, today: date) -> str:
    if current_phase(campaign, today) is not None:
        return "running"
    starts = min((p.starts_on for p in campaign.phases), default=None)
    return "upcoming" if starts is not None and today < starts else "ended"


def school_campaigns(session: Session, *, school_id: int, today: date) -> list[CampaignProgress]:
    """The campaigns concerning the school: running first (by start), then upcoming, then ended."""
    buildings = session.execute(select(Building.code, Building.kind).where(Building.school_id == school_id)).all()
    # Per item and result: checks at the campaign's places and at other places, in one GROUP BY.
    counted = session.execute(
        select(ChecklistResult.item_id, ChecklistResult.result, Building.kind, Building.id.is_(None), func.count())
        .outerjoin(Building, (Building.school_id == ChecklistResult.school_id)
                   & (Building.code == ChecklistResult.building_code))
        .where(ChecklistResult.school_id == school_id)
        .group_by(ChecklistResult.item_id, ChecklistResult.result, Building.kind, Building.id.is_(None))).all()
    by_item: dict[int, list] = {}
    for item_id, result, kind, elsewhere, n in counted:
        by_item.setdefault(item_id, []).append((result, kind, bool(elsewhere), int(n)))
    out = []
    for campaign in _catalogue(session, school_id):
        kinds = list(campaign.building_kinds or [])
        places = len(_places(buildings, kinds))
        items = []
        for item in campaign.items:
            passed = failed = extra = 0
            for result, kind, elsewhere, n in by_item.get(item.id, ()):
                passed += n if result == "pass" else 0
                failed += n if result == "fail" else 0
                if elsewhere or (kinds and kind not in kinds):
                    extra += n  # a place outside the campaign's buildings was checked too
            # With no buildings yet, the school as a whole is the place: its own results are there.
            due = max(places, extra) if not buildings else places + extra
            items.append(ItemProgress(item.id, item.text, due, passed, failed, item.text_en))
        if not any(i.due for i in items):
            continue  # nowhere to check it at this school
        out.append(CampaignProgress(campaign.code, campaign.name_zh, current_phase(campaign, today),
                                    _state(campaign, today),
                                    tuple((p.phase, p.starts_on, p.ends_on) for p in campaign.phases), tuple(items),
                                    campaign.name_en))
    order = {"running": 0, "upcoming": 1, "ended": 2}
    out.sort(key=lambda c: (order[c.state], min((p[1] for p in c.phases), default=date.max)))
    return out


def failing_checks(session: Session, *, school_id: int, limit: int = FAILING_LIMIT) -> tuple[list[FailingCheck], int]:
    """Checks whose latest result is a fail, across campaigns, the longest outstanding first
    (what the leader chases), and how many there are in all."""
    where = (ChecklistResult.school_id == school_id, ChecklistResult.result == "fail")
    total = session.scalar(select(func.count()).select_from(ChecklistResult).where(*where)) or 0
    rows = session.execute(
        select(Campaign.code, Campaign.name_zh, ChecklistItem.text, ChecklistResult.building_code, Building.name_zh,
               Building.name_en, ChecklistResult.checked_at, ChecklistResult.checked_by, ChecklistResult.note,
               Campaign.name_en, ChecklistItem.text_en)
        .join(ChecklistItem, ChecklistItem.id == ChecklistResult.item_id)
        .join(Campaign, Campaign.id == ChecklistItem.campaign_id)
        .outerjoin(Building, (Building.school_id == ChecklistResult.school_id)
                   & (Building.code == ChecklistResult.building_code))
        .where(*where).order_by(ChecklistResult.checked_at, ChecklistResult.id).limit(limit)).all()
    return [FailingCheck(*row[:8], row[8] or "", *row[9:]) for row in rows], int(total)


def campaign_checks(session: Session, *, school_id: int, campaign_code: str) -> dict | None:
    """One campaign at one school, item by item: each place it is checked at with its latest
    result (pass, fail, or None: not checked yet). None if there is no such campaign for the school."""
    campaign = next((c for c in _catalogue(session, school_id) if c.code == campaign_code), None)
    if campaign is None:
        return None  # no such campaign, or not this school's
    buildings = session.execute(select(Building.code, Building.kind, Building.name_zh, Building.name_en)
                                .where(Building.school_id == school_id).order_by(Building.code)).all()
    names = {b.code: (b.name_zh, b.name_en) for b in buildings}
    places = _places(buildings, list(campaign.building_kinds or []))
    results: dict[int, dict[str, tuple]] = {}
    for item_id, place, result, at, by, note in session.execute(
            select(ChecklistResult.item_id, ChecklistResult.building_code, ChecklistResult.result,
                   ChecklistResult.checked_at, ChecklistResult.checked_by, ChecklistResult.note)
            .join(ChecklistItem, ChecklistItem.id == ChecklistResult.item_id)
            .where(ChecklistResult.school_id == school_id, ChecklistItem.campaign_id == campaign.id)):
        results.setdefault(item_id, {})[place] = (result, at, by, note or "")
    items = []
    for item in campaign.items:
        found = results.get(item.id, {})
        checks = []
        for place in sorted(places | set(found)):
            result, at, by, note = found.get(place, (None, None, None, ""))
            name_zh, name_en = names.get(place, (None, None))
            checks.append({"building": place, "name_zh": name_zh, "name_en": name_en, "result": result,
                           "checked_at": at, "checked_by": by, "note": note})
        items.append({"item": item.text, "item_en": item.text_en, "checks": checks})
    return {"campaign": campaign.code, "name_zh": campaign.name_zh, "name_en": campaign.name_en, "items": items}
