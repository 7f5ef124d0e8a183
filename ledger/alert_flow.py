"""Alert handling states and the grouping of repeated alarms, as pure rules.

new → acknowledged → dispatched → resolved (true or false alarm). A device may clear itself or the
duty officer may close a false alarm at once, so `resolve` is allowed from every open state; a
resolved alert is final. Repeated alarms of one device under one rule within the grouping window
are one alert with a count: a flapping smoke detector must not flood the duty officer.
"""
from __future__ import annotations

from datetime import datetime, timedelta

STATES: tuple[str, ...] = ("new", "acknowledged", "dispatched", "resolved")
OPEN_STATES: tuple[str, ...] = STATES[:-1]
STATE_ZH = {"new": "新告警", "acknowledged": "已确认", "dispatched": "已派警", "resolved": "已处置"}
OUTCOMES: tuple[str, ...] = ("true_alarm", "false_alarm")
OUTCOME_ZH = {"true_alarm": "真警", "false_alarm": "误报"}
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": (("new",), "acknowledged"),
    "dispatch": (("acknowledged",), "dispatched"),
    "resolve": (("new", "acknowledged", "dispatched"), "resolved"),
}
# The contract events (docs/events.md) that carry each handling step; `alert.dispatched` came with
# the duty console (issue 5), additive in contract v1.
EVENT_OF_ACTION = {"acknowledge": "alert.acknowledged", "dispatch": "alert.dispatched",
                   "resolve": "alert.resolved"}
ACTION_OF_EVENT = {event: action for action, event in EVENT_OF_ACTION.items()}


class IllegalAlertTransition(ValueError):
    def __init__(self, state: str, action: str):
        self.state, self.action = state, action
        allowed = [a for a, (starts, _) in ACTIONS.items() if state in starts]
        super().__init__(f"an alert in state {state!r} cannot be {action!r}-ed; allowed: "
                         + (", ".join(allowed) if allowed else "nothing, it is resolved"))


def next_state(state: str, action: str) -> str:
    found = ACTIONS.get(action)
    if found is None or state not in found[0]:
        raise IllegalAlertTransition(state, action)
    return found[1]


def is_done(state: str, action: str) -> bool:
    """Has an alert in `state` already gone through `action` (or past it)? A step reported again —
    a replayed event, the console's own event coming back through the topic, the acknowledgement
    of a second alarm grouped into the alert — is then a no-op, not an illegal step."""
    return STATES.index(state) >= STATES.index(ACTIONS[action][1])


def group_key(rule: str, device: str | None, building: str | None, zone: str | None) -> str:
    """What makes two alarms "the same": the rule and the device, else the place it names."""
    where = device or f"{building or '-'}/{zone or '-'}"
    return f"{rule}@{where}"


def joins_group(open_state: str | None, last_raised_at: datetime | None, raised_at: datetime,
                window: timedelta) -> bool:
    """Does an alarm raised at `raised_at` join the open alert with this group key?

    It joins while the alert is unresolved and the previous alarm was at most `window` ago;
    otherwise it opens a new alert."""
    if open_state is None or open_state == "resolved" or last_raised_at is None:
        return False
    return abs(raised_at - last_raised_at) <= window
