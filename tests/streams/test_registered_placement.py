"""An event from a registered device that names no building is counted in the device's building on
the wall's map: the real broker, aggregator, Redis and ledger (SQLite and PostgreSQL), read as
dashboard/services.py reads it (queries/summary.py with the register's placements)."""
from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import pytest

from ledger.commands import devices
from ledger.commands.devices import DeviceForm
from queries.ledger import register
from queries.summary import school_summary
from tests.ledger.register_support import NOW, ROOT, school_with_buildings
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed

pytestmark = pytest.mark.kafka
TZ = ZoneInfo("Asia/Shanghai")


def test_an_event_of_a_registered_device_without_a_building_is_counted_in_its_building(
        kafka_bootstrap, redis_client, settings_factory, session):
    school_with_buildings(session)
    devices.register_device(session, actor=ROOT, scope="s1", school="s1",
                            form=DeviceForm("smoke-canteen-2", "食堂二层烟感", "fire", "canteen"), now=NOW)
    session.commit()
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings)
    now = int(time.time() * 1000)
    registered = {**ev.smoke(now - 2000, id="a-registered", detector="2F-07"), "source": "smoke-canteen-2"}
    unknown = {**ev.smoke(now - 1000, id="a-unknown"), "source": "smoke-nowhere"}
    # What an event says wins over the register.
    placed_by_event = {**ev.smoke(now - 500, id="a-own"), "source": "smoke-canteen-2", "building": "lab"}
    ends = produce(kafka_bootstrap, settings.events_topic,
                   [("s1", ev.raw(doc)) for doc in (registered, unknown, placed_by_event)])
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)

    def summary(placements):
        return school_summary(redis_client, "s1", now_ms=now, tz=TZ, group=settings.consumer_group,
                              stale_after_s=settings.stale_after_seconds, placements=placements)

    without = summary(None)["alerts"]
    assert without["by_building"] == {"lab": {"open": 1, "top": "critical"}}  # the raw event names none
    placed = summary(register.placements(session, "s1"))["alerts"]
    assert placed["by_building"] == {"canteen": {"open": 1, "top": "critical"}, "lab": {"open": 1, "top": "critical"}}
    by_id = {a["id"]: a for a in placed["recent"]}
    assert by_id["a-registered"]["building"] == "canteen" and by_id["a-unknown"]["building"] is None
    assert by_id["a-own"]["building"] == "lab"
