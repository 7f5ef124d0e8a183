"""The shift handover report's figures on constructed shifts. Pure: rows in, figures out."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ledger.handover import (
    AlertRow,
    CommentRow,
    EscalationRow,
    HazardStepRow,
    ShiftInfo,
    as_json,
    build_report,
    percentile,
    state_at,
)

TZ = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 24, 20, tzinfo=TZ)  # the night shift of 24 November
END = datetime(2026, 11, 25, 8, tzinfo=TZ)
NIGHT = ShiftInfo("night", "夜班", date(2026, 11, 24), START, END)


def at(minutes: float) -> datetime:
    """A moment `minutes` after the shift started, as the ledger returns it (UTC)."""
    return (START + timedelta(minutes=minutes)).astimezone(ZoneInfo("UTC"))


def alert(code: str, raised: float, *, severity="high", domain="environment", ack=None, dispatch=None,
          resolve=None, outcome=None) -> AlertRow:
    return AlertRow(code=code, type="fire.smoke_alarm", domain=domain, severity=severity, building="b1",
                    zone=None, count=1, raised_at=at(raised),
                    acknowledged_at=None if ack is None else at(ack),
                    acknowledged_by="值班员甲" if ack is not None else None,
                    dispatched_at=None if dispatch is None else at(dispatch),
                    resolved_at=None if resolve is None else at(resolve), outcome=outcome)


def report(alerts=(), escalations=(), steps=(), comments=()):
    return build_report(shift=NIGHT, alerts=list(alerts), escalations=list(escalations),
                        hazard_steps=list(steps), comments=list(comments), tz=TZ)


def test_an_empty_shift_has_zeros_and_no_times():
    found = report()
    assert found["raised"] == {"total": 0, "by_severity": {"critical": 0, "high": 0, "medium": 0, "low": 0},
                               "by_domain": {}}
    assert found["handled"] == {"acknowledged": 0, "dispatched": 0, "resolved": 0, "true_alarm": 0, "false_alarm": 0}
    assert found["time_to_acknowledge"] == {"count": 0, "mean_s": None, "p90_s": None}
    assert found["time_to_resolve"] == {"count": 0, "mean_s": None, "p90_s": None}
    assert found["open_at_end"] == found["hazard_changes"] == found["comments"] == found["escalations"] == []
    assert found["shift"] == {"name": "night", "name_zh": "夜班", "day": "2026-11-24", "start": START, "end": END}


def test_raised_counts_only_alerts_raised_in_the_shift_by_severity_and_domain():
    found = report([
        alert("before", -1),  # raised in the day shift: not "raised" in this one
        alert("first", 0, severity="critical"),  # 20:00 sharp is the night's
        alert("a", 10, domain="personal_safety"), alert("b", 20, severity="low", domain="personal_safety"),
        alert("last", 719.99),
        alert("after", 720),  # 08:00 sharp is the next shift's
    ])
    assert found["raised"]["total"] == 4
    assert found["raised"]["by_severity"] == {"critical": 1, "high": 2, "medium": 0, "low": 1}
    assert found["raised"]["by_domain"] == {"environment": 2, "personal_safety": 2}


def test_mtta_and_mttr_over_alerts_acknowledged_and_resolved_in_the_shift():
    found = report([
        # Acknowledged after 1, 2, 3 ... 10 minutes: mean 5.5 min = 330 s, p90 (nearest rank) 9 min.
        *[alert(f"a{n}", 100 + n, ack=100 + 2 * n) for n in range(1, 11)],
        alert("old", -60, ack=30),  # raised before the shift, acknowledged in it: 90 min counts
        alert("late", 700, ack=725),  # acknowledged after the shift ended: not this shift's
        alert("r1", 10, ack=11, resolve=40, outcome="true_alarm"),
        alert("r2", 10, resolve=20, outcome="false_alarm"),  # resolved straight away: no acknowledgement
        alert("r3", -100, ack=-90, resolve=5, outcome="true_alarm"),
    ])
    tta = [n * 60 for n in range(1, 11)] + [90 * 60, 60]
    assert found["time_to_acknowledge"] == {"count": 12, "mean_s": round(sum(tta) / 12, 1), "p90_s": 600.0}
    assert found["time_to_resolve"] == {"count": 3, "mean_s": round((30 + 10 + 105) * 60 / 3, 1), "p90_s": 6300.0}
    assert found["handled"] == {"acknowledged": 12, "dispatched": 0, "resolved": 3, "true_alarm": 2, "false_alarm": 1}


@pytest.mark.parametrize(("values", "p90"), [([5], 5), ([1, 2], 2), (list(range(1, 11)), 9),
                                            (list(range(1, 21)), 18), ([], None)])
def test_p90_is_a_measured_value(values, p90):
    assert percentile(values, 0.9) == p90


def test_open_at_end_oldest_first_with_state_at_end_and_escalation_level():
    found = report(
        [alert("resolved-in-shift", 5, resolve=50),
         alert("new-one", 600, severity="critical"),
         alert("acked", 30, ack=40),
         alert("dispatched-then-resolved-next-morning", 20, ack=21, dispatch=25, resolve=800),
         alert("from-yesterday", -2000),
         alert("raised-after", 730)],
        escalations=[EscalationRow("new-one", 1, at(601)), EscalationRow("new-one", 2, at(610)),
                     EscalationRow("new-one", 3, at(725)),  # after the end: the handover saw level 2
                     EscalationRow("from-yesterday", 1, at(-1990))])
    rows = found["open_at_end"]
    assert [r["code"] for r in rows] == ["from-yesterday", "dispatched-then-resolved-next-morning", "acked", "new-one"]
    assert [r["state"] for r in rows] == ["new", "dispatched", "acknowledged", "new"]
    assert [r["escalation_level"] for r in rows] == [1, None, None, 2]
    assert rows[-1]["waited_s"] == 120 * 60
    assert rows[0]["raised_at"].tzinfo == TZ  # shown in the school's time
    # Escalations *in* the shift: the two of new-one before 08:00, not yesterday's, not the later one.
    assert [(e["alert"], e["level"], e["severity"]) for e in found["escalations"]] == [
        ("new-one", 1, "critical"), ("new-one", 2, "critical")]


def test_state_at_a_moment():
    # A step taken exactly at the moment is not yet done: an alert resolved at 08:00 sharp was
    # still open when the night shift handed over at 08:00 (the day shift resolved it).
    row = alert("x", 0, ack=10, dispatch=20, resolve=30)
    assert [state_at(row, at(m)) for m in (5, 10, 15, 25, 30, 31)] == [
        "new", "new", "acknowledged", "dispatched", "dispatched", "resolved"]


def test_handled_alerts_list_each_alert_once():
    found = report([alert("x", 0, ack=1, dispatch=2, resolve=3, outcome="true_alarm"), alert("y", 5)])
    assert [a["code"] for a in found["handled_alerts"]] == ["x"]
    assert found["handled_alerts"][0]["acknowledged_by"] == "值班员甲"


def test_hazard_changes_and_comments_in_the_shift_in_time_order():
    steps = [
        HazardStepRow("H-1", "通风橱失效", "major", "notify", "reported", "notified", "王五", at(30)),
        HazardStepRow("H-2", "灭火器过期", "ordinary", "report", None, "reported", "李四", at(10)),
        HazardStepRow("H-1", "通风橱失效", "major", "report", None, "reported", "张三", at(-30)),  # before
        HazardStepRow("H-3", "线路老化", "ordinary", "accept", "feedback", "accepted", "王五", at(720)),  # after
    ]
    comments = [CommentRow("H-1", "通风橱失效", "值班员甲", at(40), "<script>alert(1)</script>"),
                CommentRow("H-1", "通风橱失效", "值班员甲", at(-40), "昨天的")]
    found = report(steps=steps, comments=comments)
    assert [(c["hazard_code"], c["from_stage"], c["to_stage"], c["by"]) for c in found["hazard_changes"]] == [
        ("H-2", None, "reported", "李四"), ("H-1", "reported", "notified", "王五")]
    assert [c["text"] for c in found["comments"]] == ["<script>alert(1)</script>"]


def test_as_json_gives_iso_times_with_the_school_offset():
    body = as_json(report([alert("x", 0)]))
    assert body["shift"]["start"] == "2026-11-24T20:00:00+08:00"
    assert body["open_at_end"][0]["raised_at"] == "2026-11-24T20:00:00+08:00"
