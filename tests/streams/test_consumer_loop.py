"""The consume loop's own schedule: the cyclic collector and the 'caught up' marks, on the real
broker and the real Redis."""
from __future__ import annotations

import gc
import time
import weakref

import pytest

from kernel import keys
from tests.streams.harness import make_topic, produce, running_aggregator, wait_consumed
from tests.streams.stream import generate

pytestmark = pytest.mark.kafka


class _Node:
    def __init__(self):
        self.me = self


def test_reference_cycles_are_collected_while_the_aggregator_runs_and_the_collector_is_back_after(
        kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings)
    messages, _ = generate(seed=11, count=500, now_ms=int(time.time() * 1000))
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    assert gc.isenabled()
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends)
        assert not gc.isenabled()  # the loop runs the collector itself, between batches
        cycle = _Node()
        gone = weakref.ref(cycle)
        del cycle  # only the collector frees it
        deadline = time.monotonic() + 10
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone() is None
    assert gc.isenabled()


def test_caught_up_is_marked_only_once_everything_read_has_landed(
        kafka_bootstrap, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=2)
    messages, _ = generate(seed=12, count=4000, now_ms=int(time.time() * 1000))
    ends = produce(kafka_bootstrap, settings.events_topic, messages)
    caught_up_key = keys.caught_up(settings.consumer_group, settings.events_topic)
    checkpoints_key = keys.checkpoints(settings.consumer_group, settings.events_topic)
    with running_aggregator(settings):
        deadline = time.monotonic() + 90
        wanted = {str(p) for p in ends}
        marked: dict[str, str] = {}
        while not wanted <= marked.keys() and time.monotonic() < deadline:
            # Read together: a mark seen means that partition's last batch had landed before it.
            with redis_client.pipeline(transaction=True) as pipe:
                marked, stored = pipe.hgetall(caught_up_key).hgetall(checkpoints_key).execute()
            for partition in marked:  # (a partition without events has no checkpoint)
                assert int(stored.get(partition, 0)) == ends.get(int(partition), 0)
            time.sleep(0.01)
        assert wanted <= marked.keys()
        wait_consumed(redis_client, settings, ends)
