"""Doing an inspection (巡查): start or open the period's inspection of a plan, record each item
(pass, fail, not applicable; a note and photos for a failed one), finish and sign.

Only the plan's person (or a person of the plan's role) with an inspecting role, in a school they
read. Each step answers truthfully and writes nothing twice: starting twice opens the one inspection
of the period (unique per plan and period), the same answer sent twice is not written again, a
second finish says who signed and when. A signed inspection is not edited. Concurrent writers meet
at the unique constraints (a savepoint keeps the caller's transaction) or at the conditional UPDATE
that signs, so one wins and the other reads what it wrote.

A failed item is a hazard draft (queries/ledger/inspections.py hazard_draft) until the hazard-loop's
report names it with `mark_reported`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import inspection_schedule as schedule
from ledger.commands import photos as photo_store
from ledger.commands.inspection_plans import InspectionRefused, find_plan, person
from ledger.control_chars import clean_free_text
from ledger.errors import LedgerError, NotFound
from ledger.inspection_rules import INSPECT_ROLES, checklist, may_inspect
from ledger.models import Inspection, InspectionPlan, InspectionResult, OrgUnit, User
from ledger.models.base import utcnow
from ledger.models.inspection import RESULTS

NOTE_MAX = 2000
HAZARD_CODE_MAX = 128
_DOING = ("inspect", "做巡查")


def _inspector(db: Session, user_id: int, plan_id: int) -> tuple[User, InspectionPlan]:
    user = person(db, user_id, INSPECT_ROLES, doing=_DOING)
    plan, _ = find_plan(db, user, plan_id)
    if not may_inspect(user, plan):
        who = plan.assignee_username or plan.assignee_role
        raise InspectionRefused(f"this inspection is {who}'s to do", zh=f"该巡查应由 {who} 完成")
    return user, plan


def _inspection(db: Session, user_id: int, inspection_id: int) -> tuple[User, Inspection]:
    # Locked (PostgreSQL; SQLite's write lock is already held): an item recorded while another
    # phone signs waits, then finds the inspection signed, so no answer lands after the signature.
    inspection = db.scalar(select(Inspection).where(Inspection.id == inspection_id).with_for_update()
                           .execution_options(populate_existing=True))
    if inspection is None:
        raise NotFound(f"no inspection {inspection_id}", zh=f"没有巡查记录 {inspection_id}")
    user, _ = _inspector(db, user_id, inspection.plan_id)
    return user, inspection


def _signed(inspection: Inspection) -> LedgerError:
    at = inspection.finished_at.isoformat(timespec="minutes")
    return LedgerError(f"the inspection was signed by {inspection.signed_name} at {at}: it is not edited",
                       zh=f"该巡查已由{inspection.signed_name}于 {at} 签字完成，不能再修改")


@dataclass(frozen=True)
class Started:
    inspection: Inspection
    opened: bool  # True: it existed already (started before, by this person or another)


def start_inspection(db: Session, *, user_id: int, plan_id: int, now: datetime, tz: ZoneInfo,
                     day: date | None = None, term_starts=schedule.DEFAULT_TERM_STARTS) -> Started:
    """Start, or open, the inspection of the period containing `day` (default: today, local). A past
    period may be made up (补查: it counts as late); a future one is refused."""
    user, plan = _inspector(db, user_id, plan_id)
    today = schedule.local_date(now, tz)
    day = day or today
    if day > today:
        raise LedgerError("an inspection cannot be done ahead of its period", zh="不能提前做以后的巡查")
    period = schedule.period_of(plan.frequency, day, term_starts=term_starts)
    if period.end <= plan.starts_on or (plan.retired_on is not None and period.start >= plan.retired_on):
        raise LedgerError(f"the plan owes no inspection for {period.key}", zh=f"该计划在 {period.key} 没有巡查任务")
    found = _of_period(db, plan.id, period.start)
    if found is not None:
        return Started(found, True)
    items = checklist(db, plan)
    if not items:
        raise LedgerError("the checklist is empty now: the plan's safety office must fix it",
                          zh="检查清单现在为空，请安全管理部门修改计划")
    inspection = Inspection(plan_id=plan.id, school_id=plan.school_id, frequency=plan.frequency,
                            period_start=period.start, period_end=period.end, items=items,
                            started_by=user.username, started_at=now)
    try:
        with db.begin_nested():
            db.add(inspection)
    except IntegrityError:  # someone started it meanwhile: theirs is the period's inspection
        found = _of_period(db, plan.id, period.start)
        if found is None:
            raise
        return Started(found, True)
    return Started(inspection, False)


def _of_period(db: Session, plan_id: int, start: date) -> Inspection | None:
    return db.scalar(select(Inspection).where(Inspection.plan_id == plan_id, Inspection.period_start == start))


@dataclass(frozen=True)
class Recorded:
    result: InspectionResult
    written: bool  # False: the same answer was there already; nothing written


def record_item(db: Session, *, user_id: int, inspection_id: int, position: int, result: str, now: datetime,
                note: str = "", photo_keys: list[str] | tuple[str, ...] | None = None) -> Recorded:
    """Record one item's result. Until the inspection is signed an answer may be changed, unless it
    failed and its hazard was reported already. Photos (the keys this person's uploads answered) go
    with a failed item only and are attached to its result here; a changed answer attaches the new
    keys and detaches those it no longer names (unattached again, swept after a day). A photo
    refused refuses the answer: nothing of it is written (a savepoint; the caller commits)."""
    user, inspection = _inspection(db, user_id, inspection_id)
    if inspection.finished_at is not None:
        raise _signed(inspection)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(inspection.items):
        raise LedgerError(f"no item {position!r} on this checklist", zh=f"检查清单中没有第 {position!r} 项")
    if result not in RESULTS:
        raise LedgerError(f"an item passes, fails or does not apply, not {result!r}",
                          zh="每项应为合格、不合格或不适用")
    note = clean_free_text(note or "").strip()
    if len(note) > NOTE_MAX:
        raise LedgerError(f"note: at most {NOTE_MAX} characters", zh=f"说明至多 {NOTE_MAX} 个字")
    keys = photo_store.form_keys(photo_keys)
    if keys and result != "fail":
        raise LedgerError("photos go with a failed item", zh="只有不合格项需要附照片")
    school = db.get(OrgUnit, inspection.school_id)
    existing = _result(db, inspection.id, position)
    if existing is None:
        row = InspectionResult(inspection_id=inspection.id, position=position, item=inspection.items[position],
                               result=result, note=note, photo_keys=keys, by=user.username, at=now)
        try:
            with db.begin_nested():
                db.add(row)
                db.flush()
                photo_store.attach(db, keys=keys, uploaded_by=user.id, school=school, now=now,
                                   inspection_result_id=row.id)
            return Recorded(row, True)
        except IntegrityError:  # the same item arrived twice at once: compare with the one written
            existing = _result(db, inspection.id, position)
            if existing is None:
                raise
    if (existing.result, existing.note, list(existing.photo_keys)) == (result, note, keys):
        return Recorded(existing, False)
    if existing.hazard_code is not None:
        raise LedgerError(f"this item's hazard was reported as {existing.hazard_code}: its answer stays",
                          zh=f"该项的隐患已上报（{existing.hazard_code}），结果不能再改")
    before = list(existing.photo_keys)
    with db.begin_nested():
        photo_store.attach(db, keys=[k for k in keys if k not in before], uploaded_by=user.id, school=school,
                           now=now, inspection_result_id=existing.id)
        photo_store.detach(db, keys=[k for k in before if k not in keys], inspection_result_id=existing.id)
        existing.result, existing.note, existing.photo_keys = result, note, keys
        existing.by, existing.at = user.username, now
        db.flush()
    return Recorded(existing, True)


def _result(db: Session, inspection_id: int, position: int) -> InspectionResult | None:
    return db.scalar(select(InspectionResult).where(InspectionResult.inspection_id == inspection_id,
                                                    InspectionResult.position == position))


@dataclass(frozen=True)
class Finished:
    inspection: Inspection
    written: bool  # False: it was signed already (by `signed_name` at `finished_at`)
    late: bool  # signed at or after the end of its period


def finish_inspection(db: Session, *, user_id: int, inspection_id: int, now: datetime, tz: ZoneInfo) -> Finished:
    """Sign the inspection with the person's name, once every item has an answer."""
    user, inspection = _inspection(db, user_id, inspection_id)
    ends = schedule.local_midnight(inspection.period_end, tz)
    if inspection.finished_at is None:
        answered = set(db.scalars(select(InspectionResult.position)
                                  .where(InspectionResult.inspection_id == inspection.id)))
        missing = [i + 1 for i in range(len(inspection.items)) if i not in answered]
        if missing:
            shown = ", ".join(map(str, missing[:10])) + ("…" if len(missing) > 10 else "")
            raise LedgerError(f"{len(missing)} items have no answer yet (item {shown})",
                              zh=f"还有 {len(missing)} 项未检查（第 {shown} 项）")
        table = Inspection.__table__
        signed = db.execute(update(table).where(table.c.id == inspection.id, table.c.finished_at.is_(None))
                            .values(finished_at=now, signed_by=user.username,
                                    signed_name=user.display_name)).rowcount == 1
        db.refresh(inspection)
        return Finished(inspection, signed, inspection.finished_at >= ends)
    return Finished(inspection, False, inspection.finished_at >= ends)


def mark_reported(db: Session, result_id: int, hazard_code: str, *, now: datetime | None = None) -> bool:
    """Name the hazard reported from a failed item's draft (the hazard loop calls it in the report's
    transaction, after its own scope checks). True when written; False when this hazard was named
    already (a resent report); LedgerError for an item that did not fail or was reported as another."""
    code = (hazard_code or "").strip()
    if not code or len(code) > HAZARD_CODE_MAX:
        raise LedgerError(f"a hazard code has 1 to {HAZARD_CODE_MAX} characters", zh="隐患编号无效")
    row = db.get(InspectionResult, result_id)
    if row is None or row.result != "fail":
        raise NotFound(f"no failed inspection item {result_id}", zh=f"没有不合格检查项 {result_id}")
    if row.hazard_code == code:
        return False
    table = InspectionResult.__table__
    written = db.execute(update(table).where(table.c.id == row.id, table.c.hazard_code.is_(None),
                                             table.c.result == "fail")
                         .values(hazard_code=code, reported_at=now or utcnow())).rowcount == 1
    db.refresh(row)
    if not written and row.hazard_code != code:
        raise LedgerError(f"this item's hazard was reported already as {row.hazard_code}",
                          zh=f"该项的隐患已上报（{row.hazard_code}）")
    return written
