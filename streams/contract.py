"""Validation of contract v1 (docs/events.md): raw Kafka bytes in, an `Event` or a `Rejection` out.

Pure and allocation-light: it runs once per message on the consumer's hot path.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import NamedTuple

import orjson

from streams.catalogue import CATALOGUE, DOMAINS, SEVERITIES

# Rejection reasons: stable codes, counted per reason in Redis and shown on screens.
NOT_JSON = "not_json"
NOT_OBJECT = "not_object"
TOO_LARGE = "too_large"
MISSING_FIELD = "missing_field"
WRONG_TYPE = "wrong_type"
BAD_VALUE = "bad_value"
UNKNOWN_DOMAIN = "unknown_domain"
UNKNOWN_TYPE = "unknown_type"
BAD_TIMESTAMP = "bad_timestamp"
FUTURE_EVENT = "future_event"
TOO_OLD = "too_old"
PROCESSING_ERROR = "processing_error"
REASONS = (
    NOT_JSON, NOT_OBJECT, TOO_LARGE, MISSING_FIELD, WRONG_TYPE, BAD_VALUE, UNKNOWN_DOMAIN,
    UNKNOWN_TYPE, BAD_TIMESTAMP, FUTURE_EVENT, TOO_OLD, PROCESSING_ERROR,
)

MAX_ID_CHARS = 128
MAX_TEXT_CHARS = 128
_DOMAINS = frozenset(DOMAINS)
_SEVERITIES = frozenset(SEVERITIES)
_OPTIONAL_TEXT = ("building", "zone", "source")
# School ids become part of Redis key names and hash tags, so braces and spaces are kept out.
SCHOOL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class Event(NamedTuple):
    """A valid event. `ts` is the event time in epoch milliseconds."""

    id: str
    ts: int
    school: str
    domain: str
    type: str
    severity: str
    building: str | None
    zone: str | None
    source: str | None
    data: dict


class Rejection(NamedTuple):
    """Why a message was refused: a stable `reason` code and a human `detail`."""

    reason: str
    detail: str


def _text(value: object, name: str) -> Rejection | None:
    if not isinstance(value, str):
        return Rejection(WRONG_TYPE, f"{name} must be a string")
    if not value or len(value) > MAX_TEXT_CHARS:
        return Rejection(BAD_VALUE, f"{name} must have 1 to {MAX_TEXT_CHARS} characters")
    return None


def parse_time_ms(value: object, name: str = "ts") -> int | Rejection:
    """An ISO-8601 date-time *with* a UTC offset, as epoch milliseconds."""
    if not isinstance(value, str):
        return Rejection(WRONG_TYPE, f"{name} must be an ISO-8601 string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return Rejection(BAD_TIMESTAMP, f"{name} is not ISO-8601: {value[:40]!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        return Rejection(BAD_TIMESTAMP, f"{name} has no UTC offset: {value[:40]!r}")
    return int(moment.timestamp() * 1000)


def _check_data(data: dict, spec: dict) -> Rejection | None:
    for name, (kind, required, allowed) in spec.items():
        value = data.get(name)
        if value is None:
            if required:
                return Rejection(MISSING_FIELD, f"data.{name} is required")
            continue
        if kind == "str":
            bad = _text(value, f"data.{name}")
            if bad:
                return bad
        elif kind == "enum":
            if not isinstance(value, str):
                return Rejection(WRONG_TYPE, f"data.{name} must be a string")
            if value not in allowed:
                return Rejection(BAD_VALUE, f"data.{name} must be one of {', '.join(allowed)}")
        elif kind == "num":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return Rejection(WRONG_TYPE, f"data.{name} must be a number")
            if not math.isfinite(value):
                return Rejection(BAD_VALUE, f"data.{name} must be finite")
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return Rejection(WRONG_TYPE, f"data.{name} must be an integer")
            if value < 0:
                return Rejection(BAD_VALUE, f"data.{name} must not be negative")
        elif kind == "time":
            if not isinstance(value, str):
                return Rejection(WRONG_TYPE, f"data.{name} must be an ISO-8601 string")
            try:
                (datetime if "T" in value else date).fromisoformat(value)
            except ValueError:
                return Rejection(BAD_VALUE, f"data.{name} is not an ISO-8601 date: {value[:40]!r}")
    return None


def validate(
    raw: bytes | None,
    *,
    now_ms: int,
    max_bytes: int,
    max_future_ms: int,
    max_age_ms: int,
) -> Event | Rejection:
    """Check one message against contract v1; never raises for any input bytes."""
    if raw is None:
        return Rejection(NOT_JSON, "empty message (tombstone)")
    if len(raw) > max_bytes:
        return Rejection(TOO_LARGE, f"{len(raw)} bytes, the limit is {max_bytes}")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Rejection(NOT_JSON, f"not UTF-8 JSON: {str(exc)[:120]}")
    if not isinstance(doc, dict):
        return Rejection(NOT_OBJECT, f"a JSON {type(doc).__name__} where an object belongs")

    for name in ("id", "ts", "school", "domain", "type"):
        if name not in doc:
            return Rejection(MISSING_FIELD, f"{name} is required")
    event_id = doc["id"]
    if not isinstance(event_id, str):
        return Rejection(WRONG_TYPE, "id must be a string")
    if not event_id or len(event_id) > MAX_ID_CHARS:
        return Rejection(BAD_VALUE, f"id must have 1 to {MAX_ID_CHARS} characters")
    school = doc["school"]
    if not isinstance(school, str):
        return Rejection(WRONG_TYPE, "school must be a string")
    if not SCHOOL_ID.fullmatch(school):
        return Rejection(BAD_VALUE, "school must be 1-64 letters, digits, '.', '_' or '-'")
    domain = doc["domain"]
    if not isinstance(domain, str):
        return Rejection(WRONG_TYPE, "domain must be a string")
    if domain not in _DOMAINS:
        return Rejection(UNKNOWN_DOMAIN, f"unknown domain {domain[:40]!r}")
    event_type = doc["type"]
    if not isinstance(event_type, str):
        return Rejection(WRONG_TYPE, "type must be a string")
    entry = CATALOGUE.get(event_type)
    if entry is None or entry[0] != domain:
        return Rejection(UNKNOWN_TYPE, f"type {event_type[:60]!r} is not in domain {domain}")

    severity = doc.get("severity", "info")
    if not isinstance(severity, str):
        return Rejection(WRONG_TYPE, "severity must be a string")
    if severity not in _SEVERITIES:
        return Rejection(BAD_VALUE, f"severity must be one of {', '.join(SEVERITIES)}")
    for name in _OPTIONAL_TEXT:
        value = doc.get(name)
        if value is not None:
            bad = _text(value, name)
            if bad:
                return bad
    data = doc.get("data", {})
    if not isinstance(data, dict):
        return Rejection(WRONG_TYPE, "data must be an object")
    bad = _check_data(data, entry[1])
    if bad:
        return bad

    ts = parse_time_ms(doc["ts"])
    if isinstance(ts, Rejection):
        return ts
    if ts > now_ms + max_future_ms:
        return Rejection(FUTURE_EVENT, f"event time is {(ts - now_ms) / 1000:.0f} s in the future")
    if ts <= now_ms - max_age_ms:
        return Rejection(TOO_OLD, "event time is older than the longest rolling window (7 d)")
    return Event(
        event_id, ts, school, domain, event_type, severity,
        doc.get("building"), doc.get("zone"), doc.get("source"), data,
    )
