"""Administration of special campaigns (专项治理): create, edit and import campaigns, every change
audited in the same transaction (ledger/commands/audit.py). A campaign arrives as a `CampaignSpec`,
already checked by ledger/campaign_files.py, whether from a file or the page's form.

Who: an administrator over the whole tree makes campaigns for every school; an administrator of a
province, city or district makes campaigns for the schools under their unit only (the campaign's
`owner_unit`), and manages only the campaigns made at their unit or below. A school's administrator
runs the campaigns and makes none: a campaign is an authority's instruction to its schools (seeds
003 and 004 are a district's and a city's).

A campaign's code is the `data.campaign` of the inspectors' events: chosen once, never changed. An
item some school has already answered cannot be dropped (its results would lose their question);
retire the campaign's phases instead, or add a new item.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import org_scope
from ledger.campaign_files import CampaignSpec, parse
from ledger.campaign_scope import AUTHORITIES, manages
from ledger.commands.audit import Actor, changed, record
from ledger.commands.org import scope_of
from ledger.errors import LedgerError, NotFound
from ledger.models import Campaign, CampaignPhase, ChecklistItem, ChecklistResult, OrgUnit


def snapshot(campaign: Campaign) -> dict:
    """What the audit log keeps of a campaign."""
    return {"code": campaign.code, "name_zh": campaign.name_zh, "name_en": campaign.name_en or "",
            "school_types": list(campaign.school_kinds or []),
            "building_kinds": list(campaign.building_kinds or []), "owner_unit": campaign.owner_unit,
            "source": campaign.source or "", "items": [i.text for i in campaign.items],
            # Only a campaign with some English lists it: adding an item to a Chinese-only one changes nothing here.
            "items_en": [i.text_en or "" for i in campaign.items] if any(i.text_en for i in campaign.items) else [],
            "phases": [{"phase": p.phase, "starts_on": p.starts_on.isoformat(), "ends_on": p.ends_on.isoformat()}
                       for p in campaign.phases]}


def _authority(db: Session, scope: str | None) -> OrgUnit | None:
    unit = scope_of(db, scope)
    if unit is not None and unit.kind not in AUTHORITIES:
        raise org_scope.OutOfScope("campaigns are made by an administrator of a district, city or province "
                                   f"(or of every unit); {unit.name_zh} runs the campaigns it is given",
                                   zh="专项行动由区县、市或省级（或全局）管理员创建；"
                                      f"{unit.name_zh}执行下发给它的专项行动")
    return unit


def find_campaign(db: Session, code: str) -> Campaign:
    found = db.scalar(select(Campaign).where(Campaign.code == code))
    if found is None:
        raise NotFound(f"no campaign {code!r}", zh=f"没有专项行动 {code!r}")
    return found


def _apply(db: Session, campaign: Campaign, spec: CampaignSpec) -> None:
    campaign.name_zh = spec.name_zh
    campaign.name_en = spec.name_en or None
    campaign.school_kinds = list(spec.school_types)
    campaign.building_kinds = list(spec.building_kinds)
    campaign.source = spec.source or None
    by_text = {item.text: item for item in campaign.items}
    dropped = [item for text, item in by_text.items() if text not in spec.items]
    if dropped:
        answered = set(db.scalars(select(ChecklistResult.item_id).where(
            ChecklistResult.item_id.in_([i.id for i in dropped if i.id is not None])).distinct()))
        kept = [i.text for i in dropped if i.id in answered]
        if kept:
            raise LedgerError(f"schools have already answered {', '.join(kept[:3])}"
                              f"{' …' if len(kept) > 3 else ''}: an answered item stays",
                              zh=f"已有学校填报了{'、'.join(kept[:3])}{' …' if len(kept) > 3 else ''}："
                                 "已填报的条目须保留")
        for item in dropped:
            campaign.items.remove(item)
        db.flush()  # the old rows go before a new item may take a freed position
    for position, (text, text_en) in enumerate(spec.checklist, start=1):
        item = by_text.get(text)
        if item is None:
            campaign.items.append(ChecklistItem(position=position, text=text, text_en=text_en or None))
        else:
            item.position, item.text_en = position, text_en or None
    campaign.items.sort(key=lambda i: i.position)
    campaign.phases.clear()
    db.flush()
    for phase in spec.phases:
        campaign.phases.append(CampaignPhase(phase=phase.phase, starts_on=phase.starts_on, ends_on=phase.ends_on))


def create_campaign(db: Session, *, actor: Actor, scope: str | None, spec: CampaignSpec, now: datetime,
                    action: str = "campaign.create") -> Campaign:
    """A new campaign for the schools under the caller's unit (every school for the whole tree)."""
    unit = _authority(db, scope)
    if db.scalar(select(func.count()).select_from(Campaign).where(func.lower(Campaign.code) == spec.code.lower())):
        raise LedgerError(f"the campaign code {spec.code!r} is taken", zh=f"专项行动代码 {spec.code!r} 已被占用")
    if db.scalar(select(func.count()).select_from(Campaign).where(
            Campaign.name_zh == spec.name_zh, Campaign.owner_unit.is_(None) if unit is None
            else Campaign.owner_unit == unit.code)):
        raise LedgerError(f"there is already a campaign named {spec.name_zh} here",
                          zh=f"此处已有名为{spec.name_zh}的专项行动")
    campaign = Campaign(code=spec.code, name_zh=spec.name_zh, owner_unit=unit.code if unit is not None else None,
                        school_kinds=[], building_kinds=[])
    db.add(campaign)
    db.flush()
    _apply(db, campaign, spec)
    db.flush()
    record(db, actor=actor, action=action, target=f"campaign:{campaign.code}", now=now, after=snapshot(campaign))
    return campaign


def update_campaign(db: Session, *, actor: Actor, scope: str | None, spec: CampaignSpec, now: datetime,
                    action: str = "campaign.update") -> Campaign:
    """New names, types, building kinds, phases or items for a campaign the caller manages."""
    unit = _authority(db, scope)
    campaign = find_campaign(db, spec.code)
    if not manages(db, campaign, unit):
        raise org_scope.OutOfScope(f"the campaign {campaign.name_zh} was not made by your unit or below",
                                   zh=f"专项行动{campaign.name_zh}不是您的单位或下级单位创建的")
    before = snapshot(campaign)
    _apply(db, campaign, spec)
    db.flush()
    db.refresh(campaign)
    old, new = changed(before, snapshot(campaign))
    if new:
        record(db, actor=actor, action=action, target=f"campaign:{campaign.code}", now=now, before=old, after=new)
    return campaign


def import_campaign(db: Session, *, actor: Actor, scope: str | None, content: bytes, name: str,
                    now: datetime) -> tuple[Campaign, bool]:
    """A campaign from a data file: a new code creates it, a known one (that the caller manages)
    is brought up to the file. Refused whole with the file's reasons. True when created."""
    spec = parse(content, name=name)
    exists = db.scalar(select(func.count()).select_from(Campaign).where(Campaign.code == spec.code))
    if exists:
        return update_campaign(db, actor=actor, scope=scope, spec=spec, now=now, action="campaign.import"), False
    return create_campaign(db, actor=actor, scope=scope, spec=spec, now=now, action="campaign.import"), True
