"""Applying a school's batch to Redis exactly once.

Per school and partition, `{s:<school>}:off` holds the next offset whose effect is not yet in
Redis. A batch is applied under WATCH of that key: read the stored offset and the state the batch
touches, plan the writes (pure, streams/aggregation.py), then send the writes *and* the new offset
in one MULTI/EXEC. So a batch's effect lands whole or not at all, a replay after SIGKILL skips what
already landed, and a consumer that lost its partitions mid-batch (a zombie) fails the WATCH and
re-reads instead of counting twice. All keys of a school share one hash tag: one Cluster slot.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import redis

from queries import keys
from streams.aggregation import Planner, ReadRequest, Snapshot, Writes
from streams.contract import Event

log = logging.getLogger(__name__)


class SchoolStore:
    def __init__(self, client: redis.Redis, planner: Planner):
        self.redis = client
        self.planner = planner
        self._known_schools: set[str] = set()

    def apply(
        self, school: str, stream: str, records: Sequence[tuple[int, Event]], next_offset: int
    ) -> tuple[Writes | None, list[tuple[int, Event, str]]]:
        """Apply the school's records of one partition batch; returns the writes made and the
        records that could not be planned (offset, event, error), for the dead-letter topic."""
        offsets_key = keys.offsets(school)
        while True:
            with self.redis.pipeline(transaction=True) as tx:
                try:
                    tx.watch(offsets_key)
                    stored = tx.hget(offsets_key, stream)
                    start = int(stored) if stored is not None else -1
                    if start >= next_offset:
                        return None, []  # this batch landed before a crash or a rebalance
                    events = [(o, e) for o, e in records if o >= start]
                    now_ms = int(time.time() * 1000)
                    request = self.planner.reads_for(school, [e for _, e in events])
                    snapshot = self._read(request)
                    writes, failed = self._plan(school, events, snapshot, now_ms, request)
                    tx.multi()
                    queue_writes(tx, writes)
                    tx.hset(offsets_key, stream, next_offset)
                    tx.hset(keys.meta(school), mapping={"last_applied_ms": now_ms, "stream": stream})
                    tx.execute()
                except redis.WatchError:
                    log.info("school %s changed under us (rebalance); re-reading", school)
                    continue
            if school not in self._known_schools:
                self.redis.sadd(keys.SCHOOLS, school)
                self._known_schools.add(school)
            return writes, failed

    def _plan(self, school, events, snapshot, now_ms, request):
        """Plan the batch; if planning fails (a bug, not bad input: input was validated), find the
        events that fail alone, set them aside for the dead-letter topic, and plan the rest."""
        try:
            return self.planner.plan(school, [e for _, e in events], snapshot, now_ms, request), []
        except Exception:
            log.exception("planning failed for %s; isolating the events that fail", school)
        failed, good = [], []
        for offset, event in events:
            try:
                self.planner.plan(school, [event], _copy(snapshot), now_ms)
                good.append(event)
            except Exception as exc:  # noqa: BLE001 - the reason goes to the dead-letter topic
                failed.append((offset, event, f"{type(exc).__name__}: {exc}"[:200]))
        return self.planner.plan(school, good, snapshot, now_ms), failed

    def _read(self, request: ReadRequest) -> Snapshot:
        # A second connection: reads here happen after WATCH, so a concurrent change still
        # aborts the transaction; they need not run on the watching connection.
        with self.redis.pipeline(transaction=False) as pipe:
            seen_keys = list(request.seen)
            for key in seen_keys:
                pipe.smismember(key, request.seen[key])
            register_keys = [(key, sorted(names)) for key, names in request.registers.items()]
            for key, names in register_keys:
                pipe.hmget(key, names)
            results = pipe.execute()
        snapshot = Snapshot()
        for key, flags in zip(seen_keys, results):
            snapshot.seen[key] = {d for d, hit in zip(request.seen[key], flags) if hit}
        for (key, names), values in zip(register_keys, results[len(seen_keys):]):
            snapshot.registers[key] = dict(zip(names, values))
        return snapshot


def _copy(snapshot: Snapshot) -> Snapshot:
    return Snapshot(dict(snapshot.seen), {k: dict(v) for k, v in snapshot.registers.items()})


def queue_writes(pipe, writes: Writes) -> None:
    """Queue a batch's writes on a pipeline, in an order where later writes build on earlier."""
    for key, names in writes.hdel.items():
        if names:
            pipe.hdel(key, *names)
    for key, mapping in writes.hset.items():
        if mapping:
            pipe.hset(key, mapping=mapping)
    for (key, name), amount in writes.incr.items():
        if amount:
            pipe.hincrby(key, name, amount)
    for key, members in writes.sadd.items():
        pipe.sadd(key, *members)
    for key, members in writes.zrem.items():
        if members:
            pipe.zrem(key, *members)
    for key, mapping in writes.zadd.items():
        if mapping:
            pipe.zadd(key, mapping)
    for key, keep in writes.trim_rank.items():
        pipe.zremrangebyrank(key, 0, -keep - 1)
    for key, when in writes.expire_at.items():
        pipe.expireat(key, when)
    for key, seconds in writes.expire_in.items():
        pipe.expire(key, seconds)
