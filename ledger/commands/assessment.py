"""Entering an assessment deduction (考核扣分) by hand: the inspectors' findings of seed 001
attachment 2 that the ledger cannot compute (art. 5, 6, 8, 10, 11, 14 today: docs/ledger.md).

`enter_deduction` holds the finding to its article (`ledger.scoring.check_entry`: a known article
the ledger does not compute, a whole count of at least one, within the article's yearly maximum
with what the unit already lost to it), to the person (a role that assesses, a school they read)
and to the unit (a unit of that school, or the school itself). A refusal says why in English and
Chinese and saves nothing. The deduction and its audit entry are written in one transaction; a
form sent twice (the same `request_id`) is one deduction.

`withdraw_deduction` takes back a deduction entered by mistake (or carried by an event), with a
reason, by the same people under the same scope: the row stays, marked withdrawn (who, when, why),
and counts no more, so every score read after it is recomputed without it and the article's yearly
maximum is freed; an audit entry (`assessment.withdraw`) in the same transaction keeps what it was.
Correcting one is withdrawing it and entering the right one. Withdrawing it again changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ledger import org_scope, scoring
from ledger.commands.audit import Actor, record
from ledger.control_chars import clean_free_text
from ledger.errors import LedgerError, NotFound
from ledger.models import AssessmentDeduction, OrgUnit

# Who assesses: the school's safety office (领导小组办公室, 第三条) and administrators; the district's
# officers too when their account is a safety role of the district.
ASSESSORS = frozenset({"safety", "admin"})
MAX_REASON = 500  # a finding's reason: a sentence or two, what the inspector saw
MAX_REQUEST_ID = 100


@dataclass(frozen=True)
class EnteredDeduction:
    """What a page shows after the step: the deduction as saved, and whether this request saved it
    (False: the same request was saved before, nothing new was written)."""

    id: int
    unit: str
    unit_name_zh: str
    article: int
    count: int
    points: float
    reason: str
    period: str
    by: str
    at: datetime
    created: bool


def enter_deduction(db: Session, *, actor: Actor, scope: frozenset[str] | None, unit: str, article: object,
                    count: object, reason: str, now: datetime, tz: ZoneInfo, rules: scoring.Rules,
                    request_id: str | None = None) -> EnteredDeduction:
    """Deduct `count` findings of `article` from `unit` (a unit's or a school's code) for the
    assessment year of `now` at the school. `scope`: the schools the person reads (None: every
    school, `org_scope.readable_schools`). The caller commits."""
    if actor.role not in ASSESSORS:
        raise LedgerError("only the safety office or an administrator enters assessment deductions",
                          zh="只有安全管理部门或管理员可以录入考核扣分")
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == (unit or "").strip(),
                                            OrgUnit.kind.in_(("school", "unit"))))
    school = org_scope.school_of(db, found) if found is not None else None
    if found is None or school is None:
        raise NotFound(f"no school or unit {unit!r}", zh=f"没有学校或单位 {unit!r}")
    if scope is not None and school.code not in scope:
        raise org_scope.OutOfScope(f"{school.name_zh} is outside the schools you assess",
                                   zh=f"{school.name_zh}不在您负责考核的学校之内")
    text = clean_free_text(reason or "").strip()
    if len(text) > MAX_REASON:
        raise LedgerError(f"the reason has at most {MAX_REASON} characters", zh=f"扣分原因至多 {MAX_REASON} 个字")
    event_id = _event_id(request_id)
    if event_id is not None:
        again = db.scalar(select(AssessmentDeduction).where(AssessmentDeduction.event_id == event_id))
        if again is not None:
            if (again.unit_id, again.article) != (found.id, article):
                raise LedgerError("this request was already used for another deduction",
                                  zh="该请求编号已用于另一条扣分，请重新打开表单")
            return _entered(again, found, created=False)
    # Hold the unit's row while its year's total is read and added to: two inspectors entering the
    # same once-a-year article at once must not both pass the maximum (SQLite: the write lock).
    db.execute(select(OrgUnit.id).where(OrgUnit.id == found.id).with_for_update())
    period = str(now.astimezone(tz).year)
    already = float(db.scalar(select(func.coalesce(func.sum(AssessmentDeduction.points), 0)).where(
        AssessmentDeduction.unit_id == found.id, AssessmentDeduction.period == period,
        AssessmentDeduction.article == article, AssessmentDeduction.withdrawn_at.is_(None))) or 0) \
        if isinstance(article, int) else 0.0
    deduction = scoring.entered_deduction(article, count, text, rules, already=already)  # type: ignore[arg-type]
    row = AssessmentDeduction(unit_id=found.id, article=deduction.article, points=deduction.points,
                              count=deduction.count, reason=deduction.reason, by=actor.name[:64], at=now,
                              period=period, event_id=event_id)
    db.add(row)
    db.flush()
    record(db, actor=actor, action="assessment.deduct", target=f"unit:{found.code}", now=now, school=school.code,
           after={"article": row.article, "count": row.count, "points": row.points, "reason": row.reason,
                  "period": period})
    return _entered(row, found, created=True)


def _event_id(request_id: str | None) -> str | None:
    """A form's request id as the deduction's unique id, so a double submit is one deduction."""
    if request_id is None:
        return None
    value = request_id.strip()
    if not value or len(value) > MAX_REQUEST_ID or not value.isprintable():
        raise LedgerError("the form's request id is not valid; open the form again",
                          zh="表单的请求编号无效，请重新打开表单")
    return f"deduction:{value}"


def _entered(row: AssessmentDeduction, unit: OrgUnit, *, created: bool) -> EnteredDeduction:
    return EnteredDeduction(row.id, unit.code, unit.name_zh, row.article, row.count, row.points, row.reason,
                            row.period, row.by or "", row.at, created)


@dataclass(frozen=True)
class WithdrawnDeduction:
    """A deduction as withdrawn; `written` False: it had been withdrawn before (nothing new written)."""

    id: int
    unit: str
    article: int
    points: float
    period: str
    withdrawn_by: str
    withdrawn_at: datetime
    reason: str
    written: bool


def withdraw_deduction(db: Session, *, actor: Actor, scope: frozenset[str] | None, deduction_id: object,
                       reason: str, now: datetime) -> WithdrawnDeduction:
    """Withdraw deduction `deduction_id` of a unit or school the person assesses, saying why. The
    caller commits. A person outside the school learns nothing of the deduction (NotFound, as for
    no such deduction)."""
    if actor.role not in ASSESSORS:
        raise LedgerError("only the safety office or an administrator withdraws assessment deductions",
                          zh="只有安全管理部门或管理员可以撤销考核扣分")
    text = clean_free_text(reason or "").strip()
    if not text:
        raise LedgerError("say why the deduction is withdrawn", zh="请填写撤销扣分的原因")
    if len(text) > MAX_REASON:
        raise LedgerError(f"the reason has at most {MAX_REASON} characters", zh=f"撤销原因至多 {MAX_REASON} 个字")
    row = db.get(AssessmentDeduction, deduction_id) if isinstance(deduction_id, int) and \
        not isinstance(deduction_id, bool) else None
    unit = db.get(OrgUnit, row.unit_id) if row is not None else None
    school = org_scope.school_of(db, unit) if unit is not None else None
    if row is None or school is None or (scope is not None and school.code not in scope):
        raise NotFound(f"no deduction {deduction_id!r} in the schools you assess",
                       zh=f"在您负责考核的学校中没有扣分记录 {deduction_id!r}")
    # One UPDATE that asks again whether it is still counted: two withdrawals at once write once.
    table = AssessmentDeduction.__table__
    written = db.execute(update(table).where(table.c.id == row.id, table.c.withdrawn_at.is_(None))
                         .values(withdrawn_at=now, withdrawn_by=actor.name[:64], withdrawn_reason=text)).rowcount == 1
    db.refresh(row)
    if written:
        record(db, actor=actor, action="assessment.withdraw", target=f"unit:{unit.code}", now=now,
               school=school.code,
               before={"id": row.id, "article": row.article, "count": row.count, "points": row.points,
                       "reason": row.reason, "period": row.period, "by": row.by},
               after={"withdrawn": True, "reason": text})
    return WithdrawnDeduction(row.id, unit.code, row.article, row.points, row.period, row.withdrawn_by or "",
                              row.withdrawn_at, row.withdrawn_reason or "", written)
