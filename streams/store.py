"""Applying a school's batch to Redis exactly once.

Per school and partition, `{s:<school>}:off` holds the next offset whose effect is not yet in
Redis. A batch is applied in two round trips: read the school's offsets, the registers the batch
touches and which of its dedupe digests are stored; plan the writes (pure, streams/aggregation.py);
then run one Lua script (streams/apply.lua) that, atomically, checks that the offsets hash is still
what was read and only then makes the writes and moves the offset. So a batch's effect lands whole
or not at all, a replay after SIGKILL skips what already landed, and a consumer that lost its
partitions mid-batch (a zombie) finds the offsets changed and re-reads instead of counting twice.
Every key the script touches is one school's, under one hash tag: one Redis Cluster slot.

The script stands in for WATCH + MULTI/EXEC because it costs one command instead of ~300 (128
dedupe shards an hour, each SADD and EXPIREAT, plus the counters), and redis-py spends several µs
on each command; the reads are packed by hiredis and sent in one write for the same reason.
"""
from __future__ import annotations

import hashlib
import logging
import time
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

import redis
from hiredis import pack_command

from queries import keys
from streams.aggregation import Planner, ReadRequest, Snapshot, Writes
from streams.contract import Event

log = logging.getLogger(__name__)

APPLY_SCRIPT = (Path(__file__).with_name("apply.lua")).read_text(encoding="utf-8")
_CHANGED = "changed"


class SchoolStore:
    def __init__(self, client: redis.Redis, planner: Planner):
        self.redis = client
        self.planner = planner
        self._known_schools: set[str] = set()
        self._script = LuaScript(client, APPLY_SCRIPT)

    def apply(
        self, school: str, stream: str, records: Sequence[tuple[int, Event]], next_offset: int
    ) -> tuple[Writes | None, list[tuple[int, Event, str]]]:
        """Apply the school's records (offset, event) of one partition batch; returns the writes
        made and the records that could not be planned (offset, event, error), for the
        dead-letter topic."""
        return self.apply_events(school, stream, [o for o, _ in records], [e for _, e in records],
                                 next_offset)

    def apply_events(
        self, school: str, stream: str, offsets: list[int], events: list[Event], next_offset: int
    ) -> tuple[Writes | None, list[tuple[int, Event, str]]]:
        """`apply`, with the offsets (ascending) and the events in two lists, as the consumer
        has them."""
        return self.begin(school, stream, offsets, events, next_offset).finish()

    def begin(self, school: str, stream: str, offsets: list[int], events: list[Event],
              next_offset: int) -> PendingBatch:
        """Read, plan and send the batch's script, and return without waiting for the reply:
        the caller can go on working while Redis runs it, then calls `finish`."""
        return PendingBatch(self, school, stream, offsets, events, next_offset)

    def _plan(self, school, offsets, events, snapshot, now_ms, request):
        """Plan the batch; if planning fails (a bug, not bad input: input was validated), find the
        events that fail alone, set them aside for the dead-letter topic, and plan the rest.
        Each plan gets its own copy of the snapshot: planning updates the registers in it."""
        try:
            return self.planner.plan(school, events, _copy(snapshot), now_ms, request), []
        except Exception:
            log.exception("planning failed for %s; isolating the events that fail", school)
        failed, good = [], []
        for offset, event in zip(offsets, events):
            try:
                self.planner.plan(school, [event], _copy(snapshot), now_ms)
                good.append(event)
            except Exception as exc:  # noqa: BLE001 - the reason goes to the dead-letter topic
                failed.append((offset, event, f"{type(exc).__name__}: {exc}"[:200]))
        return self.planner.plan(school, good, _copy(snapshot), now_ms), failed

    def _landed(self, school: str) -> None:
        if school not in self._known_schools:
            self.redis.sadd(keys.SCHOOLS, school)
            self._known_schools.add(school)

    def _read(self, offsets_key: str, request: ReadRequest) -> tuple[dict[str, str], Snapshot]:
        """The school's offsets hash, the registers the batch needs and which of its digests are
        stored, in one round trip. Read without a lock: the script checks the offsets hash again,
        and every write to the school changes it."""
        register_keys = [(key, sorted(names)) for key, names in request.registers.items()]
        seen_keys = list(request.seen)
        replies = self._commands(
            [("HGETALL", offsets_key)]
            + [("HMGET", key, *names) for key, names in register_keys]
            + [("SMISMEMBER", key, *request.seen[key]) for key in seen_keys]
        )
        stored = replies[0] if isinstance(replies[0], dict) else dict(zip(replies[0][::2], replies[0][1::2]))
        snapshot = Snapshot()
        for (key, names), values in zip(register_keys, replies[1:]):
            snapshot.registers[key] = dict(zip(names, values))
        for key, flags in zip(seen_keys, replies[1 + len(register_keys):]):
            if 1 in flags:  # a sender repeated an event: rare
                snapshot.seen[key] = {mark for mark, flag in zip(request.seen[key], flags) if flag}
        return stored, snapshot

    def _commands(self, commands: list[tuple]) -> list:
        """Send commands in one write and read their replies: a pipeline without redis-py's
        per-command cost, which would matter with 128 dedupe sets an hour."""
        connection = self.redis.connection_pool.get_connection()
        try:
            connection.send_packed_command([pack_command(command) for command in commands])
            return [connection.read_response() for _ in commands]
        except BaseException:
            connection.disconnect()  # replies may be left unread: never reuse it
            raise
        finally:
            self.redis.connection_pool.release(connection)


class PendingBatch:
    """One school's batch of one partition, from reading what it needs to its script's reply."""

    def __init__(self, store: SchoolStore, school: str, stream: str, offsets: list[int],
                 events: list[Event], next_offset: int):
        self.store, self.school, self.stream, self.next_offset = store, school, stream, next_offset
        self.offsets, self.events = offsets, events
        self.request = store.planner.reads_for(school, events)
        self.result: tuple[Writes | None, list[tuple[int, Event, str]]] | None = None
        self._connection = None
        self._start()

    def _start(self) -> None:
        """Read the school's offsets and registers, then plan and send (or find it landed)."""
        store = self.store
        self.stored, self.snapshot = store._read(keys.offsets(self.school), self.request)
        start = int(self.stored.get(self.stream, -1))
        if start >= self.next_offset:
            self.result = None, []  # this batch landed before a crash or a rebalance
            return
        self.todo_offsets, self.todo, self.todo_request = self.offsets, self.events, self.request
        if self.offsets and start > self.offsets[0]:  # part of it landed: plan only the rest
            first = bisect_left(self.offsets, start)
            self.todo_offsets, self.todo = self.offsets[first:], self.events[first:]
            self.todo_request = store.planner.reads_for(self.school, self.todo)
        self._send()

    def _send(self, *, with_source: bool = False) -> None:
        if not with_source:
            now_ms = int(time.time() * 1000)
            self.writes, self.failed = self.store._plan(
                self.school, self.todo_offsets, self.todo, self.snapshot, now_ms, self.todo_request)
            self._call = script_call(self.school, self.stream, self.stored, self.writes, self.next_offset, now_ms)
        self._connection = self.store._script.send(*self._call, with_source=with_source)

    def finish(self) -> tuple[Writes | None, list[tuple[int, Event, str]]]:
        """Wait for the script's reply; read, plan and send again until the batch has landed."""
        while self.result is None:
            connection, self._connection = self._connection, None
            try:
                outcome = self.store._script.receive(connection)
            except redis.exceptions.NoScriptError:  # a restarted or flushed server
                self._send(with_source=True)
                continue
            if outcome[0] == _CHANGED:
                log.info("school %s changed under us (rebalance); re-reading", self.school)
                self._start()
            else:
                self.store._landed(self.school)
                self.result = self.writes, self.failed
        return self.result

    def abandon(self) -> None:
        """Give up on the reply (the batch is to be read again): close its connection."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            self.store._script.abandon(connection)


def _copy(snapshot: Snapshot) -> Snapshot:
    return Snapshot(dict(snapshot.seen), {k: dict(v) for k, v in snapshot.registers.items()})


def script_call(school: str, stream: str, stored: dict[str, str], writes: Writes, next_offset: int,
                now_ms: int) -> tuple[list[str], list]:
    """KEYS and ARGV of apply.lua for a batch's writes (the layout is described there)."""
    key_list = [keys.offsets(school), keys.meta(school)]
    index_of = {key: number for number, key in enumerate(key_list, 1)}

    def ref(key: str) -> int:
        number = index_of.get(key)
        if number is None:
            key_list.append(key)
            number = index_of[key] = len(key_list)
        return number

    args: list = [stream, next_offset, now_ms, len(stored)]
    for name, value in stored.items():
        args += (name, value)
    args.append(len(writes.sadd))
    for key, members in writes.sadd.items():
        args += (ref(key), len(members))
        args += members
    # The same order as the writes would go in a transaction: later ones build on earlier.
    for key, names in writes.hdel.items():
        if names:
            args += ("HDEL", ref(key), len(names), *names)
    for key, mapping in writes.hset.items():
        if mapping:
            args += ("HSET", ref(key), 2 * len(mapping))
            for name, value in mapping.items():
                args += (name, value)
    counters: dict[str, list] = {}
    for (key, name), amount in writes.incr.items():
        if amount:
            counters.setdefault(key, []).extend((name, amount))
    for key, pairs in counters.items():
        args += ("HINCRBY", ref(key), len(pairs), *pairs)
    for key, members in writes.zrem.items():
        if members:
            args += ("ZREM", ref(key), len(members), *members)
    for key, mapping in writes.zadd.items():
        if mapping:
            args += ("ZADD", ref(key), 2 * len(mapping))
            for member, score in mapping.items():
                args += (score, member)
    for key, keep in writes.trim_rank.items():
        args += ("ZREMRANGEBYRANK", ref(key), 2, 0, -keep - 1)
    for key, when in writes.expire_at.items():
        args += ("EXPIREAT", ref(key), 1, when)
    for key, seconds in writes.expire_in.items():
        args += ("EXPIRE", ref(key), 1, seconds)
    return key_list, args


class LuaScript:
    """EVALSHA on a pooled connection, packed by hiredis in one call (redis-py's own path packs
    each argument in Python, and a batch has one argument per event), sent and answered in two
    steps so that the caller can work while Redis runs it."""

    def __init__(self, client: redis.Redis, source: str):
        self.pool = client.connection_pool
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()

    def send(self, key_list: list[str], args: list, *, with_source: bool = False):
        """Send the call on a connection of its own; returns it, for `receive`."""
        head = ("EVAL", self.source) if with_source else ("EVALSHA", self.sha)
        connection = self.pool.get_connection()
        try:
            connection.send_packed_command([pack_command((*head, len(key_list), *key_list, *args))])
        except BaseException:
            self.abandon(connection)
            raise
        return connection

    def receive(self, connection):
        """The reply to `send`; the connection goes back to the pool."""
        try:
            return connection.read_response()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            connection.disconnect()  # the reply may still be on its way: never reuse it
            raise
        finally:
            self.pool.release(connection)

    def abandon(self, connection) -> None:
        connection.disconnect()  # its reply is never read: the connection cannot be reused
        self.pool.release(connection)
