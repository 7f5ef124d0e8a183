"""The leadership overview (/lead): what is dangerous where, what is overdue, what rang today.

Every figure is counted in SQL (GROUP BY, conditional sums, a window count) and every list is
bounded, whatever the school's size:

- `building_figures`: per building its open hazards, how many are overdue, open major ones and
  open alerts (one GROUP BY each for hazards and alerts); the school's hazard totals are the sum
  over the buildings plus the hazards placed in no building.
- `alerts_today`: the alerts raised since the school's local midnight, per domain and severity.
- `hazard_backlog`: the open hazards, most dangerous first — major before ordinary, overdue
  before not, the oldest deadline first, those without a deadline last — and how many there are.
- `building_drill`: one building's risk points (red first), open hazards (as the backlog) and the
  alerts raised or repeated there in the last days.

An alert is in the building its event named, else in its registered device's (placed when read, as
on the wall: queries/ledger/register.py `place`).

Overdue and due soon mean what they mean on the wall and in the ledger (ledger.hazard_loop): an
open hazard past its deadline; an open hazard due within `due_soon_days`. "Open" is every stage
but accepted (销号); an alert is open until resolved.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from ledger import hazard_loop
from ledger.models import Alert, Building, Hazard, OrgUnit, RiskPoint, Zone
from queries.ledger import register

RESOLVED = "resolved"
COLOUR_RANK = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}
RECENT_ALERT_DAYS = 7  # the drill panel's "recent alerts"
MAX_CODE = 64  # the longest building code (ledger.models.Building.code) worth sending to SQL


@dataclass(frozen=True)
class BuildingFigures:
    """One building's open hazards and alerts. `code` None: hazards placed in no building."""

    code: str | None
    hazards_open: int = 0
    hazards_overdue: int = 0
    hazards_major: int = 0
    hazards_due_soon: int = 0
    alerts_open: int = 0


def _open():
    return Hazard.stage != hazard_loop.CLOSED


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def building_figures(session: Session, *, school_id: int, now: datetime,
                     due_soon_days: float) -> dict[str | None, BuildingFigures]:
    """Per building code (None: hazards in no building) its open, overdue, open major and due-soon
    hazards and its open alerts; only buildings with an open hazard or alert are present."""
    soon = now + timedelta(days=due_soon_days)
    hazard_rows = session.execute(
        select(Building.code, func.count(),
               _count(Hazard.deadline < now),
               _count(Hazard.grade == "major"),
               _count(and_(Hazard.deadline >= now, Hazard.deadline <= soon)))
        .select_from(Hazard).outerjoin(Building, Building.id == Hazard.building_id)
        .where(Hazard.school_id == school_id, _open())
        .group_by(Building.code))
    found: dict[str | None, dict] = {}
    for code, n, overdue, major, due_soon in hazard_rows:
        found[code] = {"hazards_open": int(n), "hazards_overdue": int(overdue), "hazards_major": int(major),
                       "hazards_due_soon": int(due_soon)}
    # Alerts name their building by code (the event's, which may be one the plan does not know),
    # or are placed by their registered device (queries/ledger/register.py).
    placed = (select(register.alert_building().label("code"))
              .where(Alert.school_id == school_id, Alert.state != RESOLVED).subquery())
    alert_rows = session.execute(
        select(placed.c.code, func.count()).where(placed.c.code.is_not(None)).group_by(placed.c.code))
    for code, n in alert_rows:
        found.setdefault(code, {})["alerts_open"] = int(n)
    return {code: BuildingFigures(code, **values) for code, values in found.items()}


def hazard_totals(buildings: dict[str | None, BuildingFigures]) -> dict[str, int]:
    """The school's open, overdue, open major and due-soon hazards: the per-building figures summed
    (those in no building included). Pure."""
    keys = ("hazards_open", "hazards_overdue", "hazards_major", "hazards_due_soon")
    return {key.removeprefix("hazards_"): sum(getattr(b, key) for b in buildings.values()) for key in keys}


def alerts_today(session: Session, *, school_id: int, since: datetime) -> dict[str, dict[str, int]]:
    """Alerts raised at or after `since` (the school's local midnight): domain -> severity -> n."""
    out: dict[str, dict[str, int]] = {}
    for domain, severity, n in session.execute(
            select(Alert.domain, Alert.severity, func.count())
            .where(Alert.school_id == school_id, Alert.raised_at >= since)
            .group_by(Alert.domain, Alert.severity)):
        out.setdefault(domain, {})[severity] = int(n)
    return out


@dataclass(frozen=True)
class BacklogRow:
    """An open hazard as the backlog and the drill panel list it."""

    code: str
    title: str
    grade: str
    stage: str
    building: str | None
    building_zh: str | None
    building_en: str | None
    zone_zh: str | None
    deadline: datetime | None
    unit_zh: str | None
    unit_en: str | None
    person: str | None
    listed_supervision: bool

    @property
    def major(self) -> bool:
        return self.grade == "major"

    def overdue(self, now: datetime) -> bool:
        return hazard_loop.deadline_status(self.stage, self.deadline, now, due_soon_days=0).overdue


def _backlog_select(now: datetime):
    unit = aliased(OrgUnit)
    return (
        select(Hazard.code, Hazard.title, Hazard.grade, Hazard.stage, Building.code, Building.name_zh,
               Building.name_en, Zone.name_zh, Hazard.deadline, unit.name_zh, unit.name_en,
               Hazard.responsible_person, Hazard.listed_supervision, func.count().over())
        .outerjoin(Building, Building.id == Hazard.building_id)
        .outerjoin(Zone, Zone.id == Hazard.zone_id)
        .outerjoin(unit, unit.id == Hazard.responsible_unit_id)
        .where(_open())
        # Most dangerous first: major, then overdue, then the oldest deadline (none last).
        .order_by(case((Hazard.grade == "major", 0), else_=1),
                  case((Hazard.deadline < now, 0), else_=1),
                  Hazard.deadline.is_(None), Hazard.deadline, Hazard.found_at, Hazard.code)
    )


def _rows(session: Session, query) -> tuple[list[BacklogRow], int]:
    rows, total = [], 0
    for record in session.execute(query):
        *fields, total = record  # the same window count on every row
        rows.append(BacklogRow(*fields))
    return rows, int(total)


def hazard_backlog(session: Session, *, school_id: int, now: datetime, limit: int) -> tuple[list[BacklogRow], int]:
    """The school's open hazards, most dangerous first, at most `limit`, and how many are open."""
    return _rows(session, _backlog_select(now).where(Hazard.school_id == school_id).limit(max(1, limit)))


@dataclass(frozen=True)
class RiskPointRow:
    code: str
    name: str
    colour: str
    level: str
    zone_zh: str | None
    unit_zh: str | None
    unit_en: str | None
    person: str | None


@dataclass(frozen=True)
class AlertRow:
    code: str
    type: str
    domain: str
    severity: str
    state: str
    zone: str | None
    raised_at: datetime
    last_raised_at: datetime
    count: int


@dataclass(frozen=True)
class BuildingDrill:
    """What tapping a building shows. Each list is bounded; the totals say how many there are."""

    code: str
    name_zh: str
    name_en: str | None
    unit_zh: str | None
    unit_en: str | None
    risk_points: list[RiskPointRow]
    risk_total: int
    colours: dict[str, int]
    hazards: list[BacklogRow]
    hazards_total: int
    alerts: list[AlertRow]
    alerts_total: int
    alerts_since: datetime


def building_drill(session: Session, *, school_id: int, code: object, now: datetime, limit: int,
                   alert_limit: int | None = None) -> BuildingDrill | None:
    """A building of the school by code: its risk points (red first, then by score) and its open
    hazards (most dangerous first), each at most `limit`, and the alerts raised or repeated there in
    the last RECENT_ALERT_DAYS days (newest first), at most `alert_limit` (default `limit`); None
    for no such building."""
    if not isinstance(code, str) or not code or len(code) > MAX_CODE:
        return None
    unit = aliased(OrgUnit)
    found = session.execute(
        select(Building.id, Building.code, Building.name_zh, Building.name_en, unit.name_zh, unit.name_en)
        .outerjoin(unit, unit.id == Building.unit_id)
        .where(Building.school_id == school_id, Building.code == code)).first()
    if found is None:
        return None
    building_id = found[0]
    limit = max(1, limit)

    point_unit = aliased(OrgUnit)
    rank = case(*((RiskPoint.colour == c, r) for c, r in COLOUR_RANK.items()), else_=len(COLOUR_RANK))
    points = session.execute(
        select(RiskPoint.code, RiskPoint.name, RiskPoint.colour, RiskPoint.level, Zone.name_zh,
               point_unit.name_zh, point_unit.name_en, RiskPoint.responsible_person)
        .outerjoin(Zone, Zone.id == RiskPoint.zone_id)
        .outerjoin(point_unit, point_unit.id == RiskPoint.unit_id)
        .where(RiskPoint.school_id == school_id, RiskPoint.building_id == building_id,
               RiskPoint.retired_on.is_(None))
        .order_by(rank, RiskPoint.score.desc(), RiskPoint.code).limit(limit))
    colours = dict.fromkeys(COLOUR_RANK, 0)
    for colour, n in session.execute(
            select(RiskPoint.colour, func.count())
            .where(RiskPoint.school_id == school_id, RiskPoint.building_id == building_id,
               RiskPoint.retired_on.is_(None))
            .group_by(RiskPoint.colour)):
        colours[colour] = int(n)

    hazards, hazards_total = _rows(session, _backlog_select(now).where(
        Hazard.school_id == school_id, Hazard.building_id == building_id).limit(limit))

    since = now - timedelta(days=RECENT_ALERT_DAYS)
    alerts, alerts_total = [], 0
    for *fields, total in session.execute(
            select(Alert.code, Alert.type, Alert.domain, Alert.severity, Alert.state, register.alert_zone(),
                   Alert.raised_at, Alert.last_raised_at, Alert.count, func.count().over())
            .where(Alert.school_id == school_id, register.alert_in_building(school_id, code),
                   Alert.last_raised_at >= since)
            .order_by(Alert.last_raised_at.desc(), Alert.id.desc()).limit(max(1, alert_limit or limit))):
        alerts.append(AlertRow(*fields))
        alerts_total = int(total)

    return BuildingDrill(
        code=found[1], name_zh=found[2], name_en=found[3], unit_zh=found[4], unit_en=found[5],
        risk_points=[RiskPointRow(*p) for p in points], risk_total=sum(colours.values()), colours=colours,
        hazards=hazards, hazards_total=hazards_total, alerts=alerts, alerts_total=alerts_total,
        alerts_since=since)
