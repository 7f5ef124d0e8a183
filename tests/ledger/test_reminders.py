"""The reminder sweep on a constructed ledger, on SQLite and PostgreSQL (issue 16): a clock walked
through a week, every six hours, each step swept twice. Each deadline point once and the passed one
once, a moved deadline reminded anew, the acceptor at the start and once a day until accepted, the
digest once a day with the day's figures to the school's own leaders, the drill reminder once per
term, a second sweep adding nothing, and a school of another district never given this one's messages."""
from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ledger.commands import audit
from ledger.commands import notify_policy as policy_commands
from ledger.models import (
    Alert,
    Drill,
    Hazard,
    HazardTransition,
    NotifyAddress,
    NotifyChannel,
    NotifyOutbox,
    OrgUnit,
    ReminderMark,
    User,
)
from queries.ledger import notify_policy as policy_reads
from queries.ledger import reminders as reads
from streams import reminders
from streams.notifier import Notifier

TZ = ZoneInfo("Asia/Shanghai")
URL = "https://aq.example.cn"


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def build(session) -> dict:
    d1 = OrgUnit(code="d1", kind="district", name_zh="示范区")
    s1 = OrgUnit(code="s1", kind="school", name_zh="第一中学", parent=d1)
    u1 = OrgUnit(code="s1-lab", kind="unit", name_zh="化学系", parent=s1)
    d2 = OrgUnit(code="d2", kind="district", name_zh="邻区")
    s2 = OrgUnit(code="s2", kind="school", name_zh="邻区中学", parent=d2)
    session.add_all([d1, s1, u1, d2, s2])
    session.flush()
    # Each district's SMS gateway serves its schools (ledger/commands/notify.targets).
    session.add_all([NotifyChannel(unit_id=d.id, kind="sms", name="短信", config={"url": "http://127.0.0.1:9/sms"})
                     for d in (d1, d2)])
    people = {}
    for n, (name, role, unit) in enumerate([("zhang", "reporter", s1), ("li", "safety", s1), ("zhao", "inspector", s1),
                                            ("chen", "leader", s1), ("dl", "leader", d1), ("s2lead", "leader", s2),
                                            ("s2safe", "safety", s2), ("s2work", "reporter", s2)]):
        user = User(username=name, display_name=name, role=role, password_hash="x", unit_id=unit.id)
        session.add(user)
        session.flush()
        session.add(NotifyAddress(user_id=user.id, kind="phone", value=f"1380013{n:04d}"))
        people[name] = user.id
    policy_commands.set_policy(session, actor=audit.Actor("admin", "admin"), scope=None, unit_id=d2.id,
                               form={"quiet_start": "", "quiet_end": "", "reminder_days": "3,1,0",
                                     "reminder_at": "09:00", "digest_at": "08:00"}, now=at(1, 9))

    def hazard(school, code, title, **values):
        row = Hazard(school_id=school.id, code=code, title=title, **{"found_at": at(30, 9, month=11), **values})
        session.add(row)
        session.flush()
        return row.id

    ids = {
        "h1": hazard(s1, "H1", "灭火器过期", stage="rectifying", deadline=at(10, 18), found_at=at(6, 9),
                     responsible_user_id=people["zhang"], reported_by_user_id=people["zhao"]),
        # Nobody named, a unit without safety people: the school's safety office is reminded.
        "h2": hazard(s1, "H2", "配电箱门损坏", grade="major", stage="notified", deadline=at(9, 18),
                     responsible_unit_id=u1.id),
        "h3": hazard(s1, "H3", "楼梯扶手松动", stage="feedback", deadline=at(20, 18),
                     responsible_user_id=people["zhang"], reported_by_user_id=people["zhao"]),
        "s2h": hazard(s2, "H1", "邻区隐患", stage="rectifying", deadline=at(20, 18),
                      responsible_user_id=people["s2work"]),
    }
    session.add(HazardTransition(hazard_id=ids["h3"], action="feedback", from_stage="rectifying", to_stage="feedback",
                                 by="zhang", at=at(6, 6), by_user_id=people["zhang"]))
    session.add(Alert(school_id=s1.id, code="e1", type="smoke", domain="environment", severity="critical",
                      group_key="smoke@d1", raised_at=at(5, 3), last_raised_at=at(5, 3)))
    session.add(Drill(school_id=s2.id, kind="drill", title="疏散演练", held_on=date(2026, 11, 2),
                      participant_count=300, recorded_by="s2safe"))
    session.commit()
    return {**people, **ids, "s1": s1.id, "s2": s2.id}


LEDGER_SEED = build


def _sweep(session, now):
    return reminders.sweep(session, now=now, tz=TZ, public_url=URL)


def test_a_week_of_sweeps_sends_each_reminder_once_to_its_own_people(session, seeded, engine, ledger_settings):
    assert {s.code: s.policy for s in reads.schools(session)} == {
        code: policy_reads.policy_for(session, code) for code in ("s1", "s2")}  # the batch walk agrees

    first = _sweep(session, at(6, 7, 45))
    # H2's 3-day point (6 Dec 08:00) is not due yet; the feedback waits (start), the digest (07:30), the
    # term is 14 weeks in without a drill.
    assert first == {"acceptance": 1, "digest": 1, "drill": 1, "rows": 3}
    now, sent_by_step = at(6, 7, 45), {}
    while now <= at(13, 13, 45):
        if now >= at(8, 18) and session.get(Hazard, seeded["h2"]).deadline == at(9, 18):
            session.get(Hazard, seeded["h2"]).deadline = at(12, 18)  # the deadline moved: reminded anew
        if now >= at(9, 10):
            session.get(Hazard, seeded["h3"]).stage = "accepted"
        sent_by_step[now] = _sweep(session, now)
        before = session.scalar(select(NotifyOutbox.id).order_by(NotifyOutbox.id.desc()).limit(1))
        assert _sweep(session, now) == {}  # run twice: nothing new
        assert session.scalar(select(NotifyOutbox.id).order_by(NotifyOutbox.id.desc()).limit(1)) == before
        now += timedelta(hours=6)

    marks = {m.key: m for m in session.scalars(select(ReminderMark))}
    h1, h2, h3 = seeded["h1"], seeded["h2"], seeded["h3"]
    assert sorted(k for k in marks if k.startswith(f"hazard:{h1}:")) == [
        f"hazard:{h1}:due:2026-12-10:{p}" for p in ("0", "1", "3", "passed")]
    assert sorted(k for k in marks if k.startswith(f"hazard:{h2}:")) == [
        f"hazard:{h2}:due:2026-12-09:{p}" for p in ("1", "3")] + [
        f"hazard:{h2}:due:2026-12-12:{p}" for p in ("0", "1", "3", "passed")]
    assert sorted(k for k in marks if k.startswith(f"hazard:{h3}:")) == [
        f"hazard:{h3}:accept:{_feedback(session, h3)}:{p}" for p in ("2026-12-07", "2026-12-08", "start")]
    assert sorted(k for k in marks if k.startswith("digest:s1:")) == [
        f"digest:s1:2026-12-{d:02d}" for d in range(6, 14)]
    assert sorted(k for k in marks if k.startswith("digest:s2:")) == [
        f"digest:s2:2026-12-{d:02d}" for d in range(6, 14)]
    assert [k for k in marks if k.startswith("drill:")] == ["drill:s1:T2026-09-01"]  # s2 held its drill
    assert all(m.reached == 1 for m in marks.values())  # one person's phone each
    # 11 Dec 08:00: H2's 1-day point (its deadline now the 12th) and H1's passed one, and at 09:00 the
    # other district's digest (its own policy): all at the first sweep after, 13:45.
    assert sent_by_step[at(11, 13, 45)] == {"hazard_due": 1, "hazard_passed": 1, "digest": 1, "rows": 3}

    rows = session.scalars(select(NotifyOutbox).order_by(NotifyOutbox.id)).all()
    to = {r.message_key: r.user_id for r in rows}
    assert to[f"hazard:{h1}:due:2026-12-10:3"] == seeded["zhang"]
    assert to[f"hazard:{h2}:due:2026-12-12:3"] == seeded["li"]  # nobody named: the safety office
    assert to[f"hazard:{h3}:accept:{_feedback(session, h3)}:start"] == seeded["zhao"]  # who found it accepts it
    assert to["drill:s1:T2026-09-01"] == seeded["li"]
    assert {to[k] for k in to if k.startswith("digest:s1:")} == {seeded["chen"]}  # not the district's leader
    # Another district's school: its own people, its own district's gateway, none of this school's messages.
    s1_people = {seeded[n] for n in ("zhang", "li", "zhao", "chen", "dl")}
    channel = {r.school: r.channel_id for r in rows}
    assert all(r.user_id in s1_people and r.channel_id == channel["s1"] for r in rows if r.school == "s1")
    assert all(r.user_id not in s1_people and r.channel_id == channel["s2"] for r in rows if r.school == "s2")
    assert channel["s1"] != channel["s2"]
    assert Counter(r.school for r in rows)["s2"] == 8  # its digests only (its hazard is due on the 20th)

    text = {r.message_key: r.text for r in rows}
    assert text["digest:s1:2026-12-07"].splitlines()[1:] == [
        "昨日新增隐患 1 条", "逾期未整改 0 条", "重大隐患未销号 1 条", "在办隐患共 3 条",
        "未处理告警 1 条（特别严重 1 条）",
        "详情：https://aq.example.cn/lead?school=s1"]
    assert "逾期未整改 1 条" in text["digest:s1:2026-12-11"]  # H1 since the 10th, 18:00
    assert text["digest:s2:2026-12-07"] == (
        "【安全日报】邻区中学 12月7日：昨日无新增隐患，无逾期、重大隐患，无未处理告警\n详情：https://aq.example.cn/lead?school=s2")
    assert rows[0].created_at == at(6, 7, 45) and "未指定整改责任人" in text[f"hazard:{h2}:due:2026-12-09:3"]
    assert text[f"hazard:{h1}:due:2026-12-10:passed"].splitlines()[:3] == [
        "【隐患已逾期】灭火器过期", "地点：未指定", "整改期限：12-10 18:00（已逾期 1 天）"]

    # The next term: the drill reminder once more, six weeks in (1 February + 6 weeks = 15 March), to
    # both schools (the other one's drill was last term's).
    assert "drill" not in _sweep(session, at(14, 7, month=3, year=2027))
    assert _sweep(session, at(15, 9, month=3, year=2027)).get("drill") == 2
    assert session.get(ReminderMark, "drill:s1:T2027-02-01") and session.get(ReminderMark, "drill:s2:T2027-02-01")
    # Quiet hours hold a school's reminders back (the other school's digest goes).
    policy_commands.set_policy(session, actor=audit.Actor("admin", "admin"), scope=None, unit_id=seeded["s1"],
                               form={"quiet_start": "22:00", "quiet_end": "07:00", "reminder_days": "3,1,0",
                                     "reminder_at": "08:00", "digest_at": "07:30"}, now=at(15, 9, month=3, year=2027))
    session.commit()
    assert _sweep(session, at(16, 23, month=3, year=2027)) == {"digest": 1, "rows": 1}
    assert session.get(ReminderMark, "digest:s2:2027-03-16") and not session.get(ReminderMark, "digest:s1:2027-03-16")
    session.rollback()
    # The notifier's loop runs the same sweep (every reminders.SWEEP_SECONDS) with its settings.
    notifier = Notifier(dataclasses.replace(ledger_settings, public_url=URL), engine=engine)
    try:
        assert notifier.sweep_reminders(at(17, 9, month=3, year=2027)) == {"digest": 2, "rows": 2}
    finally:
        notifier.close()


def _feedback(session, hazard_id: int) -> int:
    return session.scalar(select(HazardTransition.id).where(HazardTransition.hazard_id == hazard_id))
