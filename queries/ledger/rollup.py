"""Rollups (issue 17): every figure the leadership pages show for a school, for any unit of the tree
(district, city, province) by rolling up its schools, in a fixed handful of GROUP BY queries for
all the schools under the unit at once (a province holds 2,000 schools: never a query per school).

How each kind of figure rolls up (`Figures.add`):
- counts (open, overdue and open major hazards, open alerts, risk points by colour, inspections
  missed...) are sums;
- rates are recomputed from the summed numerator and denominator: a city's rectification rate
  (查改率) is its schools' hazards closed over their hazards found in the last year, its reporting
  rate (报送率) their reports on time over their reports due; never a mean of the schools' rates;
- the alert response time is the median over every acknowledged alert of the unit's schools (a
  median of medians would weigh a school with 2 alerts like one with 200);
- the assessment score of a unit is the plain mean of its schools' scores, each school weighing
  the same. Seeds 000 and 002 say how a school is assessed (the 100-point rules) and that the
  bureau assesses the completion of *every* unit under it (002: 对所属企业（单位）…进行整体评估),
  not how a district scores; the ledger holds no student numbers, and weighting by size would let
  a large school's score hide a small one failing. The lowest score and how many schools are below
  the pass mark go with the mean, so a failing school stays visible.

The figures mean what they mean on the school's pages: overdue, due soon and the rate as
`queries.ledger.hazards.figures` and `lead_overview` count them (ledger.hazard_loop), open alerts as
`queries.ledger.alerts.figures`, this month's inspections as `queries.ledger.inspections
.missed_and_late`, the score as `queries.ledger.lead_assessment.school_scores`. The reporting rate
comes from the reporting part (`queries.ledger.reporting.rates`) as a mapping school -> (on time,
due); without it the figures carry None and the pages show '—'.

Three figures are not counted in SQL but worked out in Python: this month's inspections (owed,
missed, late), the assessment score (a year of every plan's periods for its "inspections missed"
article; the periods are counted by arithmetic, ledger.inspection_schedule.owed_counts, not listed)
and the year's reporting rate. For a province's 2,000 schools they cost a second or two together,
so they go through a `SlowFigures` memo when one is given (the web app keeps one,
dashboard/services.py): per school and local day, kept `ttl_s` (five minutes), the missing schools
computed together. Every other figure is read fresh on each request, in six statements whatever
the number of schools. A deduction an inspector enters shows in a unit's score within the memo's
ttl; the school's own assessment page reads it at once.

What the province's page costs (bench/rollup_province.py, docs/benchmarks.md): the six statements
are most of it; then the figures of 2,000 schools and their rollup, kept to C-level loops where it
counts (one row per school, the severities and colours counted in SQL; the delays joined into one
text per school; sums column by column). A web worker freezes what it loaded (gunicorn.conf.py),
or a full garbage collection walking the whole app would add ~80 ms to a request now and then.
"""
from __future__ import annotations

import operator
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain
from zoneinfo import ZoneInfo

from sqlalchemy import Numeric, Text, and_, case, cast, func, select
from sqlalchemy.orm import Session

from kernel.catalogue import ALERT_SEVERITIES, RISK_COLOURS
from ledger import alert_flow, hazard_loop, inspection_schedule, scoring
from ledger.models import Alert, Hazard, OrgUnit, RiskPoint
from queries.ledger import inspections, lead_assessment
from queries.ledger.hazards import RATE_WINDOW
from queries.ledger.org_tree_rollup import Node, Tree, load_tree

ACK_WINDOW = timedelta(days=30)  # the alert response time is over the alerts raised in the last 30 days
PASS_MARK = 60.0  # the 100-point rules' pass mark (the league marks a score below it, as lead_district)
COLOURS = RISK_COLOURS  # a colour or a severity outside these is no figure of the pages'
SEVERITIES = ALERT_SEVERITIES
REPORTING = Mapping[str, tuple[int, int]]  # school code -> (reports on time, reports due)


@dataclass(frozen=True)
class Figures:
    """One school's figures, or a unit's rolled up from its schools (kind says which)."""

    code: str
    kind: str
    name_zh: str
    name_en: str | None
    parent: str | None = None  # the unit above, by code
    schools: int = 0
    # hazards (queries.ledger.hazards.figures, lead_overview.hazard_totals)
    hazards_open: int = 0
    hazards_overdue: int = 0
    major_open: int = 0
    major_overdue: int = 0  # the league's "overdue major hazards"
    due_soon: int = 0
    listed_supervision: int = 0  # open hazards under listed supervision (挂牌督办)
    found_365d: int = 0
    closed_365d: int = 0
    # alerts (queries.ledger.alerts.figures, lead_overview.alerts_today)
    alerts_open: int = 0
    alerts_today: int = 0
    open_by_severity: dict = field(default_factory=dict)
    today_by_severity: dict = field(default_factory=dict)
    # seconds from raised to acknowledged, sorted, each alert raised in ACK_WINDOW (a unit: all its schools')
    ack_delays: tuple[float, ...] = field(default=(), repr=False, compare=False)
    # risk points (lead_risks)
    risk_by_colour: dict = field(default_factory=dict)
    reviews_overdue: int = 0
    # this month's inspection periods (inspections.missed_and_late): owed = done + late + missed + due
    month_owed: int = 0
    month_done: int = 0
    month_late: int = 0
    month_missed: int = 0
    # the assessment (lead_assessment.school_scores): a school's score; a unit's mean, min, fails
    score_sum: float = 0.0
    scored: int = 0
    score_min: float | None = None
    below_pass: int = 0
    # the reporting rate (报送率), None until the reporting part's figures are given
    reports_on_time: int | None = None
    reports_due: int | None = None

    @property
    def rectification_rate(self) -> float | None:
        return hazard_loop.rectification_rate(self.closed_365d, self.found_365d)

    @property
    def reporting_rate(self) -> float | None:
        if not self.reports_due:
            return None
        return round((self.reports_on_time or 0) / self.reports_due, 4)

    @property
    def score(self) -> float | None:
        return round(self.score_sum / self.scored, 2) if self.scored else None

    @property
    def ack_median_s(self) -> float | None:
        """The median delay; `ack_delays` is kept sorted, so no sort here."""
        delays, n = self.ack_delays, len(self.ack_delays)
        if not n:
            return None
        return delays[n // 2] if n % 2 else (delays[n // 2 - 1] + delays[n // 2]) / 2

    @property
    def acknowledged(self) -> int:
        return len(self.ack_delays)

    def name(self, lang: str) -> str:
        return (self.name_en or self.name_zh) if lang == "en" else self.name_zh

    def add(self, other: Figures) -> Figures:
        """These figures with another school's (or unit's) rolled in (see the module's docstring)."""
        return Figures.rolled([self, other], **{k: getattr(self, k) for k in _IDENTITY})

    @classmethod
    def rolled(cls, rows: list[Figures], code: str, kind: str, name_zh: str, name_en: str | None,
               parent: str | None = None) -> Figures:
        """A unit's figures from its schools' (or its units'), in one pass (see the module's docstring)."""
        # Column by column (attrgetter and zip in C): a province's 2,000 rows, not 40,000 getattr calls.
        values: dict = dict(zip(_SUMMED, map(sum, zip(*map(_summed_of, rows))))) if rows else dict.fromkeys(_SUMMED, 0)
        for name in _DICTS:
            merged: dict = {}
            for r in rows:
                for key, n in getattr(r, name).items():
                    merged[key] = merged.get(key, 0) + n
            values[name] = merged
        values["ack_delays"] = tuple(sorted(chain.from_iterable(r.ack_delays for r in rows)))  # sorted runs: merged
        known = [r.score_min for r in rows if r.score_min is not None]
        values["score_min"] = min(known) if known else None
        for name in ("reports_on_time", "reports_due"):
            given = [getattr(r, name) for r in rows if getattr(r, name) is not None]
            values[name] = sum(given) if given else None
        return cls(code, kind, name_zh, name_en, parent, **values)


_IDENTITY = ("code", "kind", "name_zh", "name_en", "parent")
_DICTS = ("open_by_severity", "today_by_severity", "risk_by_colour")
_SUMMED = tuple(f for f in Figures.__dataclass_fields__ if f not in (
    *_IDENTITY, *_DICTS, "ack_delays", "score_min", "reports_on_time", "reports_due"))
_summed_of = operator.attrgetter(*_SUMMED)
SchoolFigures = Figures
UnitFigures = Figures


class SlowFigures:
    """A memo of the figures worked out period by period (see the module's docstring): per (what,
    school code, local day), kept `ttl_s`. Thread-safe; bounded by the schools and days asked."""

    def __init__(self, ttl_s: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self.ttl_s, self._clock = ttl_s, clock
        self._kept: dict[tuple, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def many(self, what: str, day, codes: list[str], compute: Callable[[list[str]], dict[str, object]]
             ) -> dict[str, object]:
        """The value of each code, computing those not kept (or kept too long) in one call."""
        now = self._clock()
        with self._lock:
            if len(self._kept) > 50_000:  # a day's keys of a province, and then some: start again
                self._kept.clear()
            kept = {c: self._kept.get((what, c, day)) for c in codes}
        found = {c: v[1] for c, v in kept.items() if v is not None and now - v[0] < self.ttl_s}
        missing = [c for c in codes if c not in found]
        if missing:
            fresh = compute(missing)
            with self._lock:
                for c in missing:
                    self._kept[(what, c, day)] = (now, fresh.get(c))
            found.update({c: fresh.get(c) for c in missing})
        return found


def _direct(what: str, day, codes: list[str], compute):
    return compute(codes)


@dataclass(frozen=True)
class League:
    """A unit's rolled-up figures, its child units' (cities or districts under it, each rolled up)
    and its schools' (every school below it), each list in code order (queries.ledger.league ranks)."""

    unit: Figures
    children: list[Figures]
    schools: list[Figures]


def league(db: Session, unit_code: str, now: datetime, tz: ZoneInfo, *, review_days: int = 365,
           rules: scoring.Rules | None = None, term_starts=inspection_schedule.DEFAULT_TERM_STARTS,
           reporting: REPORTING | None = None, due_soon_days: float = 3, tree: Tree | None = None,
           slow: SlowFigures | None = None) -> League | None:
    """Everything the league and the unit overview show, from one pass over the unit's schools;
    None for no such unit. The caller checks scope first (org_tree_rollup.require_unit)."""
    tree = tree or load_tree(db)
    node = tree.get(unit_code)
    if node is None:
        return None
    below = tree.descendants(node)
    schools = ([node] if node.kind == "school"
               else sorted((n for n in below if n.kind == "school"), key=lambda n: n.code))
    # The schools named through the units holding them (a province: ~90 ids, not 2,000 bound
    # parameters): the same rows, a shorter statement for SQL to parse and plan.
    holders = [node.id] + [n.id for n in below if n.kind != "school"]
    in_unit = select(OrgUnit.id).where(OrgUnit.kind == "school", OrgUnit.parent_id.in_(holders))
    rows = _school_figures(db, tree, schools, now, tz, in_unit=None if node.kind == "school" else in_unit,
                           review_days=review_days, rules=rules or scoring.Rules.load(),
                           term_starts=term_starts, reporting=reporting, due_soon_days=due_soon_days,
                           slow=slow.many if slow is not None else _direct)
    by_code = {r.code: r for r in rows}
    children = [_rolled(tree, child, [by_code[s.code] for s in tree.schools_under(child)])
                for child in tree.child_units(node)]
    # The unit from its child units and its own schools (a city's schools straight under it): the
    # same sums as from every school, over a dozen rows instead of 2,000.
    direct = [by_code[s.code] for s in tree.children.get(node.id, []) if s.kind == "school"]
    return League(_rolled(tree, node, children + direct) if node.kind != "school" else rows[0], children, rows)


def schools_figures(db: Session, codes: list[str] | None, now: datetime, tz: ZoneInfo, *, review_days: int = 365,
                    rules: scoring.Rules | None = None, term_starts=inspection_schedule.DEFAULT_TERM_STARTS,
                    reporting: REPORTING | None = None, due_soon_days: float = 3, tree: Tree | None = None,
                    slow: SlowFigures | None = None) -> list[Figures]:
    """The figures of the schools named (None: every school), in code order: the same figures as a
    unit's league, for schools that make no unit (a person's schools listed one by one)."""
    tree = tree or load_tree(db)
    wanted = None if codes is None else set(codes)
    schools = sorted((n for n in tree.by_id.values() if n.kind == "school" and (wanted is None or n.code in wanted)),
                     key=lambda n: n.code)
    return _school_figures(db, tree, schools, now, tz, review_days=review_days, rules=rules or scoring.Rules.load(),
                           term_starts=term_starts, reporting=reporting, due_soon_days=due_soon_days,
                           slow=slow.many if slow is not None else _direct)


def unit_figures(db: Session, unit_code: str, now: datetime, tz: ZoneInfo, **options) -> UnitFigures | None:
    """The unit's figures rolled up from all its schools (a school: its own). Options as `league`."""
    found = league(db, unit_code, now, tz, **options)
    return found.unit if found else None


def school_rows(db: Session, unit_code: str, now: datetime, tz: ZoneInfo, **options) -> list[SchoolFigures]:
    """The figures of every school under the unit, in code order. Options as `league`."""
    found = league(db, unit_code, now, tz, **options)
    return found.schools if found else []


def _rolled(tree: Tree, node: Node, rows: list[Figures]) -> Figures:
    parent = tree.parent(node)
    return Figures.rolled(rows, node.code, node.kind, node.name_zh, node.name_en, parent.code if parent else None)


def _seconds_between(db: Session, start, end):
    """end - start in seconds, in SQL: 16,000 alerts' delays come back as numbers, not as 32,000
    datetimes to convert (a third of a province's read in Python)."""
    if db.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _ack_delays(db: Session, sql, ids_sql, since: datetime) -> dict[int, tuple[float, ...]]:
    """Each school's delays from raised to acknowledged (seconds to 0.01, sorted), over the alerts raised
    since `since`: one row per school with its delays joined into one text (group_concat, string_agg),
    split in C, instead of a row per alert (a province: 16,000 rows, a quarter of its reads' time)."""
    seconds = _seconds_between(db, Alert.raised_at, Alert.acknowledged_at)
    if db.get_bind().dialect.name == "postgresql":
        shown = func.greatest(func.round(cast(seconds, Numeric), 2), 0)
        joined = func.string_agg(cast(shown, Text), ",")
    else:  # julianday's difference is off by up to ±10 µs: rounded, never below zero
        joined = func.group_concat(func.max(func.round(seconds, 2), 0.0), ",")
    rows = sql.execute(select(Alert.school_id, joined)
                       .where(Alert.school_id.in_(ids_sql), Alert.acknowledged_at.is_not(None),
                              Alert.raised_at >= since)
                       .group_by(Alert.school_id)).all()
    return {school_id: tuple(sorted(map(float, text.split(",")))) for school_id, text in rows if text}


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _school_figures(db: Session, tree: Tree, schools: list[Node], now: datetime, tz: ZoneInfo, *,
                    review_days: int, rules: scoring.Rules, term_starts, reporting: REPORTING | None,
                    due_soon_days: float, slow, in_unit=None) -> list[Figures]:
    if not schools:
        return []
    ids = [s.id for s in schools]
    ids_sql = ids if in_unit is None else in_unit
    # Core statements on the session's connection: plain rows, without the ORM's per-row loading
    # (a province's reads return ~30,000 rows; the ORM's path costs a quarter more).
    sql = db.connection()
    values: dict[int, dict] = {i: {} for i in ids}

    is_open = Hazard.stage != hazard_loop.CLOSED
    late = and_(is_open, Hazard.deadline < now)
    major = and_(is_open, Hazard.grade == "major")
    recent = Hazard.found_at >= now - RATE_WINDOW
    soon = and_(is_open, Hazard.deadline >= now, Hazard.deadline <= now + timedelta(days=due_soon_days))
    for row in sql.execute(
            select(Hazard.school_id, _count(is_open), _count(late), _count(major), _count(and_(major, late)),
                   _count(soon), _count(and_(is_open, Hazard.listed_supervision.is_(True))), _count(recent),
                   _count(and_(recent, Hazard.stage == hazard_loop.CLOSED)))
            # Every count needs the hazard open or found in the rate's year: the school's closed history
            # before that (most of its rows after a few years) is never read.
            .where(Hazard.school_id.in_(ids_sql), is_open | recent).group_by(Hazard.school_id)).all():
        values.setdefault(row[0], {}).update(zip(_HAZARD_KEYS, map(int, row[1:])))

    today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    open_alert = Alert.state.in_(alert_flow.OPEN_STATES)
    # Open alerts and today's apart, each through its index ((school, state), (school, raised)): a school's
    # years of resolved alerts are never read. One row per school, the severities counted in SQL.
    for name, total, condition in (("open_by_severity", "alerts_open", open_alert),
                                   ("today_by_severity", "alerts_today", Alert.raised_at >= today)):
        for school_id, n, *by_severity in sql.execute(
                select(Alert.school_id, func.count(), *(_count(Alert.severity == s) for s in SEVERITIES))
                .where(Alert.school_id.in_(ids_sql), condition).group_by(Alert.school_id)).all():
            v = values.setdefault(school_id, {})
            v[total] = int(n)
            v[name] = {s: int(k) for s, k in zip(SEVERITIES, by_severity) if k}
    delays = _ack_delays(db, sql, ids_sql, now - ACK_WINDOW)

    review_cut = now.astimezone(tz).date() - timedelta(days=review_days)
    for school_id, n_late, *by_colour in sql.execute(
            select(RiskPoint.school_id, _count(RiskPoint.last_reviewed_on < review_cut),
                   *(_count(RiskPoint.colour == c) for c in COLOURS))
            .where(RiskPoint.school_id.in_(ids_sql), RiskPoint.retired_on.is_(None))
            .group_by(RiskPoint.school_id)).all():
        v = values.setdefault(school_id, {})
        v["reviews_overdue"] = int(n_late)
        v["risk_by_colour"] = {c: int(k) for c, k in zip(COLOURS, by_colour) if k}

    start, end = inspections.month_of(now, tz)
    by_code = {s.code: s for s in schools}
    day = now.astimezone(tz).date()

    def month_of(codes: list[str]) -> dict:
        return inspections.missed_and_late(db, school_ids=[by_code[c].id for c in codes], start=start, end=end,
                                           now=now, tz=tz, term_starts=term_starts).by_school

    def scores_of(codes: list[str]) -> dict:
        found = lead_assessment.school_scores(db, schools=[by_code[c] for c in codes], review_days=review_days,
                                              period=lead_assessment.period_of(now.year, now), rules=rules)
        return {c: found[c]["score"] for c in codes}

    codes = [s.code for s in schools]
    month = slow("inspections_month", day, codes, month_of)
    scores = slow("score", day, codes, scores_of)
    out = []
    for school in schools:
        v = values[school.id]
        counts = month.get(school.code) or {}
        score = scores.get(school.code)
        # Given: a school the mapping leaves out had nothing due (rate '—'); not given: unknown.
        on_time, due = (None, None) if reporting is None else reporting.get(school.code, (0, 0))
        parent = tree.parent(school)
        sql_figures = {**_SQL_ZERO, **v}
        for name in _DICTS:  # each school its own dicts, never one shared default
            sql_figures.setdefault(name, {})
        out.append(Figures(
            school.code, "school", school.name_zh, school.name_en, parent.code if parent else None, schools=1,
            ack_delays=delays.get(school.id, ()),
            month_owed=int(counts.get("owed", 0)), month_done=int(counts.get("done", 0)),
            month_late=int(counts.get("late", 0)), month_missed=int(counts.get("missed", 0)),
            score_sum=float(score) if score is not None else 0.0, scored=int(score is not None),
            score_min=score, below_pass=int(score is not None and score < PASS_MARK),
            reports_on_time=on_time, reports_due=due,
            **sql_figures))
    return out


_HAZARD_KEYS = ("hazards_open", "hazards_overdue", "major_open", "major_overdue", "due_soon", "listed_supervision",
                "found_365d", "closed_365d")
# A school without rows: zeros.
_SQL_ZERO = dict.fromkeys((*_HAZARD_KEYS, "reviews_overdue", "alerts_open", "alerts_today"), 0)
