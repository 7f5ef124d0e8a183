"""The wall's history writer (issue 18, 事后评估): every school's summary, every minute, into the ledger.

A thread of the recorder (`python -m streams.recorder`, streams/recorder.py), so production runs no new
service: once a minute, SETTLE_S after minute M ends, it computes each school's summary at M's last
millisecond (queries/wall_summary.full_summary, as the web app does) and saves the school's hour so far
(ledger/wall_history.py packs it, ledger/commands/wall_history.py saves it). A minute is taken only
while it is fresh: a pass that starts more than LATE_S after M ends (the process was paused, or the
pass before ran long) takes the latest ended minute instead, and the minutes between stay gaps. The
past is never computed from the present's state, and never filled in afterwards.
Once an hour it removes the hours older than WALL_HISTORY_DAYS.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import redis
from sqlalchemy.exc import SQLAlchemyError

from kernel.clock import MINUTE_MS
from ledger import wall_history as frames
from ledger.commands import wall_history as keeping
from queries import summary as live
from queries.ledger import wall_history as kept

log = logging.getLogger("streams.wall_history")
SETTLE_S = 2.0  # the consumer's batch in flight at the minute's end is applied by then
LATE_S = 30.0  # a minute is taken no later than this after it ends, else it is a gap
CHUNK = 50  # schools written in one transaction

Summary = Callable[[str, int], "dict | None"]  # (school, now_ms) -> the school's summary, or None


class HistoryWriter:
    """Keeps each school's current hour in memory (its frames and last summary), so a minute costs one
    summary, one delta and one packed row; reads the row again when another writer changed it."""

    def __init__(self, *, sessions, client: redis.Redis, summary: Summary, retention_days: int,
                 clock: Callable[[], float] = time.time):
        self.sessions = sessions
        self.redis = client
        self.summary = summary
        self.retention_days = retention_days
        self.clock = clock
        self._hours: dict[str, tuple[int, frames.Hour]] = {}  # school -> (hour, its frames)
        self._swept_hour: int | None = None

    def record(self, minute: int) -> int:
        """Take minute `minute` of every school that has a summary; returns the schools saved. Schools
        go CHUNK at a time: their summaries and rows are made first, then written in one short
        transaction (SQLite's write lock is never held while Redis is read, and one commit, one fsync,
        serves CHUNK schools)."""
        hour, index = divmod(minute, 60)
        schools = live.list_schools(self.redis)
        saved = 0
        for first in range(0, len(schools), CHUNK):
            prepared = []
            for school in schools[first:first + CHUNK]:
                summary = self.summary(school, frames.taken_ms(minute))
                held = self._held(school, hour) if summary is not None else None
                if held is None or held.mask >> index:
                    continue  # no summary; or taken already (by another writer), or older than the kept
                seen = held.mask
                held.add(index, summary)
                prepared.append((school, held, seen))
            saved += self._write(minute, prepared)
        self._hours = {s: h for s, h in self._hours.items() if h[0] == hour}
        return saved

    def _held(self, school: str, hour: int) -> frames.Hour:
        """The school's hour as this writer holds it, read from the ledger when it holds another."""
        held = self._hours.get(school)
        if held is None or held[0] != hour:
            with self.sessions() as db:
                row = kept.hour_row(db, school, frames.hour_start(hour * 60))
            held = self._hours[school] = (hour, frames.Hour.unpack(row[0]) if row else frames.Hour())
        return held[1]

    def _write(self, minute: int, prepared: list[tuple[str, frames.Hour, int]]) -> int:
        """Save the prepared hours in one transaction; returns how many were written. A row another
        writer changed since it was read is not overwritten: that school's hour is read again next time
        (and this minute of it is left to the other writer)."""
        if not prepared:
            return 0
        start, now = frames.hour_start(minute), datetime.now(timezone.utc)
        try:
            with self.sessions() as db:
                written = {school for school, held, seen in prepared
                           if keeping.save_hour(db, school=school, hour_start=start, frames=held.pack(),
                                                minutes=held.mask, seen=seen, now=now)}
                db.commit()
        except (SQLAlchemyError, ValueError):
            log.exception("wall history: minute %d of %d schools not kept", minute, len(prepared))
            written = set()
        for school, _held, _seen in prepared:
            if school not in written:
                self._hours.pop(school, None)
        return len(written)

    def forget_old(self, now_ms: int) -> int:
        """Remove the hours older than the retention; returns the rows removed."""
        cutoff = frames.moment(now_ms) - timedelta(days=self.retention_days)
        with self.sessions() as db:
            removed = keeping.forget_before(db, cutoff)
            db.commit()
        if removed:
            log.info("wall history: %d school-hours older than %d days removed", removed, self.retention_days)
        return removed

    def due(self, now_ms: int) -> int | None:
        """The minute to take now: the last ended one, once SETTLE_S has passed and while LATE_S has not."""
        minute = now_ms // MINUTE_MS - 1
        since_end = now_ms - (minute + 1) * MINUTE_MS
        return minute if SETTLE_S * 1000 <= since_end <= LATE_S * 1000 else None

    def tick(self, last: int | None) -> int | None:
        """Take the minute due, if any and not taken yet; sweep once an hour. Returns the last minute taken."""
        now_ms = int(self.clock() * 1000)
        minute = self.due(now_ms)
        if minute is None or minute == last:
            return last
        started = time.monotonic()
        saved = self.record(minute)
        spent = time.monotonic() - started
        if spent > LATE_S / 2:
            log.warning("wall history: minute %d of %d schools took %.1f s", minute, saved, spent)
        if self._swept_hour != minute // 60:
            self._swept_hour = minute // 60
            self.forget_old(now_ms)
        return minute

    def run(self, stop: threading.Event) -> None:
        last = None
        while not stop.is_set():
            try:
                last = self.tick(last)
            except Exception:  # noqa: BLE001 - Redis or the ledger away: the next minute tries again
                log.exception("wall history: pass failed")
            now = self.clock()
            # Wake SETTLE_S after the next minute ends (a little after it, the clock's jitter aside).
            next_due = (int(now * 1000) // MINUTE_MS + 1) * MINUTE_MS / 1000 + SETTLE_S + 0.05
            stop.wait(max(0.2, min(next_due - now, 60.0)))
