"""Duty officers' steps on alerts, on SQLite and PostgreSQL: who and when, validation, two officers
at once, a step racing the recorder folding a repeat alarm in, and the events each step publishes."""
from __future__ import annotations

import threading
from collections import namedtuple
from datetime import datetime, timedelta, timezone

import pytest
from kafka import TopicPartition
from sqlalchemy import event as sa_event
from sqlalchemy import select

from kernel import contract
from kernel.connections import sql_sessions
from ledger.commands.alert_handling import AlertNotFound, HandlingError, handle
from ledger.commands.recording import record_event
from ledger.models import Alert, AlertTransition
from queries.ledger import alert_console
from tests.ledger.alarms import outbox, raise_alarm
from tests.ledger.conftest import NOW
from tests.streams import events as ev

LATER = NOW + timedelta(seconds=30)


def steps(session, alert_id):
    rows = session.scalars(select(AlertTransition).where(AlertTransition.alert_id == alert_id)
                           .order_by(AlertTransition.id)).all()
    session.rollback()
    return [(t.action, t.by, t.note, t.assignee, t.outcome) for t in rows]


def test_acknowledge_dispatch_resolve_record_who_when_and_publish_one_event_per_alarm(session):
    alert = raise_alarm(session, event_id="a1", at=NOW)
    raise_alarm(session, event_id="a2", at=NOW + timedelta(seconds=5))  # grouped: same detector
    first = handle(session, alert_id=alert.id, action="acknowledge", by="张三", at=LATER)
    assert first.ok and first.state == "acknowledged" and first.conflict is None
    assert [(e["id"], e["type"], e["data"], e["source"], e["school"]) for e in first.events] == [
        ("duty-acknowledge-a1", "alert.acknowledged", {"alert": "a1", "by": "张三"}, "duty-console", "s1"),
        ("duty-acknowledge-a2", "alert.acknowledged", {"alert": "a2", "by": "张三"}, "duty-console", "s1"),
    ]
    # Every event is a valid contract event the aggregator will take.
    assert all(isinstance(contract.validate(ev.raw(e), now_ms=int(LATER.timestamp() * 1000), max_bytes=16384,
                                            max_future_ms=300_000, max_age_ms=7 * 86_400_000), contract.Event)
               for e in first.events)
    sent = handle(session, alert_id=alert.id, action="dispatch", by="李四", at=LATER + timedelta(seconds=10),
                  note="带灭火器上三楼", assignee="保卫处一组")
    assert sent.ok and sent.state == "dispatched"
    assert sent.events[0]["data"] == {"alert": "a1", "by": "李四", "assignee": "保卫处一组"}
    done = handle(session, alert_id=alert.id, action="resolve", by="李四", at=LATER + timedelta(minutes=5),
                  note="烧水壶冒蒸汽", outcome="false_alarm")
    assert done.ok and done.state == "resolved" and done.events[1]["data"]["outcome"] == "false_alarm"
    row = session.get(Alert, alert.id)
    session.refresh(row)
    assert (row.acknowledged_by, row.acknowledged_at, row.dispatched_to, row.outcome, row.resolved_by) == (
        "张三", LATER, "保卫处一组", "false_alarm", "李四")
    assert steps(session, alert.id) == [("acknowledge", "张三", "", None, None),
                                        ("dispatch", "李四", "带灭火器上三楼", "保卫处一组", None),
                                        ("resolve", "李四", "烧水壶冒蒸汽", None, "false_alarm")]
    assert len(outbox(session)) == 6  # three steps, two alarms each: sent by the caller, then deleted
    history = alert_console.alert_history(session, alert_id=alert.id)
    assert [(h.kind, h.by) for h in history] == [("raised", None), ("repeat", None), ("acknowledge", "张三"),
                                                ("dispatch", "李四"), ("resolve", "李四")]
    assert history[3].assignee == "保卫处一组" and history[4].outcome == "false_alarm"


@pytest.mark.parametrize("action, kwargs, message", [
    ("dispatch", {}, "assignee"),
    ("dispatch", {"assignee": "   "}, "assignee"),
    ("resolve", {"note": "查看了"}, "outcome"),
    ("resolve", {"note": "查看了", "outcome": "maybe"}, "outcome"),
    ("resolve", {"outcome": "true_alarm"}, "outcome note"),
    ("acknowledge", {"note": "x" * 2001}, "at most 2000"),
    ("acknowledge", {"outcome": "true_alarm"}, "only a resolution"),
    ("escalate", {}, "unknown action"),
])
def test_bad_input_is_refused_with_what_is_wrong(session, action, kwargs, message):
    alert = raise_alarm(session, event_id="a1", at=NOW)
    if action == "dispatch":
        handle(session, alert_id=alert.id, action="acknowledge", by="张三", at=LATER)
    with pytest.raises(HandlingError, match=message):
        handle(session, alert_id=alert.id, action=action, by="张三", at=LATER, **kwargs)


def test_dispatch_before_acknowledgement_is_refused_not_a_conflict(session):
    alert = raise_alarm(session, event_id="a1", at=NOW)
    with pytest.raises(HandlingError, match="cannot be 'dispatch'-ed"):
        handle(session, alert_id=alert.id, action="dispatch", by="张三", at=LATER, assignee="一组")


def test_an_alert_of_another_school_is_as_unknown_as_a_missing_one(session):
    alert = raise_alarm(session, event_id="a1", at=NOW, school="s2")
    with pytest.raises(AlertNotFound):
        handle(session, alert_id=alert.id, action="acknowledge", by="张三", at=LATER, schools=frozenset({"s1"}))
    with pytest.raises(AlertNotFound):
        handle(session, alert_id=alert.id + 100, action="acknowledge", by="张三", at=LATER)
    assert handle(session, alert_id=alert.id, action="acknowledge", by="张三", at=LATER,
                  schools=frozenset({"s2"})).ok


def test_the_second_officer_is_told_who_acted_first(session):
    alert = raise_alarm(session, event_id="a1", at=NOW)
    assert handle(session, alert_id=alert.id, action="acknowledge", by="张三", at=LATER).ok
    late = handle(session, alert_id=alert.id, action="acknowledge", by="李四", at=LATER + timedelta(seconds=1))
    assert not late.ok and late.events == [] and late.state == "acknowledged"
    assert (late.conflict.action, late.conflict.by, late.conflict.at) == ("acknowledge", "张三", LATER)
    handle(session, alert_id=alert.id, action="resolve", by="张三", at=LATER, note="处置完毕", outcome="true_alarm")
    gone = handle(session, alert_id=alert.id, action="dispatch", by="李四", at=LATER, assignee="一组")
    assert not gone.ok and (gone.conflict.action, gone.conflict.state) == ("resolve", "resolved")


def test_two_officers_acknowledging_at_the_same_moment_one_wins(engine):
    """Real concurrency: two connections, released together by a barrier, several rounds."""
    sessions = sql_sessions(engine)
    with sessions() as s:
        ids = [raise_alarm(s, event_id=f"a{i}", at=NOW, device=f"smoke-{i}").id for i in range(5)]
    for alert_id in ids:
        barrier = threading.Barrier(2)
        results = {}

        def officer(name, alert_id=alert_id, barrier=barrier, results=results):
            with sessions() as s:
                barrier.wait()
                results[name] = handle(s, alert_id=alert_id, action="acknowledge", by=name, at=LATER)

        threads = [threading.Thread(target=officer, args=(n,)) for n in ("张三", "李四")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        won = [n for n, r in results.items() if r.ok]
        lost = [r for r in results.values() if not r.ok]
        assert len(won) == 1 and len(lost) == 1, results
        assert lost[0].conflict.by == won[0] and lost[0].conflict.action == "acknowledge"
        with sessions() as s:
            assert steps(s, alert_id) == [("acknowledge", won[0], "", None, None)]
            assert [e["data"]["by"] for e in outbox(s) if e["data"]["alert"] == f"a{ids.index(alert_id)}"] == won


Record = namedtuple("Record", "offset key value")


@pytest.mark.parametrize("order", ["repeat_first", "ack_first"])
def test_an_acknowledgement_racing_a_repeat_alarm_loses_nothing(engine, settings_factory, ledger_settings,
                                                               redis_client, order):
    """The recorder folds a repeat alarm into the alert while an officer acknowledges it. Whatever
    the database lets happen first, the step is taken once, not reported as a conflict, and every
    alarm of the alert has its acknowledgement event (from the step or from the recorder)."""
    from streams.recorder import Recorder

    settings = settings_factory(database_url=ledger_settings.database_url)
    sessions = sql_sessions(engine)
    # The recorder validates event times against the real clock: these alarms happen now.
    raised = datetime.now(timezone.utc).replace(microsecond=0)
    acked = raised + timedelta(seconds=20)
    with sessions() as s:
        alert_id = raise_alarm(s, event_id="a1", at=raised, device="smoke-305").id
    # The recorder's real batch path; it reads no Kafka here (the batch is handed to it), so the
    # consumer and producer are never used: placeholders, not fakes of behaviour.
    recorder = Recorder(settings, consumer=object(), producer=object(), client=redis_client, engine=engine)
    now_ms = int(raised.timestamp() * 1000) + 10_000
    repeat = {**ev.event("fire.smoke_alarm", "environment", now_ms, id="a2", severity="critical"),
              "source": "smoke-305", "building": "chem", "zone": "3F"}
    folded, acknowledged = threading.Event(), threading.Event()
    result = {}
    hook = "after_flush" if order == "repeat_first" else "before_flush"

    @sa_event.listens_for(recorder.sessions, hook)
    def pause(session, *_):
        if folded.is_set() or not any(isinstance(o, Alert) for o in session.dirty):
            return
        folded.set()
        # repeat_first: the fold is flushed (the row is locked); let the officer's UPDATE run into it.
        # ack_first: the alert is read, not written; let the officer commit first (PostgreSQL lets
        # him; SQLite's write lock, which the recorder's batch holds, makes him wait: the wait ends).
        acknowledged.wait(0.5 if order == "repeat_first" else 3)

    def officer():
        folded.wait(30)
        with sessions() as s:
            result["ack"] = handle(s, alert_id=alert_id, action="acknowledge", by="张三", at=acked)
        acknowledged.set()

    thread = threading.Thread(target=officer)
    thread.start()
    recorder.process(TopicPartition(settings.events_topic, 0), [Record(0, b"s1", ev.raw(repeat))])
    thread.join(60)
    assert result["ack"].ok and result["ack"].conflict is None
    with sessions() as s:
        alert = s.get(Alert, alert_id)
        assert (alert.state, alert.count) == ("acknowledged", 2)
        assert steps(s, alert_id) == [("acknowledge", "张三", "", None, None)]
        acks = {}
        for e in outbox(s):
            assert e["type"] == "alert.acknowledged" and e["data"]["by"] == "张三"
            acks[e["data"]["alert"]] = e["id"]
    assert acks == {"a1": "duty-acknowledge-a1", "a2": "duty-acknowledge-a2"}


def test_the_consoles_own_events_coming_back_are_no_ops_and_another_systems_dispatch_is_recorded(session):
    alert = raise_alarm(session, event_id="a1", at=NOW)
    raise_alarm(session, event_id="a2", at=NOW)
    step = handle(session, alert_id=alert.id, action="acknowledge", by="张三", at=LATER)
    tz = NOW.tzinfo
    for doc in step.events:
        parsed = contract.validate(ev.raw(doc), now_ms=int(LATER.timestamp() * 1000), max_bytes=16384,
                                   max_future_ms=300_000, max_age_ms=7 * 86_400_000)
        assert record_event(session, parsed, alert_severity=None, group_window=timedelta(minutes=10), tz=tz) is None
    session.commit()
    assert steps(session, alert.id) == [("acknowledge", "张三", "", None, None)]
    outside = ev.event("alert.dispatched", "operations", int(LATER.timestamp() * 1000) + 1000, alert="a2",
                       by="指挥中心", assignee="消防队")
    parsed = contract.validate(ev.raw(outside), now_ms=int(LATER.timestamp() * 1000) + 1000, max_bytes=16384,
                               max_future_ms=300_000, max_age_ms=7 * 86_400_000)
    assert record_event(session, parsed, alert_severity=None, group_window=timedelta(minutes=10), tz=tz) is None
    session.commit()
    assert steps(session, alert.id)[-1] == ("dispatch", "指挥中心", "", "消防队", None)
    assert session.get(Alert, alert.id).dispatched_to == "消防队"
