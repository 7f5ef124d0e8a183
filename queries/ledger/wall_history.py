"""Reads of the wall's history (issue 18, 事后评估; ledger/wall_history.py says what is kept and how).

`summary_at(db, school, at)` is the school's summary as the wall had it at the moment `at`: the
snapshot of the minute holding `at` (taken at that minute's last millisecond), or a gap, named as one
with the minutes recorded on either side. The incident review reads each step of its timeline with
`summaries_at`, which opens each hour once. Nothing here writes (ledger/commands/wall_history.py does).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.clock import HOUR_MS, MINUTE_MS
from ledger import wall_history as frames
from ledger.models import WallHistory


@dataclass(frozen=True)
class Snapshot:
    """The wall of one school at one moment.

    `at` is the moment asked (UTC); `minute` the start of the minute holding it; `taken_at` the moment
    the summary stands for (that minute's last millisecond: the now_ms it was computed at); `summary`
    the document as GET /api/v1/schools/<school>/summary answered then, or None in a gap; `gap` True
    when that minute was not recorded (the recorder was not running), and then `previous` and `next`
    are the starts of the nearest minutes recorded before and after it (None: none kept)."""

    school: str
    at: datetime
    minute: datetime
    taken_at: datetime
    summary: dict | None
    gap: bool
    previous: datetime | None = None
    next: datetime | None = None


def hour_row(db: Session, school: str, hour_start: datetime) -> tuple[bytes, int] | None:
    """(packed frames, mask of recorded minutes) of one school's hour, or None when none is kept."""
    found = db.execute(select(WallHistory.frames, WallHistory.minutes)
                       .where(WallHistory.school == school, WallHistory.hour_start == hour_start)).first()
    return None if found is None else (found.frames, found.minutes)


def summary_at(db: Session, school: str, at: datetime) -> Snapshot | None:
    """The school's summary at `at` (an aware datetime); None when nothing of the school's wall is kept
    at all (it never sent an event, or not within the retention)."""
    return summaries_at(db, school, [at])[0]


def summaries_at(db: Session, school: str, moments: Iterable[datetime]) -> list[Snapshot | None]:
    """`summary_at` for each moment, in their order, each hour read and opened once."""
    moments = list(moments)
    rows: dict[datetime, tuple[bytes, int] | None] = {}
    opened: dict[datetime, frames.Hour] = {}
    answers: list[Snapshot | None] = []
    anything: bool | None = None
    for at in moments:
        minute = frames.minute_of(frames.epoch_ms(at))
        start, index = frames.hour_start(minute), minute % 60
        if start not in rows:
            rows[start] = hour_row(db, school, start)
        row = rows[start]
        common = dict(school=school, at=at, minute=frames.minute_start(minute),
                      taken_at=frames.moment(frames.taken_ms(minute)))
        if row is not None and frames.has(row[1], index):
            if start not in opened:
                opened[start] = frames.Hour.unpack(row[0])
            answers.append(Snapshot(**common, summary=opened[start].summary(index), gap=False))
            continue
        if anything is None:
            first = select(WallHistory.hour_start).where(WallHistory.school == school).limit(1)
            anything = db.scalar(first) is not None
        if not anything:
            answers.append(None)
            continue
        answers.append(Snapshot(**common, summary=None, gap=True, previous=_previous(db, school, minute, row),
                                next=_next(db, school, minute, row)))
    return answers


def recorded(db: Session, school: str, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    """The spans [first minute's start, last minute's end) recorded between two moments, in order:
    what a review says about the gaps between them."""
    first = frames.minute_of(frames.epoch_ms(since))
    last = frames.minute_of(frames.epoch_ms(until))
    query = (select(WallHistory.hour_start, WallHistory.minutes)
             .where(WallHistory.school == school, WallHistory.hour_start >= frames.hour_start(first),
                    WallHistory.hour_start <= frames.hour_start(last))
             .order_by(WallHistory.hour_start))
    spans: list[list[int]] = []
    for hour_start, mask in db.execute(query):
        base = frames.epoch_ms(hour_start) // MINUTE_MS
        for m in range(60):
            minute = base + m
            if not frames.has(mask, m) or not first <= minute <= last:
                continue
            if spans and spans[-1][1] == minute:
                spans[-1][1] = minute + 1
            else:
                spans.append([minute, minute + 1])
    return [(frames.minute_start(a), frames.minute_start(b)) for a, b in spans]


def _previous(db: Session, school: str, minute: int, row: tuple[bytes, int] | None) -> datetime | None:
    index, base = minute % 60, minute - minute % 60
    below = (row[1] & ((1 << index) - 1)) if row else 0
    if below:
        return frames.minute_start(base + frames.highest(below))
    found = db.execute(select(WallHistory.hour_start, WallHistory.minutes)
                       .where(WallHistory.school == school, WallHistory.hour_start < frames.hour_start(minute))
                       .order_by(WallHistory.hour_start.desc()).limit(1)).first()
    if found is None:
        return None
    return frames.moment(frames.epoch_ms(found.hour_start) + frames.highest(found.minutes) * MINUTE_MS)


def _next(db: Session, school: str, minute: int, row: tuple[bytes, int] | None) -> datetime | None:
    index, base = minute % 60, minute - minute % 60
    above = (row[1] >> (index + 1) << (index + 1)) if row else 0
    if above:
        return frames.minute_start(base + frames.lowest(above))
    after = frames.moment(frames.epoch_ms(frames.hour_start(minute)) + HOUR_MS)
    found = db.execute(select(WallHistory.hour_start, WallHistory.minutes)
                       .where(WallHistory.school == school, WallHistory.hour_start >= after)
                       .order_by(WallHistory.hour_start).limit(1)).first()
    if found is None:
        return None
    return frames.moment(frames.epoch_ms(found.hour_start) + frames.lowest(found.minutes) * MINUTE_MS)
