"""Small builders of contract-v1 events for tests."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

import orjson

_ids = itertools.count()


def iso_ms(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat(timespec="milliseconds")


def event(type_: str, domain: str, ts_ms: int, school: str = "s1", *, id: str | None = None,
          severity: str | None = None, **data) -> dict:
    doc = {"id": id or f"e{next(_ids)}", "ts": iso_ms(ts_ms), "school": school, "domain": domain,
           "type": type_, "data": data}
    if severity:
        doc["severity"] = severity
    return doc


def raw(doc) -> bytes:
    return orjson.dumps(doc)


def attendance(direction, person, group, ts_ms, **kw):
    return event(f"attendance.{direction}", "personal_safety", ts_ms, person=person, group=group, **kw)


def visitor(action, who, ts_ms, gate="g1", **kw):
    return event(f"visitor.{action}", "personal_safety", ts_ms, visitor=who, gate=gate, **kw)


def smoke(ts_ms, **kw):
    return event("fire.smoke_alarm", "environment", ts_ms, **kw)


def resolve(alert_id, ts_ms, **kw):
    return event("alert.resolved", "operations", ts_ms, alert=alert_id, **kw)


def hazard(stage, hazard_id, ts_ms, **kw):
    return event(f"hazard.{stage}", "operations", ts_ms, hazard=hazard_id, **kw)
