"""The recorder against the real broker and SQL: a full replay and SIGKILLs write nothing twice.

Each run's ledger is dumped without row ids and timestamps of when work happened, and compared
with one clean pass over the same topic into an empty database.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest
import redis
from sqlalchemy import delete, select

from kernel import keys
from kernel.connections import sql_engine, sql_sessions
from ledger.db import migrate
from ledger.models import (
    Alert,
    AlertOccurrence,
    AlertTransition,
    Hazard,
    HazardTransition,
    LoopViolation,
    OrgUnit,
    RecorderOffset,
    RefusedEvent,
)
from streams.recorder import Recorder
from tests.streams.harness import KILLED_SESSION_MS, make_topic, produce
from tests.streams.stream import generate

pytestmark = pytest.mark.kafka
SCHOOLS = ("s1", "s2", "s3")


def dump(engine) -> dict:
    """What the ledger holds, in a form that does not depend on row ids or batch boundaries."""
    with sql_sessions(engine)() as session:
        # Schools are registered in the order their first event arrives: compare them by code.
        school = {u.id: u.code for u in session.scalars(select(OrgUnit))}
        hazards = {(school[h.school_id], h.code): (h.stage, h.grade, [(t.action, t.event_id) for t in h.transitions])
                   for h in session.scalars(select(Hazard))}
        alerts = {a.code: (school[a.school_id], a.count, a.state, a.severity, sorted(o.event_id for o in a.occurrences),
                           [(t.action, t.event_id) for t in a.transitions]) for a in session.scalars(select(Alert))}
        violations = sorted((school[v.school_id], v.hazard_code, v.action, v.stage, v.event_id)
                            for v in session.scalars(select(LoopViolation)))
        refused = sorted((r.event_id, r.reason) for r in session.scalars(select(RefusedEvent)))
        counts = [len(session.scalars(select(model)).all())
                  for model in (HazardTransition, AlertOccurrence, AlertTransition)]
    return {"hazards": hazards, "alerts": alerts, "violations": violations, "refused": refused, "rows": counts}


def recorder_letters(client, settings, partitions) -> dict:
    out = {}
    for p in partitions:
        stored = client.hgetall(keys.dead_letters(settings.recorder_group, settings.events_topic, p))
        stored.pop("next", None)
        out[p] = stored
    return out


def wait_recorded(engine, settings, ends, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sql_sessions(engine)() as session:
            stored = {r.partition: r.next_offset for r in session.scalars(select(RecorderOffset).where(
                RecorderOffset.consumer_group == settings.recorder_group))}
        if all(stored.get(p, -1) >= end for p, end in ends.items()):
            return
        time.sleep(0.2)
    raise AssertionError(f"not recorded in {timeout} s: {stored} < {ends}")


def run_recorder(settings, engine, ends):
    recorder = Recorder(settings, engine=sql_engine(settings))
    stop = threading.Event()
    thread = threading.Thread(target=recorder.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_recorded(engine, settings, ends)
    finally:
        stop.set()
        thread.join(30)


@pytest.fixture
def stream(kafka_bootstrap, settings_factory, ledger_settings):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, database_url=ledger_settings.database_url,
                                recorder_group=f"rec-{time.time_ns()}", ledger_refresh_seconds=3600)
    make_topic(kafka_bootstrap, settings)
    messages, _good = generate(seed=11, count=500, now_ms=int(time.time() * 1000), schools=SCHOOLS, bad_every=40)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    return settings, ends


def test_a_full_replay_writes_nothing_twice(stream, engine, redis_client):
    settings, ends = stream
    run_recorder(settings, engine, ends)
    first = dump(engine)
    assert first["alerts"] and first["hazards"] and first["violations"]  # the stream exercises all three
    letters = recorder_letters(redis_client, settings, ends)
    assert any(letters.values())  # illegal steps and unknown hazards were dead-lettered
    with sql_sessions(engine)() as session, session.begin():
        session.execute(delete(RecorderOffset))  # forget every offset: read the topic again from the start
    run_recorder(settings, engine, ends)
    assert dump(engine) == first
    assert recorder_letters(redis_client, settings, ends) == letters  # counted once


def recorder_process(settings, log):
    env = dict(os.environ, REDIS_URL=settings.redis_url, KAFKA_BOOTSTRAP_SERVERS=settings.kafka_bootstrap_servers,
               EVENTS_TOPIC=settings.events_topic, DEAD_LETTER_TOPIC=settings.dead_letter_topic,
               RECORDER_GROUP=settings.recorder_group, DATABASE_URL=settings.database_url,
               POLL_MAX_RECORDS="15", LEDGER_REFRESH_SECONDS="3600", KAFKA_SESSION_TIMEOUT_MS=KILLED_SESSION_MS,
               EVENT_SIGNING_KEY=settings.event_signing_key)
    return subprocess.Popen([sys.executable, "-m", "streams.recorder"], env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def recorded_so_far(engine, settings) -> int:
    with sql_sessions(engine)() as session:
        return sum(r.next_offset for r in session.scalars(select(RecorderOffset).where(
            RecorderOffset.consumer_group == settings.recorder_group)))


def test_sigkill_mid_batch_and_restart_equals_one_clean_pass(stream, engine, settings_factory, tmp_path,
                                                            redis_client):
    settings, ends = stream
    rng = random.Random(5)
    total = sum(ends.values())
    with open(tmp_path / "recorder.log", "w") as log:
        for kill in range(3):
            process = recorder_process(settings, log)
            target = recorded_so_far(engine, settings) + rng.randint(20, 120)
            deadline = time.monotonic() + 90
            while recorded_so_far(engine, settings) < min(target, total - 1) and time.monotonic() < deadline:
                time.sleep(0.01)
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        process = recorder_process(settings, log)
        try:
            wait_recorded(engine, settings, ends)
        finally:
            process.terminate()
            process.wait(30)
    killed = dump(engine)

    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    clean = settings_factory(kafka_bootstrap_servers=settings.kafka_bootstrap_servers,
                             events_topic=settings.events_topic, database_url=clean_url,
                             recorder_group=f"clean-{time.time_ns()}", ledger_refresh_seconds=3600,
                             redis_url=settings.redis_url.rsplit("/", 1)[0] + "/1")
    clean_engine = sql_engine(clean)
    migrate(clean_engine)
    try:
        run_recorder(clean, clean_engine, ends)
        assert killed == dump(clean_engine)
        clean_client = redis.Redis.from_url(clean.redis_url, decode_responses=True)
        assert recorder_letters(redis_client, settings, ends) == recorder_letters(clean_client, clean, ends)
        clean_client.flushdb()
    finally:
        clean_engine.dispose()
