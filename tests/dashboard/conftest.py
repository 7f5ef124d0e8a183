"""An app on the real Redis, and a way to put events in through the real write path."""
from __future__ import annotations

import time

import pytest

from dashboard.app import create_app
from queries.settings import DEFAULT_ALERT_RULES
from streams import contract
from streams.aggregation import Planner
from streams.alert_rules import load_rules
from streams.store import SchoolStore
from tests.streams import events as ev


@pytest.fixture
def app_settings(settings_factory, redis_client):
    return settings_factory()


@pytest.fixture
def app(app_settings):
    return create_app(app_settings)


@pytest.fixture
def apply_events(redis_client, app_settings):
    """Apply event docs as the consumer would (validate, then SchoolStore.apply), minus Kafka."""
    store = SchoolStore(redis_client, Planner(load_rules(DEFAULT_ALERT_RULES), app_settings.tz))
    offsets = {}

    def apply(docs):
        now = int(time.time() * 1000)
        by_school = {}
        for doc in docs:
            parsed = contract.validate(ev.raw(doc), now_ms=now, max_bytes=16_384,
                                       max_future_ms=300_000, max_age_ms=7 * 86_400_000)
            assert isinstance(parsed, contract.Event), parsed
            by_school.setdefault(parsed.school, []).append(parsed)
        for school, events in by_school.items():
            start = offsets.get(school, 0)
            records = [(start + i, e) for i, e in enumerate(events)]
            offsets[school] = start + len(events)
            store.apply(school, f"{app_settings.events_topic}/0", records, offsets[school])

    return apply
