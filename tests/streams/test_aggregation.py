"""The planner's arithmetic, without Redis: one batch in, the counter changes out."""
from __future__ import annotations

import copy
import random
import tomllib
from zoneinfo import ZoneInfo

from kernel import contract, keys
from kernel.clock import HOUR_MS, deadline_ms, local_day
from kernel.settings import DEFAULT_ALERT_RULES
from streams.aggregation import Planner, Snapshot
from streams.alert_rules import load_rules, parse_rules
from streams.dedupe import DedupeGroups, digest, shard_of
from streams.registers import REGISTER_TYPES
from tests.streams import events as ev

TZ = ZoneInfo("Asia/Shanghai")
NOW = 1_790_000_000_000  # 2026-09-21 22:13:20 in Shanghai
LIMITS = dict(now_ms=NOW, max_bytes=16_384, max_future_ms=300_000, max_age_ms=7 * 86_400_000)
planner = Planner(load_rules(DEFAULT_ALERT_RULES), TZ)


def plan(docs, snapshot=None):
    parsed = [contract.validate(ev.raw(d), **LIMITS) for d in docs]
    assert all(isinstance(p, contract.Event) for p in parsed), parsed
    return planner.plan("s1", parsed, snapshot or Snapshot(), NOW)


def day_count(writes, name, ts=NOW):
    return writes.incr.get((keys.day_counts("s1", local_day(ts, TZ)), name), 0)


def test_a_double_swipe_is_one_person_present():
    writes = plan([
        ev.attendance("in", "p1", "student", NOW - 5000),
        ev.attendance("in", "p1", "student", NOW - 4000),
        ev.attendance("in", "t1", "staff", NOW - 3000),
    ])
    assert day_count(writes, "present|student") == 1
    assert day_count(writes, "seen|student") == 1
    assert day_count(writes, "present|staff") == 1


def test_the_latest_event_by_event_time_decides_presence_even_when_it_arrives_first():
    writes = plan([
        ev.attendance("out", "p1", "student", NOW - 1000),
        ev.attendance("in", "p1", "student", NOW - 9000),  # late: older than what we know
    ])
    assert day_count(writes, "present|student") == 0
    assert day_count(writes, "seen|student") == 1


def test_presence_continues_from_the_stored_register():
    key = keys.people("s1", local_day(NOW, TZ))
    snapshot = Snapshot(registers={key: {"p1": f"{NOW - 60_000}|in|student"}})
    writes = plan([ev.attendance("out", "p1", "student", NOW - 1000)], snapshot)
    assert day_count(writes, "present|student") == -1
    assert day_count(writes, "seen|student") == 0  # already seen today


def test_visitors_on_campus_and_checked_in_today_count_people_not_swipes():
    writes = plan([
        ev.visitor("check_in", "v1", NOW - 9000, gate="east"),
        ev.visitor("check_out", "v1", NOW - 8000, gate="east"),
        ev.visitor("check_in", "v1", NOW - 7000, gate="west"),
        ev.visitor("check_in", "v2", NOW - 6000, gate="east"),
        ev.visitor("check_out", "v2", NOW - 5000, gate="east"),
    ])
    assert day_count(writes, "visitors_on_campus") == 1
    assert day_count(writes, "visitors_checked_in") == 2
    assert day_count(writes, "checkins|east") == 2 and day_count(writes, "checkins|west") == 1


def test_an_event_counts_in_the_hour_and_minute_of_its_event_time():
    late = NOW - 3 * HOUR_MS
    writes = plan([ev.smoke(late), ev.smoke(NOW - 1000)])
    late_hour = keys.hour_counts("s1", late // HOUR_MS)
    assert writes.incr[(late_hour, "environment")] == 1
    assert writes.incr[(late_hour, "environment|t|fire.smoke_alarm")] == 1
    # the smoke alarm's alert rule lifts its severity from info to critical
    assert writes.incr[(late_hour, "environment|s|critical")] == 1
    minute = (late // 60_000) % 60
    assert writes.incr[(keys.minute_counts("s1", late // HOUR_MS), f"environment|{minute}")] == 1


def test_repeated_ids_count_once_within_a_batch_and_against_the_store():
    first = ev.smoke(NOW - 1000, id="same")
    writes = plan([first, dict(first)])
    assert writes.applied == 1 and writes.duplicates == 1
    (seen_key,) = writes.sadd
    assert seen_key.startswith(keys.tag("s1") + f":seen:{(NOW - 1000) // HOUR_MS}:")
    (stored,) = writes.sadd[seen_key]
    again = plan([first], Snapshot(seen={seen_key: {stored}}))
    assert again.applied == 0 and not again.incr.get((keys.alert_counts("s1"), "sev|critical"))


def test_alerts_open_by_severity_and_close_on_resolution():
    alarm = ev.smoke(NOW - 5000, id="a1")
    gas = ev.event("sensor.gas", "environment", NOW - 4000, id="a2", value=30.0)
    quiet_gas = ev.event("sensor.gas", "environment", NOW - 3000, value=2.0)
    writes = plan([alarm, gas, quiet_gas, ev.resolve("a1", NOW - 1000)])
    counts = keys.alert_counts("s1")
    assert writes.incr[(counts, "sev|critical")] == 1  # two critical opened, one resolved
    assert writes.incr[(counts, "dom|environment")] == 1
    assert set(writes.hset[keys.open_alerts("s1")]) == {"a2"}
    assert "a1" in writes.hdel[keys.open_alerts("s1")]


def test_hazard_stages_follow_the_latest_transition_and_rejection_returns_to_rectifying():
    writes = plan([
        ev.hazard("reported", "h1", NOW - 5000, grade="major", deadline="2026-09-20"),
        ev.hazard("notified", "h1", NOW - 4000),
        ev.hazard("rectifying", "h1", NOW - 3000),
        ev.hazard("feedback", "h1", NOW - 2000),
        ev.hazard("rejected", "h1", NOW - 1000),
    ])
    counts = keys.hazard_counts("s1")
    stages = {k[1]: v for k, v in writes.incr.items() if k[0] == counts and v}
    assert stages == {"stage|rectifying": 1, "major_open": 1}
    assert writes.zadd[keys.hazard_deadlines("s1")]["h1"] == deadline_ms("2026-09-20", TZ)


def test_an_accepted_hazard_is_closed_and_leaves_the_deadline_list():
    writes = plan([
        ev.hazard("reported", "h2", NOW - 2000, grade="major", deadline="2026-09-25"),
        ev.hazard("accepted", "h2", NOW - 1000),
    ])
    counts = keys.hazard_counts("s1")
    assert writes.incr[(counts, "stage|accepted")] == 1
    assert writes.incr[(counts, "major_open")] == 0
    assert "h2" in writes.zrem[keys.hazard_deadlines("s1")]


def test_a_bare_deadline_date_means_the_end_of_that_local_day():
    assert deadline_ms("2026-09-21", TZ) == 1_790_006_400_000 - 1  # 2026-09-22 00:00 +08:00, less 1 ms


def test_every_bucket_gets_an_expiry_at_the_end_of_its_window():
    writes = plan([ev.attendance("in", "p1", "staff", NOW - 1000), ev.smoke(NOW - 1000)])
    hour = (NOW - 1000) // HOUR_MS
    assert writes.expire_at[keys.hour_counts("s1", hour)] == (hour + 1) * 3600 + 7 * 86400 + 3600
    assert writes.expire_at[keys.minute_counts("s1", hour)] == (hour + 1) * 3600 + 86400 + 3600
    for seen_key in writes.sadd:
        assert writes.expire_at[seen_key] == (hour + 1) * 3600 + 7 * 86400 + 3600
    day = local_day(NOW, TZ)
    assert writes.expire_at[keys.people("s1", day)] == 1_790_006_400 + 2 * 86400


def test_a_late_check_in_still_counts_as_checked_in_today():
    writes = plan([
        ev.visitor("check_out", "v1", NOW - 1000),
        ev.visitor("check_in", "v1", NOW - 9000),  # arrives after the check-out it preceded
    ])
    assert day_count(writes, "visitors_on_campus") == 0
    assert day_count(writes, "visitors_checked_in") == 1


def test_each_digest_goes_to_the_dedupe_shard_of_its_event_hour():
    docs = [ev.smoke(NOW - 1000 - i * 7 * 60_000, id=f"x{i}") for i in range(30)]  # 3.5 hours
    docs += [dict(docs[3]), dict(docs[17])]  # repeated within the batch: counted once
    writes = plan(docs)
    assert writes.applied == 30 and writes.duplicates == 2
    placed = {}
    for seen_key, members in writes.sadd.items():
        hour, shard = seen_key.rsplit(":", 2)[1:]
        for mark in members:
            assert shard_of(mark) == int(shard, 16)
            placed[mark] = int(hour)
        assert writes.expire_at[seen_key] == (int(hour) + 1) * 3600 + 7 * 86400 + 3600
    assert placed == {digest(d["id"]): contract.parse_time_ms(d["ts"]) // HOUR_MS for d in docs[:30]}


class _OneByOne:
    """The real rules behind a stand-in, which makes the planner plan every event one by one
    (streams/aggregation.single_gates): the order-by-order planning swipes had before they were
    planned together (streams/swipes.py), here the yardstick for them."""

    def __init__(self, rules):
        self.severity_for = rules.severity_for


def _writes_made(writes):
    return ({k: v for k, v in writes.incr.items() if v}, {k: v for k, v in writes.hset.items() if v},
            {k: v for k, v in writes.hdel.items() if v}, writes.expire_at, writes.sadd,
            writes.applied, writes.duplicates)


def test_swipes_and_gate_passes_planned_together_make_the_writes_of_planning_them_one_by_one():
    rng = random.Random(7)
    midnight = 1_790_006_400_000  # 2026-09-22 00:00 in Shanghai: some batches straddle it
    one_by_one = Planner(_OneByOne(load_rules(DEFAULT_ALERT_RULES)), TZ)
    for _ in range(300):
        around = rng.choice((NOW, midnight))
        people = [f"p{i}" for i in range(rng.randint(1, 12))]  # few: many swipe twice or more
        docs = []
        for _ in range(rng.randint(1, 40)):
            ts = around + rng.randint(-20, 20) * 30_000  # in no order (late swipes), some ties
            roll = rng.random()
            if roll < 0.7:
                docs.append(ev.attendance(rng.choice(("in", "out")), rng.choice(people),
                                          rng.choice(("student", "staff")), ts))
            elif roll < 0.8:
                docs.append(ev.visitor(rng.choice(("check_in", "check_out")), rng.choice(people), ts))
            elif roll < 0.85:
                docs.append(ev.event(rng.choice(("vehicle.entry", "vehicle.exit")), "active_defence", ts,
                                     plate=rng.choice(people), gate="g1"))
            elif roll < 0.9:
                docs.append(ev.smoke(ts))
            elif docs:  # delivered twice (applied once), or an id reused with other data
                again = copy.deepcopy(rng.choice(docs))
                if again["type"].startswith("attendance.") and rng.random() < 0.5:
                    again["type"] = rng.choice(("attendance.in", "attendance.out"))
                    again["data"]["group"] = rng.choice(("student", "staff"))
                elif again["type"].startswith("vehicle.") and rng.random() < 0.5:
                    again["type"] = rng.choice(("vehicle.entry", "vehicle.exit"))
                docs.append(again)
        registers = {}
        for day_ms in (around - 600_000, around + 600_000):  # what is stored, per day
            stored = registers.setdefault(keys.people("s1", local_day(day_ms, TZ)), {})
            for person in rng.sample(people, rng.randint(0, len(people))):
                stored[person] = rng.choice((
                    f"{around + rng.randint(-30, 30) * 30_000}|{rng.choice(('in', 'out'))}|"
                    f"{rng.choice(('student', 'staff'))}", None, ""))
        now = around + 600_000
        for day_ms in (around - 600_000, around + 600_000):  # and of vehicles (plates: the same names)
            stored = registers.setdefault(keys.vehicles("s1", local_day(day_ms, TZ)), {})
            for plate in rng.sample(people, rng.randint(0, len(people))):
                stored[plate] = rng.choice((f"{around + rng.randint(-30, 30) * 30_000}|{rng.choice(('in', 'out'))}",
                                            None))
        parsed = [contract.validate(ev.raw(d), **{**LIMITS, "now_ms": now}) for d in docs]
        seen = {}  # some ids already applied by an earlier batch
        for doc in rng.sample(docs, min(len(docs), rng.randint(0, 2))):
            mark = digest(doc["id"])
            seen.setdefault(keys.seen("s1", contract.parse_time_ms(doc["ts"]) // HOUR_MS, shard_of(mark)),
                            set()).add(mark)
        request = planner.reads_for("s1", parsed)
        together_types = ("attendance.in", "attendance.out", "vehicle.entry", "vehicle.exit")
        assert sum(len(day.indices) for day in request.swipes) == sum(e.type in together_types for e in parsed)
        assert not any(parsed[i].type in together_types for i, _ in request.singles)
        together = planner.plan("s1", parsed, Snapshot(dict(seen), copy.deepcopy(registers)), now, request)
        apart = one_by_one.plan("s1", parsed, Snapshot(dict(seen), copy.deepcopy(registers)), now)
        assert _writes_made(together) == _writes_made(apart), docs


def test_dedupe_groups_put_each_digest_in_its_hour_and_shard_with_repeats_found():
    rng = random.Random(11)
    for _ in range(200):
        hour = NOW // HOUR_MS
        stamps = []
        for _ in range(rng.randint(1, 200)):  # mostly one hour, a few late (or many, or none)
            late = rng.random() < rng.choice((0.0, 0.02, 0.5))
            stamps.append((hour - rng.randint(1, 3) if late else hour) * HOUR_MS + rng.randint(0, HOUR_MS - 1))
        marks = [digest(f"e{rng.randint(0, 10_000)}") for _ in stamps]  # some drawn twice
        groups = DedupeGroups("s1", marks, stamps)
        expected = {}
        for mark, ts in zip(marks, stamps):
            expected.setdefault(keys.seen("s1", ts // HOUR_MS, shard_of(mark)), []).append(mark)
        assert groups.members == {key: sorted(found) for key, found in expected.items()}
        assert groups.hour == {key: int(key.rsplit(":", 2)[1]) for key in expected}
        assert groups.repeated == {mark for mark in marks if marks.count(mark) > 1}


def test_dedupe_groups_keep_digests_at_the_shard_bounds_and_the_ends_of_int64():
    edges = [-(1 << 63), (1 << 63) - 1, 0, -1]
    edges += [(shard - 64) << 57 for shard in (1, 63, 127)] + [((shard - 64) << 57) - 1 for shard in (1, 65, 127)]
    stamps = [NOW] * len(edges)
    groups = DedupeGroups("s1", edges, stamps)
    expected = {}
    for mark in edges:
        expected.setdefault(keys.seen("s1", NOW // HOUR_MS, shard_of(mark)), []).append(mark)
    assert groups.members == {key: sorted(found) for key, found in expected.items()}
    assert sum(map(len, groups.members.values())) == len(edges) and not groups.repeated


def test_gates_let_through_every_event_an_alert_rule_matches_and_only_events_of_such_types():
    rules = parse_rules({"rule": [*tomllib.loads(DEFAULT_ALERT_RULES.read_text(encoding="utf-8"))["rule"],
                                  # an optional field (participants may be null or left out)
                                  {"type": "training.completed", "field": "participants", "at_least": 500,
                                   "severity": "low"}]})
    gated = Planner(rules, TZ)
    assert gated._gates["training.completed"] == ("participants", 500, None)
    rng = random.Random(5)
    for _ in range(100):
        docs = []
        for _ in range(rng.randint(1, 60)):
            ts = NOW - rng.randint(0, 600_000)
            roll = rng.random()
            if roll < 0.3:
                docs.append(ev.event("sensor.gas", "environment", ts, value=rng.choice((0, 9.99, 10, 10.5, 25, 80))))
            elif roll < 0.45:
                docs.append(ev.event("sensor.temperature", "environment", ts, value=rng.choice((20, 59.9, 60, 61))))
            elif roll < 0.6:
                docs.append(ev.event("patrol.checkpoint", "active_defence", ts, guard="g", checkpoint="c",
                                     status=rng.choice(("on_time", "late", "missed"))))
            elif roll < 0.75:
                data = rng.choice(({}, {"participants": None}, {"participants": 499}, {"participants": 500}))
                docs.append(ev.event("training.completed", "mechanisms", ts, title="t", **data))
            elif roll < 0.85:
                docs.append(ev.attendance(rng.choice(("in", "out")), f"p{rng.randint(0, 5)}", "student", ts))
            elif roll < 0.95:
                docs.append(ev.visitor("check_in", f"v{rng.randint(0, 5)}", ts))
            else:
                docs.append(ev.smoke(ts))
        parsed = [contract.validate(ev.raw(d), **LIMITS) for d in docs]
        assert all(isinstance(p, contract.Event) for p in parsed), parsed
        for who, who_rules in ((gated, rules), (planner, planner.rules)):
            request = who.reads_for("s1", parsed)
            singles = [index for index, _ in request.singles]
            swiped = sorted(i for day in request.swipes for i in day.indices)
            assert swiped == [i for i, e in enumerate(parsed) if e.type.startswith("attendance.")]
            for index, event in enumerate(parsed):
                if who_rules.severity_for(event) or event.type in REGISTER_TYPES - {"attendance.in", "attendance.out"}:
                    assert index in singles, event
                elif event.type not in who_rules.types:
                    assert index not in singles, event
            # below every threshold, a null or missing value, or a value no rule names: left to
            # the counts, not planned one by one
            assert not [i for i in singles if parsed[i].type not in REGISTER_TYPES
                        and not who_rules.severity_for(parsed[i])]
