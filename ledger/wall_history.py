"""The wall's history (issue 18, 事后评估), pure: minutes, deltas between summaries, an hour's frames.

What is kept is the school's summary (queries/wall_summary.py `full_summary`: what
GET /api/v1/schools/<school>/summary answers, the ledger's figures included), not the wall's drawn
model: the wall at T is rebuilt by the wall's own code (dashboard/pages/wall/model.py) from the
summary as it was, so a later change to the wall's drawing shows old minutes the new way.

Minutes. Minute M is [M * 60 s, (M + 1) * 60 s) of epoch time. Its snapshot is the summary computed
at now_ms = the minute's LAST millisecond (`taken_ms`): its 5-minute window is minutes M-4..M, all
complete, and an event stamped in minute M counts in it. "The wall at 03:14:20" is the snapshot of
minute 03:14. A minute nobody recorded (the recorder was down) is a gap: shown as one, never
filled from its neighbours.

Frames. One row per school and hour: a keyframe (the whole summary of the hour's first recorded
minute) and a delta for each later recorded minute against the one before it, as JSON lines in one
zlib stream (the standard library's; zstd is not installed, and zlib's 32 kB window already spans
the keyframe and the deltas after it). Reading a minute replays at most 59 deltas.

A delta between two dicts names what changed, recursively: {"s": {key: new value}, "d": [removed
keys], "c": {key: delta of a dict under key}, "l": {key: a list of records as references to the old
list's items and new items}, "o": [every key in order]}, each part only when not empty; "o" only when
applying the rest would not give the new document's key order (the API's documents keep their
order). Scalars and lists of scalars are replaced whole. Values are compared by type as well as
value (1 is not True, 1 is not 1.0), so a round trip is exact to the byte of its JSON.
"""
from __future__ import annotations

import json
import re
import zlib
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from kernel.clock import HOUR_MS, MINUTE_MS
from ledger.errors import LedgerError

FORMAT = 1
KEYFRAME, DELTA = "k", "d"
LEVEL = 9  # a minute's line is compressed once, against the hour's window: the best ratio costs little
_AT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")


# ---- minutes ------------------------------------------------------------------------------------

def minute_of(ms: int) -> int:
    return ms // MINUTE_MS


def taken_ms(minute: int) -> int:
    """The now_ms a minute's snapshot is computed at: the minute's last millisecond."""
    return (minute + 1) * MINUTE_MS - 1


def moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def epoch_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000) if at.tzinfo else int(at.replace(tzinfo=timezone.utc).timestamp() * 1000)


def hour_start(minute: int) -> datetime:
    """The start of the hour holding the minute (UTC): the key of its row."""
    return moment(minute // 60 * HOUR_MS)


def minute_start(minute: int) -> datetime:
    return moment(minute * MINUTE_MS)


# ---- deltas -------------------------------------------------------------------------------------

def same(a, b) -> bool:
    """Equal as JSON: by type as well as value, and dicts in the same key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def delta(before: dict, after: dict) -> dict:
    """What turns `before` into `after` (both JSON documents); {} when they are the same."""
    sets, subs, lists = {}, {}, {}
    for key, value in after.items():
        if key not in before:
            sets[key] = value
            continue
        old = before[key]
        if isinstance(old, dict) and isinstance(value, dict):
            inner = delta(old, value)
            if inner:
                subs[key] = inner
        elif not same(old, value):
            reused = _list_delta(old, value) if isinstance(old, list) and isinstance(value, list) else None
            if reused is not None:
                lists[key] = reused
            else:
                sets[key] = value
    out: dict = {}
    removed = [key for key in before if key not in after]
    if removed:
        out["d"] = removed
    if sets:
        out["s"] = sets
    if subs:
        out["c"] = subs
    if lists:
        out["l"] = lists
    order = list(after)
    if [k for k in before if k in after] + [k for k in after if k not in before] != order:
        out["o"] = order
    return out


def _list_delta(before: list, after: list) -> list | None:
    """A list of records (dicts or lists: the recent alerts, the listed hazards) as references to the
    items of the list before it (their index) and new items (each wrapped in a list); None when no item
    is reused (then the list is replaced whole). A new alert shifts the recent list by one: 20 whole
    alerts a minute become 19 numbers and one alert."""
    if not any(isinstance(item, (dict, list)) for item in after):
        return None  # numbers and strings: an index is no shorter than the value
    where = {}
    for index, item in enumerate(before):
        where.setdefault(json.dumps(item, ensure_ascii=False), index)
    items = [where.get(json.dumps(item, ensure_ascii=False), [item]) for item in after]
    return items if any(isinstance(item, int) for item in items) else None


def apply(before: dict, change: dict) -> dict:
    """`before` with `change` (from `delta`) applied. Neither is changed; unchanged parts are shared."""
    if not change:
        return before
    removed = set(change.get("d", ()))
    result = {k: v for k, v in before.items() if k not in removed}
    for key, inner in change.get("c", {}).items():
        result[key] = apply(result[key], inner)
    result.update(change.get("s", {}))
    for key, items in change.get("l", {}).items():
        old = before[key]
        result[key] = [old[item] if isinstance(item, int) else item[0] for item in items]
    if "o" in change:
        result = {key: result[key] for key in change["o"]}
    return result


def plain(document: dict) -> dict:
    """The document as its JSON reads back (tuples become lists): what a delta is taken between."""
    return json.loads(json.dumps(document, ensure_ascii=False))


# ---- an hour's frames ---------------------------------------------------------------------------

class Hour:
    """One school's hour as kept: frames [[minute of the hour, "k" or "d", summary or delta]] and the
    mask of recorded minutes (bit m: minute m of the hour).

    Packed, it is one zlib stream of JSON lines (a header, then a frame a line), flushed after each
    frame (Z_SYNC_FLUSH): the writer appends a minute by compressing that minute's line only, against
    the window of the lines before it, instead of compressing the whole hour again every minute. A
    stream read back is compressed afresh once, at the first minute added to it."""

    def __init__(self, frames: list | None = None):
        self.frames: list = list(frames or [])
        self.mask = 0
        for m, _kind, _payload in self.frames:
            self.mask |= 1 << m
        self._last: dict | None = None  # the last frame's summary, replayed when first needed
        self._packed = bytearray()
        self._compressor = None

    @property
    def last(self) -> dict | None:
        if self._last is None and self.frames:
            self._last = self.summary(self.frames[-1][0])
        return self._last

    def add(self, minute_of_hour: int, summary: dict) -> None:
        """Keep one minute's summary; minutes come in increasing order."""
        if not 0 <= minute_of_hour < 60 or self.mask >> minute_of_hour:
            raise ValueError(f"minute {minute_of_hour} of the hour is not after the last kept ({self.mask:b})")
        summary = plain(summary)
        last = self.last
        frame = [minute_of_hour, KEYFRAME, summary] if last is None else [minute_of_hour, DELTA, delta(last, summary)]
        self._compress_so_far()
        self.frames.append(frame)
        self._append(frame)
        self._last = summary
        self.mask |= 1 << minute_of_hour

    def summary(self, minute_of_hour: int) -> dict | None:
        """The summary kept for one minute of the hour, or None when that minute was not recorded."""
        if not has(self.mask, minute_of_hour):
            return None
        summary = None
        for m, kind, payload in self.frames:
            summary = payload if kind == KEYFRAME else apply(summary, payload)
            if m == minute_of_hour:
                break
        return summary

    def pack(self) -> bytes:
        self._compress_so_far()
        return bytes(self._packed)

    def _compress_so_far(self) -> None:
        if self._compressor is None:
            self._compressor = zlib.compressobj(LEVEL)
            self._packed = bytearray()
            self._append({"v": FORMAT})
            for frame in self.frames:
                self._append(frame)

    def _append(self, item) -> None:
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        self._packed += self._compressor.compress(line) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    @classmethod
    def unpack(cls, blob: bytes) -> Hour:
        lines = zlib.decompressobj().decompress(blob).split(b"\n")
        header = json.loads(lines[0])
        if header.get("v") != FORMAT:
            raise ValueError(f"wall history format {header.get('v')!r}, this code reads {FORMAT}")
        return cls([json.loads(line) for line in lines[1:] if line])


def has(mask: int, minute_of_hour: int) -> bool:
    return bool(mask >> minute_of_hour & 1)


def highest(mask: int) -> int | None:
    return mask.bit_length() - 1 if mask else None


def lowest(mask: int) -> int | None:
    return (mask & -mask).bit_length() - 1 if mask else None


# ---- the time asked for -------------------------------------------------------------------------

def parse_at(text: str | None, *, now: datetime, retention_days: int, local: ZoneInfo | None = None) -> datetime:
    """`at` as a moment (UTC): an ISO 8601 date and time with its offset ("2026-12-06T03:14:00+08:00",
    "…Z"). Without an offset it is refused, unless `local` says which zone it is in (the wall's
    date-time input sends the school's local time). Refused: anything else, a moment in the minute
    holding `now` or after it (that minute has not ended: the live wall shows it), one older than the
    retention."""
    text = (text or "").strip()
    if len(text) > 40 or not _AT.fullmatch(text):
        raise LedgerError(f"at must be an ISO 8601 date and time with its offset, e.g. 2026-12-06T03:14:00+08:00: "
                          f"{text[:40]!r}",
                          zh=f"at 须为带时区偏移的 ISO 8601 日期时间，例如 2026-12-06T03:14:00+08:00：{text[:40]!r}")
    try:
        found = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise LedgerError(f"at is not a real date and time: {text!r}", zh=f"at 不是有效的日期时间：{text!r}") from None
    if found.tzinfo is None:
        if local is None:
            raise LedgerError("at needs its offset (e.g. +08:00 or Z): without it the moment is ambiguous",
                              zh="at 须带时区偏移（如 +08:00 或 Z），否则无法确定是哪个时刻")
        found = found.replace(tzinfo=local)
    try:
        found = found.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31 behind UTC or 0001-01-01 ahead of it: no datetime holds it in UTC,
        # but it is still a moment out of range, refused below as one (never an error of the server's)
        found = datetime.max.replace(tzinfo=timezone.utc) if found.year > 1 else datetime.min.replace(
            tzinfo=timezone.utc)
    if minute_of(epoch_ms(found)) >= minute_of(epoch_ms(now)):
        raise LedgerError("at is not in a past minute: the wall's history holds minutes that have ended (the live "
                          "summary is the present)",
                          zh="at 所在的分钟尚未结束：历史回看只有已结束的分钟（当前情况请看实时数据）")
    if found < now - timedelta(days=retention_days):
        raise LedgerError(f"at is older than the {retention_days} days the wall's history is kept",
                          zh=f"at 早于大屏历史的保存期限（{retention_days} 天）")
    return found
