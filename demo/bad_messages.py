"""Bad messages for the simulator: one kind per class of message that contract v1 refuses, and a
forged alert-handling step, which the contract accepts and the consumers refuse (bad_proof).

Each kind mimics a real way a campus device or gateway goes wrong (a legacy GBK gateway, a clock
reset to a wrong date, a backlog replayed weeks later), so the dead-letter screens show believable
traffic. The consumer must refuse each with the reason code in `EXPECTED_REASON`.
"""
from __future__ import annotations

import random
from collections.abc import Callable

import orjson

from demo.checklists import CAMPAIGNS
from demo.sites import School
from kernel import contract

DAY_MS = 86_400_000

# Kind -> the rejection reason the contract gives it. The simulator cycles through them in order.
EXPECTED_REASON: dict[str, str] = {
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
    # Valid by the contract, refused by the consumers: a handling step sent by someone other than the
    # duty console, without the proof only the web app can make (kernel/proof.py).
    "forged_handling": contract.BAD_PROOF,
}
BAD_KINDS: tuple[str, ...] = tuple(EXPECTED_REASON)


def _template(school: School, event_id: str, ts: str, rng: random.Random) -> dict:
    """A valid campaign check result with Chinese text in it (which the GBK kind needs)."""
    campaign = CAMPAIGNS[0]
    building = rng.choice(school.buildings)
    return {
        "id": event_id,
        "ts": ts,
        "school": school.id,
        "domain": "special_campaigns",
        "type": "campaign.check_result",
        "severity": "info",
        "building": building.id,
        "source": "inspection-team",
        "data": {"campaign": campaign.code, "item": rng.choice(campaign.items), "result": "pass",
                 "note": building.name_zh},
    }


def bad_message(
    kind: str,
    *,
    school: School,
    event_id: str,
    clock_ms: int,
    rng: random.Random,
    iso_time: Callable[[int], str],
    max_event_bytes: int,
) -> bytes:
    """The bytes of one bad message of `kind`, sent at virtual time `clock_ms`."""
    doc = _template(school, f"{event_id}-bad-{kind}", iso_time(clock_ms), rng)
    variant = rng.randrange(3)
    if kind == "not_json":
        good = orjson.dumps(doc)
        return (good[: len(good) // 2], b"ALARM;dev=03;zone=3F;smoke=1", b"")[variant]
    if kind == "invalid_utf8":
        # A legacy gateway that still speaks GBK: the Chinese text is not UTF-8.
        return orjson.dumps(doc).decode().encode("gbk") + b"\xff"
    if kind == "not_object":
        return (orjson.dumps([doc]), b"42", b'"ping"')[variant]
    if kind == "missing_field":
        if variant == 2:
            del doc["data"]["item"]
        else:
            del doc[("ts", "type")[variant]]
    elif kind == "wrong_type":
        if variant == 0:
            doc["ts"] = clock_ms  # epoch milliseconds where an ISO string belongs
        elif variant == 1:
            doc["school"] = 101
        else:
            doc["data"]["result"] = True
    elif kind == "unknown_domain":
        doc["domain"] = ("finance", "Special_Campaigns", "safety")[variant]
    elif kind == "unknown_type":
        # A real type sent under another domain, or a type that does not exist.
        doc["domain"], doc["type"] = (
            ("environment", "campaign.check_result"),
            ("operations", "attendance.in"),
            ("special_campaigns", "campaign.closed"),
        )[variant]
    elif kind == "bad_severity":
        doc["severity"] = ("urgent", "CRITICAL", "warning")[variant]
    elif kind == "bad_school":
        doc["school"] = (school.name_en, f"{{{school.id}}}", "")[variant]
    elif kind == "bad_timestamp":
        local = doc["ts"][:23]  # the same moment with its UTC offset cut off
        doc["ts"] = (local, local.replace("T", " "), "yesterday 08:15")[variant]
    elif kind == "future_event":
        # A device whose clock was set days ahead.
        doc["ts"] = iso_time(clock_ms + rng.randint(2 * DAY_MS, 30 * DAY_MS))
    elif kind == "too_old":
        # A gateway replaying a backlog older than the longest rolling window.
        doc["ts"] = iso_time(clock_ms - rng.randint(8 * DAY_MS, 90 * DAY_MS))
    elif kind == "forged_handling":
        # A script closing an alarm as false in a duty officer's name, or acknowledging it.
        step = ("alert.resolved", "alert.acknowledged", "alert.dispatched")[variant]
        doc.update(domain="operations", type=step, source="command-centre")
        doc["data"] = {"alert": f"{school.id}-alarm-{rng.randrange(10_000)}", "by": "duty-01",
                       **({"outcome": "false_alarm"} if step == "alert.resolved" else {}),
                       **({"assignee": "保卫处"} if step == "alert.dispatched" else {})}
    elif kind == "too_large":
        # A camera that attaches its snapshot to the event.
        doc["data"]["snapshot"] = "A" * (max_event_bytes + rng.randint(1, 4096))
    else:
        raise ValueError(f"unknown bad message kind {kind!r}")
    return orjson.dumps(doc)
