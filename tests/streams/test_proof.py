"""Alert-handling events must prove they come from the duty console (issue 12, defect 4).

One `alert.resolved` with `"by": "<officer>"` from anyone who could produce closed a critical alert,
and the ledger recorded that officer as having done it. Pure checks of the proof first, then the real
aggregator and recorder over the real broker: a forged step goes to the dead-letter topic with its
reason and changes nothing; the same step taken on the duty console's API goes through."""
from __future__ import annotations

import threading
import time

import pytest
from kafka import KafkaConsumer
from sqlalchemy import select

from dashboard.app import create_app
from kernel import proof
from kernel.connections import sql_engine, sql_sessions
from kernel.contract import BAD_PROOF, Rejection
from ledger.db import migrate
from ledger.models import Alert
from queries.summary import school_summary
from streams.recorder import Recorder
from tests.dashboard.conftest import client_with, issue_token
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed

KEYS = proof.keys_from("a-key-for-these-tests,an-older-key-still-valid")
VALUE = ev.raw(ev.resolve("alarm-1", 1_700_000_000_000, outcome="false_alarm", by="duty-01"))


def test_a_proof_checks_the_exact_bytes_under_any_listed_key():
    signed = proof.headers_for(VALUE, KEYS)
    assert proof.verdict(VALUE, signed, KEYS) is None
    older = proof.headers_for(VALUE, KEYS[1:])  # signed just before a rotation
    assert proof.verdict(VALUE, older, KEYS) is None
    for value, headers, why in [
        (VALUE, None, "no proof header"),
        (VALUE, [("other", b"x")], "no proof header"),
        (VALUE.replace(b"false_alarm", b"true_alarm"), signed, "does not match"),
        (VALUE.replace(b"duty-01", b"duty-02"), signed, "does not match"),
        (VALUE, proof.headers_for(VALUE, proof.keys_from("somebody-elses-key-123")), "does not match"),
        (VALUE, signed + signed, "more than one"),
        (VALUE, [(proof.HEADER, b"\xff" * 64)], "does not match"),
    ]:
        refused = proof.verdict(value, headers, KEYS)
        assert isinstance(refused, Rejection) and refused.reason == BAD_PROOF and why in refused.detail
    assert proof.verdict(VALUE, signed, ()).reason == BAD_PROOF  # nothing to check with: refused
    with pytest.raises(ValueError):
        proof.headers_for(VALUE, ())


def test_the_outbox_signs_every_event_with_a_key_and_holds_back_only_handling_without_one():
    """The hazard steps people take go through the same outbox as the duty console's: signed when a
    key is set; without one they still go (their type needs no proof), a handling step waits."""
    hazard = ev.raw(ev.hazard("accepted", "YH-1", 1_700_000_000_000))
    assert proof.verdict(hazard, proof.headers_for_outbox(hazard, KEYS), KEYS) is None
    assert proof.verdict(VALUE, proof.headers_for_outbox(VALUE, KEYS), KEYS) is None
    assert proof.headers_for_outbox(hazard, ()) is None
    with pytest.raises(ValueError):
        proof.headers_for_outbox(VALUE, ())


def test_only_handling_steps_are_signed():
    assert proof.sign_if_needed(VALUE, KEYS) == proof.headers_for(VALUE, KEYS)
    assert proof.sign_if_needed(ev.raw(ev.smoke(1_700_000_000_000)), KEYS) is None
    assert proof.keys_from(" a , ,b ") == (b"a", b"b") and proof.keys_from("") == ()


@pytest.mark.kafka
def test_a_forged_resolution_is_dead_lettered_and_the_duty_consoles_goes_through(
        kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, secret_key="p" * 32,
                                recorder_group=f"rec-{time.time_ns()}", ledger_refresh_seconds=3600)
    make_topic(kafka_bootstrap, settings, partitions=1)
    engine = sql_engine(settings)
    migrate(engine)
    now = int(time.time() * 1000)
    alarm = ev.smoke(now - 5000, id="alarm-1", severity="critical", school="s1")
    forged = [ev.resolve("alarm-1", now - 4000, id=f"forged-{n}", outcome="false_alarm", by="duty-01")
              for n in range(3)]
    ends = produce(kafka_bootstrap, settings.events_topic,
                   [("s1", ev.raw(alarm))] + [("s1", ev.raw(doc), BAD_PROOF) for doc in forged[:2]])
    # The third forgery carries a proof made with a key the command centre does not hold.
    ends = produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(forged[2]))],
                   signing_key="somebody-elses-key-123")
    recorder = Recorder(settings, engine=engine)
    stop = threading.Event()
    recording = threading.Thread(target=recorder.run, args=(stop,), daemon=True)
    recording.start()
    try:
        with running_aggregator(settings):
            wait_consumed(redis_client, settings, ends)
            summary = school_summary(redis_client, "s1", now_ms=now, tz=settings.tz, group=settings.consumer_group,
                                     stale_after_s=60)
            assert summary["alerts"]["open"] == 1  # the forgeries closed nothing
            assert summary["dead_letters"] == {BAD_PROOF: 3}
            alert = _wait_for_alert(engine, "alarm-1")
            assert (alert.state, alert.resolved_by, alert.outcome) == ("new", None, None)

            # The same step on the duty console: signed by the web app, it closes the alert.
            app = create_app(settings)
            duty = client_with(app, issue_token(settings, role="duty"))
            done = duty.post(f"/api/v1/alerts/{alert.id}/resolve", json={"outcome": "false_alarm", "note": "误报"})
            assert done.status_code == 200 and done.json["published"] == 1, done.json
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                summary = school_summary(redis_client, "s1", now_ms=int(time.time() * 1000), tz=settings.tz,
                                         group=settings.consumer_group, stale_after_s=60)
                if summary["alerts"]["open"] == 0:
                    break
                time.sleep(0.1)
            assert summary["alerts"]["open"] == 0 and summary["dead_letters"] == {BAD_PROOF: 3}
    finally:
        stop.set()
        recording.join(30)
    letters = KafkaConsumer(settings.dead_letter_topic, bootstrap_servers=kafka_bootstrap,
                            auto_offset_reset="earliest", consumer_timeout_ms=5000)
    received = sorted((dict(r.headers)["dlq.reason"], r.value) for r in letters)
    letters.close()
    assert received == sorted((BAD_PROOF.encode(), ev.raw(doc)) for doc in forged)
    with sql_sessions(engine)() as session:
        alert = session.scalar(select(Alert).where(Alert.code == "alarm-1"))
        assert (alert.state, alert.outcome) == ("resolved", "false_alarm")
        assert alert.resolved_by != "duty-01"  # the token that acted, not the name a forgery gave
    engine.dispose()


def _wait_for_alert(engine, code: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sql_sessions(engine)() as session:
            found = session.scalar(select(Alert).where(Alert.code == code))
        if found is not None:
            time.sleep(1)  # the recorder's next batches (the forgeries) land after the alarm's
            with sql_sessions(engine)() as session:
                return session.scalar(select(Alert).where(Alert.code == code))
        time.sleep(0.1)
    raise AssertionError(f"the recorder never recorded {code}")


# ---- issue 15: the steps of hazards the product made --------------------------------------------------

def _product_code(form: str) -> str:
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from ledger.hazard_work_rules import hazard_code
    return hazard_code(form, datetime(2026, 12, 6, 2, tzinfo=timezone.utc), ZoneInfo("Asia/Shanghai"))


def test_a_hazard_the_product_made_needs_the_proof_and_a_campus_systems_does_not():
    from kernel.catalogue import is_product_hazard
    from kernel.contract import validate

    made = _product_code("form-1")
    assert is_product_hazard(made)
    # "YH-" alone is what any system's hazard code might start with (隐患's initials): not reserved.
    for theirs in ("YH-1", "YH-20261206-001", "yh-20261206-3F9A1C2B40", "YH-20261206-3f9a1c2b40",
                   f"{made}-1", f" {made}", "HZ-7", None, 7):
        assert not is_product_hazard(theirs), theirs
    ours = ev.raw(ev.hazard("accepted", made, 1_700_000_000_000))
    theirs = ev.raw(ev.hazard("accepted", "YH-20261206-001", 1_700_000_000_000))
    limits = {"now_ms": 1_700_000_000_000, "max_bytes": 65536, "max_future_ms": 60_000, "max_age_ms": 86_400_000}
    assert proof.needs_proof(validate(ours, **limits))
    assert not proof.needs_proof(validate(theirs, **limits))
    assert proof.sign_if_needed(ours, KEYS) == proof.headers_for(ours, KEYS)
    assert proof.sign_if_needed(theirs, KEYS) is None
    assert proof.headers_for_outbox(theirs, ()) is None  # a campus system's hazard goes unsigned
    with pytest.raises(ValueError):  # the product's own step waits in the outbox for a key
        proof.headers_for_outbox(ours, ())
    spaced = ours.replace(b'"hazard":"', b'"hazard": "')  # another writer's spacing is seen too
    assert proof.sign_if_needed(spaced, KEYS) is not None


@pytest.mark.kafka
def test_forged_steps_of_a_product_hazard_are_dead_lettered_and_move_nothing(
        kafka_bootstrap, redis_client, settings_factory):
    """A hazard reported in the product (hazard_work.report) goes out through the outbox, signed as the
    web app signs it, and lands; an unsigned acceptance of it, one signed with another key and an
    unsigned report of an invented product-shaped code go to the dead-letter topic as bad_proof and
    change neither the wall nor the ledger; a campus system's hazard still needs nothing."""
    from datetime import datetime, timezone

    from kernel import connections
    from ledger.commands import alert_outbox, hazard_work
    from tests.ledger.hazard_work_support import school

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, secret_key="p" * 32,
                                recorder_group=f"rec-{time.time_ns()}", ledger_refresh_seconds=3600)
    make_topic(kafka_bootstrap, settings, partitions=1)
    engine = sql_engine(settings)
    migrate(engine)
    with sql_sessions(engine)() as session:
        li = school(session)["li"]
        reported = hazard_work.report(session, li, school="s1", description="305 实验室燃气软管老化",
                                      client_key="form-0001", now=datetime.now(timezone.utc), building="lab",
                                      zone="3F-305")
        session.commit()
        producer = connections.kafka_producer(settings)
        keys = proof.keys_from(settings.event_signing_key)
        sent = alert_outbox.send(session, producer, settings.events_topic, timeout_s=10,
                                 sign=lambda value: proof.headers_for_outbox(value, keys))
        producer.close()
    made, invented = reported.code, _product_code("form-2")
    assert sent == 1 and made.startswith("YH-")
    now = int(time.time() * 1000)
    forged = [ev.hazard("accepted", made, now - 3000, id="forged-1"),
              ev.hazard("reported", invented, now - 3000, id="forged-2")]
    other_key = ev.hazard("accepted", made, now - 2000, id="forged-3")
    produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(doc), BAD_PROOF) for doc in forged])
    produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(other_key))], signing_key="somebody-elses-key-123")
    ends = produce(kafka_bootstrap, settings.events_topic,
                   [("s1", ev.raw(ev.hazard("reported", "HZ-7", now - 1000, id="theirs-1"))),
                    ("s1", ev.raw(ev.hazard("notified", "HZ-7", now - 500, id="theirs-2")))])
    recorder = Recorder(settings, engine=engine)
    stop = threading.Event()
    recording = threading.Thread(target=recorder.run, args=(stop,), daemon=True)
    recording.start()
    try:
        with running_aggregator(settings):
            wait_consumed(redis_client, settings, ends)
            summary = school_summary(redis_client, "s1", now_ms=now, tz=settings.tz, group=settings.consumer_group,
                                     stale_after_s=60)
            assert summary["dead_letters"] == {BAD_PROOF: 3}
            assert summary["hazards"]["open"] == 2  # ours (reported) and theirs; the forgeries moved nothing
            stages = _wait_for_stage(engine, "HZ-7", "notified")
    finally:
        stop.set()
        recording.join(30)
    assert stages == {made: "reported", "HZ-7": "notified"}  # the invented one was never created
    letters = KafkaConsumer(settings.dead_letter_topic, bootstrap_servers=kafka_bootstrap,
                            auto_offset_reset="earliest", consumer_timeout_ms=5000)
    received = sorted((dict(r.headers)["dlq.reason"], r.value) for r in letters)
    letters.close()
    assert received == sorted((BAD_PROOF.encode(), ev.raw(doc)) for doc in forged + [other_key])
    engine.dispose()


def _wait_for_stage(engine, code: str, stage: str, timeout: float = 30) -> dict:
    from ledger.models import Hazard

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sql_sessions(engine)() as session:
            stages = {code: stage for code, stage in session.execute(select(Hazard.code, Hazard.stage))}
        if stages.get(code) == stage:
            return stages
        time.sleep(0.1)
    raise AssertionError(f"the recorder never put {code} at {stage}")
