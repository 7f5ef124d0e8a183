"""An independent, brute-force computation of the summary figures from a list of events.

It shares nothing with streams/aggregation.py but the documented semantics (docs/api.md): it
keeps every event in memory and answers by scanning them, the way "one clean pass" would.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kernel.catalogue import ALERT_SEVERITIES, DOMAINS, HAZARD_STAGE_OF_TYPE, SEVERITIES
from streams.alert_rules import AlertRules

RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def expected_summary(docs: list[dict], *, now_ms: int, tz: ZoneInfo, rules: AlertRules) -> dict:
    """`docs` are one school's valid events in the order the consumer reads them."""
    from kernel.contract import Event  # only to ask the rules, which take an Event

    unique, ids = [], set()
    for doc in docs:
        if doc["id"] not in ids:
            ids.add(doc["id"])
            unique.append(doc)
    now_minute, now_hour = now_ms // 60_000, now_ms // 3_600_000
    starts = {"5m": (now_minute - 4) * 60_000, "1h": (now_minute - 59) * 60_000,
              "24h": (now_hour - 23) * 3_600_000, "7d": (now_hour - 167) * 3_600_000}
    today = datetime.fromtimestamp(now_ms / 1000, tz).date()

    domains = {d: {"events": dict.fromkeys(starts, 0), "by_severity": dict.fromkeys(SEVERITIES, 0),
                   "alerts_open": 0} for d in DOMAINS}
    open_alerts: dict[str, tuple[str, str]] = {}
    latest: dict[tuple[str, str], tuple[int, int, dict]] = {}
    for order, doc in enumerate(unique):
        ts = _ms(doc["ts"])
        event = Event(doc["id"], ts, doc["school"], doc["domain"], doc["type"],
                      doc.get("severity", "info"), None, None, None, doc.get("data", {}))
        alert = rules.severity_for(event)
        severity = max([event.severity] + ([alert] if alert else []), key=RANK.get)
        for window, start in starts.items():
            if ts >= start:
                domains[doc["domain"]]["events"][window] += 1
        if ts >= starts["24h"]:
            domains[doc["domain"]]["by_severity"][severity] += 1
        if alert:
            open_alerts[doc["id"]] = (alert, doc["domain"])
        if doc["type"] == "alert.resolved":
            open_alerts.pop(doc["data"]["alert"], None)
        kind = doc["type"].split(".")[0]
        if kind in ("attendance", "visitor", "hazard"):
            who = doc["data"].get("person") or doc["data"].get("visitor") or doc["data"].get("hazard")
            if kind != "hazard" and datetime.fromtimestamp(ts / 1000, tz).date() != today:
                continue
            previous = latest.get((kind, who))
            if previous is None or ts >= previous[0]:
                latest[(kind, who)] = (ts, order, doc)
    for severity, domain in open_alerts.values():
        domains[domain]["alerts_open"] += 1

    def today_docs(kind):
        return [doc for (k, _), (_, _, doc) in latest.items() if k == kind]

    visitors_today = {doc["data"]["visitor"] for doc in unique
                      if doc["type"] == "visitor.check_in"
                      and datetime.fromtimestamp(_ms(doc["ts"]) / 1000, tz).date() == today}
    stages: dict[str, int] = {}
    for doc in today_docs("hazard"):
        stage = HAZARD_STAGE_OF_TYPE[doc["type"]]
        stages[stage] = stages.get(stage, 0) + 1
    return {
        "domains": domains,
        "visitors": {
            "on_campus": sum(d["type"] == "visitor.check_in" for d in today_docs("visitor")),
            "checked_in_today": len(visitors_today),
        },
        "attendance": {
            "staff_present": sum(d["type"] == "attendance.in" and d["data"]["group"] == "staff"
                                 for d in today_docs("attendance")),
            "students_present": sum(d["type"] == "attendance.in" and d["data"]["group"] == "student"
                                    for d in today_docs("attendance")),
        },
        "alerts": {
            "open": len(open_alerts),
            "by_severity": {s: sum(a == s for a, _ in open_alerts.values()) for s in ALERT_SEVERITIES},
        },
        "hazard_stages": stages,
    }


def comparable(summary: dict) -> dict:
    """The part of an API summary that `expected_summary` computes."""
    return {
        "domains": {d: {k: v[k] for k in ("events", "by_severity", "alerts_open")}
                    for d, v in summary["domains"].items()},
        "visitors": {k: summary["visitors"][k] for k in ("on_campus", "checked_in_today")},
        "attendance": {k: summary["attendance"][k] for k in ("staff_present", "students_present")},
        "alerts": {k: summary["alerts"][k] for k in ("open", "by_severity")},
        "hazard_stages": {k: v for k, v in summary["hazards"]["by_stage"].items() if v},
    }
