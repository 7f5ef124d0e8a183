"""The aggregator: a Kafka consumer group member that turns campus events into rolling aggregates.

Run one or more with `python -m streams.consumer`; members of the group share the partitions.
A member keeps no state of its own: offsets, dedupe sets and aggregates all live in Redis, so a
member can be killed at any moment and another one carries on where the last batch landed.
"""
from __future__ import annotations

import gc
import logging
import threading
import time
from operator import attrgetter

import redis
from kafka import ConsumerRebalanceListener, OffsetAndMetadata, TopicPartition

from kernel import connections, kafka_security, keys
from kernel.clock import WINDOW_MS
from kernel.contract import PROCESSING_ERROR, Event, validate_batch
from kernel.heartbeat import Heartbeat
from kernel.proof import PROOF_TYPES, keys_from, refuse_unproven
from kernel.settings import Settings, redact_url
from ledger.live_rules import LiveRules
from streams.aggregation import Planner
from streams.dead_letters import DeadLetter, DeadLetters
from streams.runtime import start_process
from streams.stalls import EXIT_STALLED, StallGuard  # noqa: F401 (EXIT_STALLED: part of this module's interface)
from streams.store import SchoolStore, intset_entries_warning
from streams.stream_metrics import StreamMetrics

log = logging.getLogger("streams.consumer")

_VALUE = attrgetter("value")
_OFFSET = attrgetter("offset")
_SCHOOL = attrgetter("school")
_TYPE = attrgetter("type")

CAUGHT_UP_EVERY_S = 0.25
# Checkpoints are only where to resume reading (the per-school offsets decide what counts), so
# they are written at most this often: a round trip per batch cost ~0.2 µs an event.
CHECKPOINT_EVERY_S = 0.1
# The cyclic collector runs between batches at most this often, not whenever allocations pile
# up: a poll of 5,000 records set it off ~15 times (~1 µs of kafka-python's poll an event, with
# the batch in flight held: 6.1-6.6 -> 5.2-5.5 µs of thread CPU). Reference counting frees a
# batch (nothing of ours makes cycles); a full pass this often finds whatever a library leaves.
# Each pass walks the batch in flight (~2 ms): once a second cost ~0.2 µs an event at 70k/s.
COLLECT_CYCLES_EVERY_S = 5.0
# Offsets committed to Kafka are for monitoring only (Redis's checkpoints are where a member
# resumes): a failed commit is logged at most this often, and never fails a batch.
COMMIT_COMPLAINT_EVERY_S = 60.0
# School batches in flight at once, each holding a Redis connection until its EXEC is answered
# (its WATCH is on it): twice this, with the checkpoints' own, stays within redis-py's pool of 100.
SCHOOLS_IN_FLIGHT = 32
FINAL_COMMIT_TIMEOUT_MS = 2000


class BatchProcessor:
    """Validates one partition's batch, applies each school's part, dead-letters the rest.

    A batch is applied in two halves: `process` validates it, sends each school's reads, finishes
    the batch before it, then plans each school's part and sends its transaction; `finish` reads
    the replies, dead-letters and moves the partition's checkpoint. So Redis runs one batch's
    transaction (on another core) while this thread polls Kafka and validates the next, and
    answers the next one's reads while this thread finishes the one before. A batch's effect is
    in Redis once its transaction has run; only the checkpoint waits for `finish`.

    With the checkpoints go, once a second and in the same round trip, the figures for /metrics
    (streams/stream_metrics.py), and after it the checkpoints written since the last time go to
    Kafka, committed asynchronously for monitoring only (`consumer`: the group's lag in standard
    Kafka tools).
    """

    def __init__(self, settings: Settings, store: SchoolStore, dead_letters: DeadLetters, client: redis.Redis,
                 *, consumer=None, metrics: StreamMetrics | None = None):
        self.settings = settings
        self.store = store
        self.dead_letters = dead_letters
        self.redis = client
        self.consumer = consumer
        self.metrics = metrics or StreamMetrics(settings.consumer_group, settings.events_topic)
        self._checkpoints = keys.checkpoints(settings.consumer_group, settings.events_topic)
        # (tp, records, next offset, letters, school batches, seconds of work so far)
        self._in_flight: tuple | None = None
        self._applied = 0  # events applied by the parts of the partition batch finished so far
        self._checkpoints_due: dict[str, int] = {}
        self._checkpointed = 0.0
        self._keys = keys_from(settings.event_signing_key)  # checks the duty console's events
        if not self._keys:
            log.warning("EVENT_SIGNING_KEY is not set: every alert-handling event and every step of a hazard "
                        "the product made is refused (bad_proof)")
        self._landed: dict[int, int] = {}  # partition -> where its applied part ends (for the lag)
        self._written: dict[int, int] = {}  # partition -> checkpoint last written, while assigned
        self._commit_pending = False  # checkpoints written (or a commit failed) since the last commit
        self._commit_complained = float("-inf")

    def process(self, tp: TopicPartition, records: list) -> int:
        """Validate a batch of one partition and send its writes; returns the next offset to read."""
        # Nothing here makes a reference cycle: reference counting frees all of it. The cyclic
        # collector is paused meanwhile, or each batch's thousands of allocations would have it
        # walk the batch's records again and again (~0.3 µs an event).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._process(tp, records)
        finally:
            if collecting:
                gc.enable()

    def _process(self, tp: TopicPartition, records: list) -> int:
        started = time.perf_counter()
        now_ms = int(time.time() * 1000)
        events, positions, rejected = validate_batch(
            list(map(_VALUE, records)),
            now_ms=now_ms,
            max_bytes=self.settings.max_event_bytes,
            max_future_ms=self.settings.max_future_seconds * 1000,
            max_age_ms=WINDOW_MS,
        )
        if not PROOF_TYPES.isdisjoint(map(_TYPE, events)):  # a loop in C; true when a hazard moves
            events, positions, rejected = refuse_unproven(records, events, positions, rejected, self._keys)
        letters = [DeadLetter(records[i].offset, records[i].key, records[i].value, *rejection)
                   for i, rejection in rejected]
        if rejected:
            offsets = [records[i].offset for i in positions]
        else:
            offsets = list(map(_OFFSET, records))
        next_offset = records[-1].offset + 1
        stream = f"{tp.topic}/{tp.partition}"
        schools = list(by_school(offsets, events).items())
        finishing = 0.0
        # At most SCHOOLS_IN_FLIGHT schools' batches at a time, each on a connection of its own
        # until its EXEC is answered: a district's partition holds a hundred schools, and a
        # connection for each of them (and of the batch before) ran the pool dry.
        for first in range(0, max(1, len(schools)), SCHOOLS_IN_FLIGHT):
            last = first + SCHOOLS_IN_FLIGHT >= len(schools)
            sent = []
            try:
                # Each school's reads go out first (a school's batch in flight has them wait behind
                # its EXEC, on its connection); Redis answers while the batch in flight is finished.
                for school, (school_offsets, school_events) in schools[first:first + SCHOOLS_IN_FLIGHT]:
                    sent.append(self.store.start(school, stream, school_offsets, school_events, next_offset))
                before = time.perf_counter()
                self.finish()  # the batch before: its time is its own
                finishing += time.perf_counter() - before
                for batch in sent:
                    batch.send_writes()
            except BaseException:
                for batch in sent:
                    batch.abandon()
                raise
            # Only the partition batch's last part moves its checkpoint and dead-letters: a part
            # before it leaves its letters in the `letters` they share and its count in _applied.
            self._in_flight = (tp, records, next_offset if last else None, letters, sent,
                               time.perf_counter() - started - finishing)
        return next_offset

    def finish(self) -> None:
        """Wait for the batch in flight to land, dead-letter what it refused, and checkpoint it."""
        if self._in_flight is None:
            return
        started = time.perf_counter()
        tp, records, next_offset, letters, sent, busy = self._in_flight
        for batch in sent:
            _, failed = batch.finish()
            self._applied += batch.applied
            if failed:  # rare: a bug, not bad input; find the original bytes for the letter
                by_offset = {record.offset: record for record in records}
                for offset, _event, error in failed:
                    record = by_offset[offset]
                    letters.append(DeadLetter(offset, record.key, record.value, PROCESSING_ERROR, error))
        self._in_flight = None
        if next_offset is None:  # a part of a partition batch: its last part checkpoints
            return
        if letters:
            letters.sort(key=lambda letter: letter.offset)
            self.dead_letters.record(tp.topic, tp.partition, letters, next_offset)
        self._checkpoints_due[str(tp.partition)] = next_offset
        self._landed[tp.partition] = next_offset
        applied, self._applied = self._applied, 0
        self.metrics.batch(len(records), applied, busy + time.perf_counter() - started)
        if time.monotonic() - self._checkpointed >= CHECKPOINT_EVERY_S:
            self.write_checkpoints()

    def write_checkpoints(self) -> None:
        """Where to resume reading: the next offset of each partition's last landed batch; with
        them, once a second, this process's figures (and heartbeat) for /metrics, and after them
        the checkpoints of that second committed to Kafka."""
        due = self._checkpoints_due
        if self.metrics.due():  # once a second: one pipeline, still one round trip
            pipe = self.redis.pipeline(transaction=False)
            if due:
                pipe.hset(self._checkpoints, mapping=due)
            taken = self._report(pipe)
            try:
                pipe.execute()
            except BaseException:
                self.metrics.restore(taken)
                raise
            self._written_now(due)
            self._commit_to_kafka()
        elif due:  # the other nine times: the checkpoints alone (a pipeline costs ~50 µs more)
            self.redis.hset(self._checkpoints, mapping=due)
            self._written_now(due)
        self._checkpointed = time.monotonic()

    def _written_now(self, due: dict[str, int]) -> None:
        if due:
            self._written.update((int(p), offset) for p, offset in due.items())
            self._commit_pending = True
            self._checkpoints_due = {}

    def _report(self, pipe) -> tuple:
        if self.consumer is not None:
            for tp, behind in partition_lag(self.consumer, self._landed).items():
                self.metrics.lag(tp.partition, behind)
        return self.metrics.report(pipe)

    def _commit_to_kafka(self) -> None:
        """The assigned partitions' checkpoints to Kafka, with the report: once a second when any
        was written. Not with every checkpoint (ten a second): an asynchronous commit costs this
        process ~1 ms of CPU, request to callback (bench/kafka_commit_cost.py), so ten a second
        would be ~1 % of a core, ~0.15 µs an event at 70,000 events/s; and commits sent faster
        than the broker answers them are refused (max in flight). Monitoring only: never waits,
        never fails the batch; Redis's checkpoints are the truth. A failed commit is tried again
        with the next report."""
        if self.consumer is None or not self._commit_pending or not self._written:
            return
        self._commit_pending = False
        topic = self.settings.events_topic
        offsets = {TopicPartition(topic, p): OffsetAndMetadata(o, "", -1) for p, o in self._written.items()}
        try:
            self.consumer.commit_async(offsets, callback=self._committed)
        except Exception as exc:  # noqa: BLE001 - no coordinator yet, a rebalance: the next report tries
            self._committed(offsets, exc)

    def _committed(self, _offsets, response) -> None:
        if not isinstance(response, Exception):
            return
        self._commit_pending = True
        now = time.monotonic()
        if now - self._commit_complained >= COMMIT_COMPLAINT_EVERY_S:
            self._commit_complained = now
            log.info("offsets not committed to Kafka (%s: %s); monitoring only, nothing is lost",
                     type(response).__name__, response)

    def commit_final(self) -> None:
        """On a clean stop: the last checkpoints to Kafka, waiting a moment (no batch waits now)."""
        if self.consumer is None or not self._written:
            return
        assigned = {tp.partition for tp in self.consumer.assignment()}
        offsets = {TopicPartition(self.settings.events_topic, p): OffsetAndMetadata(o, "", -1)
                   for p, o in self._written.items() if p in assigned}
        if offsets:
            try:
                self.consumer.commit(offsets, timeout_ms=FINAL_COMMIT_TIMEOUT_MS)
            except Exception as exc:  # noqa: BLE001 - monitoring only
                log.info("last offsets not committed to Kafka (%s)", type(exc).__name__)

    def resumed(self, partition: int, offset: int | None) -> None:
        """The partition is assigned and read from `offset` (its checkpoint; None: from the start)."""
        if offset is None:
            self._landed.pop(partition, None)
        else:
            self._landed[partition] = offset

    def revoked(self, partitions: list[int]) -> None:
        for partition in partitions:
            self._landed.pop(partition, None)
            self._written.pop(partition, None)
        self.metrics.forget_partitions(partitions)

    def flush(self) -> None:
        """Land the batch in flight and write the checkpoints: nothing left to overlap with."""
        self.finish()
        self.write_checkpoints()

    def abandon(self) -> list[tuple[TopicPartition, int]]:
        """Drop the batch in flight (Redis failed); returns where to read it again."""
        if self._in_flight is None:
            return []
        tp, records, _, _, sent, _ = self._in_flight
        self._in_flight, self._applied = None, 0
        for batch in sent:
            batch.abandon()
        return [(tp, records[0].offset)]


def partition_lag(consumer, done: dict[int, int]) -> dict[TopicPartition, int]:
    """Messages behind the end of each assigned partition: the end as the last fetch saw it
    (no request) less `done`, where the partition's applied part ends, or, for a partition with
    no batch yet since it was assigned, where the consumer stands (known once it has fetched)."""
    found = {}
    for tp in consumer.assignment():
        end = consumer.highwater(tp)
        if end is None:
            continue  # not fetched yet: unknown, not 0
        at = done.get(tp.partition)
        if at is None:
            try:
                at = consumer.position(tp)
            except Exception:  # noqa: BLE001 - revoked meanwhile: its new reader says
                continue
        if at is not None:
            found[tp] = end - at
    return found


def by_school(offsets: list[int], events: list[Event]) -> dict[str, tuple[list[int], list[Event]]]:
    """The events (and their offsets) of each school, in order."""
    schools = set(map(_SCHOOL, events))
    if len(schools) <= 1:  # the usual batch: the message key is the school, so one per partition
        return {school: (offsets, events) for school in schools}
    groups: dict[str, tuple[list[int], list[Event]]] = {}
    for offset, event in zip(offsets, events):
        group = groups.get(event.school)
        if group is None:
            group = groups[event.school] = ([], [])
        group[0].append(offset)
        group[1].append(event)
    return groups


class SeekToCheckpoint(ConsumerRebalanceListener):
    """On assignment, resume each partition at the checkpoint stored in Redis."""

    def __init__(self, consumer, client: redis.Redis, settings: Settings,
                 processor: BatchProcessor | None = None):
        self.consumer = consumer
        self.redis = client
        self.key = keys.checkpoints(settings.consumer_group, settings.events_topic)
        self.processor = processor

    def on_partitions_revoked(self, revoked):
        log.info("partitions revoked: %s", sorted(tp.partition for tp in revoked))
        if self.processor is not None:
            self.processor.revoked([tp.partition for tp in revoked])

    def on_partitions_assigned(self, assigned):
        log.info("partitions assigned: %s", sorted(tp.partition for tp in assigned))
        if not assigned:
            return
        try:
            stored = self.redis.hmget(self.key, [str(tp.partition) for tp in assigned])
        except redis.RedisError as exc:
            # Reading from the start is always safe, only slower: the per-school offsets in
            # Redis decide what counts, and applying waits until Redis is back.
            log.warning("cannot read checkpoints (%s); reading the partitions from the start", exc)
            stored = [None] * len(assigned)
        for tp, offset in zip(assigned, stored):
            if offset is None:
                self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, int(offset))
            if self.processor is not None:
                self.processor.resumed(tp.partition, None if offset is None else int(offset))


class Aggregator:
    """The consume loop. Stops when `stop` is set; survives Redis outages by re-reading."""

    def __init__(self, settings: Settings, *, consumer=None, producer=None, client=None):
        self.settings = settings
        self.redis = client or connections.redis_client(settings)
        self.consumer = consumer or connections.kafka_consumer(settings)
        self.producer = producer or connections.kafka_producer(settings)
        # The rules an admin saved in the ledger, else the file; checked every few seconds in a
        # thread of its own and taken between batches (ledger/live_rules.py).
        # A ledger that does not answer must not hold the start up: rules are then the file's until
        # the thread reaches it.
        pg = settings.database_url.startswith("postgresql")
        self._ledger = connections.sql_engine(settings, **({"connect_args": {"connect_timeout": 5}} if pg else {}))
        self.live_rules = LiveRules("alert_rules", settings.alert_rules_file,
                                    connections.sql_sessions(self._ledger, reads_only=True))
        planner = Planner(self.live_rules.current(), settings.tz)
        self.planner = planner
        self.processor = BatchProcessor(
            settings,
            SchoolStore(self.redis, planner),
            DeadLetters(
                self.redis, self.producer,
                group=settings.consumer_group, dead_letter_topic=settings.dead_letter_topic,
            ),
            self.redis,
            consumer=self.consumer,
        )
        self.heartbeat = Heartbeat(settings.heartbeat_dir, "aggregator")
        self._caught_up_key = keys.caught_up(settings.consumer_group, settings.events_topic)
        self._last_caught_up = 0.0
        self.events_seen = 0
        self.stalls = StallGuard(self.consumer, settings.stall_after_seconds, "aggregator")

    def run(self, stop: threading.Event) -> None:
        if (warning := intset_entries_warning(self.redis)) is not None:
            log.warning("%s", warning)
        self.consumer.subscribe(
            [self.settings.events_topic],
            listener=SeekToCheckpoint(self.consumer, self.redis, self.settings, self.processor),
        )
        # What exists by now (modules, clients, compiled schemas) lives as long as the process:
        # frozen out of the collector's way, its passes do not walk those ~50k objects. And it
        # runs on this loop's schedule only (COLLECT_CYCLES_EVERY_S).
        gc.collect()
        gc.freeze()
        collecting = gc.isenabled()
        gc.disable()
        collected = time.monotonic()
        backoff = 0.5
        self.live_rules.start()
        try:
            while not stop.is_set():
                self.heartbeat.beat()
                rules = self.live_rules.current()
                if rules is not self.planner.rules:  # a saved version: whole, from this batch on
                    self.planner.use_rules(rules)
                if time.monotonic() - collected >= COLLECT_CYCLES_EVERY_S:
                    gc.collect()
                    collected = time.monotonic()
                batch = self.consumer.poll(timeout_ms=100)
                try:
                    for tp, records in batch.items():
                        self.processor.process(tp, records)
                        self.events_seen += len(records)
                    if not batch:
                        self.processor.flush()
                    self._mark_caught_up()
                    self.stalls.check()
                    backoff = 0.5
                except (redis.ConnectionError, redis.TimeoutError) as exc:
                    self.stalls.forget()  # the retries below hold positions still on purpose
                    # Nothing of the failed batches is lost: go back to their first records and
                    # retry. The one in flight came first, so its position is sought last.
                    log.warning("Redis unavailable (%s); retrying in %.1f s", exc, backoff)
                    for tp, records in batch.items():
                        self.consumer.seek(tp, records[0].offset)
                    for tp, offset in self.processor.abandon():
                        self.consumer.seek(tp, offset)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 5.0)
            try:
                self.processor.flush()
                self.processor.commit_final()
            except redis.RedisError as exc:  # nothing is lost: the next member reads it again
                log.warning("could not finish the last batch (%s)", exc)
                self.processor.abandon()
        finally:
            if collecting:
                gc.enable()
            self.live_rules.stop()
            self._ledger.dispose()
            self.consumer.close()
            self.producer.close(timeout=5)

    def _mark_caught_up(self) -> None:
        """Record, per partition, when this member last stood at its end: the screens' 'as of'."""
        now = time.time()
        if now - self._last_caught_up < CAUGHT_UP_EVERY_S:
            return
        caught_up = {}
        for tp in self.consumer.assignment():
            end = self.consumer.highwater(tp)
            if end is not None and self.consumer.position(tp) >= end:
                caught_up[str(tp.partition)] = int(now * 1000)
        if caught_up:
            # 'as of' only once what was read has landed. Only then: behind the topic's end,
            # waiting for the batch in flight would stall the overlap a few times a second.
            self.processor.flush()
            self.redis.hset(self._caught_up_key, mapping=caught_up)
        self._last_caught_up = now


def main(argv: list[str] | None = None) -> None:
    settings, stop = start_process("aggregator", "Campus events -> rolling aggregates in Redis", argv)
    log.info("aggregator: topic %s, group %s, Kafka %s, Redis %s", settings.events_topic,
             settings.consumer_group, kafka_security.describe(settings), redact_url(settings.redis_url))
    try:
        aggregator = Aggregator(settings)
    except connections.KafkaConnectError as exc:  # a wrong password or CA: say so and stop, not a traceback
        log.error("%s", exc)
        raise SystemExit(2) from None
    aggregator.run(stop)


if __name__ == "__main__":
    main()
