"""Running the real aggregator against the real broker and Redis, and reading what it did."""
from __future__ import annotations

import contextlib
import dataclasses
import threading
import time

import redis

from devstack import local_services
from kernel import connections, keys, proof
from kernel.contract import BAD_PROOF
from kernel.settings import Settings
from streams.consumer import Aggregator
from tests.conftest import TEST_SIGNING_KEY

# Consumers a test SIGKILLs on purpose: the group gives up on the dead one after this, not after the
# production 10 s, so each restart waits seconds less (KAFKA_SESSION_TIMEOUT_MS).
KILLED_SESSION_MS = "1500"


def kafka_settings(target) -> Settings:
    """The settings to reach the broker with: given ones (with their SASL/TLS), or a bare address."""
    return target if isinstance(target, Settings) else Settings.from_env(environ={}, kafka_bootstrap_servers=target)


def produce(target, topic: str, messages, *, signing_key: str = TEST_SIGNING_KEY) -> dict[int, int]:
    """Send (school, bytes, ...) tuples keyed by school; returns partition -> end offset. `target`:
    the Settings to connect with, or the broker's address. Alert-handling events are signed as the
    duty console signs them (kernel/proof.py), unless a tuple's third item says the message is a
    forgery (contract.BAD_PROOF)."""
    producer = connections.kafka_producer(kafka_settings(target), linger_ms=5)
    signing = proof.keys_from(signing_key)
    ends: dict[int, int] = {}

    def headers(message):
        forged = len(message) > 2 and message[2] == BAD_PROOF
        return None if forged else proof.sign_if_needed(message[1], signing)

    futures = [producer.send(topic, key=m[0].encode(), value=m[1], headers=headers(m)) for m in messages]
    producer.flush()
    for future in futures:
        meta = future.get(timeout=30)
        ends[meta.partition] = max(ends.get(meta.partition, 0), meta.offset + 1)
    producer.close()
    return ends


def make_topic(bootstrap: str, settings, partitions: int = 3) -> None:
    target = dataclasses.replace(settings, kafka_bootstrap_servers=bootstrap)
    local_services.create_topic(target, settings.events_topic, partitions)
    local_services.create_topic(target, settings.dead_letter_topic, 1)


@contextlib.contextmanager
def running_aggregator(settings, **consumer_overrides):
    from kernel import connections

    consumer = connections.kafka_consumer(settings, **consumer_overrides) if consumer_overrides else None
    aggregator = Aggregator(settings, consumer=consumer)
    stop = threading.Event()
    thread = threading.Thread(target=aggregator.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield aggregator
    finally:
        stop.set()
        thread.join(30)


def wait_consumed(client: redis.Redis, settings, ends: dict[int, int], timeout: float = 90) -> None:
    """Wait until the group's checkpoints reach the end offsets of every partition."""
    key = keys.checkpoints(settings.consumer_group, settings.events_topic)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stored = client.hgetall(key)
        if all(int(stored.get(str(p), -1)) >= end for p, end in ends.items()):
            return
        time.sleep(0.1)
    raise AssertionError(f"not consumed in {timeout} s: {client.hgetall(key)} < {ends}")


# Keys and fields that record *when* or *where* work happened, not what was counted.
_VOLATILE_FIELDS = {"last_applied_ms", "stream"}
_VOLATILE_KEYS = (":off",)


def dump_aggregates(client: redis.Redis, schools) -> dict:
    """Every key of the schools with its value, for comparing two runs over the same events."""
    state = {}
    for school in schools:
        for key in client.scan_iter(match=keys.tag(school).replace("{", "\\{").replace("}", "\\}") + "*"):
            if key.endswith(_VOLATILE_KEYS):
                continue  # which offset a batch ended at depends on batch sizes, not on events
            kind = client.type(key)
            if kind == "hash":
                # A counter at 0 reads as a missing one: which of the two is left depends on
                # whether +1 and -1 fell into one batch or two.
                value = {k: v for k, v in client.hgetall(key).items()
                         if k not in _VOLATILE_FIELDS and v != "0"}
            elif kind == "set":
                value = sorted(client.smembers(key)) if ":seen:" not in key else client.scard(key)
            elif kind == "zset":
                value = client.zrange(key, 0, -1, withscores=True)
            else:
                value = client.get(key)
            state[key] = value
    return state
