"""What the phone pages, the leadership pages, the wall and the assessment read of routine
inspections: a person's inspections of today, an inspection's checklist sheet, a failed item's
hazard draft, and missed and late counts per unit and per school (ledger/inspection_schedule.py
says what counts as missed and late; docs/hazards.md "Routine inspections").

Reads only. The per-person reads take the signed-in person's user id and keep to the schools they
read; the counts take school ids the caller has already checked, as the other ledger reads do.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import inspection_schedule as schedule
from ledger import org_scope
from ledger.inspection_rules import checklist, may_inspect
from ledger.models import Building, Inspection, InspectionPlan, InspectionResult, OrgUnit, RiskPoint, User, Zone


def _user(db: Session, user_id: int | None) -> User | None:
    user = db.get(User, user_id) if user_id is not None else None
    return None if user is None or user.disabled_at is not None else user


def _school_ids(db: Session, user: User) -> list[int] | None:
    readable = org_scope.readable_schools(db, user)
    if readable is None:
        return None
    return list(db.scalars(select(OrgUnit.id).where(OrgUnit.code.in_(sorted(readable)), OrgUnit.kind == "school")))


@dataclass(frozen=True)
class Place:
    school: str
    school_name: str
    building: str | None = None
    building_name: str | None = None
    zone: str | None = None
    zone_name: str | None = None
    risk_point: str | None = None
    risk_point_name: str | None = None
    # The English names for ?lang=en pages (None: the page shows the Chinese, kernel.names.local_name).
    school_name_en: str | None = None
    building_name_en: str | None = None
    zone_name_en: str | None = None


def place_of(db: Session, plan: InspectionPlan) -> Place:
    school = db.get(OrgUnit, plan.school_id)
    building = db.get(Building, plan.building_id) if plan.building_id else None
    zone = db.get(Zone, plan.zone_id) if plan.zone_id else None
    point = db.get(RiskPoint, plan.risk_point_id) if plan.risk_point_id else None
    return Place(school.code, school.name_zh, building and building.code, building and building.name_zh,
                 zone and zone.code, zone and zone.name_zh, point and point.code, point and point.name,
                 school.name_en, building and building.name_en, zone and zone.name_en)


# --- a person's inspections of today ---

@dataclass(frozen=True)
class TodayInspection:
    """One plan's inspection of the current period, as the phone's list shows it."""

    plan_id: int
    plan_name: str
    frequency: str
    place: Place
    period_key: str
    period_start: date
    period_last_day: date
    status: str  # due | in_progress | done
    inspection_id: int | None
    answered: int
    items: int
    failed: int
    signed_name: str | None = None
    finished_at: datetime | None = None


def todays_inspections(db: Session, *, user_id: int, now: datetime, tz: ZoneInfo,
                       term_starts=schedule.DEFAULT_TERM_STARTS) -> list[TodayInspection]:
    """The inspections the person is to do in the current period of each of their plans: due
    first, then in progress, then done; [] for a person who does not inspect."""
    user = _user(db, user_id)
    if user is None:
        return []
    today = schedule.local_date(now, tz)
    query = select(InspectionPlan).where(InspectionPlan.starts_on <= today)
    query = query.where((InspectionPlan.retired_on.is_(None)) | (InspectionPlan.retired_on > today))
    schools = _school_ids(db, user)
    if schools is not None:
        query = query.where(InspectionPlan.school_id.in_(schools))
    found = []
    for plan in db.scalars(query.order_by(InspectionPlan.id)):
        if not may_inspect(user, plan):
            continue
        period = schedule.period_of(plan.frequency, today, term_starts=term_starts)
        inspection = db.scalar(select(Inspection).where(Inspection.plan_id == plan.id,
                                                        Inspection.period_start == period.start))
        answered = failed = 0
        if inspection is not None:
            answered, failed = db.execute(
                select(func.count(), func.count().filter(InspectionResult.result == "fail"))
                .where(InspectionResult.inspection_id == inspection.id)).one()
        status = ("due" if inspection is None else "done" if inspection.finished_at is not None else "in_progress")
        items = len(inspection.items) if inspection is not None else None
        if items is None:  # not started: the plan's list as it stands now
            items = len(checklist(db, plan))
        found.append(TodayInspection(
            plan.id, plan.name, plan.frequency, place_of(db, plan), period.key, period.start, period.last_day,
            status, inspection and inspection.id, answered, items, failed,
            inspection and inspection.signed_name, inspection and inspection.finished_at))
    order = {"due": 0, "in_progress": 1, "done": 2}
    return sorted(found, key=lambda t: (order[t.status], t.period_last_day, t.plan_id))


# --- one inspection's sheet ---

@dataclass(frozen=True)
class SheetItem:
    position: int
    text: str
    result: str | None  # pass | fail | na; None: not answered yet
    note: str
    photo_keys: list[str]  # the photo store's keys: /photos/<key>, /photos/<key>/thumbnail
    result_id: int | None
    hazard_code: str | None  # a failed item's reported hazard


@dataclass(frozen=True)
class Sheet:
    inspection_id: int
    plan_id: int
    plan_name: str
    place: Place
    period_key: str
    period_start: date
    period_end: date
    started_by: str
    started_at: datetime
    finished_at: datetime | None
    signed_name: str | None
    late: bool | None  # None until signed
    may_edit: bool  # the person may still record items and sign
    items: list[SheetItem] = field(default_factory=list)


def inspection_sheet(db: Session, *, user_id: int, inspection_id: int, tz: ZoneInfo) -> Sheet | None:
    """The checklist with its answers; None for an inspection the person may not read."""
    user = _user(db, user_id)
    inspection = db.get(Inspection, inspection_id) if user is not None else None
    if inspection is None:
        return None
    schools = _school_ids(db, user)
    if schools is not None and inspection.school_id not in schools:
        return None
    plan = db.get(InspectionPlan, inspection.plan_id)
    results = {r.position: r for r in inspection.results}
    items = [SheetItem(i, text, results[i].result if i in results else None, results[i].note if i in results else "",
                       list(results[i].photo_keys) if i in results else [], results[i].id if i in results else None,
                       results[i].hazard_code if i in results else None)
             for i, text in enumerate(inspection.items)]
    late = None if inspection.finished_at is None else \
        inspection.finished_at >= schedule.local_midnight(inspection.period_end, tz)
    period = schedule.Period(inspection.period_start, inspection.period_end, inspection.frequency)
    return Sheet(inspection.id, plan.id, plan.name, place_of(db, plan), period.key, inspection.period_start,
                 inspection.period_end, inspection.started_by, inspection.started_at, inspection.finished_at,
                 inspection.signed_name, late, inspection.finished_at is None and may_inspect(user, plan), items)


# --- hazard drafts ---

@dataclass(frozen=True)
class HazardDraft:
    """What the hazard report form is filled with from a failed item. `reported_as`: the hazard's
    code once it was reported (the form then opens the hazard instead)."""

    result_id: int
    school: str
    school_name: str
    building: str | None
    building_name: str | None
    zone: str | None
    zone_name: str | None
    risk_point: str | None
    risk_point_name: str | None
    title: str  # the item's text, cut to a hazard title's 200 characters
    description: str  # the item's text
    note: str  # what the inspector wrote
    photo_keys: list[str]  # the photo store's keys: /photos/<key>, /photos/<key>/thumbnail
    source: str  # school_inspection
    found_by: str
    found_at: datetime
    inspection_id: int
    plan_name: str
    reported_as: str | None
    place: Place  # the same place with its names in both languages


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 200 else line[:199] + "…"


def _draft(db: Session, row: InspectionResult) -> HazardDraft:
    inspection = row.inspection
    plan = db.get(InspectionPlan, inspection.plan_id)
    p = place_of(db, plan)
    return HazardDraft(row.id, p.school, p.school_name, p.building, p.building_name, p.zone, p.zone_name,
                       p.risk_point, p.risk_point_name, _title(row.item), row.item, row.note, list(row.photo_keys),
                       "school_inspection", row.by, row.at, inspection.id, plan.name, row.hazard_code, p)


def hazard_draft(db: Session, *, user_id: int, result_id: int) -> HazardDraft | None:
    """The draft of a failed item; None when there is none the person may read."""
    user = _user(db, user_id)
    row = db.get(InspectionResult, result_id) if user is not None else None
    if row is None or row.result != "fail":
        return None
    schools = _school_ids(db, user)
    if schools is not None and row.inspection.school_id not in schools:
        return None
    return _draft(db, row)


def open_drafts(db: Session, *, user_id: int) -> list[HazardDraft]:
    """The person's own failed items not yet reported, newest first: what waits to become a report."""
    user = _user(db, user_id)
    if user is None:
        return []
    rows = db.scalars(select(InspectionResult).where(InspectionResult.by == user.username,
                                                     InspectionResult.result == "fail",
                                                     InspectionResult.hazard_code.is_(None))
                      .order_by(InspectionResult.at.desc(), InspectionResult.id.desc()))
    schools = _school_ids(db, user)
    return [_draft(db, r) for r in rows if schools is None or r.inspection.school_id in schools]


# --- missed and late, per unit and per school ---

@dataclass(frozen=True)
class Owed:
    """One period a plan owed within the window, with its status at `now`."""

    school: str
    unit: str | None
    unit_name: str | None
    plan_id: int
    plan_name: str
    period_key: str
    period_start: date
    period_end: date
    status: str  # due | done | late | missed
    started: bool  # an inspection was started (a missed one then is a missing record: never signed)
    inspection_id: int | None = None  # the period's inspection, to open its sheet
    signed_name: str | None = None


def _plans_of(db: Session, ids: list[int], start: date, end: date) -> tuple[dict, dict, list, dict]:
    """The schools, the units their plans charge, the plans, and the inspections of the periods that may
    end in the window: {plan: {period start: (id, signed at, signed name)}}."""
    schools = {s.id: s for s in db.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    units = {u.id: u for u in db.scalars(select(OrgUnit).where(OrgUnit.id.in_(
        select(InspectionPlan.unit_id).where(InspectionPlan.school_id.in_(ids)))))}
    plans = db.scalars(select(InspectionPlan).where(InspectionPlan.school_id.in_(ids))
                       .order_by(InspectionPlan.id)).all()
    started: dict[int, dict[date, tuple]] = {}
    for row in db.execute(
            select(Inspection.plan_id, Inspection.period_start, Inspection.id, Inspection.finished_at,
                   Inspection.signed_name)
            .where(Inspection.school_id.in_(ids), Inspection.period_end > start, Inspection.period_start < end)):
        started.setdefault(row[0], {})[row[1]] = tuple(row[2:])
    return schools, units, plans, started


@dataclass(frozen=True)
class PlanCounts:
    """One plan's periods owed within a window, counted by status (owed = done + late + missed + due)."""

    school: str
    unit: str | None
    unit_name: str | None
    plan_id: int
    plan_name: str
    counts: dict[str, int]


def owed_counts(db: Session, *, school_ids: Iterable[int], start: date, end: date, now: datetime, tz: ZoneInfo,
                term_starts=schedule.DEFAULT_TERM_STARTS) -> list[PlanCounts]:
    """`owed_periods` counted per plan, without listing the periods (ledger.inspection_schedule
    .owed_counts): what the leadership figures, the league and the assessment need. A plan owing
    nothing in the window is left out, as it has no row in `owed_periods`."""
    ids = list(school_ids)
    if not ids or end <= start:
        return []
    schools, units, plans, started = _plans_of(db, ids, start, end)
    found = []
    for plan in plans:
        finished = {s: f for s, (_, f, _) in started.get(plan.id, {}).items() if f is not None}
        counts = schedule.owed_counts(plan.frequency, starts_on=plan.starts_on, now=now, tz=tz, window=(start, end),
                                      finished=finished, retired_on=plan.retired_on, term_starts=term_starts)
        owed = counts["due"] + counts["done"] + counts["late"] + counts["missed"]
        if owed:
            unit = units.get(plan.unit_id)
            by_status = {k: counts[k] for k in ("done", "late", "missed", "due")}
            found.append(PlanCounts(schools[plan.school_id].code, unit and unit.code, unit and unit.name_zh, plan.id,
                                    plan.name, {"owed": owed, **by_status}))
    return found


def owed_periods(db: Session, *, school_ids: Iterable[int], start: date, end: date, now: datetime, tz: ZoneInfo,
                 term_starts=schedule.DEFAULT_TERM_STARTS) -> list[Owed]:
    """Every period whose last day falls in the local dates [start, end) and which has begun, of
    every plan of the schools, with its status. Each period is counted in one window only, the one
    holding its last day: a week across two months counts in the second."""
    ids = list(school_ids)
    if not ids or end <= start:
        return []
    today = schedule.local_date(now, tz)
    last = min(end - timedelta(days=1), today)
    schools, units, plans, started = _plans_of(db, ids, start, end)
    found = []
    for plan in plans:
        of_plan = started.get(plan.id, {})
        finished = {s: f for s, (_, f, _) in of_plan.items() if f is not None}
        unit = units.get(plan.unit_id)
        # From the period holding the window's first day (or the plan's), not from the plan's start:
        # a daily plan ten years old still lists one month's days for a month.
        for item in schedule.schedule(plan.frequency, starts_on=max(plan.starts_on, start), now=now, tz=tz,
                                      finished=finished, retired_on=plan.retired_on, until=last,
                                      term_starts=term_starts):
            if not start <= item.period.last_day < end or item.status == "upcoming":
                continue
            inspection_id, _, signed_name = of_plan.get(item.period.start, (None, None, None))
            found.append(Owed(schools[plan.school_id].code, unit and unit.code, unit and unit.name_zh, plan.id,
                              plan.name, item.period.key, item.period.start, item.period.end, item.status,
                              inspection_id is not None, inspection_id, signed_name))
    return found


def _tally(rows: Iterable[PlanCounts], key) -> dict:
    found: dict = {}
    for row in rows:
        counts = found.setdefault(key(row), dict.fromkeys(("owed", "done", "late", "missed", "due"), 0))
        for name, n in row.counts.items():
            counts[name] += n
    return found


@dataclass(frozen=True)
class Tally:
    """Counts of owed periods (owed = done + late + missed + due) per school code and per
    (school code, unit code; None: no unit named)."""

    by_school: dict[str, dict[str, int]]
    by_unit: dict[tuple[str, str | None], dict[str, int]]
    unit_names: dict[str | None, str | None]


def missed_and_late(db: Session, *, school_ids: Iterable[int], start: date, end: date, now: datetime,
                    tz: ZoneInfo, term_starts=schedule.DEFAULT_TERM_STARTS) -> Tally:
    """The leadership pages' and the wall's counts for the local dates [start, end)."""
    rows = owed_counts(db, school_ids=school_ids, start=start, end=end, now=now, tz=tz, term_starts=term_starts)
    return Tally(_tally(rows, lambda r: r.school), _tally(rows, lambda r: (r.school, r.unit)),
                 {r.unit: r.unit_name for r in rows})


def missed_for_assessment(db: Session, *, school_id: int, start: date, end: date, now: datetime, tz: ZoneInfo,
                          term_starts=schedule.DEFAULT_TERM_STARTS) -> dict[str | None, list[Owed]]:
    """The assessment's evidence: per unit code (None: a plan naming no unit), the periods in
    [start, end) whose inspection is missing (never done, or started and never signed)."""
    found: dict[str | None, list[Owed]] = {}
    for row in owed_periods(db, school_ids=[school_id], start=start, end=end, now=now, tz=tz,
                            term_starts=term_starts):
        if row.status == "missed":
            found.setdefault(row.unit, []).append(row)
    return found


def month_of(now: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """The local month holding `now`, as a window [start, end)."""
    month = schedule.current_period("monthly", now, tz)
    return month.start, month.end


def school_figures(db: Session, *, school_id: int, now: datetime, tz: ZoneInfo,
                   term_starts=schedule.DEFAULT_TERM_STARTS) -> dict[str, int]:
    """The wall's and the leadership overview's inspection figures for one school: the current
    periods of its active plans (`due_now`, `in_progress_now`, `done_now`), and this month's periods
    (`month_owed`, `month_done`, `month_late`, `month_missed`; ledger/inspection_schedule.py)."""
    today = schedule.local_date(now, tz)
    figures = dict.fromkeys(("due_now", "in_progress_now", "done_now"), 0)
    plans = db.scalars(select(InspectionPlan).where(
        InspectionPlan.school_id == school_id, InspectionPlan.starts_on <= today,
        (InspectionPlan.retired_on.is_(None)) | (InspectionPlan.retired_on > today))).all()
    for plan in plans:
        period = schedule.period_of(plan.frequency, today, term_starts=term_starts)
        finished = db.execute(select(Inspection.finished_at).where(
            Inspection.plan_id == plan.id, Inspection.period_start == period.start)).one_or_none()
        key = "due_now" if finished is None else "in_progress_now" if finished[0] is None else "done_now"
        figures[key] += 1
    start, end = month_of(now, tz)
    month = missed_and_late(db, school_ids=[school_id], start=start, end=end, now=now, tz=tz,
                            term_starts=term_starts).by_school
    counts = next(iter(month.values()), dict.fromkeys(("owed", "done", "late", "missed", "due"), 0))
    figures.update({f"month_{k}": counts[k] for k in ("owed", "done", "late", "missed")})
    return figures
