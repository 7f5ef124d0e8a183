"""POST /api/v1/events: campus systems that cannot speak Kafka send events over HTTP (docs/api.md,
"Sending events").

The guard has checked the source key before this runs (dashboard/source_keys.py). Then, in order:
the body's size (413), its shape (400: one event or an array of up to 1,000), the key's rate
(429), each event's checks (dashboard/event_intake.py: the contract, alert-handling types, the
key's schools, repeats in the batch), a claim of each remaining event id in Redis
(dashboard/event_claims.py: a retried POST answers `duplicate`), producing to Kafka keyed by
school, waiting for the broker's acknowledgements, settling the claims, and one verdict per event.
"Accepted" means in Kafka; what Kafka did not take is answered `retry` with 503, and nothing of it
is kept, so sending the batch again is safe.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

import orjson
import redis
from flask import Blueprint, Flask, Response, current_app, request
from kafka.partitioner.default import murmur2
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import event_intake, source_keys
from dashboard.api import API_PREFIX, STORE_DOWN
from dashboard.event_claims import BUSY, CLAIMED, SEEN, Claims, event_keys
from dashboard.event_intake import (
    ACCEPTED,
    DUPLICATE,
    IN_PROGRESS,
    KAFKA_UNAVAILABLE,
    RETRY,
    BatchRefused,
    Outgoing,
    Verdict,
)
from dashboard.services import EVENTS_KAFKA_WAIT_S, KAFKA_RETRY_AFTER_S, Services, clock_ms, services
from dashboard.source_limits import SourceLimits
from kernel.clock import WINDOW_MS

log = logging.getLogger(__name__)
EXTENSION = "campus.events_api"
IN_PROGRESS_RETRY_S = 2  # another request is sending the same event: it will be done by then
# How long a request waits for another that is sending the same event (`deliver`), and how often
# it asks meanwhile (one round trip for the events still held): most requests are done in tens of
# ms, a batch of 1,000 on a busy machine in a few hundred.
BUSY_WAIT_S, BUSY_POLL_S = 1.0, 0.01

events_api = Blueprint("events_api", __name__, url_prefix=API_PREFIX)


@dataclass(frozen=True)
class Intake:
    limits: SourceLimits
    claims: Claims


@events_api.post("/events")
def receive():
    source = source_keys.current()
    live = services()
    settings = live.settings
    intake: Intake = current_app.extensions[EXTENSION]
    limit = settings.events_api_max_bytes
    if request.content_length is not None and request.content_length > limit:
        return _too_large(limit)  # said before a byte of it is read
    # A body without a length (chunked) is read up to one byte past the limit: Werkzeug stops
    # reading such a stream at its maximum without a word, so a longer one shows by its length.
    request.max_content_length = limit + 1
    try:
        body = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return _too_large(limit)
    if len(body) > limit:
        return _too_large(limit)
    try:
        raws = event_intake.split_body(body)
    except BatchRefused as exc:
        return _json(400, {"error": str(exc)})
    now_ms = clock_ms()
    try:
        wait_ms = intake.limits.wait_ms(source.id, len(raws), now_ms)
    except redis.RedisError as exc:
        return _json(503, {"error": STORE_DOWN, "detail": type(exc).__name__}, retry_after=KAFKA_RETRY_AFTER_S)
    if wait_ms:
        return _json(429, {"error": f"this source key may send {settings.events_api_rate:g} events a second; "
                                    "wait and send the batch again", "events": len(raws)},
                     retry_after=wait_ms / 1000)
    checked = event_intake.check_events(
        raws, may_send_for=source.may_send_for, now_ms=now_ms, max_bytes=settings.max_event_bytes,
        max_future_ms=settings.max_future_seconds * 1000, max_age_ms=WINDOW_MS)
    verdicts = checked.verdicts
    try:
        verdicts.update(deliver(intake.claims, live, settings.events_topic, checked.outgoing))
    except redis.RedisError as exc:  # at the first claim: nothing claimed for sure, nothing produced
        return _json(503, {"error": STORE_DOWN, "detail": type(exc).__name__}, retry_after=KAFKA_RETRY_AFTER_S)
    status, answer = event_intake.answer([verdicts[index] for index in range(len(raws))])
    if answer["refused"] or answer["retry"]:  # what an operator looks for: which system sends what
        first = next(v for v in verdicts.values() if v.reason is not None)
        log.info("events from source %d (%r): %d accepted, %d duplicate, %d refused, %d to retry; first: %s",
                 source.id, source.name, answer["accepted"], answer["duplicate"], answer["refused"],
                 answer["retry"], first.reason)
    retry_after = None
    if status == 503:
        kafka_failed = any(verdict.reason == KAFKA_UNAVAILABLE for verdict in verdicts.values())
        retry_after = KAFKA_RETRY_AFTER_S if kafka_failed else IN_PROGRESS_RETRY_S
    return _json(status, answer, retry_after=retry_after)


def deliver(claims: Claims, live: Services, topic: str, events: list[Outgoing]) -> dict[int, Verdict]:
    """Claim each event, produce what this request claimed, settle the claims: a verdict for
    each. An event another request is sending at this moment (a sender's retry that overtook
    its first try, or two senders) is asked about again every BUSY_POLL_S for up to BUSY_WAIT_S
    after this request's own are sent: by then that request has mostly settled, and the event is
    a `duplicate`, or this request's to send after all (that request failed). Still held: `retry`.
    Raises redis.RedisError only from the first claim, before anything is produced."""
    verdicts: dict[int, Verdict] = {}
    deadline = time.monotonic() + BUSY_WAIT_S
    pending, first = events, True
    while pending:
        claim = Claims.new_claim()
        keyed = event_keys((event.school, event.id) for event in pending)
        try:
            found = claims.claim(claim, keyed)
        except redis.RedisError:
            if first:
                raise
            found = [BUSY] * len(pending)  # asking again failed: still someone else's, as far as known
            deadline = 0.0
        first = False
        to_send, sent_keys, busy = [], [], []
        for event, state, key in zip(pending, found, keyed):
            if state == SEEN:
                verdicts[event.index] = Verdict(event.index, event.id, DUPLICATE)
            elif state == CLAIMED:
                to_send.append(event)
                sent_keys.append(key)
            else:
                busy.append(event)
        failures = produce(live, topic, to_send)
        try:
            claims.settle(claim, sent_keys, [failure is None for failure in failures])
        except redis.RedisError as exc:
            # What Kafka took is in Kafka whatever Redis says: answered as it is. The claims lapse
            # after CLAIM_MS; a POST of the same events after that is produced again and counted
            # and recorded once all the same (the consumers dedupe by id too).
            log.warning("could not settle %d claims of the events API (%s)", len(to_send), type(exc).__name__)
        for event, failure in zip(to_send, failures):
            verdicts[event.index] = (Verdict(event.index, event.id, ACCEPTED) if failure is None
                                     else Verdict(event.index, event.id, RETRY, KAFKA_UNAVAILABLE, failure))
        if busy and time.monotonic() + BUSY_POLL_S < deadline:
            time.sleep(BUSY_POLL_S)
        else:
            for event in busy:
                verdicts[event.index] = Verdict(event.index, event.id, RETRY, IN_PROGRESS,
                                                "the same event is being sent by another request right now")
            busy = []
        pending = busy
    return verdicts


def produce(live: Services, topic: str, events: list[Outgoing]) -> list[str | None]:
    """Send each event keyed by its school and wait for the broker: for each, None when Kafka
    acknowledged it, else why not."""
    if not events:
        return []
    producer = live.events_producer.get()
    if producer is None:
        return ["Kafka cannot be reached now; send it again later"] * len(events)
    futures: list = []
    try:
        partitions = tuple(sorted(producer.partitions_for(topic)))
        for event in events:
            # The partition the key's hash picks, worked out once per school: the producer's own
            # partitioner would hash the key again for every event.
            key = event.school.encode()
            futures.append(producer.send(topic, key=key, value=event.raw, partition=partition_of(key, partitions)))
    except Exception as exc:  # noqa: BLE001 - no metadata or no buffer in max_block_ms: the rest would wait as long
        log.warning("events API: Kafka refused a send (%s)", exc)
        futures.extend([exc] * (len(events) - len(futures)))
    try:
        producer.flush(timeout=EVENTS_KAFKA_WAIT_S)
    except Exception as exc:  # noqa: BLE001 - KafkaTimeoutError: each future below says what landed
        log.warning("events API: Kafka did not answer every event in time (%s)", exc)
    failures = [_failure(future) for future in futures]
    if any(failures):
        live.events_producer.failed()
    return failures


def _failure(future) -> str | None:
    """Why Kafka has not taken an event (an exception raised at send, or its future), or None."""
    if isinstance(future, Exception):
        return f"Kafka did not take it ({type(future).__name__}); send it again later"
    if not future.is_done:
        return "no acknowledgement from Kafka in time; send it again later"
    if not future.succeeded():
        return f"Kafka did not take it ({type(future.exception).__name__}); send it again later"
    return None


@lru_cache(maxsize=4096)
def partition_of(key: bytes, partitions: tuple[int, ...]) -> int:
    """The partition kafka-python's default partitioner (Kafka's own, murmur2) gives a key: the
    simulator and every other producer put a school's events there, so the API's join them and
    keep their order."""
    return partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]


def _too_large(limit: int) -> Response:
    return _json(413, {"error": f"the body is larger than {limit} bytes: send fewer events a request",
                       "limit": limit})


def _json(status: int, body: dict, *, retry_after: float | None = None) -> Response:
    """A JSON answer. Details quote what senders sent: <, > and & are escaped, so no page or
    sniffing browser takes them for markup."""
    text = orjson.dumps(body).replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
    response = Response(text, status=status, mimetype="application/json")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    if retry_after is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def register(server: Flask) -> None:
    """Mount the route, the source keys' checks, and the rate limits and claims on the app's Redis."""
    live: Services = server.extensions["campus"]
    settings = live.settings
    server.extensions[EXTENSION] = Intake(SourceLimits(live.redis, settings.events_api_rate),
                                          Claims(live.redis, settings.events_api_dedupe_seconds))
    source_keys.install(server)
    server.register_blueprint(events_api)
