"""Deductions entered by hand (ledger/commands/assessment.py) and carried by events (the recorder):
held to their article of seed 001 attachment 2, the person's role and scope; a refusal in both
languages saves nothing; a double submit is one deduction. On SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from kernel.connections import sql_sessions
from kernel.contract import validate
from ledger import scoring
from ledger.commands import assessment
from ledger.commands.audit import Actor
from ledger.commands.recording import INVALID_DEDUCTION, record_event
from ledger.errors import LedgerError
from ledger.models import AssessmentDeduction, AuditEntry, RefusedEvent
from tests.ledger.cli_runner import run_ledger
from tests.ledger.register_support import NOW, school_with_buildings
from tests.streams import events as ev

TZ = ZoneInfo("Asia/Shanghai")
RULES = scoring.Rules.load()
OFFICE = Actor("保卫处李明", "safety", "10.0.0.2")


def enter(db, *, actor=OFFICE, scope=frozenset({"s1"}), unit="s1-chem", article=8, count=1, reason="告知牌破损",
          request_id=None):
    return assessment.enter_deduction(db, actor=actor, scope=scope, unit=unit, article=article, count=count,
                                      reason=reason, now=NOW, tz=TZ, rules=RULES, request_id=request_id)


def saved(db):
    return db.scalar(select(func.count()).select_from(AssessmentDeduction)), \
        db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "assessment.deduct"))


def test_a_finding_is_saved_with_its_points_and_audited(session):
    school_with_buildings(session)
    done = enter(session, article=10, count=3, reason="三名岗位人员不清楚本岗位风险\x07")
    assert (done.article, done.count, done.points, done.period, done.created) == (10, 3, 6.0, "2026", True)
    assert done.reason == "三名岗位人员不清楚本岗位风险"  # control characters dropped, text kept
    assert done.unit == "s1-chem" and done.by == "保卫处李明"
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "assessment.deduct"))
    assert entry.target == "unit:s1-chem" and entry.school == "s1" and entry.after["points"] == 6.0
    school = enter(session, unit="s1", article=5, count=1, reason="")  # against the school itself
    assert school.reason.startswith("未成立") and school.points == 10  # no reason: the article's title
    assert saved(session) == (2, 2)


@pytest.mark.parametrize("article, count, en, zh", [
    (99, 1, "no article 99", "没有第99条"),
    (17, 1, "article 17 is computed", "第17条由系统根据台账记录"),
    (7, 1, "article 7 is computed", "不能手工录入"),
    (8, 0, "at least one place", "至少为 1 处"),
    (8, -2, "at least one place", "至少为 1 处"),
    (5, 2, "at most 10 points a year", "每年最多扣10分"),
    (10, scoring.MAX_COUNT + 1, f"at most {scoring.MAX_COUNT} people", "一次录入至多"),
    (8, 1.5, "whole number", "整数"),
    ("8", 1, "the article is a number", "条款应为数字"),
])
def test_a_finding_its_article_does_not_allow_is_refused_in_both_languages_and_saves_nothing(
        session, article, count, en, zh):
    school_with_buildings(session)
    with pytest.raises(LedgerError) as refused:
        enter(session, article=article, count=count)
    assert en in str(refused.value) and zh in refused.value.zh
    assert saved(session) == (0, 0)


def test_an_article_deducted_once_a_year_is_refused_the_second_time(session):
    school_with_buildings(session)
    enter(session, article=6, count=1)
    with pytest.raises(LedgerError, match="deducted once a year") as refused:
        enter(session, article=6, count=1)
    assert "每年只扣一次" in refused.value.zh
    assert saved(session) == (1, 1)
    enter(session, unit="s1", article=6)  # another unit (the school itself) is another account


def test_the_person_their_scope_and_the_unit_are_checked(session):
    school_with_buildings(session)
    for kwargs, en in [
        ({"actor": Actor("值班员", "duty")}, "only the safety office"),
        ({"actor": Actor("巡检员", "inspector")}, "only the safety office"),
        ({"scope": frozenset({"s2"})}, "outside the schools you assess"),
        ({"unit": "s2-office"}, "outside the schools you assess"),
        ({"unit": "nowhere"}, "no school or unit"),
        ({"unit": "d1"}, "no school or unit"),  # a district is not assessed here
        ({"reason": "长" * (assessment.MAX_REASON + 1)}, "at most 500 characters"),
    ]:
        with pytest.raises(LedgerError, match=en) as refused:
            enter(session, **kwargs)
        assert refused.value.zh
    assert saved(session) == (0, 0)
    assert enter(session, scope=None, unit="s2-office").created  # every school: an admin of the tree


def test_a_form_sent_twice_is_one_deduction(session):
    school_with_buildings(session)
    first = enter(session, request_id="form-1")
    again = enter(session, request_id="form-1")
    assert first.created and not again.created and again.id == first.id
    assert saved(session) == (1, 1)
    with pytest.raises(LedgerError, match="another deduction"):
        enter(session, article=11, request_id="form-1")
    with pytest.raises(LedgerError, match="request id"):
        enter(session, request_id="x\n" * 60)


def _event(session, **data):
    doc = ev.event("assessment.deduction", "mechanisms", int(time.time() * 1000) - 60_000, **data)
    event = validate(ev.raw(doc), now_ms=int(time.time() * 1000), max_bytes=16384, max_future_ms=300_000,
                     max_age_ms=7 * 86_400_000)
    return record_event(session, event, alert_severity=None, group_window=timedelta(seconds=600), tz=TZ,
                        assessment_rules=RULES)


def test_a_deduction_event_is_held_to_its_article_too(session):
    school_with_buildings(session)
    assert _event(session, unit="化学组", article=8, points=4, reason="两处告知牌破损") is None
    row = session.scalar(select(AssessmentDeduction))
    assert (row.article, row.count, row.points) == (8, 2, 4.0)
    for data in [dict(article=17, points=5), dict(article=3, points=1), dict(article=8, points=3),
                 dict(article=8, points=-2), dict(article=5, points=20)]:
        refusal = _event(session, unit="s1-chem", **data)
        assert refusal is not None and refusal.reason == INVALID_DEDUCTION, data
    assert _event(session, unit="s1-chem", article=5, points=10) is None
    refusal = _event(session, unit="s1-chem", article=5, points=10)  # once a year
    assert refusal.reason == INVALID_DEDUCTION and "once a year" in refusal.detail
    assert session.scalar(select(func.count()).select_from(AssessmentDeduction)) == 2
    assert session.scalar(select(func.count()).select_from(RefusedEvent)) == 6


def test_the_command_line_enters_a_finding_or_says_why_not(session, ledger_settings):
    school_with_buildings(session)
    session.commit()
    done = run_ledger(ledger_settings.database_url, "assessment", "deduct", "--unit", "s1-chem", "--article", "10",
                      "--count", "2", "--reason", "两名岗位人员不清楚本岗位风险")
    assert done.returncode == 0, done.stderr
    assert "deducted 4 points from s1-chem 化学组 under article 10" in done.stdout
    refused = run_ledger(ledger_settings.database_url, "assessment", "deduct", "--unit", "s1-chem", "--article", "17")
    assert refused.returncode == 1 and "article 17 is computed" in refused.stderr and "不能手工录入" in refused.stderr
    session.expire_all()
    row = session.scalar(select(AssessmentDeduction))
    assert (row.article, row.count, row.points, row.by[:4]) == (10, 2, 4.0, "cli:")
    assert saved(session) == (1, 1)


def test_two_inspectors_at_once_cannot_both_pass_the_maximum(engine, session):
    school_with_buildings(session)
    session.commit()
    sessions = sql_sessions(engine)
    first = sessions()
    enter(first, article=6)  # not committed yet: holds the unit (PostgreSQL) or the write lock (SQLite)
    said = {}

    def second():
        with sessions() as db:
            try:
                enter(db, article=6)
                db.commit()
                said["second"] = "saved"
            except LedgerError as exc:
                said["second"] = str(exc)

    other = threading.Thread(target=second)
    other.start()
    time.sleep(0.5)
    assert other.is_alive()  # it waits for the first, rather than reading the year's total before it
    first.commit()
    first.close()
    other.join(20)
    assert "deducted once a year" in said["second"]
    session.expire_all()
    assert saved(session) == (1, 1)


def _score(db, unit: str) -> float:
    from ledger.models import OrgUnit
    from queries.ledger.assessment import school_scores

    school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    now = NOW + timedelta(minutes=5)
    scores = school_scores(db, school=school, today=now.astimezone(TZ).date(), now=now, review_days=365, rules=RULES)
    return next(s["score"] for s in scores if s["unit"] == unit)


def test_a_deduction_entered_by_mistake_is_withdrawn_with_a_reason_audited_and_the_score_recomputed(session):
    school_with_buildings(session)
    base = _score(session, "s1-chem")
    wrong = enter(session, article=6, reason="误录：应为另一单位")
    kept = enter(session, article=8, count=2)
    assert _score(session, "s1-chem") == base - 10 - 4
    later = NOW + timedelta(minutes=1)
    for kwargs, error in [
        ({"actor": Actor("巡检员", "inspector")}, "only the safety office"),
        ({"reason": " \x07 "}, "say why"),
        ({"reason": "长" * (assessment.MAX_REASON + 1)}, "at most 500 characters"),
        ({"scope": frozenset({"s2"})}, "no deduction"),  # another school's office learns nothing of it
        ({"deduction_id": 99_999}, "no deduction"),
        ({"deduction_id": True}, "no deduction"),
        ({"deduction_id": "1"}, "no deduction"),
    ]:
        values = dict(actor=OFFICE, scope=frozenset({"s1"}), deduction_id=wrong.id, reason="录错单位", now=later)
        with pytest.raises(LedgerError, match=error) as refused:
            assessment.withdraw_deduction(session, **{**values, **kwargs})
        assert refused.value.zh
    assert session.get(AssessmentDeduction, wrong.id).withdrawn_at is None

    done = assessment.withdraw_deduction(session, actor=OFFICE, scope=frozenset({"s1"}), deduction_id=wrong.id,
                                         reason="录错单位\x1b", now=later)
    assert (done.written, done.reason, done.withdrawn_by, done.points) == (True, "录错单位", "保卫处李明", 10.0)
    again = assessment.withdraw_deduction(session, actor=OFFICE, scope=None, deduction_id=wrong.id, reason="再撤一次",
                                          now=later + timedelta(minutes=1))
    assert (again.written, again.reason, again.withdrawn_at) == (False, "录错单位", later)  # the first stands
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "assessment.withdraw"))
    assert (entry.target, entry.school, entry.before["article"], entry.before["points"], entry.after["reason"]) == (
        "unit:s1-chem", "s1", 6, 10.0, "录错单位")
    row = session.get(AssessmentDeduction, wrong.id)
    assert (row.counts, row.withdrawn_by, row.article) == (False, "保卫处李明", 6)  # kept, counted no more
    assert _score(session, "s1-chem") == base - 4  # recomputed without it
    # The once-a-year article is free again: the right deduction can be entered (a correction).
    assert enter(session, unit="s1-chem", article=6, reason="复核属实").created
    assert session.get(AssessmentDeduction, kept.id).counts


def test_the_command_line_lists_and_withdraws_a_deduction(session, ledger_settings):
    school_with_buildings(session)
    session.commit()
    done = run_ledger(ledger_settings.database_url, "assessment", "deduct", "--unit", "s1-chem", "--article", "10",
                      "--reason", "误录")
    assert done.returncode == 0, done.stderr
    row_id = session.scalar(select(AssessmentDeduction.id))
    session.rollback()  # SQLite: a transaction of this session would hold the command's write lock
    assert f"(deduction {row_id})" in done.stdout
    listed = run_ledger(ledger_settings.database_url, "assessment", "list", "--unit", "s1-chem", "--year", "2026")
    assert listed.returncode == 0 and f"{row_id}\tart. 10\t-2" in listed.stdout and "counts" in listed.stdout
    gone = run_ledger(ledger_settings.database_url, "assessment", "withdraw", "--id", str(row_id), "--reason", "录错")
    assert gone.returncode == 0 and f"withdrew deduction {row_id}" in gone.stdout, gone.stderr
    refused = run_ledger(ledger_settings.database_url, "assessment", "withdraw", "--id", "999", "--reason", "x")
    assert refused.returncode == 1 and "no deduction" in refused.stderr and "没有扣分记录" in refused.stderr
    listed = run_ledger(ledger_settings.database_url, "assessment", "list", "--unit", "s1-chem", "--year", "2026")
    assert "withdrawn by cli:" in listed.stdout and "录错" in listed.stdout
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "assessment.withdraw")) == 1
