"""Escalation of unacknowledged alerts and the wall's flash, against a controllable clock."""
from __future__ import annotations

import pytest

from ledger.escalation import DeadlineError, Deadlines
from queries.settings import DEFAULT_ALERT_DEADLINES

RULES = Deadlines.load(DEFAULT_ALERT_DEADLINES)
T0 = 1_764_000_000_000


@pytest.mark.parametrize("severity, within_s", [("critical", 60), ("high", 300), ("medium", 900), ("low", 1800)])
def test_an_unacknowledged_alert_escalates_just_after_its_severitys_deadline(severity, within_s):
    def escalated(after_ms: int, state: str = "new") -> bool:
        return RULES.is_escalated(severity=severity, state=state, raised_ms=T0, now_ms=T0 + after_ms)

    assert not escalated(within_s * 1000)  # at the deadline: still in time
    assert escalated(within_s * 1000 + 1)
    assert not escalated(within_s * 1000 + 1, state="acknowledged")  # acknowledging stops it
    assert not escalated(10 * within_s * 1000, state="dispatched")


def test_info_has_no_deadline_and_a_new_critical_alert_flashes_for_a_while():
    assert RULES.due_ms("info", T0) is None
    assert not RULES.is_escalated(severity="info", state="new", raised_ms=T0, now_ms=T0 + 10**9)
    assert RULES.flashes(severity="critical", state="new", raised_ms=T0, now_ms=T0 + 120_000)
    assert not RULES.flashes(severity="critical", state="new", raised_ms=T0, now_ms=T0 + 120_001)
    assert not RULES.flashes(severity="critical", state="acknowledged", raised_ms=T0, now_ms=T0 + 1000)
    assert not RULES.flashes(severity="high", state="new", raised_ms=T0, now_ms=T0 + 1000)


@pytest.mark.parametrize("raw, message", [
    ({"acknowledge_within_seconds": {"critical": 60, "high": 300, "medium": 900}}, "lacks low"),
    ({"acknowledge_within_seconds": {"critical": 0, "high": 300, "medium": 900, "low": 1}}, "positive"),
    ({"acknowledge_within_seconds": {"critical": 60, "high": 300, "medium": 900, "low": 1},
      "wall": {"flash_seconds": "soon"}}, "flash_seconds"),
])
def test_a_broken_deadlines_file_is_refused_with_the_reason(raw, message):
    with pytest.raises(DeadlineError, match=message):
        Deadlines.from_mapping(raw)
