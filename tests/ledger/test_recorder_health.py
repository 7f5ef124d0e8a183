"""What the recorder tells IT about itself, on the real broker, Redis and SQL: what it consumed and
recorded, its dead letters by reason, its lag per partition and its heartbeats."""
from __future__ import annotations

import threading
import time

import pytest

from dashboard.metrics import DEAD_LETTER_REASONS
from kernel.connections import sql_engine
from kernel.heartbeat import age_s, beat_file
from queries.stream_health import read_group
from streams.recorder import Recorder
from tests.ledger.test_recorder import SCHOOLS, recorder_letters, wait_recorded
from tests.streams.harness import make_topic, produce
from tests.streams.stream import generate

pytestmark = pytest.mark.kafka


def test_the_recorder_reports_its_figures_lag_and_heartbeat(kafka_bootstrap, settings_factory, ledger_settings,
                                                             engine, redis_client, tmp_path):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, database_url=ledger_settings.database_url,
                                recorder_group=f"rec-{time.time_ns()}", ledger_refresh_seconds=3600,
                                heartbeat_dir=str(tmp_path / "beats"))
    make_topic(kafka_bootstrap, settings)
    messages, _ = generate(seed=31, count=400, now_ms=int(time.time() * 1000), schools=SCHOOLS, bad_every=40)
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    recorder = Recorder(settings, engine=sql_engine(settings))
    stop = threading.Event()
    thread = threading.Thread(target=recorder.run, args=(stop,), daemon=True)
    thread.start()
    try:
        wait_recorded(engine, settings, ends)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            figures = read_group(redis_client, settings.recorder_group, settings.events_topic)
            if figures.consumed == sum(ends.values()) and set(figures.lag) == {0, 1, 2} \
                    and all(behind == 0 for behind, _ in figures.lag.values()):
                break
            time.sleep(0.1)
        assert figures.consumed == sum(ends.values())
        assert set(figures.lag) == {0, 1, 2} and all(behind == 0 for behind, _ in figures.lag.values())
        assert figures.applied == recorder.recorded > 0  # events that left rows in the ledger
        # The letters by reason, as the recorder counted them per school and reason (exactly once).
        by_reason: dict[str, int] = {}
        for counted in recorder_letters(redis_client, settings, ends).values():
            for field, count in counted.items():
                reason = field.rpartition("|")[2]
                by_reason[reason] = by_reason.get(reason, 0) + int(count)
        assert figures.dead_letters == by_reason and by_reason  # illegal steps, unknown hazards
        assert set(by_reason) <= set(DEAD_LETTER_REASONS["recorder"])
        assert len(figures.alive(int(time.time() * 1000), settings.heartbeat_stale_seconds)) == 1
        assert age_s(beat_file(settings.heartbeat_dir, "recorder")) < 5
    finally:
        stop.set()
        thread.join(30)
