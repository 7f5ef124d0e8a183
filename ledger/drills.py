"""Drills and trainings (应急演练 / 安全教育培训) as pure functions: the record form's checks and the
assessment's arithmetic over the days they were held. No database, no clock of its own.

The form (`check_form`) turns what a person typed into the values saved, or refuses with one zh/en
sentence naming the field: one-line fields (title, plan exercised) refuse control characters, line
breaks and TABs (they are matched and listed, an invisible difference would hide); free text (names
of participants, notes) is cleaned as every other free text (ledger/control_chars.py).

The assessment (seed 001 attachment 2, docs/ledger.md *Assessment*):
  art. 9  (未落实…安全教育培训, 10 once): no training recorded in the `TRAINING_DAYS` up to the day the
          year is read as of (for a past year: that year). A rolling window, not the calendar year,
          so a unit is not deducted on 1 January for the training it has not yet had time to give.
  art. 12 (每学期不少于1次检测教育培训效果, 10 once): each term whose last day falls in the year, by the
          day it is read as of, without a drill in it. A drill is where what was trained is tried and
          seen (the record of the effect check); a term still under way is not judged yet.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ledger import inspection_schedule as schedule
from ledger.control_chars import clean_free_text, describe, first_control
from ledger.errors import LedgerError, Words
from ledger.models.drills import DRILL_KINDS

KIND_NAMES = {"drill": ("应急演练", "drill"), "training": ("安全教育培训", "training")}
MAX_TITLE = 200
MAX_PLAN = 200
MAX_TEXT = 2000  # participants' names, notes: a page of text, not a document
MAX_PARTICIPANTS = 100_000  # more than any school's people: a slip of the keyboard
TRAINING_DAYS = 365  # art. 9's window
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class DrillForm:
    """What the safety office enters. `unit`: a unit's code of the school, or None for the whole
    school. `participant_count` and `participants` (names, one a line): either or both."""

    title: str
    kind: str
    held_on: date | str | None
    unit: str | None = None
    participant_count: int | str | None = None
    participants: str = ""
    plan: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CheckedDrill:
    title: str
    kind: str
    held_on: date
    unit: str | None
    participant_count: int | None
    participants: str
    plan: str
    notes: str


def one_line(text: object, what: Words, *, limit: int, required: bool) -> str:
    value = (text if isinstance(text, str) else "" if text is None else str(text)).strip()
    if not value:
        if required:
            raise LedgerError(f"{what.en} is required", zh=f"请填写{what.zh}")
        return ""
    if len(value) > limit:
        raise LedgerError(f"{what.en} has at most {limit} characters", zh=f"{what.zh}至多 {limit} 个字")
    control = first_control(value)
    if control is not None:
        raise LedgerError(f"{what.en} holds an invisible character ({describe(control[1])}) at {control[0] + 1}; "
                          "it is one line of text", zh=f"{what.zh}的第 {control[0] + 1} 个字是不可见字符 "
                          f"{describe(control[1])}，此项须是一行文字，请删去")
    return value


def free_text(text: object, what: Words, *, limit: int = MAX_TEXT) -> str:
    value = clean_free_text(text if isinstance(text, str) else "").strip()
    if len(value) > limit:
        raise LedgerError(f"{what.en} has at most {limit} characters", zh=f"{what.zh}至多 {limit} 个字")
    return value


def check_form(form: DrillForm, *, today: date) -> CheckedDrill:
    """The values to save, or LedgerError (zh/en) for the first field that is wrong. `today`: the
    school's local date (a drill is recorded after it is held, never ahead)."""
    title = one_line(form.title, Words("the title", "标题"), limit=MAX_TITLE, required=True)
    if form.kind not in DRILL_KINDS:
        raise LedgerError(f"the kind is a drill or a training, not {form.kind!r}",
                          zh=f"类别应为应急演练或安全教育培训，而不是 {form.kind!r}")
    held_on = form.held_on
    if isinstance(held_on, str):
        try:
            held_on = date.fromisoformat(held_on.strip())
        except ValueError:
            raise LedgerError(f"the date is YYYY-MM-DD, not {form.held_on!r}",
                              zh=f"日期格式应为 YYYY-MM-DD，而不是 {form.held_on!r}") from None
    if not isinstance(held_on, date):
        raise LedgerError("the date it was held is required", zh="请填写举行日期")
    if held_on > today:
        raise LedgerError("a drill or training is recorded once held: the date is in the future",
                          zh="演练或培训须在举行后记录，日期不能晚于今天")
    if held_on < EARLIEST:
        raise LedgerError(f"the date {held_on.isoformat()} is too long ago", zh=f"日期 {held_on.isoformat()} 过早")
    count = form.participant_count
    if isinstance(count, str):
        count = count.strip() or None
        if count is not None:
            if not count.isdigit():
                raise LedgerError(f"the number of participants is a whole number, not {count!r}",
                                  zh=f"参加人数应为整数，而不是 {count!r}")
            count = int(count)
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or not 0 < count <= MAX_PARTICIPANTS):
        raise LedgerError(f"the number of participants is between 1 and {MAX_PARTICIPANTS}, not {count!r}",
                          zh=f"参加人数应在 1 到 {MAX_PARTICIPANTS} 之间，而不是 {count!r}")
    participants = free_text(form.participants, Words("the participants", "参加人员"))
    if count is None and not participants:
        raise LedgerError("say who took part: their number, their names, or both",
                          zh="请填写参加人数或参加人员名单（或两者）")
    unit = one_line(form.unit, Words("the unit", "单位"), limit=64, required=False) or None
    return CheckedDrill(title, form.kind, held_on, unit, count, participants,
                        one_line(form.plan, Words("the plan exercised", "演练预案"), limit=MAX_PLAN, required=False),
                        free_text(form.notes, Words("the notes", "备注")))


def check_reason(reason: object) -> str:
    text = free_text(reason, Words("the reason", "原因"), limit=500)
    if not text:
        raise LedgerError("say why the record is withdrawn", zh="请填写撤销记录的原因")
    return text


# --- the assessment's arithmetic ---

def trained(training_days: Iterable[date], as_of_day: date, *, window: int = TRAINING_DAYS) -> bool:
    """Art. 9: whether a training was held in the `window` days before `as_of_day` (that day not
    included: a past year is read as of 1 January after it)."""
    first = as_of_day - timedelta(days=window)
    return any(first <= day < as_of_day for day in training_days)


def judged_terms(year: int, as_of_day: date, *, term_starts=schedule.DEFAULT_TERM_STARTS) -> list[schedule.Period]:
    """Art. 12: the terms whose last day is in `year` and before `as_of_day` (ended by then), in
    order. Each term is judged in exactly one year: the one it ends in."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), as_of_day - timedelta(days=1))
    terms = schedule.periods("term", first - timedelta(days=366), last, term_starts=term_starts)
    return [t for t in terms if first <= t.last_day <= last]


def terms_without_drill(drill_days: Iterable[date], year: int, as_of_day: date, *,
                        term_starts=schedule.DEFAULT_TERM_STARTS) -> tuple[str, ...]:
    """Art. 12: the judged terms with no drill in them, as "YYYY-MM-DD至YYYY-MM-DD" (first and last day)."""
    days = sorted(set(drill_days))
    return tuple(f"{t.start.isoformat()}至{t.last_day.isoformat()}"
                 for t in judged_terms(year, as_of_day, term_starts=term_starts)
                 if not any(t.contains(d) for d in days))
