"""Recording drills and trainings (演练 / 培训): record, correct, withdraw with a reason; each step
audited in its own transaction (the caller commits). What a record is: ledger/models/drills.py;
the form's checks and what the assessment computes from them: ledger/drills.py.

Who: the school's safety office and administrators (RECORDERS), held to their scope on the server:
the school must be one they read (ledger/org_scope.readable_schools), and a person whose account
belongs to a unit of the school (a college's safety officer) records for that unit and the units
below it only — not for the whole school, nor for another unit. Every command takes the signed-in
person's user id and reads their role and unit from their account, never from the browser.

A form sent twice with the same `request_id` is one record. Correcting writes the new values over
the old, the audit entry keeps both; withdrawing keeps the row (who, when, why) and counts it no
more. A person outside the school learns nothing of its records (the refusal of no such record).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ledger import drills as rules
from ledger import org_scope
from ledger.commands.audit import Actor, record
from ledger.errors import LedgerError, NotFound
from ledger.models import Drill, OrgUnit, User

RECORDERS: tuple[str, ...] = ("safety", "admin")  # dashboard/roles.py DRILL_RECORD
MAX_REQUEST_ID = 100


class DrillRefused(LedgerError):
    """The person may not do this, or not here: a page shows why, a route answers 403."""


@dataclass(frozen=True)
class Recorder:
    """The person recording, as their account says: their school and the unit they are held to
    (None: every unit of the school)."""

    user: User
    school: OrgUnit
    unit: OrgUnit | None


def recorder(db: Session, *, user_id: int | None, school: str) -> Recorder:
    """The signed-in person if they may record drills at `school` (a code the page took from their
    scope); DrillRefused (zh/en) if not."""
    user = db.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.disabled_at is not None:
        raise DrillRefused("sign in to record drills and trainings", zh="请先登录再记录演练和培训")
    if user.role not in RECORDERS:
        raise DrillRefused(f"your role ({user.role}) may not record drills and trainings",
                           zh="只有安全管理部门或管理员可以记录演练和培训")
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    readable = org_scope.readable_schools(db, user)
    if found is None or (readable is not None and found.code not in readable):
        raise DrillRefused(f"school {school!r} is not one of yours", zh=f"学校 {school!r} 不在您的范围内")
    own = db.get(OrgUnit, user.unit_id) if user.unit_id is not None else None
    held_to = own if own is not None and own.kind == "unit" and org_scope.is_within(db, own, found) else None
    return Recorder(user, found, held_to)


def _unit(db: Session, who: Recorder, code: str | None) -> OrgUnit | None:
    if code is None:
        if who.unit is not None:
            raise org_scope.OutOfScope(
                f"you record for {who.unit.name_zh} only: a drill of the whole school is the school's safety office's",
                zh=f"您只能为{who.unit.name_zh}记录；全校的演练或培训由学校安全管理部门记录")
        return None
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind == "unit"))
    if unit is None or not org_scope.is_within(db, unit, who.school):
        raise NotFound(f"{who.school.name_zh} has no unit {code!r}", zh=f"{who.school.name_zh}没有单位 {code!r}")
    if who.unit is not None and not org_scope.is_within(db, unit, who.unit):
        raise org_scope.OutOfScope(f"{unit.name_zh} is outside what you manage ({who.unit.name_zh})",
                                   zh=f"{unit.name_zh}不在您的管理范围（{who.unit.name_zh}）之内")
    return unit


def snapshot(db: Session, row: Drill) -> dict:
    """What the audit log keeps of a record."""
    unit = db.get(OrgUnit, row.unit_id) if row.unit_id else None
    return {"kind": row.kind, "title": row.title, "held_on": row.held_on.isoformat(),
            "unit": unit.code if unit else None,
            "participant_count": row.participant_count, "participants": row.participants, "plan": row.plan,
            "notes": row.notes}


def _fill(row: Drill, checked: rules.CheckedDrill, unit: OrgUnit | None) -> None:
    row.kind, row.title, row.held_on = checked.kind, checked.title, checked.held_on
    row.unit_id = unit.id if unit else None
    row.participant_count, row.participants = checked.participant_count, checked.participants
    row.plan, row.notes = checked.plan, checked.notes


def _request(request_id: str | None) -> str | None:
    if request_id is None:
        return None
    value = request_id.strip()
    if not value or len(value) > MAX_REQUEST_ID or not value.isprintable():
        raise LedgerError("the form's request id is not valid; open the form again",
                          zh="表单的请求编号无效，请重新打开表单")
    return f"drill:{value}"


@dataclass(frozen=True)
class Saved:
    """The record as saved; `written` False: nothing new was written (a form sent again, a record
    withdrawn before)."""

    drill: Drill
    written: bool


def record_drill(db: Session, *, user_id: int | None, school: str, form: rules.DrillForm, now: datetime,
                 today: date, ip: str | None = None, request_id: str | None = None) -> Saved:
    """Record a drill or training held at the school; `today`: the school's local date."""
    who = recorder(db, user_id=user_id, school=school)
    checked = rules.check_form(form, today=today)
    unit = _unit(db, who, checked.unit)
    key = _request(request_id)
    if key is not None:
        again = db.scalar(select(Drill).where(Drill.request_id == key))
        if again is not None:
            if again.school_id != who.school.id or again.recorded_by != who.user.username:
                raise LedgerError("this request was already used for another record",
                                  zh="该请求编号已用于另一条记录，请重新打开表单")
            return Saved(again, False)
    row = Drill(school_id=who.school.id, recorded_by=who.user.username, recorded_at=now, request_id=key)
    _fill(row, checked, unit)
    db.add(row)
    db.flush()
    record(db, actor=Actor(who.user.username, who.user.role, ip), action="drill.record", target=f"drill:{row.id}",
           now=now, school=who.school.code, after=snapshot(db, row))
    return Saved(row, True)


def _own_record(db: Session, who: Recorder, drill_id: object) -> Drill:
    row = db.get(Drill, drill_id) if isinstance(drill_id, int) and not isinstance(drill_id, bool) else None
    if row is None or row.school_id != who.school.id:
        raise NotFound(f"no drill or training {drill_id!r} at {who.school.name_zh}",
                       zh=f"{who.school.name_zh}没有演练或培训记录 {drill_id!r}")
    if who.unit is not None:
        unit = db.get(OrgUnit, row.unit_id) if row.unit_id else None
        if unit is None or not org_scope.is_within(db, unit, who.unit):
            raise org_scope.OutOfScope(f"this record is outside what you manage ({who.unit.name_zh})",
                                       zh=f"该记录不在您的管理范围（{who.unit.name_zh}）之内")
    return row


def correct_drill(db: Session, *, user_id: int | None, school: str, drill_id: object, form: rules.DrillForm,
                  now: datetime, today: date, ip: str | None = None) -> Saved:
    """Write corrected values over a record that still counts; unchanged values write nothing."""
    who = recorder(db, user_id=user_id, school=school)
    row = _own_record(db, who, drill_id)
    if row.withdrawn_at is not None:
        raise LedgerError("a withdrawn record is not corrected: record it again", zh="已撤销的记录不能更正，请重新记录")
    checked = rules.check_form(form, today=today)
    unit = _unit(db, who, checked.unit)
    before = snapshot(db, row)
    with db.no_autoflush:
        _fill(row, checked, unit)
        after = snapshot(db, row)
    if after == before:
        return Saved(row, False)
    row.updated_by, row.updated_at = who.user.username, now
    db.flush()
    record(db, actor=Actor(who.user.username, who.user.role, ip), action="drill.correct", target=f"drill:{row.id}",
           now=now, school=who.school.code, before=before, after=after)
    return Saved(row, True)


def withdraw_drill(db: Session, *, user_id: int | None, school: str, drill_id: object, reason: str, now: datetime,
                   ip: str | None = None) -> Saved:
    """Withdraw a record entered by mistake, saying why: kept, counted no more. Again: nothing new."""
    who = recorder(db, user_id=user_id, school=school)
    text = rules.check_reason(reason)
    row = _own_record(db, who, drill_id)
    table = Drill.__table__
    # One UPDATE that asks again whether it still counts: two withdrawals at once write once.
    written = db.execute(update(table).where(table.c.id == row.id, table.c.withdrawn_at.is_(None))
                         .values(withdrawn_at=now, withdrawn_by=who.user.username, withdrawn_reason=text)).rowcount == 1
    db.refresh(row)
    if written:
        record(db, actor=Actor(who.user.username, who.user.role, ip), action="drill.withdraw",
               target=f"drill:{row.id}", now=now, school=who.school.code, before=snapshot(db, row),
               after={"withdrawn": True, "reason": text})
    return Saved(row, written)
