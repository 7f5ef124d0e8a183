"""The handover report read from the ledger (queries/ledger/handover.py) on SQLite and a real
PostgreSQL: the figures of a night shift built with the ledger's own write functions, and the
rows read are the ones the pure report needs (not other schools', not alerts closed long ago)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from ledger.commands import alerts, hazard_comments, hazards
from ledger.errors import LedgerError
from ledger.models import AlertEscalation, OrgUnit
from ledger.models.hazard import CommentsAreKept, HazardComment
from ledger.shifts import DEFAULT_SHIFTS, ShiftPlan
from queries.ledger import handover
from queries.ledger.hazard_comments import list_comments
from queries.ledger.hazards import get as get_hazard

TZ = ZoneInfo("Asia/Shanghai")
WINDOW = ShiftPlan.load(DEFAULT_SHIFTS).shift_window(date(2026, 11, 24), "夜班", TZ)
START = WINDOW.start.astimezone(timezone.utc)  # 2026-11-24 12:00 UTC


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def raise_alert(session, school, code, minutes, severity="high", domain="environment"):
    found, _ = alerts.raise_alert(session, school=school, event_id=code, type="fire.smoke_alarm", domain=domain,
                                  severity=severity, raised_at=at(minutes), device=f"dev-{code}",
                                  building="b1", zone=None, detail=None, window=timedelta(minutes=10))
    return found


def step(session, alert, action, minutes, **extra):
    alerts.transition_alert(session, alert=alert, action=action, by="值班员甲", at=at(minutes), **extra)


@pytest.fixture
def night(session):
    """One school's night: the figures below are counted by hand from these rows."""
    school = OrgUnit(code="t-school", kind="school", name_zh="测试学校")
    other = OrgUnit(code="t-other", kind="school", name_zh="别的学校")
    session.add_all([school, other])
    session.flush()
    old = raise_alert(session, school, "old-resolved", -3000)  # closed two days before: never read
    step(session, old, "resolve", -2900, outcome="false_alarm")
    carried = raise_alert(session, school, "carried", -100, severity="critical")  # from the day shift, open
    session.add(AlertEscalation(alert_id=carried.id, level=1, due_at=at(-99), at=at(-99)))
    session.add(AlertEscalation(alert_id=carried.id, level=2, due_at=at(-98), at=at(-98)))
    ack_late = raise_alert(session, school, "ack-in-shift", -30)  # acknowledged 40 min after raising
    step(session, ack_late, "acknowledge", 10)
    done = raise_alert(session, school, "true-alarm", 60, domain="personal_safety")
    step(session, done, "acknowledge", 62)
    step(session, done, "dispatch", 65)
    done.dispatched_to = "保卫处巡逻一队"
    step(session, done, "resolve", 120, outcome="true_alarm")  # 60 min to resolve
    false = raise_alert(session, school, "false-alarm", 200, severity="low")
    step(session, false, "resolve", 205, outcome="false_alarm")  # 5 min, never acknowledged
    nobody = raise_alert(session, school, "unanswered", 700, severity="critical")
    session.add(AlertEscalation(alert_id=nobody.id, level=1, due_at=at(701), at=at(701)))
    session.add(AlertEscalation(alert_id=nobody.id, level=2, due_at=at(722), at=at(722)))  # after 08:00
    next_shift = raise_alert(session, school, "next-shift", 720)  # 08:00 sharp: the day shift's
    raise_alert(session, other, "other-school", 100)  # another school's alert: never in this report
    step(session, carried, "acknowledge", 725)  # acknowledged in the next shift: open at handover

    hazard = hazards.report_hazard(session, school=school, code="H-1", title="通风橱失效", found_at=at(-600),
                                   by="张三", grade="major")
    hazards.transition_hazard(session, hazard=hazard, action="notify", by="王五", at=at(30), note="限期三天")
    hazards.report_hazard(session, school=school, code="H-2", title="灭火器过期", found_at=at(90), by="李四")
    other_hazard = hazards.report_hazard(session, school=other, code="H-1", title="别校隐患", found_at=at(90))
    hazard_comments.add_comment(session, hazard=hazard, by="值班员甲", at=at(40), text="<script>alert(1)</script>")
    hazard_comments.add_comment(session, hazard=hazard, by="值班员甲", at=at(-40), text="白班的意见")
    hazard_comments.add_comment(session, hazard=other_hazard, by="别人", at=at(50), text="别校")
    session.commit()
    return school, next_shift


def test_report_of_a_night_from_the_ledger(session, night):
    school, _ = night
    found = handover.handover_report(session, school_id=school.id, window=WINDOW, tz=TZ)
    assert found["raised"] == {"total": 3, "by_severity": {"critical": 1, "high": 1, "medium": 0, "low": 1},
                               "by_domain": {"environment": 2, "personal_safety": 1}}
    assert found["handled"] == {"acknowledged": 2, "dispatched": 1, "resolved": 2, "true_alarm": 1, "false_alarm": 1}
    assert found["time_to_acknowledge"] == {"count": 2, "mean_s": (40 * 60 + 2 * 60) / 2, "p90_s": 2400.0}
    assert found["time_to_resolve"] == {"count": 2, "mean_s": (60 * 60 + 5 * 60) / 2, "p90_s": 3600.0}
    open_rows = found["open_at_end"]
    assert [(r["code"], r["state"], r["escalation_level"]) for r in open_rows] == [
        ("carried", "new", 2), ("ack-in-shift", "acknowledged", None), ("unanswered", "new", 1)]
    assert open_rows[0]["raised_at"] == at(-100).astimezone(TZ)
    assert [(e["alert"], e["level"]) for e in found["escalations"]] == [("unanswered", 1)]
    changes = [(c["hazard_code"], c["action"], c["from_stage"], c["to_stage"], c["by"])
               for c in found["hazard_changes"]]
    assert changes == [("H-1", "notify", "reported", "notified", "王五"), ("H-2", "report", None, "reported", "李四")]
    assert [(c["hazard_code"], c["text"]) for c in found["comments"]] == [("H-1", "<script>alert(1)</script>")]
    handled = {a["code"]: a for a in found["handled_alerts"]}
    assert set(handled) == {"ack-in-shift", "true-alarm", "false-alarm"}
    assert handled["true-alarm"]["dispatched_to"] == "保卫处巡逻一队"


def test_the_alerts_read_are_the_ones_the_shift_can_hold(session, night):
    school, _ = night
    rows = handover.alert_rows(session, school_id=school.id, start=WINDOW.start, end=WINDOW.end)
    assert sorted(r.code for r in rows) == ["ack-in-shift", "carried", "false-alarm", "true-alarm", "unanswered"]


def test_the_next_shift_sees_its_own(session, night):
    school, _ = night
    day = ShiftPlan.load(DEFAULT_SHIFTS).shift_window(date(2026, 11, 25), "day", TZ)
    found = handover.handover_report(session, school_id=school.id, window=day, tz=TZ)
    assert found["raised"]["total"] == 1
    assert found["handled"]["acknowledged"] == 1  # "carried", at 08:05
    assert [e["level"] for e in found["escalations"]] == [2]  # "unanswered" level 2 at 08:02
    assert [r["code"] for r in found["open_at_end"]] == ["carried", "ack-in-shift", "unanswered", "next-shift"]


def test_comments_list_and_are_kept_as_written(session, night):
    school, _ = night
    hazard = get_hazard(session, school_id=school.id, code="H-1")
    listed = list_comments(session, hazard_id=hazard.id)
    assert [c.text for c in listed] == ["白班的意见", "<script>alert(1)</script>"]
    listed[0].text = "改过的"
    with pytest.raises(CommentsAreKept):
        session.flush()
    session.rollback()
    with pytest.raises(CommentsAreKept):
        session.delete(list_comments(session, hazard_id=hazard.id)[0])
        session.flush()
    session.rollback()


@pytest.mark.parametrize(("typed", "message"), [("", "empty"), ("  \n ", "empty"), ("x" * 2001, "2001 characters"),
                                                (None, "must be text")])
def test_comment_text_is_checked(session, night, typed, message):
    school, _ = night
    hazard = get_hazard(session, school_id=school.id, code="H-1")
    with pytest.raises(LedgerError, match=message):
        hazard_comments.add_comment(session, hazard=hazard, by="x", at=at(1), text=typed)


def test_the_database_refuses_an_over_long_comment_too(session, night):
    """The limit holds for any writer, not only through the API's check."""
    from sqlalchemy.exc import IntegrityError

    school, _ = night
    hazard = get_hazard(session, school_id=school.id, code="H-1")
    session.add(HazardComment(hazard_id=hazard.id, by="x", at=at(1), text="长" * 2001))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    comment = hazard_comments.add_comment(session, hazard=hazard, by="x", at=at(1), text="长" * 2000)
    assert len(comment.text) == 2000  # characters, not bytes, on both back-ends


def test_the_window_queries_are_served_by_indexes(session, night, engine):
    """On SQLite the plan names the index; PostgreSQL prefers a scan of a table this small, so it
    is asked with sequential scans off: the plan then shows an index serves each read."""
    school, _ = night
    sqlite = engine.dialect.name == "sqlite"
    if not sqlite:
        session.execute(text("SET LOCAL enable_seqscan = off"))
    plans = []
    for query in (
        "SELECT code FROM alerts WHERE school_id = :s AND resolved_at >= :t AND raised_at < :t",
        "SELECT code FROM alerts WHERE school_id = :s AND state IN ('new', 'acknowledged', 'dispatched') "
        "AND raised_at < :t",
        "SELECT id FROM hazard_transitions WHERE at >= :t AND at < :t",
        "SELECT id FROM hazard_comments WHERE at >= :t AND at < :t",
    ):
        moment = START.replace(tzinfo=None) if sqlite else START
        rows = session.execute(text(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + query),
                               {"s": school.id, "t": moment})
        plans.append(" ".join(str(r[-1]) for r in rows))
    # Which of the alerts' school-led indexes serves is the planner's choice (0007 added
    # (school_id, raised_at), which fits the second read too); what matters is no full scan.
    names = ["INDEX ix_alerts_school_", "INDEX ix_alerts_school_", "ix_hazard_transitions_at",
             "ix_hazard_comments_at"]
    if sqlite:
        assert all(name in plan and "SCAN" not in plan for name, plan in zip(names, plans)), "\n".join(plans)
    else:  # which of two fitting indexes PostgreSQL takes for a table of a few rows is its choice
        assert all("Index" in plan and "Seq Scan" not in plan for plan in plans), "\n".join(plans)
    session.rollback()
