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
        """Take minute `minute` of every school that has a summary; returns the schools saved."""
        hour, index = divmod(minute, 60)
        saved = 0
        for school in live.list_schools(self.redis):
            summary = self.summary(school, frames.taken_ms(minute))
            if summary is None:
                continue
            try:
                saved += self._save(school, hour, index, summary)
            except (SQLAlchemyError, ValueError):
                self._hours.pop(school, None)  # read again next minute
                log.exception("wall history: %s minute %d not kept", school, minute)
        self._hours = {s: h for s, h in self._hours.items() if h[0] == hour}
        return saved

    def _save(self, school: str, hour: int, index: int, summary: dict) -> bool:
        start = frames.hour_start(hour * 60)
        for _attempt in range(2):
            held = self._hours.get(school)
            with self.sessions() as db:
                if held is None or held[0] != hour:
                    row = kept.hour_row(db, school, start)
                    held = (hour, frames.Hour.unpack(row[0]) if row else frames.Hour())
                current = held[1]
                if current.mask >> index:
                    self._hours[school] = held
                    return False  # already taken (by another writer), or an older minute than the kept
                seen = current.mask
                current.add(index, summary)
                if keeping.save_hour(db, school=school, hour_start=start, frames=current.pack(),
                                     minutes=current.mask, seen=seen, now=datetime.now(timezone.utc)):
                    db.commit()
                    self._hours[school] = held
                    return True
                db.rollback()
            self._hours.pop(school, None)  # another writer saved this hour meanwhile: read it again
        return False

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
