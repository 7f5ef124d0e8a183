"""Alert rules an admin saves reach a running aggregator within seconds (ledger/live_rules.py): the
real broker, the real Redis, the ledger on SQLite; an event the new rule makes an alert raises it."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from kernel import keys
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import DEFAULT_ALERT_RULES
from ledger import live_rules
from ledger.commands import rules
from ledger.commands.audit import Actor
from ledger.db import migrate
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed

pytestmark = pytest.mark.kafka

SHIPPED = live_rules.file_text(DEFAULT_ALERT_RULES)
ONLINE = SHIPPED + '\n[[rule]]\ntype = "device.online"\nseverity = "medium"\n'


def device_online(school: str = "s1") -> tuple[str, bytes]:
    doc = ev.event("device.online", "operations", int(time.time() * 1000), school, device="cam-7", system="video")
    return school, ev.raw(doc)


def test_a_saved_rule_reaches_a_running_aggregator_within_seconds(kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    ledger = sql_engine(settings)
    migrate(ledger)
    make_topic(kafka_bootstrap, settings, partitions=1)
    open_alerts = keys.open_alerts("s1")
    try:
        with running_aggregator(settings) as aggregator:
            assert aggregator.live_rules.version == 0  # nothing saved: the shipped file
            wait_consumed(redis_client, settings, produce(kafka_bootstrap, settings.events_topic, [device_online()]))
            assert redis_client.hlen(open_alerts) == 0  # the shipped rules raise nothing for it

            with sql_sessions(ledger).begin() as db:
                rules.save(db, actor=Actor("root", "admin"), whole_tree=True, kind="alert_rules", text=ONLINE,
                           current_text=SHIPPED, now=datetime.now(timezone.utc))
            saved = time.monotonic()
            while aggregator.planner.rules is not aggregator.live_rules.current() or aggregator.live_rules.version != 1:
                assert time.monotonic() - saved < 10, "the saved rules did not reach the aggregator in 10 s"
                time.sleep(0.05)
            taken = time.monotonic() - saved
            assert taken < live_rules.CHECK_EVERY_S + 2

            wait_consumed(redis_client, settings, produce(kafka_bootstrap, settings.events_topic, [device_online()]))
            raised = redis_client.hgetall(open_alerts)
            assert len(raised) == 1 and next(iter(raised.values())).startswith("medium|operations|")
    finally:
        ledger.dispose()
