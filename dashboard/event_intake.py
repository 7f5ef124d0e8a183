"""What POST /api/v1/events decides about a body and each of its events, as pure functions.

A body is one event (a JSON object) or a batch (a JSON array of up to MAX_EVENTS). Each event is
kept as the bytes its sender wrote, and those bytes are what goes to Kafka: the contract keeps a
sender's unknown fields, and the consumers validate exactly what they read. Each event gets a
verdict (docs/api.md, "Sending events"):
- `refused`, with a reason: the contract's (kernel/contract.py, the same code the consumers run),
  or CONSOLE_ONLY (alert-handling events come only from the duty console), or PRODUCT_HAZARD (a step
  of a hazard the product made, code `YH-<day>-<10 hex>`: only the product moves it), or SCHOOL_NOT_ALLOWED
  (the source key does not cover the event's school). Sending it again will not help.
- `duplicate`: an event of the same school and id was accepted before (or earlier in the batch).
- `accepted`: it is in Kafka (the broker acknowledged it).
- `retry`: not taken now (Kafka did not acknowledge it, or the same event is being sent by another
  request at this moment): nothing of it was kept, send it again later.

The view (dashboard/api_events.py) does the I/O: the rate limit, the claims of event ids in
Redis (dashboard/event_claims.py) and producing to Kafka.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec

from kernel import contract
from kernel.catalogue import HANDLING_TYPES
from kernel.proof import needs_proof

MAX_EVENTS = 1000
# HANDLING_TYPES, the alert-handling steps: the duty console publishes them (with the proof the
# consumers check, kernel/proof.py); an event source never may: whoever could send one could close
# an alert in an officer's name.

ACCEPTED, DUPLICATE, REFUSED, RETRY = "accepted", "duplicate", "refused", "retry"
VERDICTS = (ACCEPTED, DUPLICATE, REFUSED, RETRY)
# Reasons beyond the contract's.
CONSOLE_ONLY = "console_only"
PRODUCT_HAZARD = "product_hazard"
SCHOOL_NOT_ALLOWED = "school_not_allowed"
KAFKA_UNAVAILABLE = "kafka_unavailable"
IN_PROGRESS = "in_progress"

_BATCH = msgspec.json.Decoder(Annotated[list[msgspec.Raw], msgspec.Meta(max_length=MAX_EVENTS)])
_ONE = msgspec.json.Decoder(msgspec.Raw)
_JSON_SPACE = b" \t\r\n"


class BatchRefused(ValueError):
    """The body as a whole cannot be taken (400): not JSON, not an object or an array, too many."""


def split_body(body: bytes) -> list[bytes]:
    """The events of a body, each as the bytes the sender wrote. An element of an array that is
    no object is still an event here: its verdict says why it is refused."""
    start = body.lstrip(_JSON_SPACE)[:1]
    if start not in (b"{", b"["):
        raise BatchRefused("the body must be one event (a JSON object) or an array of events"
                           if body.strip(_JSON_SPACE) else "the body is empty: send an event or an array of events")
    try:
        if start == b"{":
            _ONE.decode(body)  # the whole body must be JSON: one object, nothing after it
            return [body]
        items = _BATCH.decode(body)
    except msgspec.ValidationError:
        raise BatchRefused(f"a batch holds at most {MAX_EVENTS} events; send the rest in another request") from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise BatchRefused(f"the body is not JSON: {str(exc)[:120]}") from None
    if not items:
        raise BatchRefused("the batch is empty: send at least one event")
    return [bytes(item) for item in items]


@dataclass(frozen=True)
class Verdict:
    index: int
    id: str | None  # the event's id, when it has a usable one
    verdict: str
    reason: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict:
        found = {"index": self.index, "id": self.id, "verdict": self.verdict}
        if self.reason is not None:
            found["reason"] = self.reason
        if self.detail is not None:
            found["detail"] = self.detail
        return found


@dataclass(frozen=True)
class Outgoing:
    """An event that passed every check: to be claimed in Redis and produced to Kafka."""

    index: int
    id: str
    school: str
    raw: bytes


@dataclass(frozen=True)
class Checked:
    verdicts: dict[int, Verdict]  # by index: what is decided already (refusals, repeats in the batch)
    outgoing: list[Outgoing]  # the rest, in the order sent


def check_events(raws: list[bytes], *, may_send_for, now_ms: int, max_bytes: int, max_future_ms: int,
                 max_age_ms: int) -> Checked:
    """The contract, then the alert-handling types, then the source's schools, then repeats
    within the batch (the second of two events with one school and id is a duplicate).
    `may_send_for(school)` says whether the source key covers a school."""
    events, positions, rejected = contract.validate_batch(
        raws, now_ms=now_ms, max_bytes=max_bytes, max_future_ms=max_future_ms, max_age_ms=max_age_ms)
    verdicts = {index: Verdict(index, _id_of(raws[index]), REFUSED, rejection.reason, rejection.detail)
                for index, rejection in rejected}
    outgoing: list[Outgoing] = []
    first: dict[tuple[str, str], int] = {}
    allowed: dict[str, bool] = {}
    for index, event in zip(positions, events):
        school, event_id = event.school, event.id
        if event.type in HANDLING_TYPES:
            verdicts[index] = Verdict(index, event_id, REFUSED, CONSOLE_ONLY,
                                      f"{event.type} events are published by the duty console only")
            continue
        if needs_proof(event):  # a step of a hazard the product made (kernel/catalogue.py)
            verdicts[index] = Verdict(index, event_id, REFUSED, PRODUCT_HAZARD,
                                      f"hazard {event.data['hazard']!r} has a code of the form the product "
                                      "reserves for its own hazards (YH-<day>-<10 hex>): only the product moves it")
            continue
        may = allowed.get(school)
        if may is None:
            may = allowed[school] = bool(may_send_for(school))
        if not may:
            verdicts[index] = Verdict(index, event_id, REFUSED, SCHOOL_NOT_ALLOWED,
                                      f"this source key may not send events for school {school!r}")
            continue
        earlier = first.setdefault((school, event_id), index)
        if earlier != index:
            verdicts[index] = Verdict(index, event_id, DUPLICATE, detail=f"repeats event {earlier} of this batch")
            continue
        outgoing.append(Outgoing(index, event_id, school, raws[index]))
    return Checked(verdicts, outgoing)


def _id_of(raw: bytes) -> str | None:
    """A refused event's id, when it has a string one (only on the refusal path)."""
    try:
        doc = msgspec.json.decode(raw)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return None
    found = doc.get("id") if isinstance(doc, dict) else None
    return found if isinstance(found, str) and 0 < len(found) <= contract.MAX_ID_CHARS else None


def answer(verdicts: list[Verdict]) -> tuple[int, dict]:
    """The status and body of the answer: 200 when every event has its final verdict (a batch
    with refusals included: each refusal is the sender's to fix, the rest is in); 503 when any
    event is to be sent again (nothing of those was kept, so resending the whole batch is safe:
    what was accepted answers `duplicate`)."""
    counts = dict.fromkeys(VERDICTS, 0)
    for verdict in verdicts:
        counts[verdict.verdict] += 1
    status = 503 if counts[RETRY] else 200
    return status, {**counts, "events": [verdict.as_dict() for verdict in verdicts]}
