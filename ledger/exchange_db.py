"""The database side of the spreadsheet exchange: lists out of the ledger, checked rows into it.

Import is all or nothing: every row is checked first (`ledger.exchange`), and one bad row means
`ImportRejected` with every error and no row written. The caller owns the transaction, so a failure
while writing rolls everything back too.

An existing code is updated in place. A hazard's stage is never changed by an import (the closed
loop is worked on screen or by events, where each step has its person and time): a row that
names another stage than the ledger's is an error. A new hazard enters the ledger in the stage
its row names, with the loop's steps up to it recorded (`next_stage`): `report` at its finding
time by its finder, the later ones at the import (or at its 销号时间 when closed), by the importer,
with a note saying they were entered from a ledger file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import exchange as ex
from ledger import exchange_files as files
from ledger.errors import LedgerError
from ledger.grading import GradingRules
from ledger.hazard_loop import ACTIONS, GRADE_ZH, SOURCE_ZH, STAGE_ZH, next_stage
from ledger.models import Building, Hazard, HazardSource, HazardTransition, OrgUnit, RiskPoint, Zone
from ledger.models.risk import CONTROL_LEVEL_ZH
from ledger.site_plans import marker

# progress(phase, done, total): "read" the file, "check" its rows, "write" them (done of total).
Progress = Callable[[str, int, int], None]
IMPORT_NOTE = "由台账文件导入补记：原台账未记录此环节的办理人和时间"
_PATH = [action for action in ACTIONS if action != "reject"]  # report, notify, rectify, feedback, accept


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    cleaned: tuple[tuple[int, str], ...] = ()  # (row, column) of free text whose controls were removed


def _cleaned(rows) -> tuple[tuple[int, str], ...]:
    return tuple((r.row, column) for r in rows for column in r.cleaned)


class UnknownSchool(LedgerError, LookupError):
    """No such school (a LookupError to the command line, a refusal in both languages to a page)."""


def _school(session: Session, code: str) -> OrgUnit:
    school = session.scalars(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind == "school")).first()
    if school is None:
        raise UnknownSchool(f"no school {code!r} in the ledger", zh=f"台账中没有学校 {code!r}")
    return school


def school_context(session: Session, school: OrgUnit, *, tz: ZoneInfo, now: datetime) -> ex.SchoolContext:
    units = {}
    for unit in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == school.id)):
        units[unit.name_zh] = units[unit.code] = unit.code
    unit_codes = {unit.id: unit.code for unit in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == school.id))}
    buildings = {}
    for b in session.scalars(select(Building).where(Building.school_id == school.id)):
        zones = {}
        for zone in b.zones:
            zones[zone.name_zh] = zones[zone.code] = zone.code
        ref = ex.BuildingRef(b.code, b.name_zh, unit_codes.get(b.unit_id), zones)
        buildings[b.name_zh] = buildings[b.code] = ref
    return ex.SchoolContext(buildings, units, tz, now)


def _names(session: Session, school: OrgUnit):
    buildings = {b.id: b for b in session.scalars(select(Building).where(Building.school_id == school.id))}
    zones = {z.id: z for b in buildings.values() for z in b.zones}
    units = {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == school.id))}
    return buildings, zones, units


def export_risk_points(session: Session, school_code: str, path: str | Path) -> int:
    school = _school(session, school_code)
    buildings, zones, units = _names(session, school)
    records = []
    points = session.scalars(select(RiskPoint).where(RiskPoint.school_id == school.id, RiskPoint.retired_on.is_(None))
                             .order_by(RiskPoint.code))
    for p in points:
        records.append({
            "风险点编号": p.code, "风险点名称": p.name, "所属单位": _name(units, p.unit_id),
            "楼宇": _name(buildings, p.building_id), "区域": _name(zones, p.zone_id), "类别": p.category,
            "危险源": "；".join(s.name for s in p.hazard_sources), "可能导致的事故类型": "、".join(p.accident_types),
            "管控措施": p.control_measures, "责任人": p.responsible_person,
            "管控层级": CONTROL_LEVEL_ZH.get(p.control_level, p.control_level), "评价方法": p.method,
            "L": ex.factor(p.l_value), "E": ex.factor(p.e_value), "C": ex.factor(p.c_value), "S": ex.factor(p.s_value),
            "风险值": ex.factor(p.score), "风险等级": ex.level_zh(p.level), "辨识日期": p.identified_on,
            "复核日期": p.last_reviewed_on,
        })
    files.write_table(path, ex.RISK_POINT_COLUMNS, records, "风险点清单")
    return len(records)


def export_hazards(session: Session, school_code: str, path: str | Path, *, tz: ZoneInfo) -> int:
    school = _school(session, school_code)
    buildings, zones, units = _names(session, school)
    records = []
    for h in session.scalars(select(Hazard).where(Hazard.school_id == school.id).order_by(Hazard.code)):
        records.append({
            "隐患编号": h.code, "隐患名称": h.title, "隐患描述": h.description,
            "隐患等级": GRADE_ZH.get(h.grade, h.grade),
            "楼宇": _name(buildings, h.building_id), "区域": _name(zones, h.zone_id), "发现人": h.found_by,
            "发现时间": ex.local_moment(h.found_at, tz), "隐患来源": SOURCE_ZH.get(h.source, h.source),
            "整改措施": h.measures, "应急措施": h.emergency_measures, "整改期限": ex.local_moment(h.deadline, tz),
            "责任单位": _name(units, h.responsible_unit_id), "责任人": h.responsible_person,
            "复查结果": h.recheck_result, "挂牌督办": ex.YES if h.listed_supervision else ex.NO,
            "督办单位": h.supervised_by, "当前环节": STAGE_ZH.get(h.stage, h.stage),
            "销号时间": ex.local_moment(h.closed_at, tz),
        })
    files.write_table(path, ex.HAZARD_COLUMNS, records, "隐患治理清单")
    return len(records)


def _name(rows: dict, key: int | None) -> str | None:
    return rows[key].name_zh if key in rows else None


def _ids(session: Session, school: OrgUnit):
    buildings = {b.code: b for b in session.scalars(select(Building).where(Building.school_id == school.id))}
    units = {u.code: u.id for u in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == school.id))}
    return buildings, units


def _zone(building: Building, code: str | None) -> Zone | None:
    return next((z for z in building.zones if z.code == code), None) if code else None


def _quiet(_phase: str, _done: int, _total: int) -> None:
    """No one is watching: the command line imports without a progress bar."""


# How often a long import says how far it got (rows written between two reports).
PROGRESS_EVERY = 200


def import_risk_points(session: Session, school_code: str, path: str | Path, *, rules: GradingRules,
                       tz: ZoneInfo, now: datetime, progress: Progress = _quiet) -> ImportResult:
    school = _school(session, school_code)
    progress("read", 0, 0)
    table = files.read_table(path)
    progress("check", 0, len(table.rows))
    ctx = school_context(session, school, tz=tz, now=now)
    rows, errors = ex.check_risk_points(table.headers, table.rows, ctx, rules)
    errors = sorted(table.errors + errors, key=lambda e: e.row)
    if errors:
        raise ex.ImportRejected(errors)
    buildings, units = _ids(session, school)
    existing = {p.code: p for p in session.scalars(select(RiskPoint).where(RiskPoint.school_id == school.id))}
    created = 0
    for index, r in enumerate(rows):
        if index % PROGRESS_EVERY == 0:
            progress("write", index, len(rows))
        building = buildings[r.building]
        zone = _zone(building, r.zone)
        point = existing.get(r.code)
        if point is None:
            point = RiskPoint(school_id=school.id, code=r.code)
            session.add(point)
            created += 1
        moved = point.building_id != building.id or point.zone_id != (zone.id if zone else None)
        point.name, point.unit_id, point.building_id = r.name, units.get(r.unit), building.id
        point.zone_id, point.category, point.accident_types = zone.id if zone else None, r.category, r.accident_types
        point.control_measures, point.responsible_person, point.control_level = r.measures, r.person, r.control_level
        point.method, point.l_value, point.e_value = r.method, r.l_value, r.e_value
        point.c_value, point.s_value, point.score = r.c_value, r.s_value, r.score
        point.level, point.colour = r.level, r.colour
        point.identified_on, point.last_reviewed_on = r.identified_on, r.last_reviewed_on
        point.retired_on = None  # a retired code listed again is the school's again: the sheet says so
        if [s.name for s in point.hazard_sources] != r.sources:
            point.hazard_sources = [HazardSource(name=name) for name in r.sources]
        if moved or point.x is None:
            polygon = (zone.polygon if zone else None) or building.polygon
            point.x, point.y = marker(polygon, created) if polygon else (None, None)
    session.flush()
    return ImportResult(created, len(rows) - created, _cleaned(rows))


def import_hazards(session: Session, school_code: str, path: str | Path, *, tz: ZoneInfo, now: datetime,
                   by: str = "台账导入", progress: Progress = _quiet) -> ImportResult:
    school = _school(session, school_code)
    progress("read", 0, 0)
    table = files.read_table(path)
    progress("check", 0, len(table.rows))
    rows, errors = ex.check_hazards(table.headers, table.rows, school_context(session, school, tz=tz, now=now))
    errors = table.errors + errors
    existing = {h.code: h for h in session.scalars(select(Hazard).where(Hazard.school_id == school.id))}
    for r in rows:
        known = existing.get(r.code)
        if known is not None and known.stage != r.stage:
            errors.append(ex.RowError(r.row, "当前环节", f"库中此隐患处于“{STAGE_ZH[known.stage]}”环节，"
                                                        "导入不改变环节，请按闭环流程办理"))
    if errors:
        raise ex.ImportRejected(sorted(errors, key=lambda e: e.row))
    buildings, units = _ids(session, school)
    created = 0
    for index, r in enumerate(rows):
        if index % PROGRESS_EVERY == 0:
            progress("write", index, len(rows))
        hazard = existing.get(r.code)
        if hazard is None:
            # Added to the session only once every column is set (below): a lazy load in between
            # (a building's zones) autoflushes, and a half-built row breaks NOT NULL.
            hazard = Hazard(school_id=school.id, code=r.code, stage=r.stage)
            _history(hazard, r, now=now, by=by)
            created += 1
        building = buildings.get(r.building) if r.building else None
        zone = _zone(building, r.zone) if building else None
        hazard.title, hazard.description, hazard.grade = r.title, r.description, r.grade
        hazard.building_id, hazard.zone_id = building.id if building else None, zone.id if zone else None
        hazard.found_by, hazard.found_at, hazard.source = r.found_by, r.found_at, r.source
        hazard.measures, hazard.emergency_measures, hazard.deadline = r.measures, r.emergency_measures, r.deadline
        hazard.responsible_unit_id, hazard.responsible_person = units.get(r.unit), r.person
        hazard.recheck_result, hazard.listed_supervision = r.recheck_result, r.listed
        hazard.supervised_by = r.supervised_by
        if r.closed_at is not None:
            hazard.closed_at = r.closed_at
        session.add(hazard)
    session.flush()
    return ImportResult(created, len(rows) - created, _cleaned(rows))


def _history(hazard: Hazard, r: ex.HazardRow, *, now: datetime, by: str) -> None:
    """The loop's steps up to the row's stage, each one allowed by `next_stage`."""
    stage = None
    last = r.closed_at or now
    for action in _PATH:
        if stage == r.stage:
            break
        new_stage = next_stage(stage, action)
        first = action == "report"
        hazard.transitions.append(HazardTransition(
            action=action, from_stage=stage, to_stage=new_stage, by=r.found_by if first else by,
            at=r.found_at if first else last, note="由台账文件导入" if first else IMPORT_NOTE))
        stage = new_stage
    if r.stage == "accepted":
        hazard.closed_at = last
