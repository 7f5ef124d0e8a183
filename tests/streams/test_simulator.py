"""The campus event simulator: deterministic, contract-valid, realistic, and bad on purpose.

Pure tests, no services: one simulated day is generated once and checked from several angles.
"""
from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from demo.simulator import simulate, simulate_labelled, simulated_headers
from demo.sites import SCHOOLS, SCHOOLS_BY_ID, SYSTEMS
from kernel import contract, proof
from kernel.contract import SCHOOL_ID, Event, Rejection, validate
from streams.alert_rules import load_rules

TZ = ZoneInfo("Asia/Shanghai")
# Tuesday 2026-11-24, local midnight: the day fixture covers one whole school day and night.
MIDNIGHT = int(datetime(2026, 11, 24, tzinfo=TZ).timestamp() * 1000)
DAY_MESSAGES = 45_000
DAY_RATE = 0.53  # 45,000 messages at 0.53/s span 23.6 hours
LIMITS = dict(max_bytes=16_384, max_future_ms=300_000, max_age_ms=7 * 86_400_000)

# What the contract must answer to each kind of bad message, written out here on purpose rather
# than imported: the test states the expectation, the simulator has to meet it.
EXPECTED_REJECTION = {
    "not_json": contract.NOT_JSON,
    "invalid_utf8": contract.NOT_JSON,
    "not_object": contract.NOT_OBJECT,
    "missing_field": contract.MISSING_FIELD,
    "wrong_type": contract.WRONG_TYPE,
    "unknown_domain": contract.UNKNOWN_DOMAIN,
    "unknown_type": contract.UNKNOWN_TYPE,
    "bad_severity": contract.BAD_VALUE,
    "bad_school": contract.BAD_VALUE,
    "bad_timestamp": contract.BAD_TIMESTAMP,
    "future_event": contract.FUTURE_EVENT,
    "too_old": contract.TOO_OLD,
    "too_large": contract.TOO_LARGE,
    "forged_handling": contract.BAD_PROOF,  # valid by the contract; refused for its missing proof
}
KEYS = proof.keys_from("simulator-test-signing-key")
ALLOWED_NEXT_STAGE = {  # the hazard closed loop; a failed acceptance goes back to rectification
    None: {"hazard.reported"},
    "hazard.reported": {"hazard.notified"},
    "hazard.notified": {"hazard.rectifying"},
    "hazard.rectifying": {"hazard.feedback"},
    "hazard.feedback": {"hazard.accepted", "hazard.rejected"},
    "hazard.rejected": {"hazard.feedback"},
    "hazard.accepted": set(),
}


def _take(n: int, **options) -> list:
    options.setdefault("seed", 7)
    options.setdefault("start_ms", MIDNIGHT)
    options.setdefault("rate", 50.0)
    return list(itertools.islice(simulate_labelled(**options), n))


@pytest.fixture(scope="module")
def day():
    """(message, validation result) pairs of one simulated day of the three demo schools."""
    messages = _take(DAY_MESSAGES, rate=DAY_RATE, bad_rate=0.01)
    now_ms = messages[-1].clock_ms
    return [(m, _as_the_consumer_sees(m, now_ms)) for m in messages]


def _as_the_consumer_sees(message, now_ms: int):
    """The contract's verdict, then the proof check of a handling step, with the headers the
    simulator sends the message with."""
    result = validate(message.payload, now_ms=now_ms, **LIMITS)
    if isinstance(result, Event) and result.type in proof.HANDLING_TYPES:
        return proof.verdict(message.payload, simulated_headers(message, KEYS), KEYS) or result
    return result


@pytest.fixture(scope="module")
def events(day) -> list[Event]:
    """The valid events of the day in sending order, each once: a repeated id is the same event
    delivered again, which the consumer drops (tested apart below)."""
    seen: set[str] = set()
    out = []
    for message, result in day:
        if message.bad is None and result.id not in seen:
            seen.add(result.id)
            out.append(result)
    return out


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not():
    first = list(itertools.islice(simulate(seed=11, start_ms=MIDNIGHT, rate=200, bad_rate=0.05), 3000))
    again = list(itertools.islice(simulate(seed=11, start_ms=MIDNIGHT, rate=200, bad_rate=0.05), 3000))
    other = list(itertools.islice(simulate(seed=12, start_ms=MIDNIGHT, rate=200, bad_rate=0.05), 3000))
    assert first == again
    assert first != other
    assert all(isinstance(school, str) and isinstance(payload, bytes) for school, payload in first)


def test_a_rerun_with_a_new_start_never_reuses_an_event_id():
    earlier = _take(2000, duplicate_rate=0)
    later = _take(2000, duplicate_rate=0, start_ms=MIDNIGHT + 60_000)
    ids = lambda messages: {validate(m.payload, now_ms=MIDNIGHT, **LIMITS).id for m in messages}  # noqa: E731
    assert not ids(earlier) & ids(later)


def test_the_virtual_clock_advances_one_interval_per_message():
    messages = _take(1000, rate=250.0)
    assert [m.clock_ms for m in messages] == [MIDNIGHT + i * 4 for i in range(1000)]


def test_every_valid_message_passes_the_contract_and_is_keyed_by_its_school(day):
    for message, result in day:
        if message.bad is None:
            assert isinstance(result, Event), (result, message.payload[:300])
            assert result.school == message.school
    assert {message.school for message, _ in day} == set(SCHOOLS_BY_ID)


def test_bad_messages_come_at_the_chosen_rate_and_each_kind_is_refused_for_its_reason(day):
    bad = [(message, result) for message, result in day if message.bad]
    assert abs(len(bad) / len(day) - 0.01) < 0.002
    assert {message.bad for message, _ in bad} == set(EXPECTED_REJECTION)
    for message, result in bad:
        assert isinstance(result, Rejection), (message.bad, message.payload[:200])
        assert result.reason == EXPECTED_REJECTION[message.bad], (message.bad, result)


@pytest.mark.parametrize("bad_rate", [0.0, 0.2])
def test_the_bad_rate_is_a_parameter(bad_rate):
    messages = _take(5000, bad_rate=bad_rate)
    observed = sum(1 for m in messages if m.bad) / len(messages)
    assert abs(observed - bad_rate) < 0.025


def test_a_repeated_id_is_an_exact_duplicate_at_about_the_chosen_rate(day):
    payload_of: dict[str, bytes] = {}
    repeats = 0
    for message, result in day:
        if message.bad is None:
            if result.id in payload_of:
                assert payload_of[result.id] == message.payload
                repeats += 1
            payload_of[result.id] = message.payload
    assert 0.001 < repeats / len(day) < 0.0035
    no_repeats = _take(5000, duplicate_rate=0.0)
    assert len({m.payload for m in no_repeats}) == len(no_repeats)


def test_about_one_percent_of_events_arrive_a_few_minutes_late_and_none_early(day):
    first_sent: dict[str, int] = {}
    for message, result in day:
        if message.bad is None:
            first_sent.setdefault(result.id, message.clock_ms - result.ts)
    lateness = list(first_sent.values())
    late = [ms for ms in lateness if ms > 0]
    assert min(lateness) >= 0  # a valid event is never stamped ahead of the moment it is sent
    assert 0.005 < len(late) / len(lateness) < 0.02
    assert all(60_000 <= ms <= 600_000 for ms in late)


def _local_hour(event: Event) -> int:
    return datetime.fromtimestamp(event.ts / 1000, TZ).hour


def test_attendance_peaks_at_morning_arrival_and_is_quiet_at_night(events):
    by_hour = Counter(_local_hour(e) for e in events if e.type.startswith("attendance."))
    all_by_hour = Counter(_local_hour(e) for e in events)
    share = lambda hours: sum(by_hour[h] for h in hours) / sum(all_by_hour[h] for h in hours)  # noqa: E731
    assert share((7, 8)) > 0.2
    assert share((7, 8)) > 10 * share((2, 3, 4))


def test_people_arrive_in_the_morning_and_leave_in_the_afternoon(events):
    for school in SCHOOLS_BY_ID:
        swipes = Counter((e.type, _local_hour(e)) for e in events if e.school == school)
        ins = lambda hours: sum(swipes[("attendance.in", h)] for h in hours)  # noqa: E731
        outs = lambda hours: sum(swipes[("attendance.out", h)] for h in hours)  # noqa: E731
        assert ins((6, 7, 8)) > 3 * outs((6, 7, 8)), school
        assert outs((16, 17, 18)) > ins((16, 17, 18)), school
        assert outs(range(24)) > 0.7 * ins(range(24)), school  # most who come in go home


def test_nobody_swipes_out_who_has_not_swiped_in(events):
    on_site: dict[tuple[str, str], bool] = defaultdict(bool)
    double_swipes = 0
    for event in events:
        if event.type == "attendance.in":
            double_swipes += on_site[(event.school, event.data["person"])]
            on_site[(event.school, event.data["person"])] = True
        elif event.type == "attendance.out":
            assert on_site[(event.school, event.data["person"])], event
            on_site[(event.school, event.data["person"])] = False
    assert double_swipes > 0  # some double-swipe or forgot to swipe out yesterday


def test_visitors_check_out_20_to_150_minutes_after_checking_in_or_never(events):
    checked_in = {}
    stays = []
    for event in events:
        key = (event.school, event.data.get("visitor"))
        if event.type == "visitor.check_in":
            checked_in[key] = event.ts
        elif event.type == "visitor.check_out":
            stays.append((event.ts - checked_in.pop(key)) / 60_000)
    assert stays and all(20 <= minutes <= 151 for minutes in stays)
    assert checked_in  # some never check out


def test_hazards_walk_the_closed_loop_in_order():
    # Hazards are found in office hours and take hours to close, so this test takes a working
    # day of its own (08:00 to 20:00) and reads only its hazard events.
    messages = _take(60_000, rate=1.4, duplicate_rate=0, start_ms=MIDNIGHT + 8 * 3_600_000)
    end_ms = messages[-1].clock_ms
    hazard_events = [
        validate(m.payload, now_ms=end_ms, **LIMITS) for m in messages if b'"hazard.' in m.payload
    ]
    stage: dict[tuple[str, str], str | None] = defaultdict(lambda: None)
    last_ts: dict[tuple[str, str], int] = {}
    for event in hazard_events:
        key = (event.school, event.data["hazard"])
        assert event.type in ALLOWED_NEXT_STAGE[stage[key]], (stage[key], event)
        assert event.ts >= last_ts.get(key, 0)
        assert event.data["grade"] in ("ordinary", "major") and event.data["deadline"]
        stage[key], last_ts[key] = event.type, event.ts
    stages = Counter(stage.values())
    assert stages["hazard.accepted"] > 0 and stages["hazard.accepted"] < len(stage)  # some still open
    assert any(e.type == "hazard.rejected" for e in hazard_events)
    assert {e.data["grade"] for e in hazard_events} == {"ordinary", "major"}


def test_alert_handling_refers_to_earlier_alert_raising_events_and_leaves_some_open(events):
    rules = load_rules("streams/alert_rules.toml")
    raised: dict[str, Event] = {}
    acknowledged, resolved = set(), set()
    for event in events:
        if event.type in ("alert.acknowledged", "alert.resolved"):
            alert = raised.get(event.data["alert"])
            assert alert is not None and alert.school == event.school, event
            assert event.ts >= alert.ts
            (acknowledged if event.type == "alert.acknowledged" else resolved).add(alert.id)
        elif rules.severity_for(event):
            raised[event.id] = event
    assert resolved <= acknowledged
    assert 0 < len(resolved) < len(raised)
    assert 0.0005 < len(raised) / len(events) < 0.005  # alerts are rare


def test_events_use_the_places_and_devices_of_their_school(events):
    for event in events:
        school = SCHOOLS_BY_ID[event.school]
        buildings = {b.id: b for b in school.buildings}
        if event.building is not None:
            assert event.building in buildings, event
        if event.zone is not None:
            assert event.zone in {z.id for z in buildings[event.building].zones}, event
        if event.type.startswith(("device.", "sensor.")):
            assert event.source in {d.id for d in school.devices}, event
        if event.type.startswith(("attendance.", "visitor.", "vehicle.entry", "vehicle.exit")):
            assert event.data["gate"] in {g.id for g in school.gates}, event


def test_every_event_type_of_the_catalogue_turns_up(events):
    from kernel.catalogue import CATALOGUE

    seen = {event.type for event in events}
    # Alarms, drills and the like come a handful of times a day at this rate, so a given day may
    # lack one of them; everything else must be there.
    rare = {
        "weather.warning", "face.watchlist_hit", "assessment.deduction", "alarm.one_key", "drill.completed",
        "vehicle.speeding", "hazard.rejected", "fire.smoke_alarm", "perimeter.intrusion",
    }
    assert set(CATALOGUE) - rare <= seen


def test_unknown_schools_and_bad_rates_are_refused_at_once():
    with pytest.raises(ValueError, match="unknown school"):
        simulate_labelled(["demo-nowhere"], seed=1, start_ms=MIDNIGHT, rate=1)
    with pytest.raises(ValueError):
        simulate_labelled(seed=1, start_ms=MIDNIGHT, rate=0)
    with pytest.raises(ValueError):
        simulate_labelled(seed=1, start_ms=MIDNIGHT, rate=1, bad_rate=1.5)


def test_one_school_alone_can_be_simulated():
    messages = _take(2000, schools=["demo-primary"], bad_rate=0.05)
    assert {m.school for m in messages} == {"demo-primary"}


def test_the_demo_sites_are_consistent():
    for school in SCHOOLS:
        assert SCHOOL_ID.fullmatch(school.id)
        building_ids = [b.id for b in school.buildings]
        gate_ids = [g.id for g in school.gates]
        device_ids = [d.id for d in school.devices]
        for ids in (building_ids, gate_ids, device_ids, [c.id for c in school.checkpoints]):
            assert len(ids) == len(set(ids)), ids
        zones = {b.id: {z.id for z in b.zones} for b in school.buildings}
        campuses = {c.id for c in school.campuses}
        assert {b.campus for b in school.buildings} | {g.campus for g in school.gates} <= campuses
        for place in (*school.devices, *school.checkpoints):
            if place.building is not None:
                assert place.zone in zones[place.building], place
        assert {d.gate for d in school.devices if d.gate} <= set(gate_ids)
        assert set(SYSTEMS) - {"broadcast"} <= {d.system for d in school.devices}
        assert school.staff > 0 and school.students > 0 and school.guards and school.duty_officers
