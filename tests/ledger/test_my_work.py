""""My work" (queries/ledger/my_work.py), on SQLite and PostgreSQL: what waits for each person in
the hazard loop by what they are to it, with due soon and overdue; and a reporter's own reports."""
from __future__ import annotations

from datetime import timedelta

from ledger.commands import hazard_supervision, hazard_work
from queries.ledger import my_work
from tests.ledger.hazard_work_support import NOW, school

SOON = 3.0  # HAZARD_DUE_SOON_DAYS


def _report(session, people, key, grade="ordinary", who="li"):
    return hazard_work.report(session, people[who], school="s1", description=f"隐患 {key}", client_key=f"form-{key}",
                              now=NOW, building="lab", grade=grade).code


def _notice(session, people, code, days, who="zhou"):
    hazard_work.assign(session, people["an"], school="s1", code=code, now=NOW, grade="ordinary",
                       responsible_unit="s1-chem", responsible_user_id=people[who].user_id,
                       deadline=NOW + timedelta(days=days), requirement="整改")


def _lists(session, person, at):
    return {w.kind: w for w in my_work.my_work(session, person, now=at, due_soon_days=SOON)}


def test_each_person_sees_what_waits_for_them(session):
    people = school(session)
    new = _report(session, people, "new00001")
    notified = _report(session, people, "notice01")
    _notice(session, people, notified, days=10)
    late = _report(session, people, "late0001")
    _notice(session, people, late, days=1)
    hazard_work.start(session, people["zhou"], school="s1", code=late, now=NOW)
    fed = _report(session, people, "fed00001")
    _notice(session, people, fed, days=5)
    hazard_work.start(session, people["zhou"], school="s1", code=fed, now=NOW)
    hazard_work.feed_back(session, people["zhou"], school="s1", code=fed, now=NOW, measures="已处理")
    listed = _report(session, people, "major001", grade="major", who="an")
    hazard_supervision.supervise(session, people["wang"], school="s1", code=listed, now=NOW,
                                 deadline=NOW + timedelta(days=1), instructions="督办")
    unlisted = _report(session, people, "major002", grade="major", who="an")
    at = NOW + timedelta(days=2)

    office = _lists(session, people["an"], at)
    assert list(office) == ["to_assign", "to_start", "in_rectification", "to_accept"]
    assert {i.code for i in office["to_assign"].items} == {new, listed, unlisted}  # no deadline yet
    assert [i.code for i in office["to_accept"].items] == [fed] and not office["to_start"].items

    worker = _lists(session, people["zhou"], at)
    assert list(worker) == ["to_start", "in_rectification"]  # a reporter assigns and accepts nothing
    assert [i.code for i in worker["to_start"].items] == [notified]
    rectifying = worker["in_rectification"]
    assert [i.code for i in rectifying.items] == [late] and rectifying.overdue == 1 and rectifying.items[0].overdue
    assert rectifying.items[0].days_left == -1.0 and rectifying.items[0].responsible_person == "周师傅"
    soon = _lists(session, people["zhou"], NOW + timedelta(days=8))["to_start"]
    assert (soon.due_soon, soon.overdue) == (1, 0)

    recorded = _report(session, people, "byoffice")  # the office feeds back for zhou: not its to accept
    _notice(session, people, recorded, days=5)
    hazard_work.start(session, people["an"], school="s1", code=recorded, now=NOW)
    hazard_work.feed_back(session, people["an"], school="s1", code=recorded, now=NOW, measures="代为登记")
    assert [i.code for i in _lists(session, people["an"], at)["to_accept"].items] == [fed]
    inspector = _lists(session, people["yan"], at)
    assert list(inspector) == ["to_start", "in_rectification", "to_accept"]
    assert {i.code for i in inspector["to_accept"].items} == {fed, recorded}

    district = _lists(session, people["wang"], at)
    assert [i.code for i in district["to_supervise"].items] == [unlisted]
    supervised = district["supervised"]
    assert [i.code for i in supervised.items] == [listed] and supervised.overdue == 1  # its own deadline passed
    assert supervised.items[0].supervised and supervised.items[0].school_zh == "第一中学"
    assert "to_supervise" not in _lists(session, people["xiao"], at)  # the school's own leadership
    other = _lists(session, people["liu"], at)  # another district: none of s1's
    assert all(not w.items for w in other.values()) and "supervised" in other
    assert supervised.name("zh") == "挂牌督办中" and supervised.name("en") == "Listed for supervision"

    mine = my_work.my_reports(session, people["li"], now=at, due_soon_days=SOON)
    assert {i.code for i in mine} == {new, notified, late, fed, recorded}
    assert {i.code: i.stage for i in mine}[fed] == "feedback"

    names = {name for _, name, _ in my_work.responsible_candidates(session, "s1")}
    assert {"周师傅", "严老师", "安主任", "李老师", "王科长", "肖校长"} <= names
    assert not names & {"刘科长", "高老师"} and my_work.responsible_candidates(session, "nowhere") == []
