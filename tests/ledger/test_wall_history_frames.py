"""The wall's history, pure (ledger/wall_history.py, dashboard/pages/wall/past.py): deltas round-trip
exactly over many random summaries, an hour's frames give back each minute kept and nothing for a gap,
minutes are counted as documented, `at` is refused clearly in both languages."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dashboard.pages.wall import past
from kernel.catalogue import DOMAINS
from ledger import wall_history as wh
from ledger.errors import LedgerError
from streams.wall_history import LATE_S, SETTLE_S, HistoryWriter

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 12, 0, 30, tzinfo=timezone.utc)
WORDS = ["school", "as_of", "domains", "alerts", "recent", "hazards", "ledger", "gate-东", "b|t|x", "", "0"]


def _value(rng: random.Random, depth: int):
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return rng.randrange(-5, 50)
    if kind == 1:
        return rng.choice([True, False, None])
    if kind == 2:
        return rng.choice([0.0, 1.0, 0.5, 12.3])
    if kind == 3:
        return rng.choice(["", "a", "报警", "2026-12-06T03:14:59.999+08:00"])
    if kind in (4, 5):
        return rng.choice([0, 1, 1.0, True, "1"])  # equal in Python, not in JSON
    if kind == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return _document(rng, depth + 1)


def _document(rng: random.Random, depth: int = 0) -> dict:
    keys = rng.sample(WORDS, rng.randrange(len(WORDS) if depth < 2 else 4))
    return {key: _value(rng, depth) for key in keys}


def _mutated(rng: random.Random, doc: dict) -> dict:
    """A document a minute later: some values changed, keys added, removed or reordered."""
    out = {}
    for key, value in doc.items():
        roll = rng.random()
        if roll < 0.1:
            continue  # removed
        if isinstance(value, dict) and roll < 0.7:
            out[key] = _mutated(rng, value)
        elif roll < 0.3:
            out[key] = _value(rng, 3)
        else:
            out[key] = value
    if rng.random() < 0.3:
        out[rng.choice(WORDS)] = _value(rng, 3)
    if rng.random() < 0.1:
        items = list(out.items())
        rng.shuffle(items)
        out = dict(items)
    return out


def _text(doc) -> str:
    return json.dumps(doc, ensure_ascii=False)


def test_a_delta_turns_any_summary_into_the_next_exactly_to_the_byte():
    rng = random.Random(18)
    for _ in range(300):
        before = _document(rng)
        after = _mutated(rng, before) if rng.random() < 0.8 else _document(rng)
        change = wh.delta(before, after)
        kept = _text(before)
        assert _text(wh.apply(before, change)) == _text(after)
        assert _text(before) == kept  # neither input is changed
        # As stored: through JSON and back.
        assert _text(wh.apply(json.loads(kept), json.loads(_text(change)))) == _text(after)
        assert wh.delta(after, after) == {}


def test_values_equal_in_python_but_not_in_json_are_changes():
    for old, new in ((1, True), (1, 1.0), (0, False), ([1], [True]), ({"a": 1, "b": 2}, {"b": 2, "a": 1})):
        after = wh.apply({"x": old}, wh.delta({"x": old}, {"x": new}))
        assert _text(after) == _text({"x": new})


def test_a_list_of_records_is_kept_by_reference_to_the_items_before_it():
    rng = random.Random(7)
    for _ in range(150):
        old = [{"id": f"a{i}", "state": rng.choice(["new", "acknowledged"]), "n": rng.choice([1, 1.0, True])}
               for i in range(rng.randrange(6))] + [[1, 2], "x", 3]
        pool = old + [{"id": f"b{i}", "state": "new"} for i in range(3)] + [[1, 2.0], True]
        new = [rng.choice(pool) for _ in range(rng.randrange(8))]
        before, after = {"recent": old, "k": 1}, {"recent": new, "k": 1}
        assert _text(wh.apply(before, json.loads(_text(wh.delta(before, after))))) == _text(after)
    alerts = [{"id": f"a{i}", "raised_at": f"03:{i:02d}", "state": "new"} for i in range(20)]
    shifted = {"recent": [{"id": "a20", "raised_at": "03:20", "state": "new"}] + alerts[:19]}
    change = wh.delta({"recent": alerts}, shifted)
    assert change == {"l": {"recent": [[shifted["recent"][0]], *range(19)]}}  # one alert and 19 numbers


def _summary(rng: random.Random, minute: int) -> dict:
    """Something shaped like the API's summary, its counts moving minute by minute as a campus's do."""
    return {
        "school": "demo-univ", "as_of": f"2026-12-06T03:{minute:02d}:59.{rng.randrange(1000):03d}+08:00",
        "lag_seconds": round(rng.random(), 1), "stale": False,
        "domains": {d: {"trend_24h": [7 * i % 50 for i in range(23)] + [minute * 3 + i],
                        "events": {"5m": rng.randrange(30), "1h": minute * 3, "24h": 500 + minute, "7d": 4000},
                        "by_type_24h": {f"t{j}": 20 + minute // (j + 1) for j in range(i % 5)}}
                    for i, d in enumerate(DOMAINS)},
        "alerts": {"open": minute // 20,
                   "recent": [{"id": f"a{j}", "state": "new", "at": f"03:{j:02d}"} for j in range(minute // 20)]},
        "ledger": None if minute % 17 == 0 else {"computed_at": f"03:{minute // 2 * 2:02d}", "hazards": {"open": 3}},
    }


def test_an_hours_frames_give_back_each_minute_kept_and_nothing_for_a_gap():
    rng = random.Random(3)
    hour, kept = wh.Hour(), {}
    for m in range(0, 60):
        if m in (5, 6, 7, 40):
            continue  # the recorder was down: gaps
        kept[m] = _summary(rng, m)
        hour.add(m, kept[m])
        if m == 30:  # a restarted writer: reads the hour so far back and goes on from it
            hour = wh.Hour.unpack(hour.pack())
    blob = hour.pack()
    opened = wh.Hour.unpack(blob)
    assert opened.mask == hour.mask and opened.mask.bit_count() == 56
    for m in range(60):
        found = opened.summary(m)
        assert (found is None) if m not in kept else _text(found) == _text(kept[m]), m
    assert wh.highest(opened.mask) == 59 and wh.lowest(opened.mask) == 0
    assert len(blob) * 10 < len(_text(list(kept.values())))  # deltas and zlib, not copies
    with pytest.raises(ValueError):
        opened.add(30, kept[30])  # a minute is kept once, in order


def test_a_minute_is_taken_at_its_last_millisecond_and_kept_in_its_hours_row():
    minute = wh.minute_of(int(datetime(2026, 12, 6, 3, 14, 20, tzinfo=timezone.utc).timestamp() * 1000))
    assert wh.moment(wh.taken_ms(minute)) == datetime(2026, 12, 6, 3, 14, 59, 999000, tzinfo=timezone.utc)
    assert wh.minute_start(minute) == datetime(2026, 12, 6, 3, 14, tzinfo=timezone.utc)
    assert wh.hour_start(minute) == datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc)
    assert minute % 60 == 14


@pytest.mark.parametrize(("text", "fragment", "zh"), [
    ("yesterday", "ISO 8601", "ISO 8601"),
    ("2026-13-40T03:14:00+08:00", "not a real date", "不是有效的日期时间"),
    ("2026-12-06T03:14:00", "needs its offset", "须带时区偏移"),
    ("2026-12-06T12:00:10Z", "not in a past minute", "尚未结束"),  # the minute holding now
    ("2026-12-07T03:14:00+08:00", "not in a past minute", "尚未结束"),
    ("2026-08-01T03:14:00+08:00", "older than the 90 days", "保存期限（90 天）"),
    # Beyond what a datetime holds once in UTC: out of range like any other, not an OverflowError.
    ("9999-12-31T23:59:00-23:59", "not in a past minute", "尚未结束"),
    ("0001-01-01T00:00:00+23:59", "older than the 90 days", "保存期限（90 天）"),
])
def test_a_bad_at_is_refused_in_both_languages(text, fragment, zh):
    with pytest.raises(LedgerError) as refused:
        wh.parse_at(text, now=NOW, retention_days=90)
    assert fragment in str(refused.value) and zh in refused.value.zh


def test_at_is_read_with_its_offset_or_in_the_schools_zone_when_the_page_sends_local_time():
    expected = datetime(2026, 12, 5, 19, 14, tzinfo=timezone.utc)
    assert wh.parse_at("2026-12-06T03:14:00+08:00", now=NOW, retention_days=90) == expected
    assert wh.parse_at("2026-12-05T19:14:00Z", now=NOW, retention_days=90) == expected
    assert wh.parse_at("2026-12-06T03:14", now=NOW, retention_days=90, local=TZ) == expected


def test_the_past_views_steps_stop_at_the_newest_minute_and_keep_the_school_and_language():
    minute = datetime(2026, 12, 6, 3, 14, tzinfo=TZ)
    banner = past.past_banner("en", "demo-univ", minute, earliest=minute - timedelta(days=90),
                              latest=minute + timedelta(minutes=5))
    links = {c.children: c.href for c in banner.children[1].children if getattr(c, "href", None)}
    assert links == {"−10 min": "/?school=demo-univ&at=2026-12-06T03%3A04&lang=en",
                     "−1 min": "/?school=demo-univ&at=2026-12-06T03%3A13&lang=en",
                     "+1 min": "/?school=demo-univ&at=2026-12-06T03%3A15&lang=en"}  # +10 is not offered
    assert banner.children[0].children == "Past view · 2026-12-06 03:14 (not live)"
    assert banner.children[-1].href == "/?school=demo-univ&lang=en"
    zh = past.past_banner("zh", "demo-univ", minute, earliest=minute, latest=minute)
    assert zh.children[0].children == "历史回看 · 2026-12-06 03:14（非实时）"


def test_the_past_never_flashes_and_a_gap_is_said_not_filled():
    model = {"banner": None, "wall_class": "wall is-flashing", "flash": ["a1"], "fig": {"x": "3"}}
    minute = datetime(2026, 12, 6, 3, 14, tzinfo=TZ)
    shown = past.past_model(model, "zh", minute=minute, state="shown")
    assert shown["flash"] == [] and shown["wall_class"] == "wall is-past" and shown["banner"] is None
    gap = past.past_model(model, "zh", minute=minute, state="gap")
    assert gap["banner"].startswith("2026-12-06 03:14 无记录") and gap["wall_class"] == "wall is-past is-stale"
    stale = past.past_model({**model, "banner": "数据已 5 分钟未更新", "wall_class": "wall is-stale"}, "en",
                            minute=minute, state="shown")
    assert stale["banner"] == "数据已 5 分钟未更新" and "is-stale" in stale["wall_class"]  # as it was then


def test_a_minute_is_taken_after_it_settles_and_never_late():
    writer = HistoryWriter(sessions=None, client=None, summary=None, retention_days=90)
    minute = 29_000_000
    end = (minute + 1) * 60_000
    assert writer.due(end + int(SETTLE_S * 1000) - 1) is None  # the batch in flight not yet applied
    assert writer.due(end + int(SETTLE_S * 1000)) == minute
    assert writer.due(end + int(LATE_S * 1000)) == minute
    assert writer.due(end + int(LATE_S * 1000) + 1) is None  # too late: a gap, not today's state as then
