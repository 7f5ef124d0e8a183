"""Proof that an alert-handling event comes from the duty console, not from anyone who can produce.

Acknowledging, dispatching and resolving an alert are a duty officer's acts: the ledger records
who did them, and a resolved alert leaves the wall. Before issue 12 (defect 4), anyone able to send
an event could send `alert.resolved` with `"by": "<officer>"` and close a critical alert in that
officer's name. Kafka's ACLs cannot help: they grant a topic, not a type of event in it.

So those events (`HANDLING_TYPES`) carry a record header `campus-proof`: the hex HMAC-SHA256 of the
record's value bytes under EVENT_SIGNING_KEY, which only the web app (which publishes them) and the
recorder (which sends what the web app could not) hold, besides the consumers that check it. The
aggregator refuses one without a valid proof to the dead-letter topic with reason `bad_proof`; the
recorder skips it. Signing the bytes as sent, not a re-encoding, leaves nothing to canonicalise:
changing a single byte of the event (the officer, the alert, the outcome, the time) breaks it. A
replayed signed event is the same event id again, which every consumer drops as a repeat.

EVENT_SIGNING_KEY may list several keys, comma-separated: the first signs, every one verifies, so a
key can be rotated without refusing events signed just before (docs/operations.md).

Issue 15: the same holds for the hazard steps people take in the product. A hazard the product made
(its code has the reserved shape `catalogue.PRODUCT_HAZARD_CODE`, `YH-<day>-<10 hex>`) moves only by
events that carry the proof; a `hazard.*` event for one without it is refused as `bad_proof` and
moves neither the wall nor the ledger. Hazards of campus systems (any other code) need no proof, as
the contract has always allowed. The proof is over the bytes as sent, which holds every canonical
field of the event (id, time, school, type, the hazard, grade, deadline, who): nothing to
canonicalise, and nothing of it can change without breaking the proof.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from itertools import compress
from operator import attrgetter, itemgetter

from kernel.catalogue import HANDLING_TYPES, HAZARD_STAGE_OF_TYPE, is_product_hazard
from kernel.contract import BAD_PROOF, Rejection

HEADER = "campus-proof"
_TYPE = attrgetter("type")
_POSITION = itemgetter(0)
MIN_KEY_CHARS = 16
Headers = list[tuple[str, bytes]]
HAZARD_TYPES = frozenset(HAZARD_STAGE_OF_TYPE)
# The types whose events may need a proof: a cheap first look on the hot path (needs_proof decides).
PROOF_TYPES = HANDLING_TYPES | HAZARD_TYPES


def needs_proof(event) -> bool:
    """Whether a valid event must carry the proof: a handling step, or a step of a hazard the
    product made. `event` is a contract Event or FastEvent (`.type`, `.data`)."""
    if event.type in HANDLING_TYPES:
        return True
    return event.type in HAZARD_TYPES and is_product_hazard(event.data.get("hazard"))


def keys_from(setting: str) -> tuple[bytes, ...]:
    """The keys of EVENT_SIGNING_KEY ("new,old"): the first signs, all verify. Empty: none."""
    return tuple(part.strip().encode() for part in setting.split(",") if part.strip())


def _proof(value: bytes, key: bytes) -> bytes:
    return hmac.new(key, value, hashlib.sha256).hexdigest().encode("ascii")


def headers_for(value: bytes, keys: Sequence[bytes]) -> Headers:
    """The record headers that prove `value` (an event's bytes, exactly as sent)."""
    if not keys:
        raise ValueError("EVENT_SIGNING_KEY is not set: alert-handling and product hazard events cannot be signed")
    return [(HEADER, _proof(value, keys[0]))]


def verdict(value: bytes | None, headers: Iterable[tuple[str, bytes]] | None,
            keys: Sequence[bytes]) -> Rejection | None:
    """None when `value` carries a valid proof under one of `keys`; else why it is refused."""
    if not keys:
        return Rejection(BAD_PROOF, "no EVENT_SIGNING_KEY is set here: events that need a proof cannot be checked")
    given = [v for name, v in headers or () if name == HEADER]
    if not given:
        return Rejection(BAD_PROOF, "alert-handling steps and the steps of hazards the product made come only "
                                    "from the product: no proof header")
    if len(given) > 1 or value is None:
        return Rejection(BAD_PROOF, "more than one proof header")
    proof = given[0] if isinstance(given[0], bytes) else b""
    if any(hmac.compare_digest(proof, _proof(value, key)) for key in keys):
        return None
    return Rejection(BAD_PROOF, "the proof does not match the event: altered, or signed with another key")


_MARKS = tuple((f'"type":"{t}"'.encode(), f'"type": "{t}"'.encode()) for t in sorted(HANDLING_TYPES))


# A product hazard's code as JSON writers put it in `data` (only hazard types have a `hazard` field).
_PRODUCT_HAZARD_MARK = re.compile(rb'"hazard": ?"YH-[0-9]{8}-[0-9A-F]{10}"')


def looks_like_handling(value: bytes) -> bool:
    """Whether the bytes name a handling type (a quick look at JSON as our producers write it)."""
    return any(mark in value for pair in _MARKS for mark in pair)


def looks_like_needing_proof(value: bytes) -> bool:
    """Whether the bytes are a handling step or a step of a hazard the product made (a quick look
    at JSON as our producers write it; a producer that signs too much does no harm)."""
    return looks_like_handling(value) or _PRODUCT_HAZARD_MARK.search(value) is not None


def headers_for_outbox(value: bytes, keys: Sequence[bytes]) -> Headers | None:
    """Headers for an event the web app or the recorder sends from the outbox: every one is signed
    when a key is set. Without a key, an event that needs the proof (a handling step, a step of a
    hazard the product made) cannot go (ValueError: it waits in the outbox, as it would be refused
    anyway); any other goes unsigned."""
    if keys or looks_like_needing_proof(value):
        return headers_for(value, keys)
    return None


def sign_if_needed(value: bytes, keys: Sequence[bytes]) -> Headers | None:
    """Headers for a producer sending `value`: a proof when the event needs one, else None."""
    return headers_for(value, keys) if looks_like_needing_proof(value) else None


def refuse_unproven(records: Sequence, events: list, positions: Sequence[int],
                    rejected: list[tuple[int, Rejection]], keys: Sequence[bytes]
                    ) -> tuple[list, Sequence[int], list[tuple[int, Rejection]]]:
    """A validated batch less its events that need a proof (needs_proof) and have no valid one,
    which join the rejected (position, why) pairs. `records` are the Kafka records (`.value`,
    `.headers`) the positions index into. It runs on the aggregator's hot path, so each pass over
    the batch is a loop in C: the candidates are picked out by their type, only they are looked at
    one by one, and the batch is copied only when one of them is refused."""
    flags = list(map(PROOF_TYPES.__contains__, map(_TYPE, events)))
    refused: list[tuple[int, Rejection]] = []
    for index in compress(range(len(events)), flags):
        if not needs_proof(events[index]):
            continue  # a campus system's hazard: no proof asked
        record = records[positions[index]]
        why = verdict(record.value, record.headers, keys)
        if why is not None:
            refused.append((index, why))
    if not refused:
        return events, positions, rejected
    keep = [True] * len(events)
    for index, _ in refused:
        keep[index] = False
    letters = sorted(rejected + [(positions[index], why) for index, why in refused], key=_POSITION)
    return list(compress(events, keep)), list(compress(positions, keep)), letters
