"""Contract v1: what a vendor's message must look like, and the reason each bad one is refused."""
from __future__ import annotations

import pytest

from kernel import contract
from kernel.catalogue import CATALOGUE, DOMAINS, TYPES_BY_DOMAIN
from tests.streams.events import event, iso_ms, raw

NOW = 1_790_000_000_000
LIMITS = dict(now_ms=NOW, max_bytes=16_384, max_future_ms=300_000, max_age_ms=7 * 86_400_000)


def check(doc_or_bytes):
    data = doc_or_bytes if isinstance(doc_or_bytes, bytes) else raw(doc_or_bytes)
    return contract.validate(data, **LIMITS)


def test_a_valid_event_is_parsed_with_its_envelope():
    doc = event("attendance.in", "personal_safety", NOW - 1000, person="p1", group="staff", gate="east")
    doc.update(building="chem-north", zone="3F", source="gate-cam-1")
    parsed = check(doc)
    assert isinstance(parsed, contract.Event)
    assert parsed.ts == NOW - 1000
    assert (parsed.school, parsed.domain, parsed.type) == ("s1", "personal_safety", "attendance.in")
    assert parsed.severity == "info"  # the default
    assert parsed.building == "chem-north" and parsed.data["person"] == "p1"


def test_every_domain_has_types_and_every_type_one_domain():
    assert set(TYPES_BY_DOMAIN) == set(DOMAINS)
    assert all(TYPES_BY_DOMAIN[d] for d in DOMAINS)
    assert sum(len(t) for t in TYPES_BY_DOMAIN.values()) == len(CATALOGUE)


def test_offsets_other_than_utc_are_understood():
    doc = event("alarm.one_key", "personal_safety", NOW)
    doc["ts"] = "2026-09-21T22:13:20.000+08:00"  # 14:13:20Z
    parsed = check(doc)
    assert parsed.ts == NOW


def _base(**changes):
    doc = event("sensor.temperature", "environment", NOW, value=25.5)
    doc.update(changes)
    return doc


BAD = [
    (b"{not json", contract.NOT_JSON),
    (b"\xff\xfe\x00", contract.NOT_JSON),
    (b"[1, 2]", contract.NOT_OBJECT),
    (b"42", contract.NOT_OBJECT),
    (raw({k: v for k, v in _base().items() if k != "id"}), contract.MISSING_FIELD),
    (raw({k: v for k, v in _base().items() if k != "ts"}), contract.MISSING_FIELD),
    (raw(_base(id=7)), contract.WRONG_TYPE),
    (raw(_base(school=["s1"])), contract.WRONG_TYPE),
    (raw(_base(school="bad {tag}")), contract.BAD_VALUE),
    (raw(_base(school="Demo University")), contract.BAD_VALUE),
    (raw(_base(domain="kitchen")), contract.UNKNOWN_DOMAIN),
    (raw(_base(type="sensor.noise")), contract.UNKNOWN_TYPE),
    (raw(_base(type="attendance.in")), contract.UNKNOWN_TYPE),  # a type of another domain
    (raw(_base(severity="urgent")), contract.BAD_VALUE),
    (raw(_base(data=[1])), contract.WRONG_TYPE),
    (raw(_base(data={})), contract.MISSING_FIELD),
    (raw(_base(data={"value": "hot"})), contract.WRONG_TYPE),
    (raw(_base(data={"value": True})), contract.WRONG_TYPE),
    (raw(_base(ts="2026-09-21T10:00:00")), contract.BAD_TIMESTAMP),  # no UTC offset
    (raw(_base(ts="yesterday")), contract.BAD_TIMESTAMP),
    (raw(_base(ts=1790000000)), contract.WRONG_TYPE),
    (raw(_base(ts=iso_ms(NOW + 301_000))), contract.FUTURE_EVENT),
    (raw(_base(ts=iso_ms(NOW - 7 * 86_400_000))), contract.TOO_OLD),
    (raw(_base(building="x" * 200)), contract.BAD_VALUE),
    (raw(_base(data={"value": 1, "pad": "x" * 17_000})), contract.TOO_LARGE),
    (None, contract.NOT_JSON),
]


@pytest.mark.parametrize("message, reason", BAD)
def test_bad_messages_are_refused_with_their_reason(message, reason):
    result = contract.validate(message, **LIMITS)
    assert isinstance(result, contract.Rejection)
    assert result.reason == reason
    assert result.detail  # a human-readable explanation goes with every rejection


def test_a_little_clock_skew_is_accepted_but_not_more():
    assert isinstance(check(_base(ts=iso_ms(NOW + 299_000))), contract.Event)
    assert isinstance(check(_base(ts=iso_ms(NOW - 7 * 86_400_000 + 1000))), contract.Event)


def test_enum_and_deadline_fields_are_checked():
    bad_group = event("attendance.in", "personal_safety", NOW, person="p", group="parent")
    assert check(bad_group).reason == contract.BAD_VALUE
    bad_deadline = event("hazard.reported", "operations", NOW, hazard="h1", deadline="next week")
    assert check(bad_deadline).reason == contract.BAD_VALUE
    good = event("hazard.reported", "operations", NOW, hazard="h1", deadline="2026-12-01", grade="major")
    assert isinstance(check(good), contract.Event)


def _same(batch_event, event) -> bool:
    return all(getattr(batch_event, name) == getattr(event, name) for name in contract.Event._fields)


def test_validate_batch_gives_every_message_the_verdict_of_validate():
    BAD_HERE: list[bytes] = []
    good = [
        event("attendance.in", "personal_safety", NOW - 1000, person="p1", group="staff", gate="east"),
        event("sensor.gas", "environment", NOW - 2000, value=30, gas="CH4"),
        event("hazard.reported", "operations", NOW, hazard="h1", deadline="2026-12-01T08:00:00+08:00"),
        dict(_base(), ts="2026-09-21T22:13:20.123456+08:00", severity="high", zone="3F"),
        dict(_base(), ts="2026-09-21 14:13:20Z"),  # what ISO-8601 allows, not only RFC 3339
        dict(_base(), school="s1\n"),  # the school pattern as msgspec checks it (re.search)
        {**_base(), "~ts_ms": "not a number"},  # unknown fields are ignored, whatever they hold
    ]
    # Texts of one second that differ after the "." (validate_batch caches each second's ms)
    for text in ("2026-09-21T22:13:20.123+08:00", "2026-09-21T22:13:20.999+08:00",
                 "2026-09-21T22:13:20.000+08:00", "2026-09-21T22:13:20.1234+0800",
                 "2026-09-21T22:13:20.5674+0800", "2026-09-21T14:13:20.001Z", "2026-09-21T14:13:20.002Z",
                 "2026-09-21T23:13:20.123+09:00"):
        good.append(dict(_base(), ts=text))
    for text in ("2026-09-21T22:13:20.12x+08:00", "2026-09-21T22:13:20.\u0661\u0662\u0663+08:00",
                 "2026-09-21T22:13:20.1_2+08:00", "2026-09-21T22:13:20. 12+08:00", "2026-09-21T22:13:20.123"):
        BAD_HERE.append(raw(dict(_base(), ts=text)))
    messages = [raw(doc) for doc in good] + [message for message, _ in BAD] + BAD_HERE
    events, positions, rejected = contract.validate_batch(messages, **LIMITS)
    singles = [contract.validate(message, **LIMITS) for message in messages]
    assert positions == [i for i, one in enumerate(singles) if isinstance(one, contract.Event)]
    assert positions == list(range(len(good)))
    assert all(_same(mine, singles[i]) for mine, i in zip(events, positions))
    assert rejected == [(i, one) for i, one in enumerate(singles) if isinstance(one, contract.Rejection)]


def test_a_bad_deadline_among_good_events_of_known_schools_is_refused_alone():
    # The usual batch holds a hazard or two: only those are checked one by one, whether or not
    # the batch also decoded without a refusal.
    for extra in ([], [b"not json"]):
        messages = [
            raw(event("attendance.in", "personal_safety", NOW - 1000, person="p1", group="staff", gate="east")),
            raw(event("hazard.reported", "operations", NOW, hazard="h1", deadline="next week")),
            raw(event("hazard.notified", "operations", NOW, hazard="h1", deadline="2026-12-01")),
            raw(event("hazard.reported", "operations", NOW, hazard="h2", deadline="2026-13-01")),
            raw(event("sensor.gas", "environment", NOW - 2000, value=30, gas="CH4")),
        ] + extra
        events, positions, rejected = contract.validate_batch(messages, **LIMITS)
        assert list(positions) == [0, 2, 4]
        assert [e.type for e in events] == ["attendance.in", "hazard.notified", "sensor.gas"]
        assert [(i, r.reason) for i, r in rejected] == [(1, contract.BAD_VALUE), (3, contract.BAD_VALUE)] + [
            (5, contract.NOT_JSON) for _ in extra]


def test_event_times_made_of_a_cached_second_and_a_cached_rest_get_the_verdict_of_validate():
    # validate_batch caches the second ("2026-09-21T22:13:20") and the rest (".123+08:00") of each
    # time it parses; a later time may be made of a second from one and a rest from another.
    seconds = ["2026-09-21T22:13:20", "2026-09-21T14:13:19", "2026-09-20T23:59:59"]
    rests = [".123+08:00", "+08:00", "Z", ".5+09:30", ".123456-02:00", ",250+08:00", ".999Z"]
    wrong = ["+25:00", ".12x+08:00", "", " +08:00", ".123+0800x"]  # refused, or no offset
    seen = [raw(dict(_base(), ts=second + rest)) for second, rest in zip(seconds, rests)]
    seen += [raw(dict(_base(), ts=seconds[0] + rest)) for rest in rests]
    crossed = [raw(dict(_base(), ts=second + rest)) for second in seconds + ["2026-02-30T10:00:00"]
               for rest in rests + wrong]
    contract.validate_batch(seen, **LIMITS)  # fills the caches
    events, positions, rejected = contract.validate_batch(crossed, **LIMITS)
    singles = [contract.validate(message, **LIMITS) for message in crossed]
    assert positions == [i for i, one in enumerate(singles) if isinstance(one, contract.Event)]
    assert [event.ts for event in events] == [one.ts for one in singles if isinstance(one, contract.Event)]
    assert rejected == [(i, one) for i, one in enumerate(singles) if isinstance(one, contract.Rejection)]
    assert len(events) >= 2 * len(rests)
    assert {one.reason for _, one in rejected} == {contract.BAD_TIMESTAMP, contract.FUTURE_EVENT}


def test_a_batch_of_seconds_not_seen_before_gets_the_verdict_of_validate():
    # Nearly every batch brings seconds not yet cached: the first time of each is parsed, and the
    # batch's later times of that second are read from the cache it filled.
    seconds = ["2026-09-21T22:10:00", "2026-09-21T22:10:01", "2026-02-30T10:00:00"]
    rests = [".001+08:00", ".002+08:00", "+08:00", "Z", ".5+09:30", "+25:00", ".12x+08:00", ""]
    crossed = [raw(dict(_base(), ts=second + rest)) for second in seconds for rest in rests]
    crossed += crossed[::-1]
    contract._SECONDS.clear()
    contract._RESTS.clear()
    events, positions, rejected = contract.validate_batch(crossed, **LIMITS)
    singles = [contract.validate(message, **LIMITS) for message in crossed]
    assert positions == [i for i, one in enumerate(singles) if isinstance(one, contract.Event)]
    assert [event.ts for event in events] == [one.ts for one in singles if isinstance(one, contract.Event)]
    assert rejected == [(i, one) for i, one in enumerate(singles) if isinstance(one, contract.Rejection)]
    assert len(events) == 2 * 2 * 4 and "2026-09-21T22:10:01" in contract._SECONDS
