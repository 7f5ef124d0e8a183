"""Supervision items (督办, issue 17): the state machine and the checks of what a form sends, pure (no
database): ledger/commands/supervision.py applies them, tests/ledger/test_supervision_rules.py holds them.

    open ──answer──> answered ──close──> closed
      ^                 │
      │              return (退回, with a reason)
      │                 v
      └──(answer)── returned ──answer──> answered ...

An item is opened by an officer of a unit above the school; the school answers (its actions and
evidence); the officer closes it, or returns it with a reason and the school answers again. The
officer may also close an item not yet answered (it no longer applies). Overdue: past its deadline and
not closed — an item answered in time but still waiting on the officer is not the school's lateness,
but it is still open work on the district's side, so it counts (the wall's "due" list shows both).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ledger.control_chars import clean_free_text
from ledger.errors import LedgerError

OPENERS = frozenset({"leader", "admin"})  # dashboard/roles.py SUPERVISION_OPEN: a unit above the school
ANSWERERS = frozenset({"safety", "admin"})  # SUPERVISION_ANSWER: the school's safety head, its admin
NOTICE_WRITERS = OPENERS  # NOTICE_WRITE
NOTICE_READERS = frozenset({"leader", "duty", "safety", "inspector", "admin"})  # NOTICE_READ: of the school
ABOVE_SCHOOL = ("district", "city", "province")

KIND_NAMES = {"hazard": ("隐患", "hazard"), "report": ("报送", "report"), "figure": ("指标", "figure"),
              "other": ("其他", "other")}
STATE_NAMES = {"open": ("待答复", "open"), "answered": ("已答复", "answered"), "returned": ("已退回", "returned"),
               "closed": ("已办结", "closed")}
ACTION_NAMES = {"open": ("下发督办", "opened"), "answer": ("学校答复", "answered"),
                "return": ("退回", "returned"), "close": ("办结", "closed")}

# action -> (the states it may start from, the state it leads to)
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "answer": (frozenset({"open", "returned"}), "answered"),
    "return": (frozenset({"answered"}), "returned"),
    "close": (frozenset({"open", "answered", "returned"}), "closed"),
}
SCHOOL_ACTIONS = frozenset({"answer"})
OFFICER_ACTIONS = frozenset({"return", "close"})

TITLE_MAX = 200
REF_MAX = 128
TEXT_MAX = 4000
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


class SupervisionRefused(LedgerError):
    """The step cannot be taken as asked: a page shows why, nothing is saved."""


@dataclass(frozen=True)
class Move:
    """What a step does to an item: its next state, or `repeat` when the item is already where the step
    leads (a double submit: answered truthfully as done, nothing written)."""

    to_state: str
    repeat: bool = False


def move(state: str, action: str) -> Move:
    """The step `action` on an item in `state`; SupervisionRefused (zh/en) when it may not be taken."""
    if action not in MOVES:
        raise SupervisionRefused(f"no such step: {action!r}", zh=f"没有这个督办步骤：{action!r}")
    starts, to_state = MOVES[action]
    if state == to_state:
        return Move(to_state, repeat=True)
    if state not in starts:
        zh_state, en_state = STATE_NAMES.get(state, (state, state))
        zh_action, en_action = ACTION_NAMES[action]
        raise SupervisionRefused(f"the item is {en_state}: it cannot be {en_action} now",
                                 zh=f"该督办事项{zh_state}，现在不能{zh_action}")
    return Move(to_state)


def is_overdue(state: str, deadline: datetime, now: datetime) -> bool:
    return state != "closed" and now > deadline


def text(value: object, *, what: str, what_zh: str, required: bool, limit: int = TEXT_MAX) -> str:
    """Free text as the ledger keeps it: control characters dropped (TAB and line breaks kept), trimmed,
    at most `limit` characters. Rendered as text wherever shown (Dash escapes it)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise SupervisionRefused(f"{what} must be text", zh=f"{what_zh}须是文字")
    cleaned = clean_free_text(value).strip()
    if required and not cleaned:
        raise SupervisionRefused(f"{what} is required", zh=f"须填写{what_zh}")
    if len(cleaned) > limit:
        raise SupervisionRefused(f"{what} has {len(cleaned)} characters; at most {limit}",
                                 zh=f"{what_zh}有 {len(cleaned)} 个字，至多 {limit} 个字")
    return cleaned


def line(value: object, *, what: str, what_zh: str, required: bool, limit: int) -> str:
    """One line (a title, a reference): line breaks and runs of spaces become one space."""
    cleaned = " ".join(text(value, what=what, what_zh=what_zh, required=required, limit=TEXT_MAX).split())
    if len(cleaned) > limit:
        raise SupervisionRefused(f"{what} has {len(cleaned)} characters; at most {limit}",
                                 zh=f"{what_zh}有 {len(cleaned)} 个字，至多 {limit} 个字")
    return cleaned


def kind(value: object) -> str:
    if value not in KIND_NAMES:
        raise SupervisionRefused("say what is supervised: a hazard, a report, a figure or other",
                                 zh="请选择督办对象：隐患、报送、指标或其他")
    return value  # type: ignore[return-value]


def deadline(value: object, now: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise SupervisionRefused("the deadline is required (a date and time)", zh="须填写办理期限（日期和时间）")
    if value <= now:
        raise SupervisionRefused("the deadline must be in the future", zh="办理期限须晚于现在")
    return value


def form_key(value: object) -> str:
    if not isinstance(value, str) or not FORM_KEY.fullmatch(value):
        raise SupervisionRefused("the form's key is missing: reload the page", zh="表单标识缺失，请刷新页面")
    return value


def subject(kind_: str, ref: str, title: str) -> str:
    """The title an item gets when none is typed: what it is about."""
    return title or f"{KIND_NAMES[kind_][0]} {ref}".strip()
