"""Every legal and every illegal step of the hazard closed loop, and the deadline figures."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from ledger.hazard_loop import (
    ACTIONS,
    STAGES,
    IllegalTransition,
    closed_late,
    deadline_status,
    next_stage,
    rectification_rate,
)

LEGAL = {
    (None, "report"): "reported",
    ("reported", "notify"): "notified",
    ("notified", "rectify"): "rectifying",
    ("rectifying", "feedback"): "feedback",
    ("feedback", "accept"): "accepted",
    ("feedback", "reject"): "rectifying",
}


@pytest.mark.parametrize("stage, action", list(LEGAL))
def test_every_legal_step(stage, action):
    assert next_stage(stage, action) == LEGAL[stage, action]


ILLEGAL = [(s, a) for s, a in itertools.product((None, *STAGES), ACTIONS) if (s, a) not in LEGAL]


@pytest.mark.parametrize("stage, action", ILLEGAL)
def test_every_illegal_step_is_refused_and_says_what_is_allowed(stage, action):
    with pytest.raises(IllegalTransition) as caught:
        next_stage(stage, action)
    message = str(caught.value)
    if stage == "accepted":
        assert "closed" in message
    elif stage is None:
        assert "only 'report'" in message
    else:
        assert "allowed:" in message


def test_there_are_thirty_illegal_pairs_and_an_unknown_action_is_illegal_too():
    assert len(ILLEGAL) == 6 * 6 - 6
    with pytest.raises(IllegalTransition, match="unknown action"):
        next_stage("reported", "close")


def test_a_rejected_hazard_goes_round_the_loop_again_to_acceptance():
    stage = None
    for action in ("report", "notify", "rectify", "feedback", "reject", "feedback", "reject", "feedback", "accept"):
        stage = next_stage(stage, action)
    assert stage == "accepted"


NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("stage, deadline, overdue, due_soon", [
    ("rectifying", NOW - timedelta(hours=1), True, False),
    ("notified", NOW + timedelta(days=2), False, True),
    ("notified", NOW + timedelta(days=3), False, True),
    ("notified", NOW + timedelta(days=3, seconds=1), False, False),
    ("accepted", NOW - timedelta(days=10), False, False),  # closed: never overdue
    ("reported", None, False, False),
])
def test_overdue_and_due_soon(stage, deadline, overdue, due_soon):
    status = deadline_status(stage, deadline, NOW, due_soon_days=3)
    assert (status.overdue, status.due_soon) == (overdue, due_soon)


def test_closed_late_and_the_rectification_rate():
    assert closed_late(NOW, NOW + timedelta(minutes=1))
    assert not closed_late(NOW, NOW - timedelta(minutes=1))
    assert not closed_late(None, NOW)
    assert rectification_rate(3, 4) == 0.75
    assert rectification_rate(0, 0) is None
