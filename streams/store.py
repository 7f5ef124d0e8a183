"""Applying a school's batch to Redis exactly once.

Per school and partition, `{s:<school>}:off` holds the next offset whose effect is not yet in
Redis. A batch is applied on one connection in two round trips: WATCH the school's offsets hash
and read it, the registers the batch touches and which of its dedupe digests are stored; plan the
writes (pure, streams/aggregation.py); then MULTI, the digests' SADDs, one Lua script
(streams/apply.lua) with every other write and the new offset, EXEC. So a batch's effect lands
whole or not at all; a replay after SIGKILL skips what already landed; and a consumer that lost
its partitions mid-batch (a zombie), or any other batch of the school that landed meanwhile,
changes the watched hash, the EXEC is refused, and the batch is read and planned again instead of
counting twice. All keys of a school share one hash tag: one Redis Cluster slot.

Why this shape: redis-py spends several µs on each command, and a batch has ~300 writes (128
dedupe shards an hour, each SADD and EXPIREAT, plus the counters), so commands are packed
(streams/resp.py) and sent in one write, one system call, and all writes but the SADDs go in one
script. The SADDs stay native: passed through a script, each digest would cost Redis ~0.6 µs more,
on a core the broker needs too.

Nothing waits for Redis that need not: a batch's reads are sent as soon as it is validated
(`SchoolStore.start`), the reply to its EXEC is read only when the batch is finished
(`PendingBatch.finish`), and a school's next batch sends its reads on the connection of the one
before, behind that one's EXEC (Redis runs a connection's commands in order, so it reads what the
batch before wrote) before that EXEC's reply is read.
"""
from __future__ import annotations

import logging
import time
from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path

import redis

from kernel import keys
from kernel.contract import Event
from streams import resp
from streams.aggregation import Planner, ReadRequest, Snapshot, Writes
from streams.dedupe import INTSET_ENTRIES

log = logging.getLogger(__name__)

APPLY_SCRIPT = (Path(__file__).with_name("apply.lua")).read_text(encoding="utf-8")


class SchoolStore:
    """`namespace`: a prefix put before every key this store reads or writes (a rebuild's,
    kernel/keys.py `rebuild_prefix`); the planner names live keys, mapped here at the I/O edge.
    `left` holds the schools whose batches are no longer applied here (a rebuild handed them over
    to the live aggregators)."""

    def __init__(self, client: redis.Redis, planner: Planner, namespace: str = ""):
        self.redis = client
        self.planner = planner
        self.namespace = namespace
        self.left: set[str] = set()
        self._known_schools: set[str] = set()
        self._latest: dict[str, PendingBatch] = {}  # per school, the batch started last

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
        """Read, plan and send the batch's writes, and return without waiting for the reply:
        the caller can go on working while Redis runs them, then calls `finish`."""
        batch = self.start(school, stream, offsets, events, next_offset)
        batch.send_writes()
        return batch

    def start(self, school: str, stream: str, offsets: list[int], events: list[Event],
              next_offset: int) -> PendingBatch:
        """Send the batch's reads only; `PendingBatch.send_writes` plans and sends the writes.
        Between the two the caller may finish earlier batches: this one's reads run after them."""
        if school in self.left:
            return LeftBatch()
        batch = PendingBatch(self, school, stream, offsets, events, next_offset, self._latest.get(school))
        self._latest[school] = batch
        return batch

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
        if self.namespace:  # a rebuild's school is made known when it is switched over
            return
        if school not in self._known_schools:
            self.redis.sadd(keys.SCHOOLS, school)
            self._known_schools.add(school)

    def _send_reads(self, offsets_key: str, request: ReadRequest, connection=None) -> tuple:
        """WATCH the school's offsets hash and ask for it, the registers the batch needs and which
        of its digests are stored, in one write (on `connection`, behind the replies still to come
        there, or on a connection of its own); `_receive_reads` reads the answers. The connection
        stays the batch's until its EXEC: the watch is on it."""
        register_keys = [(key, sorted(names)) for key, names in request.registers.items()]
        seen_keys = list(request.seen)
        texts = {key: resp.integers(request.seen[key]) for key in seen_keys}
        ns = self.namespace
        packed = [resp.pack(("WATCH", ns + offsets_key)), resp.pack(("HGETALL", ns + offsets_key))]
        packed += [resp.pack(("HMGET", ns + key, *names)) for key, names in register_keys]
        packed += [resp.with_members("SMISMEMBER", ns + key, len(request.seen[key]), texts[key])
                   for key in seen_keys]
        if connection is None:
            connection = self.redis.connection_pool.get_connection()
            self._send(connection, packed)
        else:  # replies are still to come on it: no health check, which would read one of them
            self._send(connection, packed, check_health=False)
        return connection, len(packed), register_keys, seen_keys, request, texts

    def _receive_reads(self, sent: tuple) -> tuple[object, dict[str, str], Snapshot, dict[str, bytes]]:
        connection, count, register_keys, seen_keys, request, texts = sent
        replies = self._receive(connection, count)
        stored = replies[1] if isinstance(replies[1], dict) else dict(zip(replies[1][::2], replies[1][1::2]))
        snapshot = Snapshot()
        for (key, names), values in zip(register_keys, replies[2:]):
            snapshot.registers[key] = dict(zip(names, values))
        for key, flags in zip(seen_keys, replies[2 + len(register_keys):]):
            if 1 in flags:  # a sender repeated an event: rare
                snapshot.seen[key] = {mark for mark, flag in zip(request.seen[key], flags) if flag}
        return connection, stored, snapshot, texts

    def _send(self, connection, packed: list[bytes], check_health: bool = True) -> None:
        try:
            connection.send_packed_command([b"".join(packed)], check_health=check_health)
        except BaseException:
            self.drop(connection)
            raise

    def _receive(self, connection, count: int) -> list:
        try:
            return [connection.read_response() for _ in range(count)]
        except BaseException:
            self.drop(connection)  # replies may be left unread, or a watch set
            raise

    def release(self, connection) -> None:
        self.redis.connection_pool.release(connection)

    def drop(self, connection) -> None:
        connection.disconnect()  # never reused: replies may be left unread, or a watch set
        self.redis.connection_pool.release(connection)


class PendingBatch:
    """One school's batch of one partition, from reading what it needs to the reply to its EXEC.

    `before` is the school's batch started before it: when that one has sent its transaction
    and not yet read the reply, this one sends its reads on the same connection, behind it, and
    reads their answers after that batch has read its own."""

    def __init__(self, store: SchoolStore, school: str, stream: str, offsets: list[int],
                 events: list[Event], next_offset: int, before: PendingBatch | None = None):
        self.store, self.school, self.stream, self.next_offset = store, school, stream, next_offset
        self.offsets, self.events = offsets, events
        self.request = store.planner.reads_for(school, events)
        self.result: tuple[Writes | None, list[tuple[int, Event, str]]] | None = None
        self.applied = 0  # events whose effect this batch's transaction carries (for /metrics)
        self._connection = None  # the connection replies are to come on, while they are
        self._sent = 0  # how many: the transaction's, once it is sent
        self._reads: tuple | None = None  # the reads sent, until their answers are read
        self._handed_over = False  # the school's next batch reads its answers there after us
        self._before = None
        if before is not None and before._connection is not None and before._reads is None \
                and not before._handed_over:
            before._handed_over = True
            self._before = before
            self._reads = store._send_reads(keys.offsets(school), self.request, before._connection)
        else:
            self._reads = store._send_reads(keys.offsets(school), self.request)
        self._connection = self._reads[0]

    def send_writes(self) -> None:
        """Plan the batch on what was read and send its transaction (or find it landed)."""
        if self.request.counts is None:  # what planning needs no reads for, while Redis answers
            self.store.planner.count(self.school, self.events, self.request)
        if self._before is not None:  # its replies come first on the connection
            before, self._before = self._before, None
            before.finish()
        reads, self._reads = self._reads, None
        self._write(reads)

    def _write(self, reads: tuple) -> None:
        store = self.store
        connection, stored, snapshot, texts = store._receive_reads(reads)
        try:
            start = int(stored.get(self.stream, -1))
            if start >= self.next_offset:  # this batch landed before a crash or a rebalance
                store._send(connection, [resp.pack(("UNWATCH",))])
                store._receive(connection, 1)
                store.release(connection)
                self._connection = None
                self.result = None, []
                self.applied = 0
                self._forget()
                return
            offsets, events, request = self.offsets, self.events, self.request
            if offsets and start > offsets[0]:  # part of it landed: plan only the rest
                first = bisect_left(offsets, start)
                offsets, events = offsets[first:], events[first:]
                request = store.planner.reads_for(self.school, events)
                texts = {}
            now_ms = int(time.time() * 1000)
            self.writes, self.failed = store._plan(self.school, offsets, events, snapshot, now_ms, request)
            self.applied = len(events) - len(self.failed)
            packed = transaction(self.school, self.stream, self.writes, self.next_offset, now_ms,
                                 texts={key: (request.seen[key], text) for key, text in texts.items()},
                                 namespace=store.namespace)
            store._send(connection, packed)
        except BaseException:
            self._connection = None
            store.drop(connection)  # (again, if _send or _receive did: harmless)
            raise
        self._connection, self._sent = connection, len(packed)

    def finish(self) -> tuple[Writes | None, list[tuple[int, Event, str]]]:
        """Wait for the reply to EXEC; read, plan and send again until the batch has landed."""
        if self._reads is not None:
            self.send_writes()
        while self.result is None:
            connection = self._connection
            replies = self.store._receive(connection, self._sent)
            self._connection = None
            if self._handed_over:  # the school's next batch reads its answers there now
                self._handed_over = False
            else:
                self.store.release(connection)
            outcome = replies[-1]  # EXEC's: None when the watched hash changed
            if outcome is None:
                log.info("school %s changed under us (rebalance); re-reading", self.school)
                self._write(self.store._send_reads(keys.offsets(self.school), self.request))
                continue
            for reply in outcome:
                if isinstance(reply, Exception):  # a bug: the batch may have half landed
                    raise reply
            self.store._landed(self.school)
            self.result = self.writes, self.failed
            self._forget()
        return self.result

    def abandon(self) -> None:
        """Give up on the replies (the batch is to be read again): close the connection they
        were to come on (the batch before, if it shares it, is given up too)."""
        self._before = self._reads = None
        if self._connection is not None:
            connection, self._connection = self._connection, None
            self.store.drop(connection)
        self._forget()

    def _forget(self) -> None:
        if self.store._latest.get(self.school) is self:
            del self.store._latest[self.school]


class LeftBatch:
    """A batch of a school this store no longer applies: nothing to do, nothing applied."""

    applied = 0

    def send_writes(self) -> None:
        pass

    def finish(self) -> tuple[None, list]:
        return None, []

    def abandon(self) -> None:
        pass


def _copy(snapshot: Snapshot) -> Snapshot:
    return Snapshot(dict(snapshot.seen), {k: dict(v) for k, v in snapshot.registers.items()})


def transaction(school: str, stream: str, writes: Writes, next_offset: int, now_ms: int,
                texts: dict[str, tuple[list[int], bytes]] | None = None, namespace: str = "") -> list[bytes]:
    """The packed commands that apply a batch's writes, from MULTI to EXEC: the digests' SADDs,
    then apply.lua (sent whole, not by its SHA: a script missing from a restarted server's cache
    would fail inside the transaction, after the SADDs), then the school's id on keys.WALL_MOVED
    (heard once the batch is there). `texts`: per dedupe key, the digests asked about and their
    text, sent again where the same digests are to be added."""
    key_list = [keys.offsets(school), keys.meta(school)]
    index_of = {key: number for number, key in enumerate(key_list, 1)}

    def ref(key: str) -> int:
        number = index_of.get(key)
        if number is None:
            key_list.append(key)
            number = index_of[key] = len(key_list)
        return number

    args: list = [stream, next_offset, now_ms]
    # The same order as the writes would go one by one: later ones build on earlier.
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
    texts = texts or {}
    packed = [resp.pack(("MULTI",))]
    for key, members in writes.sadd.items():
        asked, text = texts.get(key, (None, b""))
        packed.append(resp.with_members("SADD", namespace + key, len(members),
                                        text if asked is members else resp.integers(members)))
    if namespace:
        key_list = [namespace + key for key in key_list]
    packed.append(resp.pack(("EVAL", APPLY_SCRIPT, len(key_list), *key_list, *args)))
    if not namespace:  # a rebuild's batches are not live until it switches over
        packed.append(resp.pack(("PUBLISH", keys.WALL_MOVED, school)))
    packed.append(resp.pack(("EXEC",)))
    return packed


def intset_entries_warning(client: redis.Redis) -> str | None:
    """What to say when this Redis keeps fewer integers in an intset than the dedupe sets are sized
    for (dedupe.INTSET_ENTRIES); None when it keeps enough, or will not tell (a managed Redis may
    refuse CONFIG: its operator sets it)."""
    try:
        found = client.config_get("set-max-intset-entries")
        entries = int(next(iter(found.values())))
    except (redis.RedisError, StopIteration, ValueError):
        return None
    if entries >= INTSET_ENTRIES:
        return None
    return (f"Redis keeps {entries} integers in an intset (set-max-intset-entries); the dedupe sets are sized for "
            f"{INTSET_ENTRIES}: a busy school's dedupe costs ~5x the memory. Start redis-server with "
            f"--set-max-intset-entries {INTSET_ENTRIES} (docker-compose.yml does)")

