"""Risk points: graded from their factors and stored; a level is never entered by hand.

The reads (the register, the four-colour map's colours, the review rule) are in
queries/ledger/risk_points.py.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ledger import grading
from ledger.errors import LedgerError
from ledger.models import HazardSource, RiskPoint


def apply_grade(point: RiskPoint, rules: grading.GradingRules) -> None:
    """(Re)compute score, level and colour from the factors; GradingError if they are invalid."""
    result = grading.grade(point.method, likelihood=point.l_value, exposure=point.e_value,
                           consequence=point.c_value, severity=point.s_value, rules=rules)
    point.score, point.level, point.colour = result.score, result.level, result.colour


def save_risk_point(session: Session, point: RiskPoint, *, hazard_sources: list[str] | None = None,
                    rules: grading.GradingRules) -> RiskPoint:
    """Grade and store a risk point (new or changed); its level is never entered by hand."""
    if point.control_level not in ("school", "unit", "section", "post"):
        raise LedgerError(f"control level must be school, unit, section or post, not {point.control_level!r}")
    apply_grade(point, rules)
    if hazard_sources is not None:
        point.hazard_sources = [HazardSource(name=name) for name in hazard_sources if name.strip()]
    session.add(point)
    session.flush()
    return point
