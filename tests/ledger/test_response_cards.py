"""Response cards in the ledger (ledger/commands/response_cards.py, queries/ledger/response_cards.py),
on SQLite and PostgreSQL: saved held to the admin's unit and audited, refused whole with the reason,
the matching card with the zone's cameras, a use recorded once per alert, card and person, and the
handover report naming the card used."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from ledger.commands import response_cards as cards
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.handover_view import handover_view
from ledger.models import AuditEntry, Building, Device, OrgUnit, ResponseCardUse, Zone
from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan
from queries.ledger import handover
from queries.ledger import response_cards as reads
from tests.ledger.alarms import raise_alarm
from tests.ledger.register_support import NOW, ROOT, school_with_buildings

TZ = ZoneInfo("Asia/Shanghai")
S1_ADMIN = Actor("s1admin", "admin", "192.0.2.7")
SMOKE_3F = cards.CardForm(title="实验楼三层烟感处置", alert_type="fire.smoke_alarm", building="lab", zone="3F",
                          steps="确认火情\n拨打 119\n组织三层疏散", contacts="保卫处值班室 0571-8888 1234\n消防 119",
                          evacuation="沿东侧楼梯疏散至操场")
FIRE = cards.CardForm(title="火警通用处置", alert_type="fire", steps="确认火情", contacts="消防 119")


def _seed(session) -> dict:
    school_with_buildings(session)
    s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    lab = session.scalar(select(Building).where(Building.code == "lab"))
    zone = session.scalar(select(Zone).where(Zone.code == "3F"))
    session.add_all([
        Device(school_id=s1.id, source="cam-3f", name="三层走廊摄像机", system="video", building_id=lab.id,
               zone_id=zone.id, stream_url="rtsp://10.0.0.9/3f"),
        Device(school_id=s1.id, source="cam-door", name="实验楼门口", system="video", building_id=lab.id,
               stream_url="https://nvr.school.cn/snap/door.jpg"),
        Device(school_id=s1.id, source="cam-old", name="已停用", system="video", building_id=lab.id, zone_id=zone.id,
               stream_url="http://10.0.0.8/", retired_on=NOW.date()),
        Device(school_id=s1.id, source="smoke-3f", name="三层烟感", system="fire", building_id=lab.id,
               zone_id=zone.id)])
    session.commit()
    at = NOW - timedelta(minutes=5)
    mine = raise_alarm(session, event_id="smoke-1", at=at, school="s1", building="lab", zone="3F").id
    theirs = raise_alarm(session, event_id="smoke-2", at=at, school="s2", building="gym", zone=None).id
    return {"mine": mine, "theirs": theirs}


LEDGER_SEED = _seed


def _for(session, zone="3F", type="fire.smoke_alarm"):
    return reads.card_for(session, school="s1", type=type, domain="environment", building="lab", zone=zone)


def test_an_admin_saves_cards_of_their_school_and_the_most_specific_matches_with_its_cameras(session):
    general = cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=FIRE, now=NOW)
    card = cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=SMOKE_3F, now=NOW)
    session.commit()
    assert card.contacts == "保卫处值班室 0571-8888 1234\n消防 119"
    shown = _for(session)
    assert shown.id == card.id and shown.steps == ["确认火情", "拨打 119", "组织三层疏散"]
    assert [c["dial"] for c in shown.contacts] == ["057188881234", "119"]
    assert [c["name"] for c in shown.cameras] == ["三层走廊摄像机", "实验楼门口"]  # the zone's, then the building's
    assert shown.evacuation == ["沿东侧楼梯疏散至操场"]
    assert _for(session, zone="1F").id == general.id  # another zone: the family's card
    assert reads.card_for(session, school="s2", type="fire.smoke_alarm", domain="environment", building="gym",
                          zone=None) is None  # s2 has no card: s1's never reach it
    actions = [(e.action, e.actor, e.school) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
               if e.action.startswith("response_card")]
    assert actions == [("response_card.create", "s1admin", "s1")] * 2

    edited = cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", card_id=card.id, now=NOW,
                             form=replace(SMOKE_3F, steps="确认火情\n拨打 119"))
    [update] = session.scalars(select(AuditEntry).where(AuditEntry.action == "response_card.update"))
    assert update.after == {"steps": "确认火情\n拨打 119"}  # only what changed
    cards.retire_card(session, actor=S1_ADMIN, scope="s1", school="s1", card_id=edited.id, now=NOW)
    assert _for(session).id == general.id  # retired: no longer matched


REFUSED = [  # (form, the admin's unit, the school, what the Chinese refusal says)
    (SMOKE_3F, "s2", "s1", "管理范围"),
    (replace(SMOKE_3F, contacts="值班室 12345678901234567"), "s1", "s1", "不是电话号码"),
    (replace(SMOKE_3F, title="三层\x07烟感"), "s1", "s1", "不可见字符"),
    (replace(SMOKE_3F, steps="先报警\n\x1b[2J"), "s1", "s1", "处置步骤第 2 行有不可见字符"),
    (replace(SMOKE_3F, alert_type="fire.smok"), "s1", "s1", "不是报警类型"),
    (replace(SMOKE_3F, alert_type=None), "s1", "s1", "默认处置卡"),
    (replace(SMOKE_3F, zone="9F"), "s1", "s1", "没有区域"),
    (replace(SMOKE_3F, steps=""), "s1", "s1", "至少一行"),
]


def test_a_card_that_does_not_check_is_refused_whole_and_a_second_for_the_same_slot_too(session):
    # One database for every case (a PostgreSQL copy costs ~0.4 s): each refusal rolls back.
    for form, scope, school, zh in REFUSED:
        with pytest.raises(LedgerError) as refused:
            cards.save_card(session, actor=S1_ADMIN, scope=scope, school=school, form=form, now=NOW)
        assert zh in refused.value.text("zh") and refused.value.text("en") != refused.value.text("zh"), zh
        session.rollback()
    assert reads.school_cards(session, "s1") == []
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action.like("response_card%"))) == 0
    cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=SMOKE_3F, now=NOW)
    with pytest.raises(LedgerError) as refused:
        cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=replace(SMOKE_3F, title="另一张"),
                        now=NOW)
    assert "已用于同一报警类型和地点" in refused.value.text("zh")


def test_a_use_is_recorded_once_per_alert_card_and_person_and_the_handover_names_it(session, seeded):
    card = cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=SMOKE_3F, now=NOW)
    other = cards.save_card(session, actor=ROOT, scope=None, school="s2", form=FIRE, now=NOW)
    session.commit()
    used_at = datetime.now(timezone.utc)
    assert cards.record_use(session, alert_id=seeded["mine"], card_id=card.id, by="zhangsan", at=used_at,
                            schools=["s1"])
    assert not cards.record_use(session, alert_id=seeded["mine"], card_id=card.id, by="zhangsan", at=used_at,
                                schools=["s1"])  # opened again: nothing new
    for alert, card_id, schools in ((seeded["theirs"], other.id, ["s1"]),  # another school's alert
                                    (seeded["mine"], other.id, None)):  # another school's card
        with pytest.raises(LedgerError):
            cards.record_use(session, alert_id=alert, card_id=card_id, by="zhangsan", at=used_at, schools=schools)
    session.commit()
    assert session.scalar(select(func.count(ResponseCardUse.id))) == 1

    s1 = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    window = ShiftPlan.load(DEFAULT_SHIFTS).current_shift(used_at, TZ)
    report = handover.handover_report(session, school_id=s1.id, window=window, tz=TZ)
    [used] = report["cards_used"]
    assert (used["card"], used["by"], used["type"]) == ("实验楼三层烟感处置", "zhangsan", "fire.smoke_alarm")
    table = next(t for t in handover_view(report, "en")["tables"] if t["key"] == "cards_used")
    assert table["title"] == "Response cards used" and table["rows"][0][2:] == ["Smoke alarm", "实验楼三层烟感处置",
                                                                                 "zhangsan"]


def test_the_same_new_card_sent_twice_is_that_card_not_a_refusal(session):
    """A double tap on 添加 sends the form twice, the second before the first answered: the page shows
    the last answer, which said "not saved: a card is already for this type and place" of the card the
    first had just saved. The same card again is answered as that card, written and audited once."""
    first = cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=SMOKE_3F, now=NOW)
    session.commit()
    again = cards.save_card(session, actor=S1_ADMIN, scope="s1", school="s1", form=SMOKE_3F,
                            now=NOW + timedelta(seconds=1))
    session.commit()
    assert again.id == first.id and len(reads.school_cards(session, "s1")) == 1
    created = select(func.count(AuditEntry.id)).where(AuditEntry.action == "response_card.create")
    assert session.scalar(created) == 1
