"""SchoolStore on the real Redis: batches land whole, once, and a failing event is set aside."""
from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from queries import keys
from queries.settings import DEFAULT_ALERT_RULES
from streams import contract
from streams.aggregation import Planner
from streams.alert_rules import AlertRules, load_rules
from streams.store import SchoolStore
from tests.streams import events as ev

TZ = ZoneInfo("Asia/Shanghai")


def parsed(docs):
    now = int(time.time() * 1000)
    return [contract.validate(ev.raw(d), now_ms=now, max_bytes=16_384, max_future_ms=300_000,
                              max_age_ms=7 * 86_400_000) for d in docs]


def test_a_batch_applied_twice_counts_once(redis_client):
    store = SchoolStore(redis_client, Planner(load_rules(DEFAULT_ALERT_RULES), TZ))
    t = int(time.time() * 1000)
    records = list(enumerate(parsed([ev.attendance("in", "p1", "staff", t - 2000), ev.smoke(t - 1000)])))
    first, _ = store.apply("s1", "topic/0", records, 2)
    again, _ = store.apply("s1", "topic/0", records, 2)  # a replay after a crash
    assert first.applied == 2 and again is None
    assert redis_client.hget(keys.meta("s1"), "events") == "2"
    assert redis_client.hget(keys.offsets("s1"), "topic/0") == "2"


def test_an_event_the_planner_fails_on_is_set_aside_and_the_rest_applied(redis_client):
    class BrokenRules:
        """Stands in for a planning bug: no real input makes the real planner fail, so the
        path that isolates such an event can only be reached with rules that raise."""

        def __init__(self, rules: AlertRules):
            self.rules = rules

        def severity_for(self, event):
            if event.id == "poison":
                raise ZeroDivisionError("a bug")
            return self.rules.severity_for(event)

    store = SchoolStore(redis_client, Planner(BrokenRules(load_rules(DEFAULT_ALERT_RULES)), TZ))
    t = int(time.time() * 1000)
    docs = [ev.smoke(t - 3000, id="good-1"), ev.smoke(t - 2000, id="poison"), ev.smoke(t - 1000, id="good-2")]
    writes, failed = store.apply("s1", "topic/0", list(enumerate(parsed(docs))), 3)
    assert [(offset, event.id) for offset, event, _ in failed] == [(1, "poison")]
    assert "ZeroDivisionError" in failed[0][2]
    assert writes.applied == 2 and redis_client.hget(keys.meta("s1"), "events") == "2"

