"""Risk points: the register, the four-colour map's colours and the yearly review rule.

Grading and saving a risk point are the ledger's commands (ledger/commands/risk_points.py).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ledger import grading
from ledger.models import Building, RiskPoint


def review_overdue(point: RiskPoint, today: date, review_days: int) -> bool:
    """Risk identification is reviewed every year (seed 001 art. 13)."""
    return point.last_reviewed_on + timedelta(days=review_days) < today


def list_risk_points(session: Session, *, school_id: int, level: str | None = None,
                     building_id: int | None = None, unit_id: int | None = None,
                     offset: int = 0, limit: int = 50) -> tuple[list[RiskPoint], int]:
    """A page of the register, highest risk first."""
    query = select(RiskPoint).where(RiskPoint.school_id == school_id, RiskPoint.retired_on.is_(None))
    if level:
        query = query.where(RiskPoint.level == level)
    if building_id is not None:
        query = query.where(RiskPoint.building_id == building_id)
    if unit_id is not None:
        query = query.where(RiskPoint.unit_id == unit_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    # By level first: LEC and LS scores are on different scales, so a score alone would put an
    # LEC blue (D = 45) above an LS yellow (R = 12).
    rank = case({level: n for n, level in enumerate(grading.LEVELS)}, value=RiskPoint.level, else_=len(grading.LEVELS))
    rows = session.scalars(query.options(selectinload(RiskPoint.hazard_sources))
                           .order_by(rank, RiskPoint.score.desc(), RiskPoint.code).offset(offset).limit(limit))
    return list(rows), int(total or 0)


def colours_by_building(session: Session, *, school_id: int) -> dict[str, dict]:
    """Per building code: risk points per colour and the building's colour (its highest level)."""
    out: dict[str, dict] = {}
    rows = session.execute(
        select(Building.code, RiskPoint.colour, func.count()).join(RiskPoint, RiskPoint.building_id == Building.id)
        .where(RiskPoint.school_id == school_id, RiskPoint.retired_on.is_(None))
        .group_by(Building.code, RiskPoint.colour))
    for code, colour, n in rows:
        entry = out.setdefault(code, {"red": 0, "orange": 0, "yellow": 0, "blue": 0})
        entry[colour] = int(n)
    for entry in out.values():
        levels = [grading.LEVEL_OF_COLOUR[c] for c, n in entry.items() if n]
        level = grading.highest_level(levels)
        entry["colour"] = grading.COLOUR_OF_LEVEL[level] if level else None
    return out


def colour_totals(session: Session, *, school_id: int) -> dict[str, int]:
    totals = dict.fromkeys(("red", "orange", "yellow", "blue"), 0)
    for colour, n in session.execute(select(RiskPoint.colour, func.count())
                                     .where(RiskPoint.school_id == school_id, RiskPoint.retired_on.is_(None))
                                     .group_by(RiskPoint.colour)):
        totals[colour] = int(n)
    return totals
