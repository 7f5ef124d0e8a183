"""`python -m streams rebuild`: every school's aggregates counted again from the events topic, into
fresh keys, then switched over school by school, atomically, while the live aggregators run on.

Why a rebuild: a fix to how a figure is counted, a new figure, or aggregates in doubt. What it does:

1. Reads the topic from its start with a consumer of no group (it moves no one's checkpoints) and
   applies every event through the aggregators' own path (BatchProcessor, SchoolStore: the same
   validation, planning and exactly-once transaction) into keys named `rebuild:<n>:{s:<school>}:…`
   (kernel/keys.py `rebuild_prefix`): a namespace no reader names, in the school's Redis Cluster
   slot. Rebuild <n> has its own per-school offsets there, and the checkpoints and figures of its
   own group `rebuild-<n>`. It prints events read, rate and time left.
2. Having read to the end, it switches each school with one Lua script (streams/switch.lua) that
   first checks the school's live offsets hash: in every partition the rebuild must have read at
   least as far as the live aggregators have applied that school's events. If so, every rebuilt
   key is renamed over its live twin and live aggregate keys without a twin are deleted, all in one
   step, so a reader sees the old figures or the new ones, never half. If not (the live side applied
   an event the rebuild has not read yet), it reads on and tries again.
3. No fence, no pause: the live offsets hash is renamed over too, and the live aggregators WATCH
   it around every batch, so a batch in flight at the switch is refused at EXEC and planned again
   on the rebuilt aggregates, where the offsets say what is already counted. Being ahead of the
   live side is exact; being behind is what the script refuses.

Events older than the longest window (kernel/clock.py WINDOW_MS, seven days) are refused as they
are by the live aggregators: a rebuild counts what Kafka retains of the last seven days. Schools
with no event counted are left as they are. Killed at any point, a rebuild leaves the live keys as
they were for every school not yet switched (each switched one is whole and exact); the next
rebuild deletes its leftover keys (docs/operations.md, *Rebuilding the aggregates*).
"""
from __future__ import annotations

import dataclasses
import logging
import os
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import redis
from kafka import TopicPartition

from kernel import connections, keys
from kernel.settings import Settings
from ledger.live_rules import LiveRules
from streams import rebuild_plan
from streams.aggregation import Planner
from streams.consumer import BatchProcessor
from streams.store import SchoolStore

log = logging.getLogger("streams.rebuild")
SWITCH_SCRIPT = (Path(__file__).with_name("switch.lua")).read_text(encoding="utf-8")
HEARTBEAT_EVERY_S = 1.0
SCAN_COUNT = 2000
DELETE_CHUNK = 500


class RebuildFailed(RuntimeError):
    """Why a rebuild stopped before switching every school: `str()` English, `zh` Chinese (as
    ledger/errors.py LedgerError). The schools not switched keep their live aggregates."""

    def __init__(self, message: str, *, zh: str) -> None:
        super().__init__(message)
        self.zh = zh

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


class CountedLetters:
    """The rebuild's dead letters: counted by reason, never sent again (the live side sent them)."""

    def __init__(self) -> None:
        self.reasons: Counter = Counter()

    def record(self, topic: str, partition: int, letters, next_offset: int) -> int:
        self.reasons.update(letter.reason for letter in letters)
        return len(letters)


@dataclasses.dataclass
class RebuildReport:
    number: int
    events: int  # records read
    seconds: float  # from the first read to the last switch
    schools: list[str]  # switched
    refused: dict[str, int]  # records refused, by reason (too_old: older than the window)


class Rebuild:
    def __init__(self, settings: Settings, *, client: redis.Redis | None = None, out=None,
                 max_poll_records: int | None = None):
        self.settings = settings
        self.topic = settings.events_topic
        self.redis = client or connections.redis_client(settings)
        self.out = out if out is not None else sys.stderr
        # Batches four times the aggregators': fewer transactions a school; the Lua script's
        # arguments stay far below what a batch of one school may carry.
        self.max_poll_records = max_poll_records or 4 * settings.poll_max_records
        self.host = socket.gethostname()
        self.number = 0
        self.prefix = ""
        self._beat = 0.0

    # -- the run ---------------------------------------------------------------------------------
    def run(self, stop: threading.Event | None = None, switch_timeout_s: float = 300.0) -> RebuildReport:
        stop = stop or threading.Event()
        self.number = int(self.redis.incr(keys.REBUILD_IDS))
        self.prefix = keys.rebuild_prefix(self.number)
        self._heartbeat(force=True)
        self.clean_dead()
        group = f"rebuild-{self.number}"
        consumer = connections.kafka_consumer(self.settings, group_id=None, max_poll_records=self.max_poll_records,
                                              fetch_max_wait_ms=50)
        try:
            store = SchoolStore(self.redis, Planner(self._rules(), self.settings.tz), namespace=self.prefix)
            letters = CountedLetters()
            processor = BatchProcessor(dataclasses.replace(self.settings, consumer_group=group), store, letters,
                                       self.redis)
            tps = self._assign(consumer)
            begins, ends = consumer.beginning_offsets(tps), consumer.end_offsets(tps)
            progress = rebuild_plan.Progress(sum(ends[tp] - begins[tp] for tp in tps), time.monotonic())
            self._say(f"rebuild {self.number}: {self.topic}, {len(tps)} partitions, {progress.total:,} events")
            started = time.monotonic()
            self._read_to(consumer, processor, ends, progress, stop)
            switched: list[str] = []
            deadline = time.monotonic() + switch_timeout_s
            while not stop.is_set():
                processor.flush()
                positions = {f"{self.topic}/{tp.partition}": consumer.position(tp) for tp in tps}
                pending = self._switch_round(positions, switched, store)
                if not pending:
                    break
                if time.monotonic() > deadline:
                    named = ", ".join(sorted(pending)[:10])
                    raise RebuildFailed(f"{len(pending)} schools not switched in {switch_timeout_s:.0f} s "
                                        f"(the live aggregators kept ahead): {named}",
                                        zh=f"{switch_timeout_s:.0f} 秒内有 {len(pending)} 所学校未能切换"
                                           f"（实时聚合一直领先）：{named}")
                self._read_to(consumer, processor, consumer.end_offsets(tps), progress, stop, quiet=True)
            if stop.is_set():
                raise RebuildFailed("stopped before every school was switched", zh="在所有学校切换之前已停止")
            seconds = time.monotonic() - started
            self._hand_over_checkpoints(positions)
            self._say(f"rebuild {self.number}: {progress.read:,} events in {seconds:.1f} s "
                      f"({progress.read / max(seconds, 1e-9):,.0f}/s); switched {len(switched)} schools"
                      + (f"; refused {dict(letters.reasons)}" if letters.reasons else ""), end="\n")
            return RebuildReport(self.number, progress.read, seconds, sorted(switched), dict(letters.reasons))
        finally:
            consumer.close()
            self._forget(self.number)

    def _rules(self):
        """The alert rules the live aggregators run: the ledger's saved version, else the file."""
        engine = connections.sql_engine(self.settings)
        try:
            return LiveRules("alert_rules", self.settings.alert_rules_file,
                             connections.sql_sessions(engine, reads_only=True)).current()
        finally:
            engine.dispose()

    def _assign(self, consumer) -> list[TopicPartition]:
        for _ in range(100):
            partitions = consumer.partitions_for_topic(self.topic)
            if partitions:
                tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
                consumer.assign(tps)
                consumer.seek_to_beginning(*tps)
                return tps
            time.sleep(0.1)
        raise RebuildFailed(f"topic {self.topic} not found", zh=f"找不到主题 {self.topic}")

    def _read_to(self, consumer, processor, ends, progress, stop, quiet: bool = False) -> None:
        """Read and apply every partition up to `ends`; the progress line meanwhile."""
        shown = 0.0
        interval = 0.5 if self._tty() else 5.0
        while not stop.is_set() and any(consumer.position(tp) < end for tp, end in ends.items()):
            batch = consumer.poll(timeout_ms=200)
            for tp, records in batch.items():
                processor.process(tp, records)
                progress.add(len(records), time.monotonic())
            self._heartbeat()
            now = time.monotonic()
            if not quiet and now - shown >= interval:
                self._say(f"rebuild {self.number}: {progress.line(now)}")
                shown = now
        processor.flush()
        if not quiet:
            self._say(f"rebuild {self.number}: {progress.line(time.monotonic())}", end="\n")

    def _switch_round(self, positions: dict[str, int], switched: list[str], store: SchoolStore) -> set[str]:
        """Switch every school that may; returns those still to switch."""
        rebuilt = rebuild_plan.by_school(self._scan(self.prefix + "*"), self.prefix)
        pending = {school for school in rebuilt if school not in store.left}
        if not pending:
            return set()
        live = rebuild_plan.by_school(self._scan("\\{s:*"))
        order = sorted(pending)
        with self.redis.pipeline(transaction=False) as pipe:
            for school in order:
                pipe.hgetall(keys.offsets(school))
            offsets = pipe.execute()
        for school, live_offsets in zip(order, offsets):
            if not rebuild_plan.ready(live_offsets, positions, self.topic):
                continue
            script_keys, argv = rebuild_plan.switch_arguments(
                school, self.prefix, rebuilt[school], live.get(school, []), self.topic, positions)
            if self.redis.eval(SWITCH_SCRIPT, len(script_keys), *script_keys, *argv) == 1:
                store.left.add(school)  # the live aggregators own it now
                switched.append(school)
                pending.discard(school)
                self.redis.sadd(keys.SCHOOLS, school)
            self._heartbeat()
        if switched:
            self._say(f"rebuild {self.number}: switched {len(switched)} schools, {len(pending)} to go", end="\n")
        return pending

    def _hand_over_checkpoints(self, positions: dict[str, int]) -> None:
        """A live group that has not read a partition yet starts where the rebuild ended, not at
        the start: every school below that is switched (the per-school offsets say so). An existing
        checkpoint is never moved."""
        key = keys.checkpoints(self.settings.consumer_group, self.topic)
        with self.redis.pipeline(transaction=False) as pipe:
            for stream, position in positions.items():
                pipe.hsetnx(key, stream.rpartition("/")[2], position)
            pipe.execute()

    # -- registry, heartbeat, leftovers -------------------------------------------------------
    def _heartbeat(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._beat >= HEARTBEAT_EVERY_S:
            self.redis.hset(keys.REBUILDS, str(self.number), f"{int(time.time() * 1000)}|{self.host}|{os.getpid()}")
            self._beat = now

    def clean_dead(self) -> list[int]:
        """Delete the keys of rebuilds that stopped without finishing (killed, crashed)."""
        found = []
        now_ms = int(time.time() * 1000)
        for number, entry in self.redis.hgetall(keys.REBUILDS).items():
            if int(number) != self.number and rebuild_plan.dead(entry, now_ms, self.host, _alive):
                self._say(f"rebuild {self.number}: deleting what rebuild {number} left", end="\n")
                self._forget(int(number))
                found.append(int(number))
        return found

    def _forget(self, number: int) -> None:
        """Delete a rebuild's keys (those not switched) and its group's, then its registry entry."""
        group = f"rebuild-{number}"
        self._delete(self._scan(keys.rebuild_prefix(number) + "*"))
        self._delete([keys.checkpoints(group, self.topic), keys.caught_up(group, self.topic),
                      keys.stream_metrics(group), keys.stream_lag(group, self.topic), keys.heartbeats(group)])
        self.redis.hdel(keys.REBUILDS, str(number))

    def _scan(self, match: str) -> list[str]:
        return list(self.redis.scan_iter(match=match, count=SCAN_COUNT))

    def _delete(self, names: list[str]) -> None:
        for first in range(0, len(names), DELETE_CHUNK):
            self.redis.unlink(*names[first:first + DELETE_CHUNK])

    def _tty(self) -> bool:
        return bool(getattr(self.out, "isatty", lambda: False)())

    def _say(self, text: str, end: str | None = None) -> None:
        if self._tty():
            self.out.write("\r" + text.ljust(100) + (end or ""))
        else:
            self.out.write(text + "\n")
        self.out.flush()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
