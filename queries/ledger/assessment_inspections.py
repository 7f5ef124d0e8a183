"""Art. 15's facts from routine inspections (日常巡查): per unit or per school, the places whose
inspections were missed in the assessment year — never done, or started and never signed (a missing
record) — as (the plan's place, how many periods), for `ledger.scoring.UnitFacts.missed_inspections`.

A missed period belongs to the unit its plan charges (`InspectionPlan.unit`); a plan naming no unit
counts for the school only. Read through queries/ledger/inspections.py's one schedule, so the
assessment, the leadership pages and the wall count the same periods. A late inspection (signed after
its period) is no missed one: it is shown, not deducted (docs/ledger.md).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import inspection_schedule as schedule
from ledger.models import OrgUnit
from queries.ledger.inspections import owed_counts


def missed_inspections(session: Session, *, owner: Literal["unit", "school"], ids: Iterable[int],
                       schools: Iterable[int], start: date, end: date, now: datetime, tz: ZoneInfo,
                       term_starts=schedule.DEFAULT_TERM_STARTS) -> dict[int, tuple[tuple[str, int], ...]]:
    """Per owner id (a unit, or a school), (place, periods missed) for the periods whose last day is
    in the local dates [start, end). `schools`: the schools the owners are in (for units, theirs).
    One read of every school's periods, whatever their number (the league scores a district's)."""
    ids = set(ids)
    # Counted per plan (inspections.owed_counts), not listed: a year of a daily plan is 365 periods.
    missed = [row for row in owed_counts(session, school_ids=set(schools), start=start, end=end, now=now, tz=tz,
                                         term_starts=term_starts) if row.counts["missed"]]
    if not missed:
        return {}
    codes = {row.unit if owner == "unit" else row.school for row in missed} - {None}
    id_of = dict(session.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(codes))).all())
    counted: dict[int, Counter] = defaultdict(Counter)
    for row in missed:
        who = id_of.get(row.unit if owner == "unit" else row.school)
        if who in ids:
            counted[who][row.plan_name] += row.counts["missed"]
    return {who: tuple(sorted(places.items())) for who, places in counted.items()}
