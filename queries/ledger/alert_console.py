"""What the duty console reads: the open alerts in handling order, their filters, an alert's history.

Open alerts are read through the (state, raised_at) index and a limit; the escalation levels and
history of the alerts shown through their alert_id indexes, never whole tables.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger import alert_flow
from ledger.escalation import Deadlines
from ledger.models import Alert, AlertEscalation, AlertOccurrence, AlertTransition, Building, OrgUnit, Zone
from queries.ledger import register
from queries.ledger.alerts import SEVERITY_ORDER

HISTORY_KINDS = ("raised", "repeat", "escalate", "acknowledge", "dispatch", "resolve")


@dataclass(frozen=True)
class ConsoleAlert:
    id: int
    school: str
    code: str
    type: str
    domain: str
    severity: str
    building: str | None
    zone: str | None
    device: str | None
    raised_at: datetime
    last_raised_at: datetime
    count: int
    state: str
    escalated: bool  # still unacknowledged past its deadline
    escalation_level: int  # the highest level reached (recorded, or due by the clock), 0: none
    due_at: datetime | None  # when it had to be acknowledged by
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    dispatched_to: str | None
    # What a person reads (the codes above stay for URLs, filters and the API): the ledger's names.
    school_name_zh: str | None = None
    school_name_en: str | None = None
    building_name_zh: str | None = None
    building_name_en: str | None = None
    zone_name_zh: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # one of HISTORY_KINDS
    by: str | None = None
    note: str = ""
    assignee: str | None = None
    outcome: str | None = None
    level: int | None = None  # escalate: the level reached
    event_id: str | None = None  # raised / repeat: the alarm's event id

    def as_dict(self) -> dict:
        return asdict(self)


def _placed(query):
    """The alert's building and zone as the wall and the leadership pages place it: the ones it names,
    else its registered device's (queries/ledger/register.py), so an alarm from a detector that sends
    no building still tells the duty officer where to go."""
    return query.add_columns(register.alert_building().label("building"), register.alert_zone().label("zone"))


def _open_alerts(schools: list[str] | None, domain: str | None, building: str | None, type: str | None):
    query = _placed(select(Alert, OrgUnit.code).join(OrgUnit, OrgUnit.id == Alert.school_id)
                    .where(Alert.state.in_(alert_flow.OPEN_STATES)))
    if schools is not None:
        query = query.where(OrgUnit.code.in_(schools))
    if domain:
        query = query.where(Alert.domain == domain)
    if building:
        query = query.where(register.alert_building() == building)
    if type:
        query = query.where(Alert.type == type)
    return query


def console_alerts(session: Session, *, schools: list[str] | None, now: datetime, deadlines: Deadlines,
                   domain: str | None = None, building: str | None = None, type: str | None = None,
                   limit: int = 200) -> list[ConsoleAlert]:
    """Open alerts: unacknowledged first, then by severity (critical first), then oldest first."""
    severity_rank = case({s: i for i, s in enumerate(SEVERITY_ORDER)}, value=Alert.severity,
                         else_=len(SEVERITY_ORDER))
    rows = session.execute(_open_alerts(schools, domain, building, type).order_by(
        case((Alert.state == "new", 0), else_=1), severity_rank, Alert.raised_at, Alert.id)
        .limit(limit)).all()
    ids = [row.Alert.id for row in rows]
    recorded = dict(session.execute(
        select(AlertEscalation.alert_id, func.max(AlertEscalation.level))
        .where(AlertEscalation.alert_id.in_(ids)).group_by(AlertEscalation.alert_id)).all()) if ids else {}
    now_ms = int(now.timestamp() * 1000)
    names = _names(session, rows)
    return [_named(console_row(alert, school, recorded.get(alert.id, 0), now_ms, deadlines, (building, zone)),
                   alert.school_id, names) for alert, school, building, zone in rows]


def _names(session: Session, rows) -> tuple[dict, dict, dict]:
    """The names of the alerts' schools, buildings and zones (rows of Alert, school, building, zone as
    placed): three queries, whatever the count."""
    school_ids = {row.Alert.school_id for row in rows}
    codes = {row.building for row in rows if row.building}
    if not school_ids:
        return {}, {}, {}
    schools = {row.id: (row.name_zh, row.name_en) for row in session.execute(
        select(OrgUnit.id, OrgUnit.name_zh, OrgUnit.name_en).where(OrgUnit.id.in_(school_ids)))}
    buildings = {(row.school_id, row.code): (row.id, row.name_zh, row.name_en) for row in session.execute(
        select(Building.id, Building.school_id, Building.code, Building.name_zh, Building.name_en)
        .where(Building.school_id.in_(school_ids), Building.code.in_(codes)))} if codes else {}
    zone_codes = {row.zone for row in rows if row.zone}
    zones = {(row.building_id, row.code): row.name_zh for row in session.execute(
        select(Zone.building_id, Zone.code, Zone.name_zh).where(
            Zone.building_id.in_([b[0] for b in buildings.values()]), Zone.code.in_(zone_codes)))} \
        if buildings and zone_codes else {}
    return schools, buildings, zones


def _named(row: ConsoleAlert, school_id: int, names: tuple[dict, dict, dict]) -> ConsoleAlert:
    schools, buildings, zones = names
    school_zh, school_en = schools.get(school_id, (None, None))
    building_id, building_zh, building_en = buildings.get((school_id, row.building), (None, None, None))
    return replace(row, school_name_zh=school_zh, school_name_en=school_en, building_name_zh=building_zh,
                   building_name_en=building_en, zone_name_zh=zones.get((building_id, row.zone)))


def console_row(alert: Alert, school: str, recorded_level: int, now_ms: int, deadlines: Deadlines,
                placed: tuple[str | None, str | None] | None = None) -> ConsoleAlert:
    """`placed`: the alert's (building, zone) as placed by its device (`_placed`); None: as it names."""
    raised_ms = int(alert.raised_at.timestamp() * 1000)
    new = alert.state == "new"
    # The clock's level too: the console marks an alert the moment its deadline passes, not
    # at the next sweep; the recorded level stays after the acknowledgement.
    level = max(recorded_level, len(deadlines.due_levels(alert.severity, raised_ms, now_ms)) if new else 0)
    due = deadlines.due_ms(alert.severity, raised_ms)
    return ConsoleAlert(
        id=alert.id, school=school, code=alert.code, type=alert.type, domain=alert.domain,
        severity=alert.severity, building=placed[0] if placed else alert.building_code,
        zone=placed[1] if placed else alert.zone_code, device=alert.device,
        raised_at=alert.raised_at, last_raised_at=alert.last_raised_at, count=alert.count,
        state=alert.state,
        escalated=new and level > 0, escalation_level=level,
        due_at=None if due is None else datetime.fromtimestamp(due / 1000, timezone.utc),
        acknowledged_by=alert.acknowledged_by, acknowledged_at=alert.acknowledged_at,
        dispatched_to=alert.dispatched_to)


def _one(alert_id: int, schools):
    query = _placed(select(Alert, OrgUnit.code).join(OrgUnit, OrgUnit.id == Alert.school_id)
                    .where(Alert.id == alert_id))
    return query if schools is None else query.where(OrgUnit.code.in_(sorted(schools)))


def alert_state(session: Session, *, alert_id: int, schools) -> str | None:
    """The alert's state now; None when there is none (in `schools`; None: every school)."""
    found = session.execute(_one(alert_id, schools)).first()
    return None if found is None else found[0].state


def console_alert(session: Session, *, alert_id: int, schools, now: datetime,
                  deadlines: Deadlines) -> ConsoleAlert | None:
    """One alert as the console's detail panel shows it, whatever its state (resolved too)."""
    found = session.execute(_one(alert_id, schools)).first()
    if found is None:
        return None
    alert, school, building, zone = found
    recorded = session.scalar(select(func.max(AlertEscalation.level)).where(AlertEscalation.alert_id == alert.id))
    return _named(console_row(alert, school, recorded or 0, int(now.timestamp() * 1000), deadlines, (building, zone)),
                  alert.school_id, _names(session, [found]))


def console_filters(session: Session, *, schools: list[str] | None) -> dict[str, list[str]]:
    """The domains, buildings and types present among the open alerts: the console's filter
    choices. One query (the console asks twice a second), the distinct triples split here."""
    triples = session.execute(_open_alerts(schools, None, None, None)
                              .with_only_columns(Alert.domain, register.alert_building(), Alert.type)
                              .distinct()).all()
    found = {name: sorted({row[i] for row in triples if row[i]})
             for i, name in enumerate(("domains", "buildings", "types"))}
    return found


def building_names(session: Session, *, schools: list[str] | None, codes: list[str]) -> dict[str, dict]:
    """The names of buildings by code among the schools (a filter's labels): {code: {name_zh, name_en}}."""
    if not codes:
        return {}
    query = (select(Building.code, Building.name_zh, Building.name_en).join(OrgUnit, OrgUnit.id == Building.school_id)
             .where(Building.code.in_(codes)))
    if schools is not None:
        query = query.where(OrgUnit.code.in_(schools))
    return {row.code: {"name_zh": row.name_zh, "name_en": row.name_en} for row in session.execute(query)}


def alert_history(session: Session, *, alert_id: int, schools: list[str] | frozenset[str] | None = None
                  ) -> list[HistoryEntry] | None:
    """Every step of an alert, oldest first: the alarm that raised it, repeats folded in,
    escalations, acknowledge / dispatch / resolve with who, note, assignee and outcome. None when
    there is no such alert (or it is in none of `schools`)."""
    query = select(Alert.code).join(OrgUnit, OrgUnit.id == Alert.school_id).where(Alert.id == alert_id)
    if schools is not None:
        query = query.where(OrgUnit.code.in_(sorted(schools)))
    code = session.scalar(query)
    if code is None:
        return None
    entries = [HistoryEntry(at=o.at, kind="raised" if o.event_id == code else "repeat", event_id=o.event_id)
               for o in session.scalars(select(AlertOccurrence).where(AlertOccurrence.alert_id == alert_id))]
    entries += [HistoryEntry(at=e.due_at, kind="escalate", level=e.level)
                for e in session.scalars(select(AlertEscalation).where(AlertEscalation.alert_id == alert_id))]
    entries += [HistoryEntry(at=t.at, kind=t.action, by=t.by, note=t.note or "", assignee=t.assignee,
                             outcome=t.outcome)
                for t in session.scalars(select(AlertTransition).where(AlertTransition.alert_id == alert_id)
                                         .order_by(AlertTransition.id))]
    # Stable by time, then by the order of the loop (raised before its first step at the same moment).
    return sorted(entries, key=lambda e: (e.at, HISTORY_KINDS.index(e.kind)))
