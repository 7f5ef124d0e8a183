"""Art. 17's 未及时报送 from routine inspections: failed checklist items not reported as a hazard in time.

Seed 001 attachment 2, art. 17: a unit that does not report in time a hazard it cannot remove itself
loses 5 points a time (有关单位未及时报送……的，给予考核计5分/次扣除). An inspection's failed item
is such a finding: the product makes a hazard draft of it (queries/ledger/inspections.py) and the
report links the two (`ledger.commands.inspections.mark_reported`). A finding counts when its
inspection was signed (the answer is final) and it was not reported within REPORT_WITHIN_DAYS of
being recorded: never reported by then, or reported later than that. An item still within the days
is not (yet) counted; one reported late stays counted for its year.

It belongs to the unit its plan charges (`InspectionPlan.unit`), as art. 15's missed inspections
do; a plan naming no unit counts for the school only. The finding's year is that of when it was
recorded. Read only.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Inspection, InspectionPlan, InspectionResult, OrgUnit

# "及时" in days: the attachment names no figure; three days covers a weekend (docs/ledger.md).
REPORT_WITHIN_DAYS = 3


@dataclass(frozen=True)
class Finding:
    school: str  # code
    unit: str | None  # the plan's unit's code; None: the school's own plan
    school_id: int
    unit_id: int | None
    result_id: int
    inspection_id: int
    plan_name: str
    position: int  # the item's index in the checklist (0 first)
    item: str
    by: str  # who recorded it (username)
    at: datetime
    hazard_code: str | None  # reported late: the hazard; never reported: None
    reported_at: datetime | None

    def reference(self, tz: ZoneInfo) -> str:
        """How a person finds it: the plan, the local day and the item's number (燃气日查 12-07 第2项)."""
        return f"{self.plan_name} {self.at.astimezone(tz):%m-%d} 第{self.position + 1}项"


def unreported_findings(db: Session, *, school_ids: Iterable[int], start: datetime, end: datetime, now: datetime,
                        within_days: int = REPORT_WITHIN_DAYS) -> list[Finding]:
    """Failed items of the schools' signed inspections recorded in [start, end) and not reported as a
    hazard within `within_days` of being recorded, as of `now`; oldest first."""
    ids = list(school_ids)
    window = timedelta(days=within_days)
    latest = min(end, now - window)  # a newer item may still be reported in time
    if not ids or latest <= start:
        return []
    rows = db.execute(
        select(InspectionResult, Inspection.school_id, InspectionPlan.unit_id, InspectionPlan.name)
        .join(Inspection, Inspection.id == InspectionResult.inspection_id)
        .join(InspectionPlan, InspectionPlan.id == Inspection.plan_id)
        .where(Inspection.school_id.in_(ids), Inspection.finished_at.is_not(None), InspectionResult.result == "fail",
               InspectionResult.at >= start, InspectionResult.at < latest)
        .order_by(InspectionResult.at, InspectionResult.id)).all()
    # Whether a report was in time is decided here, not in SQL: date arithmetic differs between the
    # two databases, and only the few failed items of the window are read.
    late = [(r, school_id, unit_id, name) for r, school_id, unit_id, name in rows
            if r.reported_at is None or r.reported_at > r.at + window]
    codes = dict(db.execute(select(OrgUnit.id, OrgUnit.code).where(OrgUnit.id.in_(
        {s for _, s, _, _ in late} | {u for _, _, u, _ in late if u is not None}))).all()) if late else {}
    return [Finding(codes[school_id], codes.get(unit_id), school_id, unit_id, r.id, r.inspection_id, name, r.position,
                    r.item, r.by, r.at, r.hazard_code if r.reported_at is not None else None, r.reported_at)
            for r, school_id, unit_id, name in late]


def unreported_by_owner(db: Session, *, owner: Literal["unit", "school"], ids: Iterable[int], schools: Iterable[int],
                        start: datetime, end: datetime, now: datetime, tz: ZoneInfo) -> dict[int, tuple[str, ...]]:
    """Per owner id (a unit, or a school), the references of its findings not reported in time, for
    `ledger.scoring.UnitFacts.unreported_findings` (art. 17, 5 points a time). `schools`: the schools
    the owners are in. One read whatever the number of owners (the league scores a district's)."""
    wanted = set(ids)
    found: dict[int, list[str]] = defaultdict(list)
    for finding in unreported_findings(db, school_ids=set(schools) - {None}, start=start, end=end, now=now):
        who = finding.unit_id if owner == "unit" else finding.school_id
        if who in wanted:
            found[who].append(finding.reference(tz))
    return {who: tuple(sorted(refs)) for who, refs in found.items()}
