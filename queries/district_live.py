"""The district wall's live figures for all its schools at once (issue 17): two Redis round trips
per refresh, whatever the number of schools, never a school summary per school.

The first pipeline reads, per school, what the school wall reads for the same figures
(queries/summary.py): the open alerts hash (severity per alert), the newest alert ids, the meta hash
(when the school's events were last applied) and the ledger's figures the recorder keeps (risk
colours). The second reads the details of the newest alerts across the district, newest first.
"""
from __future__ import annotations

import json

import redis

from kernel import keys
from kernel.catalogue import ALERT_SEVERITIES

RECENT_PER_SCHOOL = 6  # each school's newest few: the district's newest come from among them
ALERTS_SHOWN = 14


def district_live(client: redis.Redis, schools: list[str], *, now_ms: int, stale_after_s: float) -> dict:
    """{"schools": {code: {"open": {severity: n}, "risk": {colour: n} | None, "as_of_ms", "stale"}},
    "alerts": [alert dicts with "school", newest first], "as_of_ms": the newest of the schools'}."""
    with client.pipeline(transaction=False) as pipe:
        for school in schools:
            pipe.hgetall(keys.open_alerts(school))
            pipe.zrevrange(keys.recent_alerts(school), 0, RECENT_PER_SCHOOL - 1, withscores=True)
            pipe.hget(keys.meta(school), "last_applied_ms")
            pipe.get(keys.ledger_figures(school))
        found = pipe.execute()
    per_school, recent = {}, []
    for i, school in enumerate(schools):
        open_alerts, newest, applied, ledger = found[4 * i: 4 * i + 4]
        counts = dict.fromkeys(ALERT_SEVERITIES, 0)
        for value in open_alerts.values():
            severity = value.split("|", 1)[0]
            if severity in counts:
                counts[severity] += 1
        figures = json.loads(ledger) if ledger else None
        as_of = int(applied) if applied else None
        per_school[school] = {
            "open": counts,
            "risk": ((figures or {}).get("risk") or {}).get("by_colour"),
            "as_of_ms": as_of,
            "stale": as_of is None or now_ms - as_of > stale_after_s * 1000,
        }
        recent.extend((score, school, alert_id) for alert_id, score in newest)
    recent.sort(key=lambda item: (-item[0], item[1], item[2]))
    shown = recent[:ALERTS_SHOWN]
    with client.pipeline(transaction=False) as pipe:
        for _, school, alert_id in shown:
            pipe.hgetall(keys.alert(school, alert_id))
        details = pipe.execute() if shown else []
    alerts = [{**detail, "school": school, "id": detail.get("id") or alert_id}
              for (_, school, alert_id), detail in zip(shown, details) if detail]
    times = [s["as_of_ms"] for s in per_school.values() if s["as_of_ms"]]
    return {"schools": per_school, "alerts": alerts, "as_of_ms": max(times) if times else None}
