"""The hazard loop as people work it in the product (issue 15): who acts, who may take which step,
what their text may be, and the contract event each step publishes. Pure: the commands that use it
are in ledger/commands/hazard_work.py, the rules are in docs/hazards.md ("The hazard loop (ledger)").
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from ledger import hazard_loop
from ledger.control_chars import clean_free_text, first_control
from ledger.errors import LedgerError

# The contract `source` of steps taken in the product (docs/events.md).
SOURCE = "hazard-work"
TITLE_MAX = 100  # a hazard's title: the description's first line, cut here (the contract allows 128)
TEXT_MAX = 2000  # a description, a requirement, measures taken, a note, a reason
MAX_ID = 128
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")  # the phone's form key: a UUID or the like

# Who may take which step, by role (the ledger does not import the web app: these mirror the grants
# of dashboard/roles.py, and tests/ledger/test_hazard_work.py checks that they agree).
REPORT_ROLES = frozenset({"leader", "duty", "safety", "inspector", "reporter", "admin"})
ASSIGN_ROLES = frozenset({"safety", "admin"})
ACCEPT_ROLES = frozenset({"safety", "inspector", "admin"})
SUPERVISE_ROLES = frozenset({"leader", "admin"})
# Besides the responsible person, the school's safety office and admins may record a start or a
# feedback for them (a worker without a phone): the step names whoever records it.
WORK_FOR_OTHERS_ROLES = frozenset({"safety", "admin"})

EVENT_OF_ACTION = {action: event_type for event_type, action in hazard_loop.ACTION_OF_EVENT.items()}


@dataclass(frozen=True)
class Person:
    """Who takes a step: a signed-in person (dashboard/roles.Principal carries the same), with the
    schools they read (None: every school) and the code of their organisation unit (None: the
    whole tree). The web app builds it from the principal; `person_of` from a ledger User."""

    user_id: int
    username: str
    display_name: str
    role: str
    schools: frozenset[str] | None
    unit: str | None = None

    def reads(self, school: str) -> bool:
        return self.schools is None or school in self.schools


def may_work(person: Person, responsible_user_id: int | None) -> bool:
    """Start or feed back: the responsible person, or the safety office / an admin for them."""
    return responsible_user_id == person.user_id or person.role in WORK_FOR_OTHERS_ROLES


def may_accept(person: Person, responsible_user_id: int | None, fed_back_by: Iterable[int | None]) -> bool:
    """Accept or reject: an acceptor who neither is responsible for it nor fed it back."""
    return (person.role in ACCEPT_ROLES and person.user_id != responsible_user_id
            and person.user_id not in set(fed_back_by))


def above_school(person: Person, school_ancestors: Iterable[str]) -> bool:
    """Whether the person's unit lies strictly above a school (whose ancestors' codes are given): a
    district, city or province officer; or a person over the whole tree (no unit, every school)."""
    if person.unit is None:
        return person.schools is None
    return person.unit in set(school_ancestors)


def steps_open_to(person: Person, *, stage: str, grade: str, responsible_user_id: int | None,
                  fed_back_by: Iterable[int | None], supervised: bool, above_school: bool) -> tuple[str, ...]:
    """The steps this person may take on a hazard (of a school they read) now: what a page offers.
    The commands hold each step to the same predicates."""
    allowed = hazard_loop.allowed_actions(stage)
    steps = []
    if "notify" in allowed and person.role in ASSIGN_ROLES:
        steps.append("notify")
    steps += [a for a in ("rectify", "feedback") if a in allowed and may_work(person, responsible_user_id)]
    if "accept" in allowed and may_accept(person, responsible_user_id, fed_back_by):
        steps += ["accept", "reject"]
    if (grade == "major" and hazard_loop.is_open(stage) and not supervised and above_school
            and person.role in SUPERVISE_ROLES):
        steps.append("supervise")
    return tuple(steps)


class StepRefused(LedgerError):
    """A step this person may not take, or not now, or not with this input: nothing was saved."""


class StageRefused(StepRefused):
    """A step the hazard's stage does not allow (the state machine's IllegalTransition, in both
    languages): out of order, or someone else took a step first."""

    def __init__(self, stage: str | None, action: str, *, moved: bool = False) -> None:
        illegal = hazard_loop.IllegalTransition(stage, action)
        self.stage, self.action = stage, action
        what = hazard_loop.ACTION_ZH.get(action, action)
        now = hazard_loop.STAGE_ZH.get(stage or "", stage or "")
        allowed = "、".join(hazard_loop.ACTION_ZH[a] for a in hazard_loop.allowed_actions(stage)) or "无（已销号）"
        zh = f"隐患处于“{now}”阶段，不能{what}；现在可以：{allowed}"
        if moved:
            zh = "有人刚刚处理了这条隐患。" + zh
        super().__init__(("someone has just taken a step on this hazard: " if moved else "") + str(illegal), zh=zh)


def refuse(en: str, zh: str) -> StepRefused:
    return StepRefused(en, zh=zh)


def free_text(value: object, *, what: str, what_zh: str, required: bool) -> str:
    """Free text as the ledger keeps it (line breaks as LF, TAB kept, other controls dropped, as an
    imported description), trimmed, at most TEXT_MAX characters; kept as typed otherwise."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise refuse(f"{what} must be text", f"{what_zh}须是文字")
    text = clean_free_text(value).strip()
    if required and not text:
        raise refuse(f"{what} is required", f"须填写{what_zh}")
    if len(text) > TEXT_MAX:
        raise refuse(f"{what} has {len(text)} characters; at most {TEXT_MAX}",
                     f"{what_zh}有 {len(text)} 个字，至多 {TEXT_MAX} 个字")
    return text


def title_of(description: str) -> str:
    """The title a list shows: the description's first line, TABs as spaces, cut at TITLE_MAX."""
    first = next(line for line in description.split("\n") if line.strip()).replace("\t", " ").strip()
    return first if len(first) <= TITLE_MAX else first[:TITLE_MAX - 1] + "…"


def one_line(value: object, *, what: str, what_zh: str, max_chars: int = 64) -> str | None:
    """A code or key chosen on a form: None when empty; refused with a control character in it."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > max_chars or first_control(value) is not None:
        raise refuse(f"{what}: at most {max_chars} characters, no control characters",
                     f"{what_zh}至多 {max_chars} 个字符，且不含控制字符")
    return value.strip() or None


def client_key(value: object) -> str:
    if not isinstance(value, str) or not CLIENT_KEY.fullmatch(value):
        raise refuse("the form key is missing or malformed (8 to 64 of A-Z a-z 0-9 _ -)",
                     "表单标识缺失或格式不对（8 至 64 个字母、数字、_ 或 -）")
    return value


def future_deadline(value: object, now: datetime, *, what: str = "the deadline", what_zh: str = "整改期限"
                    ) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise refuse(f"{what} is required (a date and time)", f"须填写{what_zh}（日期和时间）")
    if value <= now:
        raise refuse(f"{what} must be in the future", f"{what_zh}须晚于现在")
    return value


def grade(value: object) -> str:
    if value not in hazard_loop.GRADES:
        raise refuse(f"hazard grade must be one of {', '.join(hazard_loop.GRADES)}",
                     f"隐患等级应为{'或'.join(hazard_loop.GRADE_ZH.values())}")
    return str(value)


def hazard_code(client: str, now: datetime, tz) -> str:
    """A reported hazard's code: the local day and a digest of the form's key, so the same form
    gives the same code (YH-20261206-3F9A1C2B40)."""
    digest = hashlib.sha256(client.encode()).hexdigest()[:10].upper()
    return f"YH-{now.astimezone(tz):%Y%m%d}-{digest}"


def event_id(*, school: str, code: str, seq: int, action: str) -> str:
    """The id of a hazard's seq-th step (1: the report): the same step of the same hazard always
    has the same id, so a resend is one event and the recorder knows the step as recorded."""
    readable = f"hzw-{seq}-{action}-{school}-{code}"
    if len(readable) <= MAX_ID:
        return readable
    return f"hzw-{seq}-{action}-" + hashlib.sha256(f"{school}/{code}".encode()).hexdigest()[:48]


def step_event(*, event_id: str, action: str, school: str, at: datetime, code: str, grade: str, title: str,
               deadline: datetime | None, building: str | None, zone: str | None, by: str) -> dict:
    """The contract event of one step (docs/events.md, `hazard.*`)."""
    data: dict = {"hazard": code, "grade": grade, "title": title[:128], "by": by}
    if deadline is not None:
        data["deadline"] = deadline.astimezone(timezone.utc).isoformat(timespec="seconds")
    event = {"id": event_id, "ts": at.astimezone(timezone.utc).isoformat(timespec="milliseconds"),
             "school": school, "domain": "operations", "type": EVENT_OF_ACTION[action],
             "severity": "info", "source": SOURCE, "data": data}
    if building:
        event["building"] = building
        if zone:
            event["zone"] = zone
    return event
