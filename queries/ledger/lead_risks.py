"""The leadership risk register (/lead/risks): risk points by colour and unit, a filtered list, and
the annual reviews coming due. Counted and filtered in SQL (GROUP BY, a window count); the list is
bounded.

An annual review (年度风险辨识复核, seed 001 art. 13) is due `review_days` after a point's last
review; the assessment deducts for one past due (`queries.ledger.risk_points.review_overdue`:
due before today). The page lists those past due and those due within `within_days`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ledger import grading
from ledger.models import Building, OrgUnit, RiskPoint
from queries.ledger.lead_hazards import MAX_CODE, query_text

COLOURS: tuple[str, ...] = tuple(grading.COLOUR_OF_LEVEL.values())  # red, orange, yellow, blue
NO_UNIT = "-"  # the unit filter of risk points no unit answers for (no unit has this code)


@dataclass(frozen=True)
class RiskFilter:
    colour: str | None = None
    unit: str | None = None  # a unit code of the school; NO_UNIT: points without a unit


def risk_filter(raw: Mapping[str, object]) -> RiskFilter:
    """The filter the page's controls or URL ask for; a value that is no colour is no filter."""

    colour, unit = query_text(raw, "colour"), query_text(raw, "unit")
    return RiskFilter(colour=colour if colour in COLOURS else None,
                      unit=unit if unit is not None and len(unit) <= MAX_CODE else None)


@dataclass(frozen=True)
class RiskRow:
    code: str
    name: str
    level: str
    colour: str
    score: float
    method: str
    unit: str | None
    unit_zh: str | None
    unit_en: str | None
    building_zh: str | None
    building_en: str | None
    person: str | None
    control_level: str
    last_reviewed_on: date


def colour_by_unit(session: Session, *, school_id: int) -> list[dict]:
    """Per responsible unit (None for points without one): the count per colour, in unit code
    order, units without risk points left out."""
    unit = aliased(OrgUnit)
    rows = session.execute(
        select(unit.code, unit.name_zh, unit.name_en, RiskPoint.colour, func.count())
        .select_from(RiskPoint).outerjoin(unit, unit.id == RiskPoint.unit_id)
        .where(RiskPoint.school_id == school_id, RiskPoint.retired_on.is_(None))
        .group_by(unit.code, unit.name_zh, unit.name_en, RiskPoint.colour))
    out: dict[str | None, dict] = {}
    for code, name_zh, name_en, colour, n in rows:
        entry = out.setdefault(code, {"unit": code, "name_zh": name_zh, "name_en": name_en,
                                      **dict.fromkeys(COLOURS, 0)})
        if colour in COLOURS:
            entry[colour] += int(n)
    return sorted(out.values(), key=lambda e: (e["unit"] is None, e["unit"] or ""))


def _columns():
    unit, building = aliased(OrgUnit), aliased(Building)
    rank = case({level: n for n, level in enumerate(grading.LEVELS)}, value=RiskPoint.level,
                else_=len(grading.LEVELS))
    query = (
        select(RiskPoint.code, RiskPoint.name, RiskPoint.level, RiskPoint.colour, RiskPoint.score, RiskPoint.method,
               unit.code, unit.name_zh, unit.name_en, building.name_zh, building.name_en,
               RiskPoint.responsible_person, RiskPoint.control_level, RiskPoint.last_reviewed_on)
        .outerjoin(unit, unit.id == RiskPoint.unit_id)
        .outerjoin(building, building.id == RiskPoint.building_id)
    )
    return query, rank, unit


def risk_rows(session: Session, *, school_id: int, filters: RiskFilter,
              limit: int) -> tuple[list[RiskRow], int]:
    """The school's risk points the filter matches, highest level first (then score, code), at
    most `limit`, and how many match."""
    query, rank, unit = _columns()
    query = query.add_columns(func.count().over()).where(RiskPoint.school_id == school_id,
                                                           RiskPoint.retired_on.is_(None))
    if filters.colour:
        query = query.where(RiskPoint.colour == filters.colour)
    if filters.unit == NO_UNIT:
        query = query.where(RiskPoint.unit_id.is_(None))
    elif filters.unit is not None:
        query = query.where(unit.code == filters.unit)
    # By level first: LEC and LS scores are on different scales (see risk_points.list_risk_points).
    rows, total = [], 0
    for record in session.execute(query.order_by(rank, RiskPoint.score.desc(), RiskPoint.code)
                                  .limit(max(1, limit))):
        *fields, total = record
        rows.append(RiskRow(*fields))
    return rows, int(total)


def reviews_due(session: Session, *, school_id: int, today: date, review_days: int, within_days: int,
                limit: int) -> tuple[list[RiskRow], int]:
    """Risk points whose annual review falls due by `today + within_days` (those already past due
    included), the earliest due first, at most `limit`, and how many there are."""
    # due = last review + review_days <= today + within_days  <=>  last review <= the cut-off
    cutoff = today + timedelta(days=within_days - review_days)
    query, rank, _unit = _columns()
    query = query.add_columns(func.count().over()).where(RiskPoint.school_id == school_id,
                                                         RiskPoint.retired_on.is_(None),
                                                         RiskPoint.last_reviewed_on <= cutoff)
    rows, total = [], 0
    for record in session.execute(query.order_by(RiskPoint.last_reviewed_on, rank, RiskPoint.code)
                                  .limit(max(1, limit))):
        *fields, total = record
        rows.append(RiskRow(*fields))
    return rows, int(total)


def due_on(row: RiskRow, review_days: int) -> date:
    """When a risk point's next annual review is due."""
    return row.last_reviewed_on + timedelta(days=review_days)
