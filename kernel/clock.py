"""Time as every process counts it: epoch milliseconds in events and buckets, the school's local
day for day buckets (YYYYMMDD), and hazard deadlines. Pure; the web's reads and the consumer's
writes must agree on these to the millisecond, so they are written once, here."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_S = 86_400
DAY_MS = DAY_S * 1000
# The longest rolling window: older events are refused by the consumers and the events API alike.
WINDOW_MS = 7 * DAY_MS


def local_day(ts_ms: int, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz).strftime("%Y%m%d")


def day_end_epoch(day: str, tz: ZoneInfo) -> int:
    """Epoch seconds of the local midnight that ends `day` (YYYYMMDD)."""
    start = datetime.strptime(day, "%Y%m%d").replace(tzinfo=tz)
    return int((start + timedelta(days=1)).timestamp())


def deadline_ms(text: str | None, tz: ZoneInfo) -> int | None:
    """A hazard deadline as epoch ms: a bare date means the end of that local day."""
    if not text:
        return None
    if "T" not in text:
        end = datetime.combine(date.fromisoformat(text), time.max, tz)
        return int(end.timestamp() * 1000)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return int(moment.timestamp() * 1000)
