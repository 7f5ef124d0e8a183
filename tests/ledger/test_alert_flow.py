"""Alert handling states and the grouping rule for repeated alarms."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ledger.alert_flow import IllegalAlertTransition, group_key, joins_group, next_state

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
WINDOW = timedelta(minutes=10)


@pytest.mark.parametrize("state, action, to", [
    ("new", "acknowledge", "acknowledged"), ("acknowledged", "dispatch", "dispatched"),
    ("dispatched", "resolve", "resolved"), ("acknowledged", "resolve", "resolved"), ("new", "resolve", "resolved"),
])
def test_legal_handling_steps(state, action, to):
    assert next_state(state, action) == to


@pytest.mark.parametrize("state, action", [
    ("new", "dispatch"), ("acknowledged", "acknowledge"), ("dispatched", "acknowledge"),
    ("resolved", "resolve"), ("resolved", "acknowledge"), ("new", "escalate"),
])
def test_illegal_handling_steps_are_refused(state, action):
    with pytest.raises(IllegalAlertTransition):
        next_state(state, action)


def test_a_repeat_within_the_window_joins_the_open_alert():
    assert joins_group("new", T0, T0 + timedelta(minutes=9), WINDOW)
    assert joins_group("acknowledged", T0, T0 + WINDOW, WINDOW)


def test_a_repeat_after_the_window_or_after_resolution_opens_a_new_alert():
    assert not joins_group("new", T0, T0 + WINDOW + timedelta(seconds=1), WINDOW)
    assert not joins_group("resolved", T0, T0 + timedelta(minutes=1), WINDOW)
    assert not joins_group(None, None, T0, WINDOW)


def test_the_group_is_the_rule_and_the_device_else_the_place():
    assert group_key("fire.smoke_alarm", "smoke-1", "b", "z") == "fire.smoke_alarm@smoke-1"
    assert group_key("perimeter.intrusion", None, "b", None) == "perimeter.intrusion@b/-"
    assert group_key("fire.smoke_alarm", "smoke-1", None, None) != group_key("fire.smoke_alarm", "smoke-2", None, None)


@pytest.mark.parametrize("state, action, done", [
    ("new", "acknowledge", False), ("acknowledged", "acknowledge", True), ("dispatched", "acknowledge", True),
    ("resolved", "acknowledge", True), ("acknowledged", "dispatch", False), ("dispatched", "dispatch", True),
    ("resolved", "dispatch", True), ("dispatched", "resolve", False), ("resolved", "resolve", True),
])
def test_a_step_already_taken_or_passed_is_done(state, action, done):
    """What makes the console's own events, and a second alarm's acknowledgement, no-ops."""
    from ledger.alert_flow import is_done

    assert is_done(state, action) is done


def test_every_step_has_its_contract_event_and_back():
    from kernel.catalogue import CATALOGUE
    from ledger.alert_flow import ACTION_OF_EVENT, ACTIONS, EVENT_OF_ACTION

    assert set(EVENT_OF_ACTION) == set(ACTIONS)
    assert EVENT_OF_ACTION["dispatch"] == "alert.dispatched"
    assert all(ACTION_OF_EVENT[EVENT_OF_ACTION[a]] == a and EVENT_OF_ACTION[a] in CATALOGUE for a in ACTIONS)
