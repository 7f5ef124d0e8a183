"""The assessment (考核) of many units at once: the facts `ledger.scoring` scores, read for every
unit of a school (the /lead/assessment page) or for every school of a district (its league) in a
handful of GROUP BY queries, however many units there are.

The rules stay in `ledger.scoring` (one source); this module only gathers `UnitFacts` and the
entered deductions in bulk. For the current year it gathers exactly what the per-unit
`queries.ledger.assessment.unit_facts` does (a test compares both on the demo ledger). A past
year is read as the ledger stood when that year ended, as far as it records it: hazards open
then (not closed by then) and past their deadline, hazards closed late within the year, refused
steps within the year, risk points identified by then and their reviews late by then; a major
hazard counts as without a plan when its plan is still empty now (plans are only ever added).

A school's own score (`school_scores`) applies the same rules to the school's whole ledger —
every risk point, hazard and refused step of the school whichever unit answers for it — plus the
deductions inspectors entered against the school itself: the supervising authority's view.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ledger import hazard_loop, scoring
from ledger.models import AssessmentDeduction, Hazard, HazardSource, LoopViolation, OrgUnit, RiskPoint
from queries.ledger.assessment_checks import campaign_gaps
from queries.ledger.assessment_inspections import missed_inspections
from queries.ledger.drills import drill_facts
from queries.ledger.unreported_findings import unreported_by_owner

Owner = Literal["unit", "school"]  # whose facts: a unit's (what it answers for) or a whole school's
# The column that says whose a row is, per table, for each kind of owner.
_OWNER_COLUMNS = {
    "unit": (RiskPoint.unit_id, Hazard.responsible_unit_id, LoopViolation.unit_id),
    "school": (RiskPoint.school_id, Hazard.school_id, LoopViolation.school_id),
}


@dataclass(frozen=True)
class Period:
    """One assessment year in the school's zone: [start, end), read as of `as_of`."""

    year: int
    start: datetime  # 1 January, 00:00 local
    end: datetime  # 1 January of the next year
    as_of: datetime  # now for the current year, else the year's end
    as_of_day: date  # the day reviews are judged on (today, or 1 January after a past year)

    @property
    def label(self) -> str:
        """The `period` the inspectors' deductions are filed under."""
        return str(self.year)


def period_of(year: int, now: datetime) -> Period:
    """The assessment year `year` seen at `now` (aware, in the school's zone)."""
    start = datetime(year, 1, 1, tzinfo=now.tzinfo)
    end = datetime(year + 1, 1, 1, tzinfo=now.tzinfo)
    as_of = now if now < end else end
    return Period(year, start, end, as_of, now.date() if now < end else end.date())


def gather_facts(session: Session, *, owner: Owner, ids: Iterable[int], period: Period, review_days: int,
                 school_id: int | None = None) -> dict[int, scoring.UnitFacts]:
    """The scored facts of each owner id (units, or schools), in ten queries whatever their number.
    `school_id` narrows unit queries to one school (the indexes on school_id then apply); units
    need it (their campaigns are their school's)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    point_owner, hazard_owner, violation_owner = _OWNER_COLUMNS[owner]
    scope = [RiskPoint.school_id == school_id] if school_id is not None and owner == "unit" else []
    known_points = [point_owner.in_(ids), RiskPoint.identified_on < period.end.date(), *scope]

    points = dict(session.execute(select(point_owner, func.count()).where(*known_points).group_by(point_owner)).all())
    sources = dict(session.execute(
        select(point_owner, func.count(HazardSource.id)).join(HazardSource, HazardSource.risk_point_id == RiskPoint.id)
        .where(*known_points).group_by(point_owner)).all())
    late_reviews: dict[int, list[str]] = defaultdict(list)
    for who, code in session.execute(select(point_owner, RiskPoint.code).where(
            *known_points, RiskPoint.last_reviewed_on < period.as_of_day - timedelta(days=review_days))):
        late_reviews[who].append(code)

    late, without_plan = _hazard_facts(session, hazard_owner, ids, period, school_id if owner == "unit" else None)

    violations: dict[int, list[tuple[str, str]]] = defaultdict(list)
    where = [violation_owner.in_(ids), LoopViolation.at >= period.start, LoopViolation.at < period.end]
    if school_id is not None and owner == "unit":
        where.append(LoopViolation.school_id == school_id)
    for who, by, code in session.execute(select(violation_owner, LoopViolation.by, LoopViolation.hazard_code)
                                         .where(*where)):
        violations[who].append((by or "未知人员", code))

    # Art. 15: campaigns whose inspect phase ended this year (by the day the year is read as of).
    gaps = campaign_gaps(session, owner=owner, ids=ids, schools=ids if owner == "school" else [school_id],
                         ended_from=period.start.date(), ended_before=period.as_of_day)
    # Art. 15 too: routine inspections missed this year, as of the day the year is read.
    missed = missed_inspections(session, owner=owner, ids=ids, schools=ids if owner == "school" else [school_id],
                                start=period.start.date(), end=period.as_of_day, now=period.as_of,
                                tz=period.start.tzinfo)
    # Art. 17: failed inspection items of the year not reported as a hazard in time.
    unreported = unreported_by_owner(session, owner=owner, ids=ids, schools=ids if owner == "school" else [school_id],
                                     start=period.start, end=period.end, now=period.as_of, tz=period.start.tzinfo)
    # Art. 9 and 12: the trainings and drills recorded (ledger/drills.py).
    drilled = drill_facts(session, owner=owner, ids=ids, year=period.year, as_of_day=period.as_of_day,
                          school_id=school_id if owner == "unit" else None)

    out = {}
    for who in ids:
        missing = []
        if not points.get(who):
            missing += ["risk_points", "risk_levels"]
        if not points.get(who) or not sources.get(who):
            missing.append("hazard_sources")
        out[who] = scoring.UnitFacts(tuple(missing), tuple(sorted(late_reviews[who])), tuple(sorted(violations[who])),
                                     tuple(sorted(late[who])), tuple(sorted(without_plan[who])),
                                     campaign_gaps=tuple(sorted(gaps[who])), missed_inspections=missed.get(who, ()),
                                     unreported_findings=unreported.get(who, ()),
                                     no_training_since=drilled[who][0], drill_gaps=drilled[who][1])
    return out


def _hazard_facts(session: Session, owner_column, ids: list[int], period: Period, school_id: int | None):
    """Hazards late (open past their deadline at `as_of`, or closed after it within the year) and
    open major hazards without a plan, per owner. SQL picks the few candidates; the loop's own
    rules (ledger.hazard_loop) decide."""
    as_of = period.as_of
    open_at = or_(Hazard.stage != hazard_loop.CLOSED, Hazard.closed_at > as_of)
    where = [owner_column.in_(ids), Hazard.found_at < period.end,
             or_(and_(open_at, Hazard.deadline < as_of),
                 and_(Hazard.closed_at >= period.start, Hazard.closed_at < period.end,
                      Hazard.closed_at > Hazard.deadline),
                 and_(Hazard.grade == "major", open_at))]
    if school_id is not None:
        where.append(Hazard.school_id == school_id)
    late: dict[int, list[str]] = defaultdict(list)
    without_plan: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(select(owner_column, Hazard.code, Hazard.grade, Hazard.stage, Hazard.deadline,
                                  Hazard.closed_at, Hazard.measures, Hazard.emergency_measures).where(*where))
    for who, code, grade, stage, deadline, closed_at, measures, emergency in rows:
        open_then = hazard_loop.is_open(stage) or (closed_at is not None and closed_at > as_of)
        overdue = open_then and deadline is not None and deadline < as_of  # hazard_loop's "overdue"
        closed_late = (closed_at is not None and period.start <= closed_at < period.end
                       and hazard_loop.closed_late(deadline, closed_at))
        if overdue or closed_late:
            late[who].append(code)
        if grade == "major" and open_then and not ((measures or "").strip() and (emergency or "").strip()):
            without_plan[who].append(code)
    return late, without_plan


def entered(session: Session, *, unit_ids: Iterable[int], period: Period) -> dict[int, list[scoring.Deduction]]:
    """The inspectors' deductions of the year per unit (or school) id, in the order entered."""
    out: dict[int, list[scoring.Deduction]] = defaultdict(list)
    ids = sorted(set(unit_ids))
    if not ids:
        return out
    rows = session.execute(
        select(AssessmentDeduction.unit_id, AssessmentDeduction.article, AssessmentDeduction.points,
               AssessmentDeduction.reason, AssessmentDeduction.count)
        .where(AssessmentDeduction.unit_id.in_(ids), AssessmentDeduction.period == period.label,
               AssessmentDeduction.withdrawn_at.is_(None))
        .order_by(AssessmentDeduction.unit_id, AssessmentDeduction.at, AssessmentDeduction.id))
    for unit_id, article, points, reason, count in rows:
        out[unit_id].append(scoring.Deduction(article, points, reason, False, count))
    return out


def unit_scores(session: Session, *, school: OrgUnit, period: Period, review_days: int,
                rules: scoring.Rules) -> list[dict]:
    """Every unit of the school scored, lowest first (who is behind), then by code."""
    units = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en)
                            .where(OrgUnit.parent_id == school.id, OrgUnit.kind == "unit")).all()
    ids = [u.id for u in units]
    facts = gather_facts(session, owner="unit", ids=ids, period=period, review_days=review_days, school_id=school.id)
    deductions = entered(session, unit_ids=ids, period=period)
    out = [_scored(u.code, u.name_zh, u.name_en, facts[u.id], deductions[u.id], rules) for u in units]
    out.sort(key=lambda row: (row["score"], row["unit"]))
    return out


def school_scores(session: Session, *, schools: Sequence, period: Period, review_days: int,
                  rules: scoring.Rules) -> dict[str, dict]:
    """Each school's own score by school code: the rules over its whole ledger plus what
    inspectors entered against the school itself. `schools`: rows with id, code, name_zh, name_en."""
    ids = [s.id for s in schools]
    facts = gather_facts(session, owner="school", ids=ids, period=period, review_days=review_days)
    deductions = entered(session, unit_ids=ids, period=period)
    return {s.code: _scored(s.code, s.name_zh, s.name_en, facts[s.id], deductions[s.id], rules) for s in schools}


def _scored(code: str, name_zh: str, name_en: str | None, facts: scoring.UnitFacts,
            deductions: list[scoring.Deduction], rules: scoring.Rules) -> dict:
    score = scoring.score_unit(code, facts, deductions, rules)
    return {"unit": code, "name_zh": name_zh, "name_en": name_en, "score": score.score, "deducted": score.deducted,
            "deductions": [{"article": d.article, "points": d.points, "count": d.count, "reason": d.reason,
                            "computed": d.computed} for d in score.deductions]}


def assessment_years(session: Session, *, school: OrgUnit, now: datetime) -> list[int]:
    """The years the chooser offers, newest first: this year and every year inspectors filed
    deductions for at this school (its units or itself)."""
    units = select(OrgUnit.id).where(or_(OrgUnit.id == school.id, OrgUnit.parent_id == school.id))
    years = {now.year}
    for (label,) in session.execute(select(AssessmentDeduction.period).distinct()
                                    .where(AssessmentDeduction.unit_id.in_(units))):
        if label and label.isdigit() and 2000 <= int(label) <= now.year:
            years.add(int(label))
    return sorted(years, reverse=True)
