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
from dataclasses import dataclass

import orjson
import redis
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from dashboard import event_intake, source_keys
from dashboard.api import API_PREFIX, STORE_DOWN
from dashboard.event_claims import BUSY, CLAIMED, SEEN, Claims
from dashboard.event_intake import (
    ACCEPTED, DUPLICATE, IN_PROGRESS, KAFKA_UNAVAILABLE, RETRY, BatchRefused, Outgoing, Verdict,
)
from dashboard.services import EVENTS_KAFKA_WAIT_S, KAFKA_RETRY_AFTER_S, Services, clock_ms, services
from dashboard.source_limits import SourceLimits
from streams.consumer import WINDOW_MS

log = logging.getLogger(__name__)
EXTENSION = "campus.events_api"
# Each message says which source key sent it: a bad event on the dead-letter topic or in the
# ledger can be traced to the system that sent it.
SOURCE_HEADER = "api.source"
IN_PROGRESS_RETRY_S = 2  # another request is sending the same event: it will be done by then

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
    claim = Claims.new_claim()
    try:
        found = intake.claims.claim(claim, [(event.school, event.id) for event in checked.outgoing])
    except redis.RedisError as exc:  # nothing was claimed for sure, nothing produced
        return _json(503, {"error": STORE_DOWN, "detail": type(exc).__name__}, retry_after=KAFKA_RETRY_AFTER_S)
    to_send: list[Outgoing] = []
    for event, state in zip(checked.outgoing, found):
        if state == CLAIMED:
            to_send.append(event)
        elif state == SEEN:
            verdicts[event.index] = Verdict(event.index, event.id, DUPLICATE)
        else:
            assert state == BUSY
            verdicts[event.index] = Verdict(event.index, event.id, RETRY, IN_PROGRESS,
                                            "the same event is being sent by another request right now")
    failures = produce(live, settings.events_topic, source.id, to_send)
    try:
        intake.claims.settle(claim, [(event.school, event.id) for event in to_send],
                             [failure is None for failure in failures])
    except redis.RedisError as exc:
        # What Kafka took is in Kafka whatever Redis says: answered as it is. The claims lapse
        # after a minute; a POST of the same events after that is produced again and counted
        # once by the consumers (they dedupe by id too).
        log.warning("could not settle %d claims of the events API (%s)", len(to_send), type(exc).__name__)
    for event, failure in zip(to_send, failures):
        verdicts[event.index] = (Verdict(event.index, event.id, ACCEPTED) if failure is None
                                 else Verdict(event.index, event.id, RETRY, KAFKA_UNAVAILABLE, failure))
    status, answer = event_intake.answer([verdicts[index] for index in range(len(raws))])
    retry_after = None
    if status == 503:
        kafka_failed = any(failure is not None for failure in failures)
        retry_after = KAFKA_RETRY_AFTER_S if kafka_failed else IN_PROGRESS_RETRY_S
    return _json(status, answer, retry_after=retry_after)


def produce(live: Services, topic: str, source_id: int, events: list[Outgoing]) -> list[str | None]:
    """Send each event keyed by its school and wait for the broker: for each, None when Kafka
    acknowledged it, else why not."""
    if not events:
        return []
    producer = live.events_producer.get()
    if producer is None:
        return ["Kafka cannot be reached now; send it again later"] * len(events)
    headers = [(SOURCE_HEADER, str(source_id).encode())]
    futures: list = []
    for event in events:
        try:
            futures.append(producer.send(topic, key=event.school.encode(), value=event.raw, headers=headers))
        except Exception as exc:  # noqa: BLE001 - no metadata or no buffer in max_block_ms: the rest would wait as long
            log.warning("events API: Kafka refused a send (%s)", exc)
            futures.extend([exc] * (len(events) - len(futures)))
            break
    try:
        producer.flush(timeout=EVENTS_KAFKA_WAIT_S)
    except Exception as exc:  # noqa: BLE001 - KafkaTimeoutError: each future below says what landed
        log.warning("events API: Kafka did not answer every event in time (%s)", exc)
    failures: list[str | None] = []
    for future in futures:
        if isinstance(future, Exception):
            failures.append(f"Kafka did not take it ({type(future).__name__}); send it again later")
        elif future.is_done and future.succeeded():
            failures.append(None)
        elif future.is_done:
            failures.append(f"Kafka did not take it ({type(future.exception).__name__}); send it again later")
        else:
            failures.append("no acknowledgement from Kafka in time; send it again later")
    return failures


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
