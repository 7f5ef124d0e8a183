"""What the pages, the league and the district wall read of supervision items (督办, issue 17).

- `counts(db, unit, now)`: open, overdue and closed items per school below a unit (or of one school),
  every school present (zeros included), in one GROUP BY: the league's and the wall's figures.
- `due(db, unit, now, within=...)`: items not closed whose deadline has passed or falls within
  `within`, soonest first: the wall's "due" list.
- `hazard_choices(db, unit, school, now)`: a school's hazards not yet struck off, for the officer who
  opens an item on one of them: major and overdue first; none when the school is not below the unit.
- `items(db, ...)`: the rows of the bureau's list or of a school's own list; `history(db, item_id)`:
  an item's steps with their photos. The caller passes the scope it resolved on the server (the
  officer's unit, the person's school); nothing here trusts a page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger import hazard_loop, org_scope
from ledger.models import Hazard, OrgUnit, Photo, SupervisionItem, SupervisionPhoto, SupervisionStep
from ledger.supervision import ABOVE_SCHOOL, is_overdue

DUE_WITHIN = timedelta(days=3)
HAZARD_CHOICES = 200  # a school with more open hazards than this has a bigger problem than a long list


@dataclass(frozen=True)
class Counts:
    open: int  # not closed: open, answered or returned
    overdue: int  # not closed and past the deadline (counted among `open` too)
    closed: int


@dataclass(frozen=True)
class ItemRow:
    id: int
    school: str
    school_name: str
    unit: str  # the supervising unit's name
    kind: str
    ref: str
    title: str
    instructions: str
    deadline: datetime
    state: str
    overdue: bool
    opened_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    hazard_listed_at: datetime | None  # the hazard's own listing for supervision (挂牌督办), if any


@dataclass(frozen=True)
class HazardChoice:
    code: str
    title: str
    grade: str
    stage: str
    deadline: datetime | None
    overdue: bool


@dataclass(frozen=True)
class StepRow:
    seq: int
    action: str
    by: str
    at: datetime
    text: str
    photos: tuple[str, ...]  # photo keys: /photos/<key>, /photos/<key>/thumbnail


def _unit(db: Session, unit: OrgUnit | str) -> OrgUnit | None:
    if isinstance(unit, OrgUnit):
        return unit
    return db.scalar(select(OrgUnit).where(OrgUnit.code == unit))


def _school_ids(db: Session, unit: OrgUnit) -> dict[int, str]:
    codes = org_scope.schools_under(db, unit)
    if not codes:
        return {}
    return dict(db.execute(select(OrgUnit.id, OrgUnit.code).where(OrgUnit.code.in_(codes),
                                                                   OrgUnit.kind == "school")).all())


def counts(db: Session, unit: OrgUnit | str, now: datetime) -> dict[str, Counts]:
    """{school code: Counts} for every school below `unit` (an OrgUnit or its code; a school: itself)."""
    found = _unit(db, unit)
    schools = _school_ids(db, found) if found is not None else {}
    if not schools:
        return {}
    not_closed = SupervisionItem.state != "closed"
    rows = db.execute(select(
        SupervisionItem.school_id,
        func.sum(case((not_closed, 1), else_=0)),
        func.sum(case((not_closed & (SupervisionItem.deadline < now), 1), else_=0)),
        func.sum(case((SupervisionItem.state == "closed", 1), else_=0)),
    ).where(SupervisionItem.school_id.in_(list(schools))).group_by(SupervisionItem.school_id)).all()
    figures = {school_id: Counts(int(o or 0), int(d or 0), int(c or 0)) for school_id, o, d, c in rows}
    return {code: figures.get(school_id, Counts(0, 0, 0)) for school_id, code in sorted(schools.items(),
                                                                                          key=lambda p: p[1])}


def _rows(db: Session, where, now: datetime) -> list[ItemRow]:
    school = OrgUnit.__table__.alias("school")
    unit = OrgUnit.__table__.alias("unit")
    query = (select(SupervisionItem, school.c.code, school.c.name_zh, unit.c.name_zh, Hazard.supervised_at)
             .join(school, school.c.id == SupervisionItem.school_id)
             .join(unit, unit.c.id == SupervisionItem.unit_id)
             .outerjoin(Hazard, Hazard.id == SupervisionItem.hazard_id)
             .where(*where).order_by(SupervisionItem.deadline, SupervisionItem.id))
    return [ItemRow(i.id, code, name, unit_name, i.kind, i.ref, i.title, i.instructions, i.deadline, i.state,
                    is_overdue(i.state, i.deadline, now), i.opened_at, i.answered_at, i.closed_at, listed)
            for i, code, name, unit_name, listed in db.execute(query)]


def items(db: Session, *, now: datetime, unit: OrgUnit | None = None, school_id: int | None = None,
          include_closed: bool = True) -> list[ItemRow]:
    """The items of the schools below `unit` (the bureau's list), or of one school (its own list)."""
    where = []
    if unit is not None:
        ids = list(_school_ids(db, unit))
        where.append(SupervisionItem.school_id.in_(ids or [-1]))
    if school_id is not None:
        where.append(SupervisionItem.school_id == school_id)
    if not where:
        raise ValueError("say whose items: a unit or a school")
    if not include_closed:
        where.append(SupervisionItem.state != "closed")
    return _rows(db, where, now)


def due(db: Session, unit: OrgUnit | str, now: datetime, *, within: timedelta = DUE_WITHIN) -> list[ItemRow]:
    """Items below `unit` not closed whose deadline has passed or is within `within`, soonest first."""
    found = _unit(db, unit)
    ids = list(_school_ids(db, found)) if found is not None else []
    if not ids:
        return []
    return _rows(db, [SupervisionItem.school_id.in_(ids), SupervisionItem.state != "closed",
                      SupervisionItem.deadline <= now + within], now)


def history(db: Session, item_id: int) -> list[StepRow]:
    """The item's steps in order, each with the keys of its photos."""
    steps = list(db.scalars(select(SupervisionStep).where(SupervisionStep.item_id == item_id)
                            .order_by(SupervisionStep.seq)))
    photos: dict[int, list[str]] = {}
    if steps:
        for step_id, key in db.execute(select(SupervisionPhoto.step_id, Photo.key)
                                       .join(Photo, Photo.id == SupervisionPhoto.photo_id)
                                       .where(SupervisionPhoto.step_id.in_([s.id for s in steps]))
                                       .order_by(Photo.created_at, Photo.id)):
            photos.setdefault(step_id, []).append(key)
    return [StepRow(s.seq, s.action, s.by_name, s.at, s.text, tuple(photos.get(s.id, ()))) for s in steps]


def hazard_choices(db: Session, unit: OrgUnit, school: object, now: datetime,
                   limit: int = HAZARD_CHOICES) -> list[HazardChoice]:
    """The hazards of `school` (a code, as the page sends it: only a question) not yet struck off, when
    the school lies below `unit`: major first, then overdue, then by deadline (none last), then code."""
    if not isinstance(school, str) or not school:
        return []
    row = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if row is None or row.id == unit.id or not org_scope.is_within(db, row, unit):
        return []
    late = (Hazard.deadline.is_not(None)) & (Hazard.deadline < now)
    rows = db.execute(
        select(Hazard.code, Hazard.title, Hazard.grade, Hazard.stage, Hazard.deadline, late)
        .where(Hazard.school_id == row.id, Hazard.stage != hazard_loop.CLOSED)
        .order_by(Hazard.grade != "major", ~late, Hazard.deadline.is_(None), Hazard.deadline, Hazard.code)
        .limit(limit))
    return [HazardChoice(code, title, grade, stage, deadline, bool(overdue))
            for code, title, grade, stage, deadline, overdue in rows]


def officer_unit(db: Session, code: str | None) -> OrgUnit | None:
    """The unit an officer supervises from, by its code: a district, city or province; else None."""
    if not code:
        return None
    return db.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind.in_(ABOVE_SCHOOL)))


def school_names(db: Session, codes) -> list[tuple[str, str]]:
    """(code, name) of these schools, by code."""
    codes = list(codes)
    if not codes:
        return []
    return [(c, n) for c, n in db.execute(select(OrgUnit.code, OrgUnit.name_zh).where(
        OrgUnit.code.in_(codes), OrgUnit.kind == "school").order_by(OrgUnit.code))]


def school_of_unit(db: Session, code: str | None) -> OrgUnit | None:
    """The school a person of this unit belongs to (the unit itself, or the school above a campus)."""
    unit = db.scalar(select(OrgUnit).where(OrgUnit.code == code)) if code else None
    return org_scope.school_of(db, unit) if unit is not None else None


def waiting_for_school(db: Session, school_id: int, now: datetime) -> tuple[int, int]:
    """(items waiting for the school's answer — open or returned —, how many of them are overdue)."""
    rows = db.execute(select(SupervisionItem.state, SupervisionItem.deadline).where(
        SupervisionItem.school_id == school_id, SupervisionItem.state.in_(("open", "returned")))).all()
    return len(rows), sum(1 for state, deadline in rows if is_overdue(state, deadline, now))
