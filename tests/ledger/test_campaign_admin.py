"""Campaign administration on SQLite and PostgreSQL (ledger/commands/campaign_admin.py): who may make
and edit which campaign, the audit entry each change leaves, an import refused whole, and which
campaigns a school sees (its type; its own authorities' campaigns; every one while it has no type)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from ledger import org_scope
from ledger.campaign_files import CampaignFileError, from_mapping
from ledger.commands import campaign_admin, org
from ledger.commands.audit import Actor
from ledger.commands.campaigns import record_result
from ledger.errors import LedgerError
from ledger.models import AuditEntry, Campaign, ChecklistItem
from queries.ledger.campaigns import list_campaigns, school_catalogue
from queries.ledger.lead_campaigns import campaign_checks

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
ROOT = Actor("root", "admin", "10.0.0.1")
OFFICER = Actor("wang", "admin", "10.0.0.2")


def spec(code: str, name: str, *, types=(), items=("疏散通道畅通", "灭火器在有效期内"), phases=()):
    return from_mapping({"code": code, "name_zh": name, "school_types": list(types), "items": list(items),
                         "phases": list(phases)})


def tree(db):
    """Province hn; districts d1 (a university u1 and a primary school p1) and d2 (primary p2)."""
    org.create_unit(db, actor=ROOT, scope=None, kind="province", code="hn", name_zh="河南省", now=NOW)
    for code, name in (("d1", "金水区"), ("d2", "二七区")):
        org.create_unit(db, actor=ROOT, scope=None, kind="district", code=code, name_zh=name, parent="hn", now=NOW)
    for code, name, parent, kind in (("u1", "郑州大学", "d1", "university"), ("p1", "金水小学", "d1", "primary"),
                                     ("p2", "二七小学", "d2", "primary")):
        org.create_unit(db, actor=ROOT, scope=None, kind="school", code=code, name_zh=name, parent=parent,
                        school_type=kind, now=NOW)
    db.flush()


def shown(db, school: str) -> set[str]:
    return {c.code for c in school_catalogue(db, org.find_unit(db, school))}


def test_a_school_sees_the_campaigns_of_its_type_and_of_its_authorities(session):
    tree(session)
    lab = spec("lab", "危化品整治", types=["university"])
    campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=lab, now=NOW)
    campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=spec("fire", "消防整治"), now=NOW)
    campaign_admin.create_campaign(session, actor=OFFICER, scope="d1", spec=spec(
        "d1-drown", "金水区防溺水", types=["primary"]), now=NOW)
    assert shown(session, "u1") == {"lab", "fire"}
    assert shown(session, "p1") == {"fire", "d1-drown"}  # a primary school: no university-only campaign
    assert shown(session, "p2") == {"fire"}  # another district's campaign is not theirs
    p1 = org.find_unit(session, "p1")
    assert {c["campaign"] for c in list_campaigns(session, school=p1, today=date(2026, 12, 6))} == {"fire", "d1-drown"}
    assert campaign_checks(session, school_id=p1.id, campaign_code="lab") is None  # not theirs, by its code either
    org.create_unit(session, actor=ROOT, scope=None, kind="school", code="new", name_zh="新学校", parent="d1",
                    school_type="middle", now=NOW)
    new = org.find_unit(session, "new")
    new.school_type = None  # a school whose type is not set yet sees every campaign made for it
    session.flush()
    assert shown(session, "new") == {"lab", "fire", "d1-drown"}


def test_only_authorities_make_campaigns_and_each_manages_its_own(session):
    tree(session)
    made = campaign_admin.create_campaign(session, actor=OFFICER, scope="d1", spec=spec("d1-fire", "金水区消防"),
                                          now=NOW)
    assert made.owner_unit == "d1"
    with pytest.raises(org_scope.OutOfScope):  # a school runs campaigns, it does not make them
        campaign_admin.create_campaign(session, actor=OFFICER, scope="p1", spec=spec("p1-x", "自查"), now=NOW)
    campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=spec("fire", "消防整治"), now=NOW)
    with pytest.raises(org_scope.OutOfScope):  # the whole tree's campaign is not the district's to edit
        campaign_admin.update_campaign(session, actor=OFFICER, scope="d1", spec=spec("fire", "改名"), now=NOW)
    with pytest.raises(org_scope.OutOfScope):  # nor another district's
        campaign_admin.update_campaign(session, actor=OFFICER, scope="d2", spec=spec("d1-fire", "改名"), now=NOW)
    campaign_admin.update_campaign(session, actor=ROOT, scope="hn", spec=spec("d1-fire", "金水区消防安全"), now=NOW)
    with pytest.raises(LedgerError, match="is taken"):
        campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=spec("FIRE", "另一个"), now=NOW)
    with pytest.raises(LedgerError, match="already a campaign named"):
        campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=spec("fire2", "消防整治"), now=NOW)


def test_every_change_is_audited_with_before_and_after(session):
    tree(session)
    phases = [{"phase": "deploy", "starts_on": "2026-12-01", "ends_on": "2026-12-07"}]
    campaign_admin.create_campaign(session, actor=OFFICER, scope="d1", spec=spec("d1-fire", "金水区消防",
                                   types=["primary"], phases=phases), now=NOW)
    campaign_admin.update_campaign(session, actor=OFFICER, scope="d1", spec=spec(
        "d1-fire", "金水区消防", types=["primary", "middle"], items=("疏散通道畅通", "应急照明完好"),
        phases=phases), now=NOW)
    session.commit()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[-2:]
    assert [(e.action, e.target, e.actor, e.ip) for e in entries] == [
        ("campaign.create", "campaign:d1-fire", "wang", "10.0.0.2"),
        ("campaign.update", "campaign:d1-fire", "wang", "10.0.0.2")]
    assert entries[0].after["owner_unit"] == "d1" and entries[0].after["phases"][0]["starts_on"] == "2026-12-01"
    assert entries[1].before == {"school_types": ["primary"], "items": ["疏散通道畅通", "灭火器在有效期内"]}
    assert entries[1].after == {"school_types": ["middle", "primary"], "items": ["疏散通道畅通", "应急照明完好"]}
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    campaign_admin.update_campaign(session, actor=OFFICER, scope="d1", spec=spec(
        "d1-fire", "金水区消防", types=["primary", "middle"], items=("疏散通道畅通", "应急照明完好"),
        phases=phases), now=NOW)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before  # nothing changed, nothing logged


def test_an_answered_item_stays(session):
    tree(session)
    campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=spec("fire", "消防整治"), now=NOW)
    record_result(session, school=org.find_unit(session, "p1"), campaign_code="fire", item_text="疏散通道畅通",
                  result="fail", at=NOW, by="巡查员", building=None)
    with pytest.raises(LedgerError, match="already answered 疏散通道畅通"):
        campaign_admin.update_campaign(session, actor=ROOT, scope=None, spec=spec(
            "fire", "消防整治", items=("灭火器在有效期内",)), now=NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ChecklistItem)) == 0  # rolled back with the tree
    tree(session)
    campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=spec("fire", "消防整治"), now=NOW)
    campaign_admin.update_campaign(session, actor=ROOT, scope=None, spec=spec(
        "fire", "消防整治", items=("新增检查项", "灭火器在有效期内")), now=NOW)  # unanswered: it may go
    items = session.scalars(select(ChecklistItem).order_by(ChecklistItem.position)).all()
    assert [(i.position, i.text) for i in items] == [(1, "新增检查项"), (2, "灭火器在有效期内")]


def test_an_import_creates_then_updates_and_a_bad_file_saves_nothing(session):
    tree(session)
    text = ('code = "winter"\nname_zh = "冬季安全"\nschool_types = ["primary"]\nitems = ["取暖设备完好"]\n'
            '[[phases]]\nphase = "inspect"\nstarts_on = 2026-12-01\nends_on = 2027-01-31\n')
    made, created = campaign_admin.import_campaign(session, actor=OFFICER, scope="d1", content=text.encode(),
                                                  name="winter.toml", now=NOW)
    assert created and made.owner_unit == "d1" and [p.phase for p in made.phases] == ["inspect"]
    again, created = campaign_admin.import_campaign(session, actor=OFFICER, scope="d1", content=text.replace(
        "取暖设备完好", "取暖设备完好\", \"宿舍无违规电器").encode(), name="winter.toml", now=NOW)
    assert not created and [i.text for i in again.items] == ["取暖设备完好", "宿舍无违规电器"]
    count = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "campaign.import"))
    assert count == 2
    with pytest.raises(CampaignFileError, match="winter.toml: school_types"):
        campaign_admin.import_campaign(session, actor=OFFICER, scope="d1", content=text.replace(
            '["primary"]', '["nursery"]').encode(), name="winter.toml", now=NOW)
    assert [i.text for i in session.scalar(select(Campaign).where(Campaign.code == "winter")).items] == [
        "取暖设备完好", "宿舍无违规电器"]


def test_the_english_is_saved_edited_audited_and_imported(session):
    tree(session)
    made = campaign_admin.create_campaign(session, actor=ROOT, scope=None, spec=from_mapping({
        "code": "fire", "name_zh": "消防整治", "name_en": "Fire safety",
        "items": [{"zh": "疏散通道畅通", "en": "Escape routes are clear"}, "灭火器在有效期内"]}), now=NOW)
    assert (made.name_en, [(i.text, i.text_en) for i in made.items]) == (
        "Fire safety", [("疏散通道畅通", "Escape routes are clear"), ("灭火器在有效期内", None)])
    campaign_admin.update_campaign(session, actor=ROOT, scope=None, spec=from_mapping({
        "code": "fire", "name_zh": "消防整治", "name_en": "Fire safety campaign",
        "items": ["疏散通道畅通", {"zh": "灭火器在有效期内", "en": "Extinguishers in date"}]}), now=NOW)
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.before == {"name_en": "Fire safety", "items_en": ["Escape routes are clear", ""]}
    assert entry.after == {"name_en": "Fire safety campaign", "items_en": ["", "Extinguishers in date"]}
    p1 = org.find_unit(session, "p1")
    listed = next(c for c in list_campaigns(session, school=p1, today=date(2026, 12, 6)) if c["campaign"] == "fire")
    assert listed["name_en"] == "Fire safety campaign"
    assert [(i["item"], i["item_en"]) for i in listed["items"]] == [
        ("疏散通道畅通", None), ("灭火器在有效期内", "Extinguishers in date")]
    made, _ = campaign_admin.import_campaign(session, actor=ROOT, scope=None, name="fire.toml", now=NOW, content=(
        'code = "fire"\nname_zh = "消防整治"\nitems = ["疏散通道畅通", "灭火器在有效期内"]\n').encode())
    assert made.name_en is None and [i.text_en for i in made.items] == [None, None]  # a file without English
