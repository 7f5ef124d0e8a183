"""The on-call roster from one Excel sheet (值班表导入), all or nothing, as the people import
(ledger/commands/user_import.py, whose upload reading this shares) and the register's imports do.

Columns (Chinese or English headers): 日期/date, 班次/shift (白班, 夜班, day, night, or 全天 for every
shift of the day), 值班员/duty officer, 安全负责人/head of security, 校领导/school leadership, each person
by username or name. A row states the roster of its shift: a filled cell sets that level, an empty one
clears it (值班员 may not be empty: a shift without a duty officer pages nobody). Every row is checked
before anything is written; any bad row refuses the whole sheet with every problem by row and column,
in Chinese (ledger/exchange.py's RowError). Entries already as the sheet says are left alone, with
their substitutions.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.commands import oncall
from ledger.commands.audit import Actor
from ledger.commands.risk_points import school_in_scope
from ledger.commands.user_import import upload_table
from ledger.control_chars import describe, first_control
from ledger.errors import LedgerError
from ledger.exchange import ImportRejected, RowError
from ledger.models import OnCallEntry, User
from ledger.oncall import ALL_DAY, LEVELS
from ledger.oncall_rows import people_of_school
from ledger.shifts import ShiftPlan

MAX_ROWS = 800  # a year of two shifts a day, and some
HEADERS = {"日期": "date", "date": "date", "班次": "shift", "shift": "shift",
           "值班员": 0, "duty officer": 0, "安全负责人": 1, "head of security": 1,
           "校领导": 2, "带班领导": 2, "school leadership": 2}
COLUMN_ZH = {"date": "日期", "shift": "班次", 0: "值班员", 1: "安全负责人", 2: "校领导"}


@dataclass(frozen=True)
class Imported:
    rows: int
    counts: dict[str, int]  # by oncall.ACTIONS: how many entries were set, replaced, left, cleared


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def check(db: Session, *, school, plan: ShiftPlan, rows: list[tuple[int, dict]],
          errors: list[RowError]) -> list[tuple[int, date, str, dict[int, User | None]]]:
    """Every row checked: ImportRejected listing every problem, or each shift's people by level."""
    errors = list(errors)
    people = people_of_school(db, school)
    good, seen = [], {}
    for number, values in rows:
        def fail(column, message: str) -> None:
            errors.append(RowError(number, COLUMN_ZH[column], message))

        cells = {key: values.get(key) for key in COLUMN_ZH}
        texts = {key: _text(v) for key, v in cells.items() if not isinstance(v, (date, datetime))}
        bad = [key for key, text in texts.items() if first_control(text) is not None]
        for key in bad:
            control = first_control(texts[key])
            fail(key, f"含不可见字符（{describe(control[1])}），在第{control[0] + 1}个字")
        if bad:
            continue
        day = _day(cells["date"])
        if day is None:
            fail("date", f"“{_text(cells['date'])}”不是日期（如 2026-12-07）" if _text(cells["date"]) else "请填写日期")
        shift_text = texts.get("shift", "")
        shifts: list[str] = []
        if shift_text.lower() in ALL_DAY:
            shifts = list(plan.names)
        else:
            try:
                shifts = [oncall.shift_name(plan, shift_text)]
            except LedgerError as exc:
                fail("shift", exc.zh or str(exc))
        chosen: dict[int, User | None] = {}
        for level in LEVELS:
            text = texts.get(level, "")
            if not text:
                if level == 0:
                    fail(level, "请填写值班员（用户名或姓名）")
                chosen[level] = None
                continue
            try:
                chosen[level] = oncall.pick_person(people, text, level, school)
            except LedgerError as exc:
                fail(level, exc.zh or str(exc))
        if day is None or not shifts or len(chosen) != len(LEVELS):
            continue
        for shift in shifts:
            if (day, shift) in seen:
                fail("shift", f"{day.isoformat()} {plan.find(shift).name_zh}与第{seen[(day, shift)]}行重复")
                continue
            seen[(day, shift)] = number
            good.append((number, day, shift, chosen))
    if not rows:
        errors.append(RowError(2, "日期", "表中没有值班安排"))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    return good


def import_sheet(db: Session, *, actor: Actor, scope: str | None, school: str, data: bytes, now: datetime,
                 plan: ShiftPlan | None = None) -> Imported:
    """Read, check, write every shift of the sheet (one audit entry per change, as the commands write
    them) and flush; the caller commits. UnreadableFile or ImportRejected, nothing written, when
    anything is wrong; OutOfScope for a school the admin does not manage."""
    plan = plan or oncall.default_plan()
    found = school_in_scope(db, school, scope)
    table = upload_table(data, max_rows=MAX_ROWS)
    fields = {h: HEADERS.get(h.strip().lower()) for h in table.headers}
    rows = [(number, {fields[h]: v for h, v in values.items() if fields.get(h) is not None})
            for number, values in table.rows]
    missing = [COLUMN_ZH[key] for key in ("date", "shift", 0) if key not in fields.values()]
    if missing:  # said once, not again on every row
        raise ImportRejected([RowError(1, zh, "缺少这一列") for zh in missing])
    good = check(db, school=found, plan=plan, rows=rows, errors=list(table.errors))
    days = [day for _n, day, _s, _c in good]
    existing = {(e.day, e.shift, e.level): e for e in db.scalars(select(OnCallEntry).where(
        OnCallEntry.school_id == found.id, OnCallEntry.day >= min(days), OnCallEntry.day <= max(days)))}
    counts: Counter[str] = Counter()
    for _number, day, shift, chosen in good:
        for level, user in chosen.items():
            entry = existing.get((day, shift, level))
            if user is None:
                change = oncall.remove(db, actor=actor, school=found, entry=entry, day=day, shift=shift, level=level,
                                       now=now)
            else:
                change = oncall.put(db, actor=actor, school=found, entry=entry, day=day, shift=shift, level=level,
                                    user=user, now=now)
            counts[change.action] += 1
    return Imported(len(good), dict(counts))


def template_sheet() -> bytes:
    """An empty roster sheet with the columns and two example rows."""
    from ledger.spreadsheet import Sheet, xlsx_bytes

    header = ("日期", "班次", "值班员", "安全负责人", "校领导")
    rows = [("2026-12-07", "白班", "zhang.san", "李四", "王五"), ("2026-12-07", "夜班", "赵六", "李四", "王五")]
    return xlsx_bytes([Sheet("值班表 on-call", header, rows)])

