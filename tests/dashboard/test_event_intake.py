"""The pure parts of POST /api/v1/events: splitting a body into events, each event's checks and
verdict, the answer's status, and the rate limit's arithmetic. No services."""
from __future__ import annotations

import re
import time

import orjson
import pytest

from dashboard import event_intake as intake
from dashboard.event_intake import BatchRefused
from dashboard.source_limits import Bucket, burst_for, take
from kernel import contract
from tests.streams import events as ev

NOW = int(time.time() * 1000)
LIMITS = dict(now_ms=NOW, max_bytes=16_384, max_future_ms=300_000, max_age_ms=7 * 86_400_000)


# ---- the body --------------------------------------------------------------------------------------

def test_one_event_is_the_body_itself_and_a_batch_keeps_each_events_bytes_as_sent():
    one = b' {"id": "a",  "extra": {"kept": [1, 2]}}\n'
    assert intake.split_body(one) == [one]
    batch = b'\r\n[ {"id": "a", "x": "[,]"} ,\t{"id":"b"}, 5, "text", null, [1] ]'
    assert intake.split_body(batch) == [b'{"id": "a", "x": "[,]"}', b'{"id":"b"}', b"5", b'"text"', b"null", b"[1]"]
    full = orjson.dumps([{"id": str(n)} for n in range(intake.MAX_EVENTS)])
    assert len(intake.split_body(full)) == intake.MAX_EVENTS


@pytest.mark.parametrize("body, says", [
    (b"", "empty"),
    (b" \n\t", "empty"),
    (b"[]", "empty"),
    (b" [ ] ", "empty"),
    (b"5", "one event (a JSON object) or an array"),
    (b'"an event"', "one event (a JSON object) or an array"),
    (b"null", "one event (a JSON object) or an array"),
    (b"id=1&ts=now", "one event (a JSON object) or an array"),
    (b"\xef\xbb\xbf{}", "one event (a JSON object) or an array"),  # a byte-order mark is not JSON's
    (b'{"id": "broken', "not JSON"),
    (b'{"id": "a"} {"id": "b"}', "not JSON"),  # JSON lines are not one body
    (b'[{"id": "a"},]', "not JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "not JSON"),  # nesting too deep for any parser: 400, not 500
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "not JSON"),
    (orjson.dumps([{}] * (intake.MAX_EVENTS + 1)), "at most 1000 events"),
    (b"[" + b",".join([b"1"] * 200_000) + b"]", "at most 1000 events"),
])
def test_a_body_that_is_no_event_and_no_batch_is_refused_whole(body, says):
    with pytest.raises(BatchRefused, match=re.escape(says)):
        intake.split_body(body)


# ---- each event ------------------------------------------------------------------------------------

def _check(docs_or_raws, schools=frozenset({"s1"})):
    raws = [d if isinstance(d, bytes) else orjson.dumps(d) for d in docs_or_raws]
    return raws, intake.check_events(raws, may_send_for=schools.__contains__, **LIMITS)


def test_each_event_gets_its_verdict_in_the_order_of_the_checks():
    good = ev.smoke(NOW - 1000, id="good-1")
    other_school = ev.smoke(NOW - 1000, id="good-2", school="s2")
    handling = ev.resolve("good-1", NOW - 500, id="close-it")
    no_domain = {k: v for k, v in ev.smoke(NOW, id="bad-1").items() if k != "domain"}
    docs = [good, b"[1, 2]", other_school, handling, no_domain, ev.attendance("in", "p1", "staff", NOW - 10),
            good, {**good, "id": 7}, ev.smoke(NOW + 3_600_000, id="later")]
    raws, checked = _check(docs)
    verdicts = checked.verdicts
    assert [(o.index, o.id, o.school) for o in checked.outgoing] == [
        (0, "good-1", "s1"), (5, docs[5]["id"], "s1")]
    assert [o.raw for o in checked.outgoing] == [raws[0], raws[5]]  # the sender's bytes, untouched
    assert sorted(verdicts) == [1, 2, 3, 4, 6, 7, 8]
    assert (verdicts[1].verdict, verdicts[1].reason, verdicts[1].id) == ("refused", contract.NOT_OBJECT, None)
    assert verdicts[2].as_dict() == {
        "index": 2, "id": "good-2", "verdict": "refused", "reason": "school_not_allowed",
        "detail": "this source key may not send events for school 's2'"}
    assert (verdicts[3].verdict, verdicts[3].reason, verdicts[3].id) == ("refused", "console_only", "close-it")
    assert "alert.resolved" in verdicts[3].detail
    assert (verdicts[4].reason, verdicts[4].id) == (contract.MISSING_FIELD, "bad-1")
    assert "domain" in verdicts[4].detail
    assert verdicts[6].as_dict() == {"index": 6, "id": "good-1", "verdict": "duplicate",
                                     "detail": "repeats event 0 of this batch"}
    assert (verdicts[7].reason, verdicts[7].id) == (contract.WRONG_TYPE, None)  # an id that is no string
    assert (verdicts[8].reason, verdicts[8].id) == (contract.FUTURE_EVENT, "later")


def test_the_verdicts_are_the_contracts_own_for_every_class_of_bad_event():
    from tests.streams.stream import BAD_KINDS

    doc = {**ev.smoke(NOW - 1000, id="x"), "_now": NOW}
    # A forged handling step is valid by the contract; here it is console_only (tested above).
    kinds = [reason for reason in BAD_KINDS if reason != contract.BAD_PROOF]
    raws = [BAD_KINDS[reason](doc) for reason in kinds]
    checked = intake.check_events(raws, may_send_for=lambda school: True, **LIMITS)
    assert not checked.outgoing
    assert [checked.verdicts[i].reason for i in range(len(raws))] == kinds
    for index, raw in enumerate(raws):
        expected = contract.validate(raw, **LIMITS)
        assert (checked.verdicts[index].reason, checked.verdicts[index].detail) == expected


def test_every_alert_handling_type_is_refused_and_no_other():
    assert intake.HANDLING_TYPES == {"alert.acknowledged", "alert.dispatched", "alert.resolved"}
    docs = [ev.event("alert.acknowledged", "operations", NOW, alert="a1"),
            ev.event("alert.dispatched", "operations", NOW, alert="a1", assignee="保卫处"),
            ev.resolve("a1", NOW, outcome="false_alarm", by="zhang"),
            ev.hazard("reported", "H-1", NOW)]
    _, checked = _check(docs)
    assert {v.reason for v in checked.verdicts.values()} == {"console_only"} and len(checked.verdicts) == 3
    assert [o.index for o in checked.outgoing] == [3]


def test_a_step_of_a_hazard_the_product_made_is_refused_from_every_source():
    """Issue 15: only the product moves its own hazards (codes YH-<day>-<10 hex>); a campus system's
    hazard, even one whose code starts with YH-, goes through as before."""
    made = "YH-20261206-3F9A1C2B40"
    docs = [ev.hazard("accepted", made, NOW, id="forged"), ev.hazard("reported", "YH-20261206-001", NOW)]
    _, checked = _check(docs)
    assert (checked.verdicts[0].reason, checked.verdicts[0].id) == (intake.PRODUCT_HAZARD, "forged")
    assert made in checked.verdicts[0].detail
    assert [o.index for o in checked.outgoing] == [1]


def test_a_key_for_every_school_and_one_id_at_two_schools():
    docs = [ev.smoke(NOW, id="same", school="s1"), ev.smoke(NOW, id="same", school="s2")]
    _, checked = _check(docs, schools=frozenset({"s1", "s2"}))
    assert not checked.verdicts and [o.school for o in checked.outgoing] == ["s1", "s2"]


def test_the_answer_is_200_unless_an_event_is_to_be_sent_again():
    V = intake.Verdict
    settled = [V(0, "a", "accepted"), V(1, "b", "duplicate"), V(2, None, "refused", "not_json", "…")]
    status, body = intake.answer(settled)
    assert status == 200
    assert (body["accepted"], body["duplicate"], body["refused"], body["retry"]) == (1, 1, 1, 0)
    assert body["events"][2] == {"index": 2, "id": None, "verdict": "refused", "reason": "not_json", "detail": "…"}
    status, body = intake.answer(settled + [V(3, "d", "retry", "kafka_unavailable", "…")])
    assert status == 503 and body["retry"] == 1 and len(body["events"]) == 4


# ---- the rate limit --------------------------------------------------------------------------------

def test_the_burst_holds_at_least_one_full_batch():
    assert burst_for(10) == 1000 and burst_for(1000) == 1000 and burst_for(2500.5) == 2501


@pytest.mark.parametrize("bucket, now, cost, after, wait", [
    (None, 5_000, 1000, Bucket(0, 5_000), 0),  # a new key starts full: one full batch at once
    (Bucket(0, 5_000), 5_100, 100, Bucket(0, 5_100), 0),  # 100 ms at 1000/s: 100 events
    (Bucket(0, 5_000), 5_100, 101, Bucket(100_000, 5_100), 1),
    (Bucket(0, 5_000), 5_000, 1000, Bucket(0, 5_000), 1000),  # a full batch after a full batch: 1 s
    (Bucket(500_000, 5_000), 9_000, 10, Bucket(990_000, 9_000), 0),  # refills to the burst, no further
    (Bucket(0, 5_000), 4_000, 1, Bucket(0, 5_000), 1),  # a clock behind refills nothing, keeps its time
    (Bucket(1, 5_000), 5_000, 1, Bucket(1, 5_000), 1),  # 999 thousandths missing: 0.999 ms, 1 to wait
])
def test_token_bucket(bucket, now, cost, after, wait):
    assert take(bucket, now_ms=now, rate=1000.0, burst=1000, cost=cost) == (after, wait)


def test_a_slow_rate_refills_in_whole_thousandths():
    bucket, wait = take(Bucket(0, 0), now_ms=7, rate=0.5, burst=1000, cost=1)
    assert bucket == Bucket(3, 7) and wait == 1994  # 0.5 events/s: 0.5 thousandths a ms, floored


def test_an_events_key_is_made_once_per_school_the_same_way():
    from dashboard.event_claims import event_key, event_keys

    pairs = [("s1", "a"), ("s2", "a"), ("s1", "b"), ("s1", "a"), ("s1", "事件-1")]
    assert event_keys(pairs) == [(school, event_key(school, event_id)) for school, event_id in pairs]
    assert len({key for _, key in event_keys(pairs)}) == 4 and event_key("s1", "a").startswith("{s:s1}:api:")


def test_docs_api_names_every_verdict_and_reason_of_the_route():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Sending events"):doc.index("## `GET /healthz`")]
    for verdict in intake.VERDICTS:
        assert f"| `{verdict}` |" in section, verdict
    # The consumers' own: a failure of theirs, and a handling step's missing proof (here: console_only).
    reasons = [r for r in contract.REASONS if r not in (contract.PROCESSING_ERROR, contract.BAD_PROOF)]
    for reason in reasons + [intake.CONSOLE_ONLY, intake.PRODUCT_HAZARD, intake.SCHOOL_NOT_ALLOWED,
                             intake.KAFKA_UNAVAILABLE, intake.IN_PROGRESS]:
        assert f"`{reason}`" in section, reason


@pytest.mark.parametrize("deadline", ["9999-12-31T23:59:00-23:59", "0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00",
                                      "9999-12-31T23:59:59"])
def test_a_time_the_recorder_cannot_hold_is_refused_at_the_door(deadline):
    """A deadline at either end of Python's calendar was accepted here, then the recorder, which reads
    it in UTC or the school's zone, raised ValueError and dead-lettered the event as a bug."""
    raws = [orjson.dumps(ev.hazard("reported", "h-1", NOW - 1000, id="h", grade="major", deadline=deadline))]
    verdict = contract.validate(raws[0], **LIMITS)
    assert isinstance(verdict, contract.Rejection) and verdict.reason == contract.BAD_VALUE
    checked = intake.check_events(raws, may_send_for=lambda school: True, **LIMITS)
    assert not checked.outgoing and checked.verdicts[0].reason == contract.BAD_VALUE


def test_a_deadline_within_the_calendar_is_taken():
    for deadline in ("2030-01-01", "2030-01-01T08:00:00+08:00", "9998-12-31"):
        raw = orjson.dumps(ev.hazard("reported", "h-1", NOW - 1000, id="h", grade="major", deadline=deadline))
        assert not isinstance(contract.validate(raw, **LIMITS), contract.Rejection)
        assert intake.check_events([raw], may_send_for=lambda school: True, **LIMITS).outgoing
