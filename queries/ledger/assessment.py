"""Assessment scores per unit: the ledger's facts and the inspectors' deductions, scored."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import hazard_loop, org_scope, scoring
from ledger.models import AssessmentDeduction, Hazard, HazardSource, LoopViolation, OrgUnit, RiskPoint
from queries.ledger import org
from queries.ledger.assessment_checks import campaign_gaps
from queries.ledger.assessment_inspections import missed_inspections
from queries.ledger.drills import drill_facts
from queries.ledger.risk_points import review_overdue
from queries.ledger.unreported_findings import unreported_by_owner


def unit_facts(session: Session, *, unit: OrgUnit, today: date, now: datetime, review_days: int,
               period_start: datetime) -> scoring.UnitFacts:
    """What the ledger shows of one unit for the assessment period starting `period_start`."""
    points = list(session.scalars(select(RiskPoint).where(RiskPoint.unit_id == unit.id,
                                                           RiskPoint.retired_on.is_(None))))
    missing = []
    if not points:
        missing += ["risk_points", "risk_levels"]
    if not points or not session.scalar(
            select(HazardSource.id).join(RiskPoint).where(RiskPoint.unit_id == unit.id).limit(1)):
        missing.append("hazard_sources")
    overdue_reviews = tuple(sorted(p.code for p in points if review_overdue(p, today, review_days)))

    late, without_plan = [], []
    for hazard in session.scalars(select(Hazard).where(Hazard.responsible_unit_id == unit.id)):
        status = hazard_loop.deadline_status(hazard.stage, hazard.deadline, now, due_soon_days=0)
        closed_in_period = hazard.closed_at is not None and hazard.closed_at >= period_start
        if status.overdue or (closed_in_period and hazard_loop.closed_late(hazard.deadline, hazard.closed_at)):
            late.append(hazard.code)
        if hazard.grade == "major" and hazard_loop.is_open(hazard.stage) and \
                not (hazard.measures.strip() and hazard.emergency_measures.strip()):
            without_plan.append(hazard.code)
    violations = tuple(sorted(
        (v.by or "未知人员", v.hazard_code) for v in session.scalars(
            select(LoopViolation).where(LoopViolation.unit_id == unit.id, LoopViolation.at >= period_start))))
    school = org_scope.school_of(session, unit)
    gaps = campaign_gaps(session, owner="unit", ids=[unit.id], schools=[school.id] if school else [],
                         ended_from=period_start.date(), ended_before=today)
    missed = missed_inspections(session, owner="unit", ids=[unit.id], schools=[school.id] if school else [],
                                start=period_start.date(), end=today, now=now, tz=period_start.tzinfo)
    unreported = unreported_by_owner(session, owner="unit", ids=[unit.id], schools=[school.id] if school else [],
                                     start=period_start, end=now, now=now, tz=period_start.tzinfo)
    untrained, drill_gaps = drill_facts(session, owner="unit", ids=[unit.id], year=period_start.year,
                                        as_of_day=today, school_id=school.id if school else None)[unit.id] \
        if school else (None, ())
    return scoring.UnitFacts(tuple(missing), overdue_reviews, violations, tuple(sorted(late)),
                             tuple(sorted(without_plan)), campaign_gaps=tuple(sorted(gaps[unit.id])),
                             missed_inspections=missed.get(unit.id, ()),
                             unreported_findings=unreported.get(unit.id, ()),
                             no_training_since=untrained, drill_gaps=drill_gaps)


def entered_deductions(session: Session, *, unit: OrgUnit, period: str) -> list[scoring.Deduction]:
    rows = session.scalars(select(AssessmentDeduction).where(
        AssessmentDeduction.unit_id == unit.id, AssessmentDeduction.period == period,
        AssessmentDeduction.withdrawn_at.is_(None))
        .order_by(AssessmentDeduction.at))
    return [scoring.Deduction(r.article, r.points, r.reason, False, r.count) for r in rows]


def school_scores(session: Session, *, school: OrgUnit, today: date, now: datetime, review_days: int,
                  rules: scoring.Rules) -> list[dict]:
    """Every unit's score for the current year, lowest first: where the office looks first."""
    period = str(today.year)
    period_start = datetime(today.year, 1, 1, tzinfo=now.tzinfo)
    out = []
    for unit in org.units_of(session, school.id):
        facts = unit_facts(session, unit=unit, today=today, now=now, review_days=review_days,
                           period_start=period_start)
        score = scoring.score_unit(unit.code, facts, entered_deductions(session, unit=unit, period=period), rules)
        out.append({
            "unit": unit.code, "name_zh": unit.name_zh, "period": period, "score": score.score,
            "deducted": score.deducted,
            "deductions": [{"article": d.article, "points": d.points, "count": d.count, "reason": d.reason,
                            "computed": d.computed} for d in score.deductions],
        })
    out.sort(key=lambda s: (s["score"], s["unit"]))
    return out
