"""Contract events into the ledger: the hazard loop, refused steps, grouped alarms, replays."""
from __future__ import annotations

import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from kernel.contract import validate
from ledger.commands.recording import ILLEGAL_TRANSITION, UNKNOWN_ALERT, UNKNOWN_HAZARD, record_event
from ledger.models import Alert, AlertOccurrence, Hazard, HazardTransition, LoopViolation
from queries.ledger import figures
from streams import ledger_figures
from streams.alert_rules import load_rules
from tests.streams import events as ev

TZ = ZoneInfo("Asia/Shanghai")


def _valid(doc):
    event = validate(ev.raw(doc), now_ms=int(time.time() * 1000), max_bytes=16384,
                     max_future_ms=300_000, max_age_ms=7 * 86_400_000)
    assert not hasattr(event, "reason"), event
    return event


def _record(session, ledger_settings, doc):
    rules = load_rules(ledger_settings.alert_rules_file)
    event = _valid(doc)
    return record_event(session, event, alert_severity=rules.severity_for(event),
                        group_window=timedelta(seconds=600), tz=TZ)


def _from(doc, device):
    """The event as the named device sends it (the envelope's `source`)."""
    return {**doc, "source": device}


def _now_ms():
    return int(time.time() * 1000) - 3_600_000


def test_a_hazard_goes_round_the_loop_with_every_step_kept(session, ledger_settings):
    t = _now_ms()
    steps = ["reported", "notified", "rectifying", "feedback", "rejected", "feedback", "accepted"]
    for i, stage in enumerate(steps):
        extra = {"grade": "major", "deadline": "2030-01-01", "title": "燃气软管老化"} if i == 0 else {}
        assert _record(session, ledger_settings, ev.hazard(stage, "HZ-1", t + i * 60_000, **extra)) is None
    hazard = session.scalar(select(Hazard))
    assert hazard.stage == "accepted" and hazard.closed_at is not None
    assert hazard.grade == "major" and hazard.listed_supervision
    assert [s.action for s in hazard.transitions] == ["report", "notify", "rectify", "feedback", "reject",
                                                       "feedback", "accept"]
    assert hazard.title == "燃气软管老化"


def test_an_illegal_step_is_refused_and_kept_as_a_loop_violation(session, ledger_settings):
    t = _now_ms()
    _record(session, ledger_settings, ev.hazard("reported", "HZ-2", t))
    refusal = _record(session, ledger_settings, ev.hazard("accepted", "HZ-2", t + 1000))  # skips the loop
    assert refusal.reason == ILLEGAL_TRANSITION and "allowed: notify" in refusal.detail
    assert session.scalar(select(Hazard.stage)) == "reported"
    violation = session.scalar(select(LoopViolation))
    assert (violation.hazard_code, violation.action, violation.stage) == ("HZ-2", "accept", "reported")


def test_a_step_for_a_hazard_never_reported_is_refused(session, ledger_settings):
    refusal = _record(session, ledger_settings, ev.hazard("notified", "HZ-404", _now_ms()))
    assert refusal.reason == UNKNOWN_HAZARD


def test_repeated_alarms_of_one_device_are_one_alert_with_a_count(session, ledger_settings):
    t = _now_ms()
    first = _from(ev.smoke(t), "smoke-1")
    _record(session, ledger_settings, first)
    for minute in (2, 5, 9):  # each within 10 minutes of the one before
        _record(session, ledger_settings, _from(ev.smoke(t + minute * 60_000), "smoke-1"))
    _record(session, ledger_settings, _from(ev.smoke(t + 3 * 60_000), "smoke-2"))  # another device
    _record(session, ledger_settings, _from(ev.smoke(t + 30 * 60_000), "smoke-1"))  # after the window
    alerts = session.scalars(select(Alert).order_by(Alert.id)).all()
    assert [(a.device, a.count) for a in alerts] == [("smoke-1", 4), ("smoke-2", 1), ("smoke-1", 1)]
    assert alerts[0].code == first["id"] and alerts[0].severity == "critical"


def test_acknowledging_and_resolving_follow_the_alert_and_its_grouped_alarms(session, ledger_settings):
    t = _now_ms()
    first, repeat = _from(ev.smoke(t), "smoke-9"), _from(ev.smoke(t + 60_000), "smoke-9")
    _record(session, ledger_settings, first)
    _record(session, ledger_settings, repeat)
    assert _record(session, ledger_settings, ev.event("alert.acknowledged", "operations", t + 120_000,
                                                      alert=repeat["id"], by="duty-01")) is None
    assert _record(session, ledger_settings, ev.resolve(first["id"], t + 180_000, outcome="false_alarm",
                                                        by="duty-01")) is None
    alert = session.scalar(select(Alert))
    assert (alert.state, alert.outcome, alert.acknowledged_by) == ("resolved", "false_alarm", "duty-01")
    assert [s.action for s in alert.transitions] == ["acknowledge", "resolve"]
    assert _record(session, ledger_settings, ev.resolve("no-such-alarm", t)).reason == UNKNOWN_ALERT


def test_the_same_event_twice_is_recorded_once(session, ledger_settings):
    t = _now_ms()
    alarm = _from(ev.smoke(t), "smoke-3")
    step = ev.hazard("reported", "HZ-3", t)
    for _ in range(3):
        _record(session, ledger_settings, alarm)
        _record(session, ledger_settings, step)
    assert session.scalar(select(func.count()).select_from(AlertOccurrence)) == 1
    assert session.scalar(select(Alert.count)) == 1
    assert session.scalar(select(func.count()).select_from(HazardTransition)) == 1
    assert session.scalar(select(func.count()).select_from(LoopViolation)) == 0


def test_ledger_figures_reach_redis_for_the_wall(session, ledger_settings, redis_client):
    t = _now_ms()
    _record(session, ledger_settings, ev.hazard("reported", "HZ-4", t, grade="major", deadline="2020-01-01"))
    _record(session, ledger_settings, ev.hazard("reported", "HZ-5", t))
    _record(session, ledger_settings, _from(ev.smoke(t), "smoke-4"))
    session.commit()
    from datetime import datetime, timezone
    ledger_figures.refresh(session, redis_client, now=datetime.now(timezone.utc), due_soon_days=3)
    stored = figures.read(redis_client, "s1")
    assert stored["hazards"]["by_stage"]["reported"] == 2
    assert stored["hazards"]["overdue"] == 1 and stored["hazards"]["major_open"] == 1
    assert stored["hazards"]["listed_supervision"][0]["code"] == "HZ-4"
    assert stored["hazards"]["rectification_rate"] == 0
    assert stored["alerts"]["open_by_severity"]["critical"] == 1


def test_todays_live_totals_are_kept_as_the_days_history(session, ledger_settings, redis_client):
    from datetime import datetime, timezone

    from kernel import keys
    from ledger.commands import history
    from ledger.models import DailyTotals

    _record(session, ledger_settings, ev.smoke(_now_ms()))  # registers school s1
    now = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 on the 24th in Shanghai
    redis_client.hset(keys.day_counts("s1", "20261124"), mapping={
        "visitors_checked_in": 17, "seen|staff": 40, "seen|student": 900, "vehicles_seen": 12})
    assert history.snapshot_days(session, redis_client, school_codes=["s1"], now=now, tz=TZ) == 1
    redis_client.hset(keys.day_counts("s1", "20261124"), "visitors_checked_in", 21)
    history.snapshot_days(session, redis_client, school_codes=["s1"], now=now, tz=TZ)  # the day goes on
    row = session.scalar(select(DailyTotals))
    assert (str(row.day), row.visitors_checked_in, row.staff_seen, row.students_seen, row.vehicles_seen) == \
        ("2026-11-24", 21, 40, 900, 12)
    assert session.scalar(select(func.count()).select_from(DailyTotals)) == 1


def test_the_risk_register_lists_by_level_whatever_the_method(session, ledger_settings):
    from datetime import date

    from ledger.commands.recording import school_for
    from ledger.commands.risk_points import save_risk_point
    from ledger.grading import GradingRules
    from ledger.models import RiskPoint
    from queries.ledger import org
    from queries.ledger.risk_points import list_risk_points

    school = school_for(session, "s1")
    day = date(2026, 1, 1)
    save_risk_point(session, RiskPoint(school_id=school.id, code="LEC-blue", name="配电室", method="LEC",
                                       control_level="post", l_value=1, e_value=3, c_value=15,
                                       identified_on=day, last_reviewed_on=day),
                    rules=GradingRules())  # D = 45: blue
    save_risk_point(session, RiskPoint(school_id=school.id, code="LS-yellow", name="楼梯间", method="LS",
                                       control_level="post", l_value=3, s_value=4,
                                       identified_on=day, last_reviewed_on=day),
                    rules=GradingRules())  # R = 12: yellow
    rows, total = list_risk_points(session, school_id=school.id)
    assert [r.code for r in rows] == ["LS-yellow", "LEC-blue"] and total == 2
    assert org.find_school(session, "s1") is school
