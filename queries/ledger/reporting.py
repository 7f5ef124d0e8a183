"""Reporting up (报送, issue 17), the reads: what each school owes its district and how it went,
the reporting rate (报送率), what is late or missing, and a monthly report's figures pre-filled from
the ledger. The rules (due moments, on time / late / missing, the rate) are ledger/reporting.py.

Functions other parts call (the league, the district wall, the monthly report document):
- `rates(db, unit, period_start, period_end, now, tz=)` -> {school code: Rate}; the unit's own
  total is `ledger.reporting.total(rates(...).values())` (a sum of counts, never a mean of rates).
- `due_and_late(db, unit, now, tz=)` -> [DueItem]: missing, late, and due within three days.
- `monthly_figures(db, school, period, tz, now=)` -> MonthlyFigures (a plain dataclass; `as_dict`
  is what a submitted report keeps, `MonthlyFigures.from_dict` reads it back).
- `items(db, school_ids, start, end, now, tz)` -> [DueItem]: every report due in a window, the rows
  of the pages.
Scope is the caller's to check: these read what they are asked for.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import org_scope, reporting
from ledger.alert_times import duration_stats
from ledger.models import Alert, Drill, Hazard, OrgUnit, Report, ReportingRule
from queries.ledger.inspections import missed_and_late

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")  # kernel settings' SCHOOL_TIMEZONE default; callers pass theirs
LOOK_BACK = timedelta(days=92)  # due_and_late: missing reports this far back (a term's months)
LOOK_AHEAD = timedelta(days=3)  # due_and_late: unsubmitted reports due this soon


# --- whose rules, which schools --------------------------------------------------------------

def unit_of(db: Session, unit: int | str | OrgUnit) -> OrgUnit | None:
    if isinstance(unit, OrgUnit):
        return unit
    if isinstance(unit, int) and not isinstance(unit, bool):
        return db.get(OrgUnit, unit)
    return db.scalar(select(OrgUnit).where(OrgUnit.code == unit)) if isinstance(unit, str) else None


def schools_of(db: Session, unit: int | str | OrgUnit) -> list[OrgUnit]:
    """The schools under a unit (the unit itself when it is a school), by code; [] for no such unit."""
    found = unit_of(db, unit)
    if found is None:
        return []
    codes = org_scope.schools_under(db, found)
    return list(db.scalars(select(OrgUnit).where(OrgUnit.code.in_(sorted(codes))).order_by(OrgUnit.code))) \
        if codes else []


def rules_of(db: Session, school_ids: Iterable[int]) -> dict[int, reporting.Rules]:
    """Each school's rules (the nearest unit above it with a row, else the defaults), in two queries
    and a walk up the tree in memory, whatever the number of schools."""
    ids = list(school_ids)
    rows = {r.unit_id: reporting.Rules(r.monthly_due_day, r.major_hazard_hours, r.true_alarm_hours, r.first_period)
            for r in db.scalars(select(ReportingRule))}
    if not rows:
        return dict.fromkeys(ids, reporting.DEFAULT_RULES)
    parents = dict(db.execute(select(OrgUnit.id, OrgUnit.parent_id)
                              .where(OrgUnit.kind.in_(("province", "city", "district", "school")))).all())
    out = {}
    for school_id in ids:
        node, found = school_id, reporting.DEFAULT_RULES
        for _ in range(org_scope.MAX_DEPTH):
            if node is None:
                break
            if node in rows:
                found = rows[node]
                break
            node = parents.get(node)
        out[school_id] = found
    return out


# --- what is due, and how it went -------------------------------------------------------------

@dataclass(frozen=True)
class DueItem:
    """One report a school owes: a row of `reports`, or a monthly report nobody opened (id None)."""

    school: str
    school_name_zh: str
    school_name_en: str | None
    kind: str  # monthly | major_hazard | true_alarm
    subject: str  # the period, or the hazard's / alert's code
    title: str
    due_at: datetime
    status: str | None  # draft | submitted | receipted | returned; None: not opened
    timeliness: str  # on_time | late | missing | pending (ledger/reporting.py)
    report_id: int | None = None
    submitted_at: datetime | None = None
    first_submitted_at: datetime | None = None
    submitted_by: str | None = None
    receipted_at: datetime | None = None
    receipted_by: str | None = None
    returned_at: datetime | None = None
    return_reason: str | None = None


def _item(school: OrgUnit, row: Report | None, *, kind: str, subject: str, title: str, due_at: datetime,
          now: datetime) -> DueItem:
    first = row.first_submitted_at if row is not None else None
    extra = {} if row is None else dict(
        report_id=row.id, submitted_at=row.submitted_at, first_submitted_at=first, submitted_by=row.submitted_by,
        receipted_at=row.receipted_at, receipted_by=row.receipted_by, returned_at=row.returned_at,
        return_reason=row.return_reason)
    return DueItem(school.code, school.name_zh, school.name_en, kind, subject, title, due_at,
                   row.status if row is not None else None, reporting.timeliness(due_at, first, now), **extra)


def items(db: Session, schools: list[OrgUnit], start: datetime, end: datetime, now: datetime, tz: ZoneInfo
          ) -> list[DueItem]:
    """Every report of these schools due in (start, end]: the monthly reports by the school's rules
    (opened or not) and the event reports written. Ordered by due moment, then school."""
    if not schools:
        return []
    by_id = {s.id: s for s in schools}
    rules = rules_of(db, by_id)
    first_day, last_day = start.astimezone(tz).date(), (end.astimezone(tz) + timedelta(days=1)).date()
    # Monthly rows of the periods that may fall due in the window (due within a month of their end),
    # kept by their own due moment: a district's due day changed later does not move them.
    periods = (Report.subject >= reporting.period_of(first_day - timedelta(days=62))) & \
        (Report.subject <= reporting.period_of(last_day))
    rows = db.scalars(select(Report).where(Report.school_id.in_(list(by_id)),
                                           (Report.kind != "monthly") & (Report.due_at > start) & (Report.due_at <= end)
                                           | (Report.kind == "monthly") & periods)).all()
    monthly = {(r.school_id, r.subject): r for r in rows if r.kind == "monthly"}
    opened: dict[int, set[str]] = {}  # each school's monthly rows, grouped once (not a scan per school)
    for school_id, subject in monthly:
        opened.setdefault(school_id, set()).add(subject)
    out = [_item(by_id[row.school_id], row, kind=row.kind, subject=row.subject, title=row.title, due_at=row.due_at,
                 now=now) for row in rows if row.kind != "monthly"]
    for school_id, school in by_id.items():
        day = rules[school_id].monthly_due_day
        periods = set(reporting.periods_due_between(first_day, last_day, day, tz))
        periods |= opened.get(school_id, set())
        for period in sorted(p for p in periods if rules[school_id].owes(p)):
            row = monthly.get((school_id, period))
            due_at = row.due_at if row is not None else reporting.monthly_due_at(period, day, tz)
            if start < due_at <= end:
                title = row.title if row is not None else f"{period} {reporting.KIND_NAMES['monthly'][0]}"
                out.append(_item(school, row, kind="monthly", subject=period, title=title, due_at=due_at, now=now))
    return sorted(out, key=lambda i: (i.due_at, i.school, i.kind, i.subject))


def _window(period_start: date | datetime, period_end: date | datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    def moment(value):
        return value if isinstance(value, datetime) else datetime.combine(value, time(), tz)
    return moment(period_start), moment(period_end)


def rates(db: Session, unit: int | str | OrgUnit, period_start: date | datetime, period_end: date | datetime,
          now: datetime, *, tz: ZoneInfo = DEFAULT_TZ) -> dict[str, reporting.Rate]:
    """The reporting rate of every school under `unit` (a code, an id or the row; a school: itself)
    for the reports falling due in [period_start, period_end) (local dates, or moments): {school code:
    Rate(due, on_time, late, missing; .rate None when nothing was due)}. Every school is in the answer,
    those that owed nothing with Rate(). The unit's own: ledger.reporting.total(answer.values())."""
    return school_rates(db, schools_of(db, unit), period_start, period_end, now, tz=tz)


def school_rates(db: Session, schools: list[OrgUnit], period_start: date | datetime, period_end: date | datetime,
                 now: datetime, *, tz: ZoneInfo = DEFAULT_TZ) -> dict[str, reporting.Rate]:
    """`rates` for these schools (the league's memo asks for the schools it has not kept)."""
    start, end = _window(period_start, period_end, tz)
    # A report due at 24:00 of the window's last day is due at `end` exactly: (start, end] holds it.
    verdicts: dict[str, list[str]] = {s.code: [] for s in schools}
    for item in items(db, schools, start, end, now, tz):
        verdicts[item.school].append(item.timeliness)
    return {code: reporting.rate_of(found) for code, found in verdicts.items()}


def due_and_late(db: Session, unit: int | str | OrgUnit, now: datetime, *, tz: ZoneInfo = DEFAULT_TZ,
                 look_back: timedelta = LOOK_BACK, look_ahead: timedelta = LOOK_AHEAD) -> list[DueItem]:
    """What a district should chase: reports of the unit's schools missing (due, unsubmitted) or sent
    late within `look_back`, and those not yet submitted that fall due within `look_ahead`."""
    found = items(db, schools_of(db, unit), now - look_back, now + look_ahead, now, tz)
    return [i for i in found if i.timeliness in ("missing", "late")
            or (i.timeliness == "pending" and i.status not in ("submitted", "receipted"))]


# --- the monthly report's figures -------------------------------------------------------------

@dataclass(frozen=True)
class DomainAlerts:
    """One domain's alerts raised in the month, and how fast they were acknowledged (seconds from
    raised to acknowledged, nearest-rank median and P90 of those acknowledged; None: none was)."""

    raised: int = 0
    critical: int = 0
    true_alarms: int = 0
    false_alarms: int = 0
    acknowledged: int = 0
    ack_median_s: float | None = None
    ack_p90_s: float | None = None


@dataclass(frozen=True)
class MonthlyFigures:
    """A school's figures for one month (the local calendar month of `period`), as the monthly safety
    report shows them. Counts are of the month [start, end), local; the "at end" figures are taken at
    `as_of`, the month's end or, for the month still running, the moment they were read.

    Hazards (隐患): found in the month (`hazards_found`, of them major `hazards_found_major`),
    rectified (accepted and closed, 验收销号) in the month whenever found (`hazards_rectified`), still
    open at `as_of` (`hazards_open`), of them past their rectification deadline (`hazards_overdue`)
    and major (`hazards_major_open`).
    Inspections (巡查): the periods of the school's inspection plans ending in the month
    (queries/ledger/inspections.missed_and_late): owed = done + late + missed + due (still running).
    Drills and trainings (演练 / 培训): records held in the month, withdrawn ones not counted.
    Alerts (报警) raised in the month, in all and per domain (DomainAlerts), with the median and P90
    of the seconds to acknowledge over the whole month.
    """

    school: str
    school_name_zh: str
    period: str
    start: datetime
    end: datetime
    as_of: datetime
    hazards_found: int = 0
    hazards_found_major: int = 0
    hazards_rectified: int = 0
    hazards_open: int = 0
    hazards_overdue: int = 0
    hazards_major_open: int = 0
    inspections_owed: int = 0
    inspections_done: int = 0
    inspections_late: int = 0
    inspections_missed: int = 0
    inspections_due: int = 0
    drills: int = 0
    trainings: int = 0
    alerts_raised: int = 0
    alerts_critical: int = 0
    alerts_true: int = 0
    alerts_false: int = 0
    alerts_acknowledged: int = 0
    ack_median_s: float | None = None
    ack_p90_s: float | None = None
    alerts_by_domain: dict[str, DomainAlerts] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain JSON values (moments as ISO text): what a submitted report keeps."""
        out = asdict(self)
        for key in ("start", "end", "as_of"):
            out[key] = getattr(self, key).isoformat()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> MonthlyFigures:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("start", "end", "as_of"):
            values[key] = datetime.fromisoformat(values[key])
        values["alerts_by_domain"] = {d: DomainAlerts(**v) for d, v in (values.get("alerts_by_domain") or {}).items()}
        return cls(**values)


def _count(db: Session, *where) -> int:
    return db.scalar(select(func.count()).select_from(Hazard).where(*where)) or 0


def monthly_figures(db: Session, school: int | str | OrgUnit, period: str, tz: ZoneInfo,
                    now: datetime | None = None) -> MonthlyFigures:
    """The month's figures of one school, read from the ledger now (the draft's pre-fill; a submitted
    report keeps its own snapshot). LookupError for no such school; LedgerError for a bad period."""
    row = unit_of(db, school)
    if row is None or row.kind != "school":
        raise LookupError(f"no school {school!r}")
    start, end = reporting.period_window(period, tz)
    now = now or datetime.now(tz)
    as_of = min(now, end)
    sid = row.id
    is_open = (Hazard.found_at < as_of) & (Hazard.closed_at.is_(None) | (Hazard.closed_at > as_of))
    hazards = dict(
        hazards_found=_count(db, Hazard.school_id == sid, Hazard.found_at >= start, Hazard.found_at < end),
        hazards_found_major=_count(db, Hazard.school_id == sid, Hazard.found_at >= start, Hazard.found_at < end,
                                   Hazard.grade == "major"),
        hazards_rectified=_count(db, Hazard.school_id == sid, Hazard.closed_at >= start, Hazard.closed_at < end),
        hazards_open=_count(db, Hazard.school_id == sid, is_open),
        hazards_overdue=_count(db, Hazard.school_id == sid, is_open, Hazard.deadline < as_of),
        hazards_major_open=_count(db, Hazard.school_id == sid, is_open, Hazard.grade == "major"),
    )
    tally = missed_and_late(db, school_ids=[sid], start=start.date(), end=end.date(), now=now, tz=tz).by_school
    counts = tally.get(row.code, dict.fromkeys(("owed", "done", "late", "missed", "due"), 0))
    held = dict(db.execute(select(Drill.kind, func.count()).where(
        Drill.school_id == sid, Drill.withdrawn_at.is_(None), Drill.held_on >= start.date(),
        Drill.held_on < end.date()).group_by(Drill.kind)).all())
    raised = db.execute(select(Alert.domain, Alert.severity, Alert.outcome, Alert.raised_at, Alert.acknowledged_at)
                        .where(Alert.school_id == sid, Alert.raised_at >= start, Alert.raised_at < end)).all()
    per_domain: dict[str, list] = defaultdict(list)
    for alert in raised:
        per_domain[alert.domain].append(alert)

    def waits(rows) -> list[float]:
        return [(r.acknowledged_at - r.raised_at).total_seconds() for r in rows if r.acknowledged_at is not None]

    def domain(rows) -> DomainAlerts:
        stats = duration_stats(waits(rows))
        return DomainAlerts(len(rows), sum(r.severity == "critical" for r in rows),
                            sum(r.outcome == "true_alarm" for r in rows), sum(r.outcome == "false_alarm" for r in rows),
                            stats.n, stats.median, stats.p90)

    whole = domain(raised)
    return MonthlyFigures(
        row.code, row.name_zh, period, start, end, as_of, **hazards,
        inspections_owed=counts["owed"], inspections_done=counts["done"], inspections_late=counts["late"],
        inspections_missed=counts["missed"], inspections_due=counts["due"],
        drills=held.get("drill", 0), trainings=held.get("training", 0),
        alerts_raised=whole.raised, alerts_critical=whole.critical, alerts_true=whole.true_alarms,
        alerts_false=whole.false_alarms, alerts_acknowledged=whole.acknowledged, ack_median_s=whole.ack_median_s,
        ack_p90_s=whole.ack_p90_s, alerts_by_domain={d: domain(rs) for d, rs in sorted(per_domain.items())})


# --- the pages' reads -------------------------------------------------------------------------

def report(db: Session, *, school_id: int, report_id: int) -> Report | None:
    """One report of the school (None for another school's: nothing is learnt of it)."""
    row = db.get(Report, report_id)
    return row if row is not None and row.school_id == school_id else None


def monthly_report(db: Session, *, school_id: int, period: str) -> Report | None:
    return db.scalar(select(Report).where(Report.school_id == school_id, Report.kind == "monthly",
                                          Report.subject == period))
