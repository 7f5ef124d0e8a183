"""A seeded test stream: good events of several kinds (with repeats and late arrivals) and bad
messages of every class, for the pipeline tests. Kept small and independent of the simulator."""
from __future__ import annotations

import random

import orjson

from kernel import contract
from tests.streams import events as ev

BAD_KINDS = {
    contract.NOT_JSON: lambda doc: b'{"id": "broken',
    contract.NOT_OBJECT: lambda doc: b'["an", "array"]',
    contract.MISSING_FIELD: lambda doc: orjson.dumps({k: v for k, v in doc.items() if k != "domain"}),
    contract.WRONG_TYPE: lambda doc: orjson.dumps({**doc, "id": 12345}),
    contract.UNKNOWN_DOMAIN: lambda doc: orjson.dumps({**doc, "domain": "weather"}),
    contract.UNKNOWN_TYPE: lambda doc: orjson.dumps({**doc, "type": "sensor.humidity"}),
    contract.BAD_VALUE: lambda doc: orjson.dumps({**doc, "severity": "extreme"}),
    contract.BAD_TIMESTAMP: lambda doc: orjson.dumps({**doc, "ts": "2026-01-01 10:00"}),
    contract.FUTURE_EVENT: lambda doc: orjson.dumps({**doc, "ts": ev.iso_ms(doc["_now"] + 3_600_000)}),
    contract.TOO_OLD: lambda doc: orjson.dumps({**doc, "ts": ev.iso_ms(doc["_now"] - 8 * 86_400_000)}),
    contract.TOO_LARGE: lambda doc: orjson.dumps({**doc, "data": {"note": "x" * 20_000}}),
    # Valid by the contract; sent unsigned, as someone other than the duty console would.
    contract.BAD_PROOF: lambda doc: orjson.dumps(ev.resolve(doc["id"], doc["_now"] - 1000, outcome="false_alarm",
                                                            by="duty-01", school=doc["school"])),
}


def generate(seed: int, count: int, now_ms: int, schools=("s1", "s2", "s3"), bad_every: int = 50):
    """Returns (messages, good): messages is [(school, bytes, bad_reason|None)] in send order;
    good maps school -> its valid event docs in send order (repeats included)."""
    rng = random.Random(seed)
    messages, good = [], {s: [] for s in schools}
    people = [f"p{i}" for i in range(40)]
    open_alarms = {s: [] for s in schools}
    for i in range(count):
        school = rng.choice(schools)
        # Mostly recent events; some hours or days late, landing in older buckets.
        age = rng.choice([rng.randint(0, 240_000)] * 6 + [rng.randint(0, 6 * 86_400_000)])
        ts = now_ms - 60_000 - age
        # Never about a day old: whether such an event still gets a minute series depends on the
        # wall clock's hour when it is applied (streams/aggregation.py keeps minutes for the last 24
        # hours), so two passes over the same events on either side of an hour's turn would differ
        # by design, and the tests comparing them would fail once an hour.
        if 23 * 3_600_000 <= now_ms - ts <= 27 * 3_600_000:
            ts -= 4 * 3_600_000
        roll = rng.random()
        if roll < 0.35:
            person = rng.choice(people)
            doc = ev.attendance(rng.choice(["in", "in", "out"]), person,
                                "staff" if person < "p1" else "student", ts)
        elif roll < 0.5:
            doc = ev.visitor(rng.choice(["check_in", "check_out"]), f"v{rng.randint(0, 15)}", ts,
                             gate=rng.choice(["east", "west"]))
        elif roll < 0.6:
            doc = ev.smoke(ts, severity=rng.choice(["info", "high"]))
            open_alarms[school].append(doc["id"])
        elif roll < 0.7 and open_alarms[school]:
            doc = ev.resolve(open_alarms[school].pop(0), ts)
        elif roll < 0.8:
            doc = ev.hazard(rng.choice(["reported", "notified", "rectifying", "accepted"]),
                            f"h{rng.randint(0, 8)}", ts, grade=rng.choice(["ordinary", "major"]),
                            deadline="2026-01-01")
        else:
            doc = ev.event("sensor.gas", "environment", ts, value=round(rng.uniform(0, 30), 1))
        doc["school"] = school
        messages.append((school, orjson.dumps(doc), None))
        good[school].append(doc)
        if rng.random() < 0.03:  # a vendor's retry: the same event again, later in the stream
            messages.append((school, orjson.dumps(doc), None))
            good[school].append(doc)
        if i % bad_every == 0:
            reason = list(BAD_KINDS)[(i // bad_every) % len(BAD_KINDS)]
            messages.append((school, BAD_KINDS[reason]({**doc, "_now": now_ms}), reason))
    return messages, good
