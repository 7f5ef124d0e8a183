"""The recorder: a second consumer group that writes alerts and hazard steps into the SQL ledger.

Run one or more with `python -m streams.recorder`. Exactly-once by the same idea as the
aggregator, with SQL in Redis's place: a partition batch's rows and the partition's next offset
are committed in one SQL transaction (`recorder_offsets`), the transaction starts by locking that
offset row (so a member that lost the partition in a rebalance waits, then sees the newer offset
and skips what landed), and on assignment each partition resumes at its stored offset. Every row
an event leaves carries the event id, unique, so the same id twice is recorded once.

Messages that break the contract are the aggregator's to dead-letter; the recorder skips them, so
the dead-letter topic gets each bad message once. Events the *ledger* refuses (an illegal
closed-loop step, an unknown hazard or alert) go to the dead-letter topic from here, counted under
the recorder's group. After each batch, and every LEDGER_REFRESH_SECONDS, the ledger figures the
wall reads are recomputed into Redis (streams/ledger_figures.py). Every ESCALATION_SWEEP_SECONDS, on a
thread of its own (a rebalance or a slow batch never holds back an escalation's pages), it records
the escalation levels unacknowledged alerts have reached and pages them (ledger/commands/escalations.py),
and every second it sends the alert-handling events the web app could not (ledger/commands/alert_outbox.py).
Once a minute, on a thread of its own, it keeps every school's summary in the wall's history (issue 18,
streams/wall_history.py): the wall as it was at any past minute.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone

import redis
from kafka import ConsumerRebalanceListener, TopicPartition
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from kernel import connections, kafka_security
from kernel.clock import WINDOW_MS
from kernel.contract import Rejection, validate
from kernel.heartbeat import Heartbeat
from kernel.proof import headers_for_outbox, keys_from, needs_proof, verdict
from kernel.settings import Settings, redact_url
from ledger.commands import alert_outbox, escalations, history, ladder, photos
from ledger.commands.recording import Refusal, is_relevant, record_in_savepoint
from ledger.live_rules import LiveRules
from ledger.models import RecorderOffset
from ledger.scoring import Rules
from queries import wall_summary
from queries.ledger import register
from streams import ledger_figures
from streams.consumer import partition_lag
from streams.dead_letters import DeadLetter, DeadLetters
from streams.runtime import start_process
from streams.stalls import StallGuard
from streams.stream_metrics import StreamMetrics
from streams.wall_history import HistoryWriter

log = logging.getLogger("streams.recorder")
OUTBOX_EVERY_S = 1.0
OUTBOX_SEND_TIMEOUT_S = 5.0


class Recorder:
    def __init__(self, settings: Settings, *, consumer=None, producer=None, client=None, engine=None):
        self.settings = settings
        self.redis = client or connections.redis_client(settings)
        self.engine = engine or connections.sql_engine(settings)
        self.sessions = connections.sql_sessions(self.engine)
        self.consumer = consumer or connections.kafka_consumer(settings, group_id=settings.recorder_group)
        self.producer = producer or connections.kafka_producer(settings)
        # Rules and deadlines an admin saved in the ledger, else the files, kept current in threads
        # of their own (ledger/live_rules.py); each event reads the one set current when it is recorded.
        reads = connections.sql_sessions(self.engine, reads_only=True)
        self.live_rules = LiveRules("alert_rules", settings.alert_rules_file, reads)
        self.live_deadlines = LiveRules("alert_deadlines", settings.alert_deadlines_file, reads)
        self.dead_letters = DeadLetters(self.redis, self.producer, group=settings.recorder_group,
                                        dead_letter_topic=settings.dead_letter_topic)
        self.window = timedelta(seconds=settings.alert_group_seconds)
        self.assessment_rules = Rules.load(settings.assessment_rules_file)  # deductions are held to their article
        self._keys = keys_from(settings.event_signing_key)  # checks and signs the duty console's events
        # The escalation ladder: an alert opened, and each level the sweep records, pages people.
        self.pager = ladder.Pager.from_settings(settings)
        self._last_refresh = 0.0
        self._last_outbox = 0.0
        self._last_photo_sweep = float("-inf")  # the first tick sweeps
        self.recorded = 0
        # Like the aggregator: a partition silently no longer read is kicked, then the process
        # exits for a fresh one (streams/stalls.py).
        self.stalls = StallGuard(self.consumer, settings.stall_after_seconds, "recorder")
        # Its figures for /metrics and its heartbeats, like the aggregator's (streams/stream_metrics.py).
        self.metrics = StreamMetrics(settings.recorder_group, settings.events_topic)
        self.heartbeat = Heartbeat(settings.heartbeat_dir, "recorder")
        self._positions: dict[int, int] = {}  # partition -> next offset to record (for the lag)

    # -- offsets in SQL ----------------------------------------------------------------------
    def _key(self, partition: int) -> dict:
        return dict(consumer_group=self.settings.recorder_group, topic=self.settings.events_topic,
                    partition=partition)

    def stored_offsets(self, partitions: list[int]) -> dict[int, int]:
        with self.sessions() as session:
            rows = session.scalars(select(RecorderOffset).where(
                RecorderOffset.consumer_group == self.settings.recorder_group,
                RecorderOffset.topic == self.settings.events_topic, RecorderOffset.partition.in_(partitions)))
            return {row.partition: row.next_offset for row in rows}

    def _lock_offset(self, session: Session, partition: int) -> int:
        """Lock the partition's offset row for this transaction and return the stored offset.

        The UPDATE comes first: it takes PostgreSQL's row lock and SQLite's write lock before
        anything is read, so two members cannot both apply one batch."""
        key = self._key(partition)
        where = [getattr(RecorderOffset, k) == v for k, v in key.items()]
        now = datetime.now(timezone.utc)
        if session.execute(update(RecorderOffset).where(*where).values(updated_at=now)).rowcount == 0:
            try:
                with session.begin_nested():
                    session.execute(insert(RecorderOffset).values(**key, next_offset=0, updated_at=now))
            except IntegrityError:  # another member inserted it first: lock it as it stands
                session.execute(update(RecorderOffset).where(*where).values(updated_at=now))
        return session.scalar(select(RecorderOffset.next_offset).where(*where))

    # -- a batch ------------------------------------------------------------------------------
    def process(self, tp: TopicPartition, records: list) -> int:
        """Record one partition batch; returns the next offset to read."""
        started = time.perf_counter()
        recorded_before = self.recorded
        now_ms = int(time.time() * 1000)
        next_offset = records[-1].offset + 1
        letters: list[DeadLetter] = []
        touched: set[str] = set()
        with self.sessions() as session, session.begin():
            start = self._lock_offset(session, tp.partition)
            for record in records:
                if record.offset < start:
                    continue  # landed before a crash or on another member
                event = validate(record.value, now_ms=now_ms, max_bytes=self.settings.max_event_bytes,
                                 max_future_ms=self.settings.max_future_seconds * 1000, max_age_ms=WINDOW_MS)
                if isinstance(event, Rejection):
                    continue  # the aggregator dead-letters contract violations
                if needs_proof(event) and verdict(record.value, record.headers, self._keys) is not None:
                    continue  # not from the product: the aggregator dead-letters it (bad_proof)
                severity = self.rules.severity_for(event)
                if not is_relevant(event, severity):
                    continue
                refusal = self._record_one(session, event, severity)
                touched.add(event.school)
                if refusal is not None:
                    letters.append(DeadLetter(record.offset, record.key, record.value, *refusal))
            if start < next_offset:
                session.execute(update(RecorderOffset).where(
                    *[getattr(RecorderOffset, k) == v for k, v in self._key(tp.partition).items()])
                    .values(next_offset=next_offset))
            if letters:
                # Sent before the commit: after a crash here the replay sends them again (the
                # topic is at-least-once) but counts them once (DeadLetters keeps its offset).
                self.dead_letters.record(tp.topic, tp.partition, letters, next_offset)
        self.metrics.batch(len(records), self.recorded - recorded_before, time.perf_counter() - started)
        self._positions[tp.partition] = next_offset
        if touched:
            self.refresh_figures(sorted(touched))
        return next_offset

    def _record_one(self, session: Session, event, severity: str | None) -> Refusal | None:
        """Each event in a savepoint: one that fails unexpectedly is set aside, not the batch."""
        try:
            refusal = record_in_savepoint(session, event, alert_severity=severity, group_window=self.window,
                                          tz=self.settings.tz, assessment_rules=self.assessment_rules,
                                          pager=self.pager)
            self.recorded += refusal is None
            return refusal
        except (OperationalError, redis.ConnectionError):
            raise  # the database is down: the whole batch is retried
        except Exception as exc:  # noqa: BLE001 - a bug, not bad input: its reason goes to the letter
            log.exception("could not record event %s", event.id)
            return Refusal("processing_error", f"{type(exc).__name__}: {exc}"[:200])

    # -- figures for the wall -----------------------------------------------------------------
    def refresh_figures(self, schools: list[str] | None = None) -> None:
        now = datetime.now(timezone.utc)
        with self.sessions() as session:
            done = ledger_figures.refresh(session, self.redis, school_codes=schools, now=now,
                                          due_soon_days=self.settings.hazard_due_soon_days, tz=self.settings.tz,
                                          term_starts=self.settings.terms)
            if schools is None:
                history.snapshot_days(session, self.redis, school_codes=done, now=now, tz=self.settings.tz)
                history.snapshot_domain_days(session, self.redis, school_codes=done, now=now,
                                             tz=self.settings.tz)
                session.commit()

    # -- the wall's history (issue 18) ------------------------------------------------------------
    def summary_for_history(self, school: str, now_ms: int) -> dict | None:
        """The school's summary as the web app computes it (dashboard/services.py), for the history."""
        with self.sessions() as session:
            placements = register.placements(session, school)
        s = self.settings
        return wall_summary.full_summary(self.redis, school, now_ms=now_ms, tz=s.tz, group=s.consumer_group,
                                         stale_after_s=s.stale_after_seconds, deadlines=self.deadlines,
                                         placements=placements)

    def history_writer(self) -> HistoryWriter:
        return HistoryWriter(sessions=self.sessions, client=self.redis, summary=self.summary_for_history,
                             retention_days=self.settings.wall_history_days)

    # -- escalations and the outbox of alert handling ----------------------------------------------
    def sweep_escalations(self, now: datetime | None = None) -> list:
        with self.sessions() as session:
            return escalations.sweep_escalations(session, now=now or datetime.now(timezone.utc),
                                                 deadlines=self.deadlines, pager=self.pager)

    def _sweeper(self, stop: threading.Event) -> None:
        """The escalation sweep, at once and then every ESCALATION_SWEEP_SECONDS, until stopped."""
        while not stop.is_set():
            try:
                self.sweep_escalations()
            except Exception:  # noqa: BLE001 - the ledger away for a moment: the next sweep tries again
                log.exception("escalation sweep failed; tried again in %g s", self.settings.escalation_sweep_seconds)
            stop.wait(self.settings.escalation_sweep_seconds)

    def send_outbox(self, now: datetime | None = None) -> int:
        """Send the handling events the web app left (written more than SETTLE ago)."""
        older_than = (now or datetime.now(timezone.utc)) - alert_outbox.SETTLE
        with self.sessions() as session:
            return alert_outbox.send(session, self.producer, self.settings.events_topic,
                                     timeout_s=OUTBOX_SEND_TIMEOUT_S, older_than=older_than,
                                     sign=lambda value: headers_for_outbox(value, self._keys))

    def sweep_photos(self, now: datetime | None = None) -> tuple[int, int] | None:
        """Photos sent a day ago or more and attached to nothing, and files no photo names, removed
        (ledger.commands.photos.sweep; the recorder mounts PHOTO_DIR as the web app does). A volume
        that cannot be read is logged and left for the next sweep; the database's errors go to the
        loop like any other."""
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(hours=photos.UNATTACHED_HOURS)
        try:
            gone, strays = photos.sweep(self.sessions, self.settings.photo_dir, cutoff)
        except OSError as exc:
            log.warning("photo sweep: %s cannot be read or written (%s); tried again in %g s",
                        self.settings.photo_dir, exc, self.settings.photo_sweep_seconds)
            return None
        if gone or strays:
            log.info("photo sweep: removed %d photos attached to nothing and %d stray files", gone, strays)
        return gone, strays

    def _tick(self) -> None:
        if time.monotonic() - self._last_refresh >= self.settings.ledger_refresh_seconds:
            self.refresh_figures()
            self._last_refresh = time.monotonic()
        if time.monotonic() - self._last_outbox >= OUTBOX_EVERY_S:
            self.send_outbox()
            self._last_outbox = time.monotonic()
        every = self.settings.photo_sweep_seconds
        if every and time.monotonic() - self._last_photo_sweep >= every:
            self._last_photo_sweep = time.monotonic()  # first: a failing volume is tried again next time
            self.sweep_photos()
        if self.metrics.due():
            self.report()

    def report(self) -> None:
        """This process's figures and heartbeat for /metrics and /healthz, once a second."""
        for tp, behind in partition_lag(self.consumer, self._positions).items():
            self.metrics.lag(tp.partition, behind)
        pipe = self.redis.pipeline(transaction=False)
        taken = self.metrics.report(pipe)
        try:
            pipe.execute()
        except redis.RedisError:
            self.metrics.restore(taken)
            raise

    @property
    def rules(self):
        return self.live_rules.current()

    @property
    def deadlines(self):
        return self.live_deadlines.current()

    # -- the loop -------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        self.consumer.subscribe([self.settings.events_topic], listener=_SeekToStored(self))
        backoff = 0.5
        self.live_rules.start()
        self.live_deadlines.start()
        sweeper = threading.Thread(target=self._sweeper, args=(stop,), name="escalation-sweep", daemon=True)
        sweeper.start()
        history = None
        if self.settings.wall_history_days:  # 0: no history kept
            history = threading.Thread(target=self.history_writer().run, args=(stop,), name="wall-history",
                                       daemon=True)
            history.start()
        try:
            while not stop.is_set():
                self.heartbeat.beat()
                batch = self.consumer.poll(timeout_ms=200)
                try:
                    for tp, records in batch.items():
                        self.process(tp, records)
                    self._tick()
                    self.stalls.check()
                    backoff = 0.5
                except (OperationalError, redis.ConnectionError, redis.TimeoutError) as exc:
                    self.stalls.forget()  # the retries below hold positions still on purpose
                    log.warning("ledger or Redis unavailable (%s); retrying in %.1f s", exc, backoff)
                    for tp, records in batch.items():
                        self.consumer.seek(tp, records[0].offset)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
        finally:
            stop.set()  # the loop ended by an error too: the sweeper ends with it
            sweeper.join(30)
            if history is not None:
                history.join(30)
            self.live_rules.stop()
            self.live_deadlines.stop()
            self.consumer.close()
            self.producer.close(timeout=5)
            self.engine.dispose()


class _SeekToStored(ConsumerRebalanceListener):
    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    def on_partitions_revoked(self, revoked):
        log.info("partitions revoked: %s", sorted(tp.partition for tp in revoked))
        for tp in revoked:
            self.recorder._positions.pop(tp.partition, None)
        self.recorder.metrics.forget_partitions([tp.partition for tp in revoked])

    def on_partitions_assigned(self, assigned):
        log.info("partitions assigned: %s", sorted(tp.partition for tp in assigned))
        if not assigned:
            return
        try:
            stored = self.recorder.stored_offsets([tp.partition for tp in assigned])
        except OperationalError as exc:  # from the start is always safe: the stored offsets decide
            log.warning("cannot read recorder offsets (%s); reading from the start", exc)
            stored = {}
        for tp in assigned:
            if tp.partition in stored:
                self.recorder.consumer.seek(tp, stored[tp.partition])
                self.recorder._positions[tp.partition] = stored[tp.partition]
            else:
                self.recorder.consumer.seek_to_beginning(tp)


def main(argv: list[str] | None = None) -> None:
    settings, stop = start_process("recorder", "Campus events -> the SQL safety ledger", argv)
    log.info("recorder: topic %s, group %s, Kafka %s, ledger %s", settings.events_topic, settings.recorder_group,
             kafka_security.describe(settings), redact_url(settings.database_url))
    try:
        recorder = Recorder(settings)
    except connections.KafkaConnectError as exc:  # a wrong password or CA: say so and stop, not a traceback
        log.error("%s", exc)
        raise SystemExit(2) from None
    recorder.run(stop)


if __name__ == "__main__":
    main()
