"""The duty console's reads and the escalation records, with a controllable clock, on SQLite and
PostgreSQL: order and filters of open alerts, escalation levels that stop at acknowledgement, and
sweeps running at once recording each level once."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from kernel.connections import sql_sessions
from kernel.settings import DEFAULT_ALERT_DEADLINES
from ledger.commands.alert_handling import handle
from ledger.commands.escalations import sweep_escalations
from ledger.escalation import Deadlines
from ledger.models import AlertEscalation
from queries.ledger.alert_console import alert_history, console_alerts, console_filters
from tests.ledger.alarms import raise_alarm
from tests.ledger.conftest import NOW

DEADLINES = Deadlines.load(DEFAULT_ALERT_DEADLINES)  # critical 60 s, high 300 s; three levels


def at(seconds: float):
    return NOW + timedelta(seconds=seconds)


def levels(session, alert_id):
    found = [(e.level, e.due_at) for e in session.scalars(
        select(AlertEscalation).where(AlertEscalation.alert_id == alert_id).order_by(AlertEscalation.level))]
    session.rollback()
    return found


def test_levels_are_recorded_as_deadlines_pass_and_stop_at_acknowledgement(session):
    fire = raise_alarm(session, event_id="fire", at=NOW)
    gas = raise_alarm(session, event_id="gas", at=NOW, type="sensor.gas", device="gas-1")
    assert sweep_escalations(session, now=at(60), deadlines=DEADLINES) == []  # at the deadline: in time
    first = sweep_escalations(session, now=at(61), deadlines=DEADLINES)
    assert sorted((e.alert_id, e.level, e.due_at) for e in first) == [(fire.id, 1, at(60)), (gas.id, 1, at(60))]
    assert sweep_escalations(session, now=at(62), deadlines=DEADLINES) == []  # recorded once
    assert handle(session, alert_id=gas.id, action="acknowledge", by="张三", at=at(90)).ok
    later = sweep_escalations(session, now=at(3600), deadlines=DEADLINES)
    assert sorted((e.alert_id, e.level) for e in later) == [(fire.id, 2), (fire.id, 3)]  # three at most
    assert levels(session, fire.id) == [(1, at(60)), (2, at(120)), (3, at(180))]
    assert levels(session, gas.id) == [(1, at(60))]  # acknowledged at 90 s: no level after that
    history = alert_history(session, alert_id=gas.id)
    assert [(h.kind, h.at, h.level) for h in history] == [("raised", NOW, None), ("escalate", at(60), 1),
                                                          ("acknowledge", at(90), None)]


def test_sweeps_running_at_once_record_each_level_once(engine):
    sessions = sql_sessions(engine)
    with sessions() as s:
        ids = [raise_alarm(s, event_id=f"a{i}", at=NOW, device=f"d{i}").id for i in range(20)]
    barrier = threading.Barrier(3)
    inserted: list = []

    def sweeper():
        with sessions() as s:
            barrier.wait()
            inserted.extend(sweep_escalations(s, now=at(200), deadlines=DEADLINES))

    threads = [threading.Thread(target=sweeper) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    expected = sorted((i, level) for i in ids for level in (1, 2, 3))
    assert sorted((e.alert_id, e.level) for e in inserted) == expected  # each returned by one sweep only
    with sessions() as s:
        assert sorted(s.execute(select(AlertEscalation.alert_id, AlertEscalation.level)).all()) == expected


def test_open_alerts_come_unacknowledged_first_then_by_severity_then_oldest(session):
    old_high = raise_alarm(session, event_id="h-old", at=at(-600), type="perimeter.intrusion", severity="high",
                           domain="active_defence", device="fence-1", building="gate")
    new_high = raise_alarm(session, event_id="h-new", at=at(-60), type="perimeter.intrusion", severity="high",
                           domain="active_defence", device="fence-2", building="gate")
    critical = raise_alarm(session, event_id="c", at=at(-30), building="lab")
    acked = raise_alarm(session, event_id="acked", at=at(-900), device="smoke-9", building="lab")
    resolved = raise_alarm(session, event_id="done", at=at(-5), device="smoke-8", building="lab")
    other_school = raise_alarm(session, event_id="s2", at=at(-5), school="s2", device="smoke-1")
    raise_alarm(session, event_id="c-again", at=at(-10), building="lab")  # grouped into `critical`
    handle(session, alert_id=acked.id, action="acknowledge", by="张三", at=at(-800))
    handle(session, alert_id=acked.id, action="dispatch", by="张三", at=at(-790), assignee="保卫处")
    handle(session, alert_id=resolved.id, action="resolve", by="张三", at=at(-1), note="误触", outcome="false_alarm")
    rows = console_alerts(session, schools=["s1"], now=NOW, deadlines=DEADLINES)
    assert [a.id for a in rows] == [critical.id, old_high.id, new_high.id, acked.id]
    by_id = {a.id: a for a in rows}
    assert by_id[critical.id].count == 2 and by_id[critical.id].last_raised_at == at(-10)
    assert not by_id[critical.id].escalated and by_id[critical.id].due_at == at(30)
    assert by_id[old_high.id].escalated and by_id[old_high.id].escalation_level == 1  # 600 s > 300 s
    assert not by_id[new_high.id].escalated
    assert (by_id[acked.id].state, by_id[acked.id].dispatched_to, by_id[acked.id].acknowledged_by) == (
        "dispatched", "保卫处", "张三")
    assert not by_id[acked.id].escalated  # long past its deadline, but acknowledged
    assert {a.id for a in console_alerts(session, schools=None, now=NOW, deadlines=DEADLINES)} == {
        critical.id, old_high.id, new_high.id, acked.id, other_school.id}
    only = console_alerts(session, schools=["s1"], now=NOW, deadlines=DEADLINES, domain="active_defence",
                          building="gate", type="perimeter.intrusion")
    assert [a.id for a in only] == [old_high.id, new_high.id]
    assert [a.id for a in console_alerts(session, schools=["s1"], now=NOW, deadlines=DEADLINES, limit=1)] == [
        critical.id]
    assert console_filters(session, schools=["s1"]) == {
        "domains": ["active_defence", "environment"], "buildings": ["gate", "lab"],
        "types": ["fire.smoke_alarm", "perimeter.intrusion"]}
    assert rows[0].as_dict()["school"] == "s1"


def test_the_history_of_an_unknown_or_unreadable_alert_is_none(session):
    alert = raise_alarm(session, event_id="a1", at=NOW, school="s2")
    assert alert_history(session, alert_id=alert.id + 1) is None
    assert alert_history(session, alert_id=alert.id, schools=frozenset({"s1"})) is None
    assert [h.kind for h in alert_history(session, alert_id=alert.id, schools=frozenset({"s2"}))] == ["raised"]
