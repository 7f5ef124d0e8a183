"""The leadership hazard ledger (/lead/hazards) and its Excel download: one filter, one query.

The grid and the download both call `ledger_rows` with a filter made by `ledger_filter`, so the
file holds exactly the grid's rows in the grid's order (the grid stops at its row limit, the file
does not). Filtering, ordering and the total are done in SQL in one statement (the total as a
window count), whatever the school's size.

`hazard_history` is one hazard's whole record for the panel beside the grid: its facts, every
closed-loop step, the duty officers' comments and the steps the loop refused for its code.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from ledger import hazard_loop
from ledger.models import Building, Hazard, HazardTransition, LoopViolation, OrgUnit, Zone
from queries.ledger import hazard_comments
from queries.ledger.hazards import HazardFilter

_TRUE = ("1", "true", "yes", "y", "on", "是")
_FALSE = ("0", "false", "no", "n", "off", "否")
MAX_CODE = 128  # the longest building or unit code a filter is worth sending to SQL


def query_text(raw: Mapping[str, object], name: str) -> str | None:
    """One value of a URL query or a control, trimmed: the first of a list, None for blank or junk."""
    value = raw.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    value = value.strip() if isinstance(value, str) else None
    return value or None


def ledger_filter(raw: Mapping[str, object]) -> HazardFilter:
    """The filter a URL query or the page's controls ask for, forgiving: a value that is not a
    stage, grade or yes/no is no filter at all (a stale bookmark shows the whole ledger rather
    than an error). The page and the download both read their filter through here."""

    stage, grade = query_text(raw, "stage"), query_text(raw, "grade")
    overdue = (query_text(raw, "overdue") or "").lower()
    unit, building = query_text(raw, "unit"), query_text(raw, "building")
    return HazardFilter(
        stage=stage if stage in hazard_loop.STAGES else None,
        grade=grade if grade in hazard_loop.GRADES else None,
        unit=unit if unit and len(unit) <= MAX_CODE else None,
        overdue=True if overdue in _TRUE else False if overdue in _FALSE else None,
        building=building if building and len(building) <= MAX_CODE else None,
    )


def filter_query(filters: HazardFilter) -> dict[str, str]:
    """The filter as URL query values (the inverse of `ledger_filter`), for links and the download."""
    query = {"stage": filters.stage, "grade": filters.grade, "unit": filters.unit,
             "overdue": None if filters.overdue is None else ("1" if filters.overdue else "0"),
             "building": filters.building}
    return {k: v for k, v in query.items() if v is not None}


@dataclass(frozen=True)
class LedgerRow:
    """One hazard as the ledger lists it (names, not ids), in the school's words."""

    id: int
    code: str
    title: str
    description: str
    grade: str
    stage: str
    building: str | None
    building_zh: str | None
    building_en: str | None
    zone_zh: str | None
    found_at: datetime
    found_by: str | None
    source: str
    measures: str
    emergency_measures: str
    deadline: datetime | None
    unit: str | None
    unit_zh: str | None
    unit_en: str | None
    person: str | None
    recheck_result: str | None
    listed_supervision: bool
    supervised_by: str | None
    closed_at: datetime | None

    def days_overdue(self, now: datetime) -> int | None:
        """Whole days past the deadline, a part day counting as one (due at 10:00, 11:00 the same
        day is 1 day late); None when it is not overdue (closed, no deadline, or not yet due)."""
        status = hazard_loop.deadline_status(self.stage, self.deadline, now, due_soon_days=0)
        if not status.overdue:
            return None
        return max(1, math.ceil((now - self.deadline) / timedelta(days=1)))


def ledger_rows(session: Session, *, school_id: int, filters: HazardFilter, now: datetime,
                limit: int | None = None) -> tuple[list[LedgerRow], int]:
    """The school's hazards the filter matches, most urgent first, at most `limit` of them (None:
    all), and how many match. Most urgent: open before closed; among the open ones the earliest
    deadline first (the longest overdue at the top), major before ordinary on the same deadline,
    no deadline last; closed ones most recently closed first."""
    late = and_(Hazard.stage != hazard_loop.CLOSED, Hazard.deadline < now)
    conditions = [Hazard.school_id == school_id]
    if filters.stage:
        conditions.append(Hazard.stage == filters.stage)
    if filters.grade:
        conditions.append(Hazard.grade == filters.grade)
    if filters.unit:
        # Units of this school only: another school's unit code matches nothing.
        conditions.append(Hazard.responsible_unit_id.in_(
            select(OrgUnit.id).where(OrgUnit.code == filters.unit, OrgUnit.parent_id == school_id)))
    if filters.building:
        conditions.append(Hazard.building_id.in_(
            select(Building.id).where(Building.school_id == school_id, Building.code == filters.building)))
    if filters.overdue is True:
        conditions.append(late)
    elif filters.overdue is False:
        conditions.append(or_(not_(late), Hazard.deadline.is_(None)))
    closed = case((Hazard.stage == hazard_loop.CLOSED, 1), else_=0)
    query = (
        _ledger_select(func.count().over().label("total"))
        .where(*conditions)
        .order_by(closed,
                  # open: by deadline, none last; closed: newest closing first
                  case((Hazard.stage == hazard_loop.CLOSED, None), else_=Hazard.deadline).is_(None),
                  case((Hazard.stage == hazard_loop.CLOSED, None), else_=Hazard.deadline),
                  case((Hazard.grade == "major", 0), else_=1),
                  Hazard.closed_at.is_(None), Hazard.closed_at.desc(), Hazard.code, Hazard.id)
    )
    if limit is not None:
        query = query.limit(max(1, limit))
    rows, total = [], 0
    for record in session.execute(query):
        *fields, total = record  # the same window count on every row
        rows.append(LedgerRow(*fields))
    return rows, int(total)


def _ledger_select(*extra):
    """The columns of a LedgerRow (and `extra` after them), with the names joined in."""
    unit = aliased(OrgUnit)
    return (
        select(Hazard.id, Hazard.code, Hazard.title, Hazard.description, Hazard.grade, Hazard.stage,
               Building.code, Building.name_zh, Building.name_en, Zone.name_zh, Hazard.found_at, Hazard.found_by,
               Hazard.source, Hazard.measures, Hazard.emergency_measures, Hazard.deadline, unit.code,
               unit.name_zh, unit.name_en, Hazard.responsible_person, Hazard.recheck_result,
               Hazard.listed_supervision, Hazard.supervised_by, Hazard.closed_at, *extra)
        .outerjoin(Building, Building.id == Hazard.building_id)
        .outerjoin(Zone, Zone.id == Hazard.zone_id)
        .outerjoin(unit, unit.id == Hazard.responsible_unit_id)
    )


def filter_choices(session: Session, *, school_id: int) -> dict[str, list[dict]]:
    """The units and buildings the filters offer: those the school's hazards name, with names."""
    unit_ids = select(Hazard.responsible_unit_id).where(Hazard.school_id == school_id).distinct()
    building_ids = select(Hazard.building_id).where(Hazard.school_id == school_id).distinct()
    units = session.execute(select(OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en)
                            .where(OrgUnit.id.in_(unit_ids)).order_by(OrgUnit.code))
    buildings = session.execute(select(Building.code, Building.name_zh, Building.name_en)
                                .where(Building.id.in_(building_ids)).order_by(Building.code))
    return {"units": [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in units],
            "buildings": [{"code": c, "name_zh": zh, "name_en": en} for c, zh, en in buildings]}


def hazard_history(session: Session, *, school_id: int, code: str) -> dict | None:
    """One hazard of the school: its ledger row, every step of its loop (oldest first), the duty
    officers' comments and the refused steps for its code; None if the school has no such code."""
    found = session.scalar(select(Hazard.id).where(Hazard.school_id == school_id, Hazard.code == code))
    if found is None:
        return None
    record = session.execute(
        _ledger_select()
        .where(Hazard.id == found)).one()
    steps = session.execute(
        select(HazardTransition.action, HazardTransition.from_stage, HazardTransition.to_stage,
               HazardTransition.by, HazardTransition.at, HazardTransition.note)
        .where(HazardTransition.hazard_id == found).order_by(HazardTransition.at, HazardTransition.id))
    violations = session.execute(
        select(LoopViolation.action, LoopViolation.stage, LoopViolation.by, LoopViolation.at, LoopViolation.reason)
        .where(LoopViolation.school_id == school_id, LoopViolation.hazard_code == code)
        .order_by(LoopViolation.at, LoopViolation.id))
    return {
        "hazard": LedgerRow(*record),
        "steps": [dict(action=a, from_stage=f, to_stage=t, by=b, at=at, note=n or "")
                  for a, f, t, b, at, n in steps],
        "comments": [{"by": c.by, "at": c.at, "text": c.text}
                     for c in hazard_comments.list_comments(session, hazard_id=found)],
        "violations": [dict(action=a, stage=s, by=b, at=at, reason=r) for a, s, b, at, r in violations],
    }
