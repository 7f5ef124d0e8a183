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
    assert proof.sign_if_handling(VALUE, KEYS) == proof.headers_for(VALUE, KEYS)
    assert proof.sign_if_handling(ev.raw(ev.smoke(1_700_000_000_000)), KEYS) is None
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
