"""Reminders and the digest, pure (issue 16): which point is due at a moment (the latest only, after a
sweep that was down for days), the passed reminder at a working hour, the acceptor's daily point, the
digest's and the drill reminder's days, who is reminded when nobody is named, and the words."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from ledger import notify_policy, reminder_text
from ledger import reminders as rules
from ledger.reminders import DigestFigures, Staff

TZ = ZoneInfo("Asia/Shanghai")
POLICY = notify_policy.DEFAULT  # (3, 1, 0) at 08:00, digest 07:30


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_the_points_of_a_deadline_and_the_passed_one_at_the_next_working_hour():
    points = rules.deadline_points(at(10, 18), POLICY, TZ)
    assert [(p.label, p.at) for p in points] == [("3", at(7, 8)), ("1", at(9, 8)), ("0", at(10, 8)),
                                                 (rules.PASSED, at(11, 8))]
    # A deadline at 06:00: its day's 08:00 point is after it (dropped), the passed one is that 08:00.
    early = rules.deadline_points(at(10, 6).astimezone(timezone.utc), POLICY, TZ)
    assert [(p.label, p.at) for p in early] == [("3", at(7, 8)), ("1", at(9, 8)), (rules.PASSED, at(10, 8))]


def test_only_the_latest_point_is_due_even_after_days_without_a_sweep():
    deadline = at(10, 18)
    assert rules.due_point(deadline, at(7, 7, 59), POLICY, TZ) is None
    assert rules.due_point(deadline, at(7, 8), POLICY, TZ).label == "3"
    assert rules.due_point(deadline, at(9, 23), POLICY, TZ).label == "1"  # down since the 6th: one, not two
    assert rules.due_point(deadline, at(10, 19), POLICY, TZ).label == "0"  # past the deadline, not yet 08:00
    assert rules.due_point(deadline, at(20, 9), POLICY, TZ).label == rules.PASSED
    key = rules.hazard_key(5, deadline, rules.due_point(deadline, at(9, 9), POLICY, TZ), TZ)
    assert key == "hazard:5:due:2026-12-10:1"
    assert rules.hazard_key(5, at(12, 18), rules.due_point(at(12, 18), at(9, 9), POLICY, TZ), TZ) \
        == "hazard:5:due:2026-12-12:3"  # a moved deadline: a key of its own
    none = notify_policy.from_form("", "", "", "09:00", "")
    assert [p.label for p in rules.deadline_points(deadline, none, TZ)] == [rules.PASSED]


def test_an_acceptor_is_reminded_at_the_start_then_once_a_day_from_the_next_day():
    since = at(6, 7, 59)
    assert rules.waiting_point(since, at(6, 7, 58), POLICY, TZ) is None
    assert rules.waiting_point(since, at(6, 8, 1), POLICY, TZ) == rules.START  # not a second one at 08:00
    assert rules.waiting_point(since, at(7, 7, 59), POLICY, TZ) == rules.START
    assert rules.waiting_point(since, at(7, 8), POLICY, TZ) == "2026-12-07"
    assert rules.waiting_point(since, at(9, 7), POLICY, TZ) == "2026-12-08"
    assert rules.acceptance_key(3, 44, "2026-12-08") == "hazard:3:accept:44:2026-12-08"


def test_the_digest_from_its_time_each_day_and_the_drill_reminder_weeks_into_the_term():
    assert rules.digest_day(at(7, 7, 29), POLICY, TZ) is None
    assert rules.digest_day(at(7, 7, 30), POLICY, TZ) == date(2026, 12, 7)
    assert rules.digest_day(at(7, 23), POLICY, TZ) == date(2026, 12, 7)  # late rather than never
    assert rules.digest_day(at(7, 9), notify_policy.from_form("", "", "", "08:00", ""), TZ) is None  # off
    assert rules.drill_term(at(12, 8, month=10), POLICY, TZ) is None  # term from 1 September: 6 weeks = 13 Oct
    term = rules.drill_term(at(13, 8, month=10), POLICY, TZ)
    assert term.start == date(2026, 9, 1) and rules.drill_key("s1", term) == "drill:s1:T2026-09-01"
    assert rules.drill_term(at(6, 9), POLICY, TZ) == term


def test_who_is_reminded_when_nobody_or_an_acceptor_is_named():
    staff = [Staff(1, "safety", 10), Staff(2, "safety", 20), Staff(3, "inspector", 10), Staff(4, "leader", 10),
             Staff(5, "inspector", 1)]
    assert rules.hazard_recipients(responsible=9, responsible_active=True, responsible_unit=20, school_id=10,
                                   staff=staff) == ((9,), False)
    assert rules.hazard_recipients(responsible=9, responsible_active=False, responsible_unit=20, school_id=10,
                                   staff=staff) == ((2,), True)  # the responsible unit's safety people
    assert rules.hazard_recipients(responsible=None, responsible_active=False, responsible_unit=None, school_id=10,
                                   staff=staff) == ((1,), True)  # the school's safety office
    assert rules.acceptors(reporter=3, responsible=9, fed_back_by=frozenset({9}), school_id=10, staff=staff) == (3,)
    assert rules.acceptors(reporter=3, responsible=3, fed_back_by=frozenset(), school_id=10, staff=staff) == (1,)
    assert rules.acceptors(reporter=None, responsible=9, fed_back_by=frozenset({1}), school_id=10,
                           staff=staff) == (3,)  # the safety officer fed it back: the school's inspectors
    assert rules.leaders(10, staff) == (4,) and rules.safety_office(10, staff) == (1,)


def test_the_words_of_each_reminder():
    title, text = reminder_text.hazard_reminder(
        title="配电箱门损坏", grade="major", stage="rectifying", place="实验楼", deadline=at(10, 18), point="3",
        now=at(7, 8), tz=TZ, link=reminder_text.hazard_link("https://aq.example.cn/", "s1", "H 1"), unassigned=False)
    assert title == "【重大隐患整改提醒】配电箱门损坏"
    assert text.splitlines()[1:] == ["地点：实验楼", "整改期限：12-10 18:00（还有 3 天）", "当前：整改中",
                                     "查看：https://aq.example.cn/m/hazards/s1/H%201"]
    title, text = reminder_text.hazard_reminder(
        title="灭火器过期", grade="ordinary", stage="notified", place=None, deadline=at(10, 18), point=rules.PASSED,
        now=at(12, 8), tz=TZ, link=None, unassigned=True)
    assert title == "【隐患已逾期】灭火器过期" and "（已逾期 2 天）" in text and "未指定整改责任人" in text
    empty = DigestFigures(0, 0, 0, 0, 3, 0, 0, 0)
    title, text = reminder_text.digest(school_zh="第一中学", day=date(2026, 12, 7), figures=empty, link=None)
    assert text == "【安全日报】第一中学 12月7日：昨日无新增隐患，无逾期、重大隐患，无未处理告警，本月无漏检"
    busy = DigestFigures(2, 1, 3, 1, 9, 4, 1, None)
    _, text = reminder_text.digest(school_zh="第一中学", day=date(2026, 12, 7), figures=busy,
                                   link=reminder_text.lead_link("https://aq.example.cn", "s1"))
    assert text.splitlines()[1:] == ["昨日新增隐患 2 条（重大 1 条）", "逾期未整改 3 条", "重大隐患未销号 1 条",
                                     "在办隐患共 9 条", "未处理告警 4 条（特别严重 1 条）",
                                     "详情：https://aq.example.cn/lead?school=s1"]
    _, text = reminder_text.acceptance_reminder(title="灭火器过期", grade="ordinary", place="食堂", since=at(6, 10),
                                                now=at(8, 8), tz=TZ, link=None)
    assert "整改已于 12-06 10:00 反馈，已等待 2 天，请验收" in text
    _, text = reminder_text.drill_reminder(school_zh="第一中学", term_zh="2026–2027学年第一学期", weeks=6,
                                           untrained=True, link=None)
    assert "已过 6 周" in text and "第9条" in text
    assert notify_policy.DEFAULT.reminder_at == time(8, 0)
