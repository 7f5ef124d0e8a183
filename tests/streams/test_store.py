"""SchoolStore on the real Redis: batches land whole, once, and a failing event is set aside."""
from __future__ import annotations

import time
from zoneinfo import ZoneInfo

from kernel import contract, keys
from kernel.settings import DEFAULT_ALERT_RULES
from streams.aggregation import Planner
from streams.alert_rules import AlertRules, load_rules
from streams.dedupe import INTSET_ENTRIES
from streams.store import SchoolStore, intset_entries_warning
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



def test_an_id_stored_by_an_earlier_batch_is_counted_once(redis_client):
    planner = Planner(load_rules(DEFAULT_ALERT_RULES), TZ)
    store = SchoolStore(redis_client, planner)
    t = int(time.time() * 1000)
    first = ev.attendance("in", "p1", "staff", t - 3000, id="swipe-1")
    store.apply("s1", "topic/0", list(enumerate(parsed([first]))), 1)
    # delivered again in a later batch, beside a new event: the script finds it stored
    writes, _ = store.apply("s1", "topic/0", list(enumerate(parsed([first, ev.smoke(t - 1000)]), 1)), 3)
    assert (writes.applied, writes.duplicates) == (1, 1)
    assert redis_client.hget(keys.meta("s1"), "events") == "2"
    counts = redis_client.hgetall(keys.day_counts("s1", planner.day_of(t - 3000)[0]))
    assert counts["present|staff"] == "1" and counts["seen|staff"] == "1"


def test_a_batch_of_another_partition_landing_between_read_and_write_is_not_overwritten(redis_client):
    """What WATCH did before: the script finds the school's offsets changed and plans again."""
    planner = Planner(load_rules(DEFAULT_ALERT_RULES), TZ)
    other = SchoolStore(redis_client, planner)
    t = int(time.time() * 1000)

    class Interleaved(SchoolStore):
        reads = 0

        def _receive_reads(self, sent):
            found = super()._receive_reads(sent)
            self.reads += 1
            if self.reads == 1:  # right after our first read, partition 1's batch lands
                other.apply("s1", "topic/1", list(enumerate(parsed([ev.attendance("in", "p1", "staff", t - 2000)]))), 1)
            return found

    store = Interleaved(redis_client, planner)
    records = list(enumerate(parsed([ev.attendance("out", "p1", "staff", t - 1000)])))
    writes, _ = store.apply("s1", "topic/0", records, 1)
    assert store.reads == 2 and writes.applied == 1
    day = planner.day_of(t - 1000)[0]
    counts = redis_client.hgetall(keys.day_counts("s1", day))
    # in, then out: present once and gone again, seen once; a stale plan would have said -1 / 2
    assert int(counts.get("present|staff", 0)) == 0 and counts["seen|staff"] == "1"
    assert redis_client.hgetall(keys.offsets("s1")) == {"topic/0": "1", "topic/1": "1"}


def test_a_schools_next_batch_reads_behind_the_one_in_flight_and_each_lands_once(redis_client):
    """The consumer sends a batch's reads before the school's batch in flight has its EXEC reply
    read: on the same connection, so they run after that EXEC. Here that EXEC is refused (another
    partition's batch landed after its read), so both batches are planned again, and land once."""
    planner = Planner(load_rules(DEFAULT_ALERT_RULES), TZ)
    store, other = SchoolStore(redis_client, planner), SchoolStore(redis_client, planner)
    t = int(time.time() * 1000)
    first = store.start("s1", "topic/0", [0], parsed([ev.attendance("in", "p1", "staff", t - 3000)]), 1)
    other.apply("s1", "topic/1", list(enumerate(parsed([ev.attendance("in", "p2", "student", t - 2500)]))), 1)
    first.send_writes()  # planned on what it read before the other batch landed: refused
    second = store.start("s1", "topic/0", [1], parsed([ev.attendance("out", "p1", "staff", t - 1000)]), 2)
    second.send_writes()  # reads the first one's reply first, which plans it again
    assert first.finish()[0].applied == 1 and second.finish()[0].applied == 1
    counts = redis_client.hgetall(keys.day_counts("s1", planner.day_of(t - 1000)[0]))
    assert (int(counts.get("present|staff", 0)), counts["present|student"]) == (0, "1")
    assert (counts["seen|staff"], counts["seen|student"]) == ("1", "1")
    assert redis_client.hget(keys.meta("s1"), "events") == "3"
    assert redis_client.hgetall(keys.offsets("s1")) == {"topic/0": "2", "topic/1": "1"}


def test_a_busy_schools_dedupe_set_stays_compact_and_a_redis_that_would_not_is_named(redis_client):
    # A shard of a school at ~40 events/s holds ~1,100 digests an hour: still an intset (8 bytes a
    # digest) on a Redis started as the product starts it, not a hash table (~50 bytes).
    key = keys.seen("busy", 500_000, 3)
    redis_client.sadd(key, *range(-(1 << 62), -(1 << 62) + 1100))
    assert redis_client.object("encoding", key) == "intset"
    assert intset_entries_warning(redis_client) is None
    redis_client.config_set("set-max-intset-entries", 512)  # Redis's own default
    try:
        assert f"--set-max-intset-entries {INTSET_ENTRIES}" in intset_entries_warning(redis_client)
    finally:
        redis_client.config_set("set-max-intset-entries", INTSET_ENTRIES)

