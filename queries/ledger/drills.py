"""Drills and trainings (演练 / 培训) read: a school's list for a year with counts per kind (the
record page), one record (to correct it), and the facts the assessment's art. 9 and 12 are scored
from (`drill_facts`; the arithmetic is ledger/drills.py's). Withdrawn records are listed only when
asked for and never counted.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from ledger import drills as rules
from ledger import inspection_schedule as schedule
from ledger.models import Drill, OrgUnit


@dataclass(frozen=True)
class DrillRow:
    id: int
    kind: str
    title: str
    held_on: date
    unit: str | None  # the unit's code; None: the whole school
    unit_name_zh: str | None
    unit_name_en: str | None
    participant_count: int | None
    participants: str
    plan: str
    notes: str
    recorded_by: str
    recorded_at: datetime
    updated_by: str | None
    updated_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdrawn_reason: str | None


@dataclass(frozen=True)
class YearOfDrills:
    year: int
    rows: tuple[DrillRow, ...]  # newest first
    counts: dict[str, int]  # per kind (DRILL_KINDS), withdrawn not counted


def _rows(session: Session, *where) -> list[DrillRow]:
    unit = aliased(OrgUnit)
    found = session.execute(select(Drill, unit.code, unit.name_zh, unit.name_en)
                            .outerjoin(unit, unit.id == Drill.unit_id).where(*where)
                            .order_by(Drill.held_on.desc(), Drill.id.desc()))
    return [DrillRow(d.id, d.kind, d.title, d.held_on, code, zh, en, d.participant_count, d.participants, d.plan,
                     d.notes, d.recorded_by, d.recorded_at, d.updated_by, d.updated_at, d.withdrawn_at,
                     d.withdrawn_by, d.withdrawn_reason) for d, code, zh, en in found]


def year_of_drills(session: Session, *, school_id: int, year: int, unit_ids: Iterable[int] | None = None,
                   withdrawn: bool = False) -> YearOfDrills:
    """The school's drills and trainings held in `year`; `unit_ids`: only those units' (a person held
    to a unit sees theirs and the whole school's); `withdrawn`: list the withdrawn ones too."""
    where = [Drill.school_id == school_id, Drill.held_on >= date(year, 1, 1), Drill.held_on < date(year + 1, 1, 1)]
    if unit_ids is not None:
        where.append(or_(Drill.unit_id.in_(sorted(set(unit_ids))), Drill.unit_id.is_(None)))
    if not withdrawn:
        where.append(Drill.withdrawn_at.is_(None))
    rows = _rows(session, *where)
    counts = Counter(r.kind for r in rows if r.withdrawn_at is None)
    return YearOfDrills(year, tuple(rows), {kind: counts.get(kind, 0) for kind in rules.KIND_NAMES})


def drill(session: Session, *, school_id: int, drill_id: int) -> DrillRow | None:
    """One record of the school (None for another school's: nothing is learnt of it)."""
    found = _rows(session, Drill.id == drill_id, Drill.school_id == school_id)
    return found[0] if found else None


def drill_facts(session: Session, *, owner: Literal["unit", "school"], ids: Iterable[int], year: int,
                as_of_day: date, school_id: int | None = None,
                term_starts=schedule.DEFAULT_TERM_STARTS) -> dict[int, tuple[str | None, tuple[str, ...]]]:
    """Per owner id (units of the school `school_id`, or schools): (art. 9's window start if no
    training was held in it, else None; art. 12's terms ended without a drill). A unit counts its
    own records and the whole school's (unit None: everyone took part); a school counts all of its.
    One query whatever the number of owners."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    window = as_of_day - timedelta(days=rules.TRAINING_DAYS)
    earliest = min(window, date(year, 1, 1) - timedelta(days=366))  # a term ending in January began last year
    where = [Drill.withdrawn_at.is_(None), Drill.held_on >= earliest, Drill.held_on < as_of_day]
    if owner == "school":
        where.append(Drill.school_id.in_(ids))
    else:
        # The whole school's records count for units of `school_id` only (without it, their own).
        where.append(or_(Drill.unit_id.in_(ids), Drill.unit_id.is_(None)) if school_id is not None
                     else Drill.unit_id.in_(ids))
        if school_id is not None:
            where.append(Drill.school_id == school_id)
    held: dict[int | None, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for school, unit, kind, day in session.execute(select(Drill.school_id, Drill.unit_id, Drill.kind, Drill.held_on)
                                                   .where(*where)):
        held[school if owner == "school" else unit][kind].append(day)
    everyone = held.get(None, {}) if owner == "unit" else {}
    out = {}
    for who in ids:
        mine = held.get(who, {})
        trainings = [*mine.get("training", ()), *everyone.get("training", ())]
        exercised = [*mine.get("drill", ()), *everyone.get("drill", ())]
        untrained = None if rules.trained(trainings, as_of_day) else window.isoformat()
        out[who] = (untrained, rules.terms_without_drill(exercised, year, as_of_day, term_starts=term_starts))
    return out
