"""The hazard closed loop (隐患闭环, seed 001 art. 16-18) as a pure state machine.

reported → notified → rectifying → feedback → accepted (closed, 销号); a failed acceptance
(`reject`) sends the hazard back to rectifying. Anything else is refused with `IllegalTransition`,
which says what the hazard's stage allows, so a screen or a dead letter can show it as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STAGES: tuple[str, ...] = ("reported", "notified", "rectifying", "feedback", "accepted")
OPEN_STAGES: tuple[str, ...] = STAGES[:-1]
CLOSED = "accepted"
STAGE_ZH = {"reported": "已上报", "notified": "已下发整改通知", "rectifying": "整改中",
            "feedback": "已反馈待验收", "accepted": "已验收销号"}
GRADES: tuple[str, ...] = ("ordinary", "major")
GRADE_ZH = {"ordinary": "一般隐患", "major": "重大隐患"}
SOURCES: tuple[str, ...] = ("self_inspection", "school_inspection", "authority_inspection")
SOURCE_ZH = {"self_inspection": "自查", "school_inspection": "学校检查", "authority_inspection": "上级检查"}

# action -> (stage it starts from, stage it leads to). `report` starts a hazard (from None).
ACTIONS: dict[str, tuple[str | None, str]] = {
    "report": (None, "reported"),
    "notify": ("reported", "notified"),
    "rectify": ("notified", "rectifying"),
    "feedback": ("rectifying", "feedback"),
    "accept": ("feedback", "accepted"),
    "reject": ("feedback", "rectifying"),
}
ACTION_ZH = {"report": "上报隐患", "notify": "下发整改通知", "rectify": "开始整改", "feedback": "反馈整改结果",
             "accept": "验收销号", "reject": "验收不通过",
             "supervise": "挂牌督办"}  # not a stage change: a district lists it (ledger/commands/hazard_work.py)
# The contract's lifecycle event types (kernel/catalogue.py) and the action each one asks for.
ACTION_OF_EVENT = {
    "hazard.reported": "report",
    "hazard.notified": "notify",
    "hazard.rectifying": "rectify",
    "hazard.feedback": "feedback",
    "hazard.accepted": "accept",
    "hazard.rejected": "reject",
}


class IllegalTransition(ValueError):
    """A closed-loop step the hazard's stage does not allow."""

    def __init__(self, stage: str | None, action: str):
        self.stage, self.action = stage, action
        if action not in ACTIONS:
            message = f"unknown action {action!r}"
        elif stage is None:
            message = f"hazard does not exist yet: only 'report' can start it, not {action!r}"
        else:
            allowed = allowed_actions(stage)
            message = (f"a hazard in stage {stage!r} cannot be {action!r}-ed; allowed: "
                       + (", ".join(allowed) if allowed else "nothing, it is closed"))
        super().__init__(message)


def allowed_actions(stage: str | None) -> tuple[str, ...]:
    return tuple(action for action, (start, _) in ACTIONS.items() if start == stage)


def next_stage(stage: str | None, action: str) -> str:
    """The stage `action` leads to from `stage`, or IllegalTransition."""
    found = ACTIONS.get(action)
    if found is None or found[0] != stage:
        raise IllegalTransition(stage, action)
    return found[1]


def is_open(stage: str) -> bool:
    return stage != CLOSED


@dataclass(frozen=True)
class DeadlineStatus:
    overdue: bool
    due_soon: bool
    days_left: float | None  # negative when overdue; None without a deadline or when closed


def deadline_status(stage: str, deadline: datetime | None, now: datetime, *, due_soon_days: float,
                    closed_at: datetime | None = None) -> DeadlineStatus:
    """Overdue: open past its deadline. Due soon: open, deadline within `due_soon_days`.
    A closed hazard is neither (whether it closed late is `closed_late`)."""
    if deadline is None or not is_open(stage):
        return DeadlineStatus(False, False, None)
    left = (deadline - now) / timedelta(days=1)
    return DeadlineStatus(left < 0, 0 <= left <= due_soon_days, round(left, 2))


def closed_late(deadline: datetime | None, closed_at: datetime | None) -> bool:
    return deadline is not None and closed_at is not None and closed_at > deadline


def rectification_rate(closed: int, found: int) -> float | None:
    """查改率: hazards closed over hazards found (the plan's target is 100 %); None with none found."""
    if found <= 0:
        return None
    return round(closed / found, 4)
