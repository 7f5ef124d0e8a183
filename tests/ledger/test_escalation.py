"""Escalation of unacknowledged alerts and the wall's flash, against a controllable clock."""
from __future__ import annotations

import pytest

from kernel.settings import DEFAULT_ALERT_DEADLINES
from ledger.escalation import DeadlineError, Deadlines

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


def test_levels_fall_due_at_each_further_deadline_up_to_the_maximum():
    assert RULES.max_level == 3
    levels = [RULES.due_levels("critical", T0, T0 + s * 1000) for s in (0, 60, 61, 120, 121, 180, 181, 3600)]
    assert levels == [[], [], [1], [1], [1, 2], [1, 2], [1, 2, 3], [1, 2, 3]]
    assert RULES.due_levels("high", T0, T0 + 301_000) == [1]
    assert RULES.due_levels("info", T0, T0 + 10**9) == []
    assert RULES.level_due_ms("high", T0, 2) == T0 + 600_000


@pytest.mark.parametrize("max_level", [0, -1, 2.5, "3", True, 11])
def test_a_bad_maximum_level_is_refused(max_level):
    raw = {"acknowledge_within_seconds": {"critical": 60, "high": 300, "medium": 900, "low": 1},
           "escalation": {"max_level": max_level}}
    with pytest.raises(DeadlineError, match="max_level"):
        Deadlines.from_mapping(raw)


def test_without_an_escalation_section_three_levels_are_kept():
    raw = {"acknowledge_within_seconds": {"critical": 60, "high": 300, "medium": 900, "low": 1}}
    assert Deadlines.from_mapping(raw).max_level == 3
