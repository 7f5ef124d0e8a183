"""The dead-letter place: every refused message goes to the dead-letter topic with its reason and
original bytes, and is counted per school and reason in Redis, once.

Counts are exactly-once like the aggregates: the partition's count hash stores the next offset it
has counted, and counts and that offset change in one MULTI/EXEC. The dead-letter topic itself is
at-least-once: after a crash between sending and counting, a message can be sent again; its
headers carry the original topic, partition and offset, which identify it.
"""
from __future__ import annotations

import time
from typing import NamedTuple

import redis

from kernel import keys
from kernel.contract import SCHOOL_ID

UNKNOWN_SCHOOL = "unknown"


class DeadLetter(NamedTuple):
    offset: int
    key: bytes | None
    value: bytes | None
    reason: str
    detail: str


def school_of(key: bytes | None) -> str:
    """The school a refused message belongs to, by its Kafka key, if the key is a school id."""
    try:
        text = key.decode() if key else ""
    except UnicodeDecodeError:
        return UNKNOWN_SCHOOL
    return text if SCHOOL_ID.fullmatch(text) else UNKNOWN_SCHOOL


class DeadLetters:
    def __init__(self, client: redis.Redis, producer, *, group: str, dead_letter_topic: str):
        self.redis = client
        self.producer = producer
        self.group = group
        self.topic = dead_letter_topic

    def record(self, topic: str, partition: int, letters: list[DeadLetter], next_offset: int) -> int:
        """Send and count the letters of one partition batch; returns how many were new."""
        key = keys.dead_letters(self.group, topic, partition)
        while True:
            with self.redis.pipeline(transaction=True) as tx:
                try:
                    tx.watch(key)
                    stored = tx.hget(key, "next")
                    start = int(stored) if stored is not None else -1
                    fresh = [letter for letter in letters if letter.offset >= start]
                    if fresh:
                        self._send(topic, partition, fresh)
                    tx.multi()
                    for letter in fresh:
                        tx.hincrby(key, f"{school_of(letter.key)}|{letter.reason}", 1)
                    tx.hset(key, "next", next_offset)
                    tx.execute()
                except redis.WatchError:
                    continue
            if fresh:
                self.redis.sadd(keys.dead_letter_partitions(self.group, topic), partition)
            return len(fresh)

    def _send(self, topic: str, partition: int, letters: list[DeadLetter]) -> None:
        now = str(int(time.time() * 1000)).encode()
        for letter in letters:
            headers = [
                ("dlq.reason", letter.reason.encode()),
                ("dlq.detail", letter.detail.encode()[:500]),
                ("dlq.topic", topic.encode()),
                ("dlq.partition", str(partition).encode()),
                ("dlq.offset", str(letter.offset).encode()),
                ("dlq.rejected_at_ms", now),
            ]
            self.producer.send(self.topic, key=letter.key, value=letter.value or b"", headers=headers)
        # Sent before counted: a letter is never counted without being in the topic.
        self.producer.flush(timeout=30)
