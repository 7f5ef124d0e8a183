"""The district league (/lead/district): one row of figures per school the caller reads — open
major hazards, overdue hazards, the rectification rate (查改率), alerts today and open, and the
school's own assessment score — for every school at once in a fixed handful of GROUP BY queries
(a district may hold a hundred schools: no query per school).

The figures mean what they mean everywhere else: overdue and the rate as `queries.ledger.hazards
.figures` counts them for the wall (ledger.hazard_loop), open alerts as `queries.ledger.alerts
.figures`, the score as `queries.ledger.lead_assessment.school_scores`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ledger import alert_flow, hazard_loop, scoring
from ledger.models import Alert, Hazard, OrgUnit
from queries.ledger import lead_assessment
from queries.ledger.hazards import RATE_WINDOW


@dataclass(frozen=True)
class SchoolFigures:
    code: str
    name_zh: str
    name_en: str | None
    parent: str | None  # the district (or whatever the school reports to), by code
    parent_zh: str | None
    parent_en: str | None
    major_open: int
    overdue: int
    found_365d: int
    closed_365d: int
    alerts_today: int
    alerts_open: int
    score: float | None  # the school's own score this year

    @property
    def rectification_rate(self) -> float | None:
        return hazard_loop.rectification_rate(self.closed_365d, self.found_365d)


def league(session: Session, *, school_codes: list[str] | None, now: datetime, review_days: int,
           rules: scoring.Rules) -> list[SchoolFigures]:
    """The figures of the schools `school_codes` (None: every school), in code order. `now` is
    aware, in the schools' zone: "today" starts at its midnight."""
    parent = aliased(OrgUnit)
    query = (select(OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en,
                    parent.code, parent.name_zh, parent.name_en)
             .outerjoin(parent, parent.id == OrgUnit.parent_id)
             .where(OrgUnit.kind == "school").order_by(OrgUnit.code))
    if school_codes is not None:
        query = query.where(OrgUnit.code.in_(sorted(set(school_codes))))
    schools = session.execute(query).all()
    ids = [s.id for s in schools]
    if not ids:
        return []
    hazards = _hazard_counts(session, ids, now)
    open_alerts = dict(session.execute(
        select(Alert.school_id, func.count()).where(Alert.school_id.in_(ids), Alert.state.in_(alert_flow.OPEN_STATES))
        .group_by(Alert.school_id)).all())
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    alerts_today = dict(session.execute(
        select(Alert.school_id, func.count()).where(Alert.school_id.in_(ids), Alert.raised_at >= today)
        .group_by(Alert.school_id)).all())
    scores = lead_assessment.school_scores(
        session, schools=[_Named(s.id, s.code, s.name_zh, s.name_en) for s in schools],
        period=lead_assessment.period_of(now.year, now), review_days=review_days, rules=rules)
    out = []
    for s in schools:
        major, overdue, found, closed = hazards.get(s.id, (0, 0, 0, 0))
        out.append(SchoolFigures(s.code, s.name_zh, s.name_en, s[4], s[5], s[6], int(major or 0), int(overdue or 0),
                                 int(found or 0), int(closed or 0), int(alerts_today.get(s.id, 0)),
                                 int(open_alerts.get(s.id, 0)), scores[s.code]["score"]))
    return out


@dataclass(frozen=True)
class _Named:
    id: int
    code: str
    name_zh: str
    name_en: str | None


def _hazard_counts(session: Session, ids: list[int], now: datetime) -> dict[int, tuple]:
    """(open major, overdue, found in the last year, of those closed) per school, in one pass."""
    is_open = Hazard.stage != hazard_loop.CLOSED
    recent = Hazard.found_at >= now - RATE_WINDOW

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        select(Hazard.school_id, count(is_open & (Hazard.grade == "major")),
               count(is_open & (Hazard.deadline < now)), count(recent),
               count(recent & (Hazard.stage == hazard_loop.CLOSED)))
        .where(Hazard.school_id.in_(ids)).group_by(Hazard.school_id))
    return {row[0]: tuple(row[1:]) for row in rows}
