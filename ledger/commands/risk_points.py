"""Risk points: graded from their factors and stored; a level is never entered by hand.

The reads (the register, the four-colour map's colours, the review rule) are in
queries/ledger/risk_points.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.contract import SCHOOL_ID
from ledger import grading, org_scope
from ledger.commands.audit import Actor, changed, record
from ledger.control_chars import clean_free_text, describe, first_control
from ledger.errors import LedgerError, NotFound, Words, words
from ledger.models import Building, HazardSource, OrgUnit, RiskPoint, Zone
from ledger.models.risk import CATEGORIES


def apply_grade(point: RiskPoint, rules: grading.GradingRules) -> None:
    """(Re)compute score, level and colour from the factors; GradingError if they are invalid."""
    result = grading.grade(point.method, likelihood=point.l_value, exposure=point.e_value,
                           consequence=point.c_value, severity=point.s_value, rules=rules)
    point.score, point.level, point.colour = result.score, result.level, result.colour


def save_risk_point(session: Session, point: RiskPoint, *, hazard_sources: list[str] | None = None,
                    rules: grading.GradingRules) -> RiskPoint:
    """Grade and store a risk point (new or changed); its level is never entered by hand."""
    if point.control_level not in ("school", "unit", "section", "post"):
        raise LedgerError(f"control level must be school, unit, section or post, not {point.control_level!r}",
                          zh=f"管控层级应为学校、单位、科室或岗位，而不是 {point.control_level!r}")
    apply_grade(point, rules)
    if hazard_sources is not None:
        point.hazard_sources = [HazardSource(name=name) for name in hazard_sources if name.strip()]
    session.add(point)
    session.flush()
    return point


# --- administration (issue 14): create, edit, retire within the admin's scope, every change audited ---

MAX_NAME = 200
MAX_MEASURES = 4000


@dataclass(frozen=True)
class RiskPointForm:
    """What an administrator enters for a risk point; the level and colour are computed, never
    entered. Codes name the school's unit, building and zone."""

    code: str
    name: str
    method: str
    l_value: float | None
    e_value: float | None = None
    c_value: float | None = None
    s_value: float | None = None
    control_level: str = "unit"
    control_measures: str = ""
    unit: str | None = None
    responsible_person: str | None = None
    building: str | None = None
    zone: str | None = None
    category: str | None = None
    last_reviewed_on: date | None = None


def one_line(text: str | None, what: str | Words, *, limit: int, required: bool) -> str | None:
    what = words(what)
    value = (text or "").strip()
    if not value:
        if required:
            raise LedgerError(f"{what.en} is required", zh=f"请填写{what.zh}")
        return None
    if len(value) > limit:
        raise LedgerError(f"{what.en} has at most {limit} characters", zh=f"{what.zh}至多 {limit} 个字")
    control = first_control(value)
    if control is not None:
        raise LedgerError(f"{what.en} holds an invisible character ({describe(control[1])}) at {control[0] + 1}",
                          zh=f"{what.zh}的第 {control[0] + 1} 个字是不可见字符 {describe(control[1])}，请删去")
    return value


def school_in_scope(db: Session, school: str, scope: str | None) -> OrgUnit:
    """The school by its code, if the admin's unit is the school or above it; OutOfScope if not."""
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == school, OrgUnit.kind == "school"))
    if found is None:
        raise NotFound(f"no school {school!r}", zh=f"没有学校 {school!r}")
    org_scope.require_within(db, found, None if scope is None else _unit(db, scope), what=found.name_zh)
    return found


def _unit(db: Session, code: str) -> OrgUnit:
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == code))
    if found is None:
        raise NotFound(f"no organisation unit {code!r}", zh=f"没有机构 {code!r}")
    return found


def place_in_school(db: Session, school: OrgUnit, building: str | None,
                    zone: str | None) -> tuple[Building | None, Zone | None]:
    """The school's building and zone by their codes; a zone needs its building."""
    if not building:
        if zone:
            raise LedgerError("a zone needs its building", zh="填了区域须同时选楼宇")
        return None, None
    found = db.scalar(select(Building).where(Building.school_id == school.id, Building.code == building))
    if found is None:
        raise LedgerError(f"{school.name_zh} has no building {building!r}", zh=f"{school.name_zh}没有楼宇 {building!r}")
    if not zone:
        return found, None
    in_building = db.scalar(select(Zone).where(Zone.building_id == found.id, Zone.code == zone))
    if in_building is None:
        raise LedgerError(f"{found.name_zh} has no zone {zone!r}", zh=f"{found.name_zh}没有区域 {zone!r}")
    return found, in_building


def _responsible_unit(db: Session, school: OrgUnit, code: str | None) -> OrgUnit | None:
    if not code:
        return None
    found = db.scalar(select(OrgUnit).where(OrgUnit.code == code, OrgUnit.kind == "unit"))
    if found is None or org_scope.school_of(db, found) is None or org_scope.school_of(db, found).id != school.id:
        raise LedgerError(f"{school.name_zh} has no unit {code!r}", zh=f"{school.name_zh}没有单位 {code!r}")
    return found


def snapshot(db: Session, point: RiskPoint) -> dict:
    """What the audit log keeps of a risk point."""
    unit = db.get(OrgUnit, point.unit_id) if point.unit_id else None
    building = db.get(Building, point.building_id) if point.building_id else None
    zone = db.get(Zone, point.zone_id) if point.zone_id else None
    return {"code": point.code, "name": point.name, "method": point.method, "l": point.l_value,
            "e": point.e_value, "c": point.c_value, "s": point.s_value, "score": point.score,
            "level": point.level, "colour": point.colour, "control_level": point.control_level,
            "control_measures": point.control_measures, "unit": unit.code if unit else None,
            "responsible_person": point.responsible_person, "building": building.code if building else None,
            "zone": zone.code if zone else None, "category": point.category,
            "last_reviewed_on": point.last_reviewed_on.isoformat() if point.last_reviewed_on else None,
            "retired_on": point.retired_on.isoformat() if point.retired_on else None}


def _fill(db: Session, school: OrgUnit, point: RiskPoint, form: RiskPointForm, today: date) -> None:
    point.name = one_line(form.name, Words("the name", "名称"), limit=MAX_NAME, required=True)
    if form.method not in ("LEC", "LS"):
        raise LedgerError("the grading method is LEC or LS", zh="评价方法应为 LEC 或 LS")
    point.method = form.method
    point.l_value = form.l_value
    point.e_value, point.c_value = (form.e_value, form.c_value) if form.method == "LEC" else (None, None)
    point.s_value = form.s_value if form.method == "LS" else None
    point.control_level = form.control_level
    measures = clean_free_text(form.control_measures or "").strip()
    if len(measures) > MAX_MEASURES:
        raise LedgerError(f"the control measures have at most {MAX_MEASURES} characters",
                          zh=f"管控措施至多 {MAX_MEASURES} 个字")
    point.control_measures = measures
    point.responsible_person = one_line(form.responsible_person, Words("the responsible person", "责任人"), limit=64,
                                        required=False)
    if form.category is not None and form.category not in CATEGORIES:
        raise LedgerError(f"the category is one of {', '.join(CATEGORIES)}", zh=f"类别应为{'、'.join(CATEGORIES)}之一")
    point.category = form.category
    unit = _responsible_unit(db, school, form.unit)
    point.unit_id = unit.id if unit else None
    building, zone = place_in_school(db, school, form.building, form.zone)
    point.building_id = building.id if building else None
    point.zone_id = zone.id if zone else None
    reviewed = form.last_reviewed_on or today
    if reviewed > today:
        raise LedgerError("the review date is not in the future", zh="复核日期不能晚于今天")
    point.last_reviewed_on = reviewed


def create_point(db: Session, *, actor: Actor, scope: str | None, school: str, form: RiskPointForm,
                 rules: grading.GradingRules, now: datetime) -> RiskPoint:
    """A new risk point of a school the admin manages, graded from its factors and audited."""
    found = school_in_scope(db, school, scope)
    code = (form.code or "").strip()
    if not SCHOOL_ID.fullmatch(code):
        raise LedgerError("a code is 1 to 64 of A-Z a-z 0-9 _ . -, starting with a letter or digit",
                          zh="编号为 1 至 64 个 A-Z a-z 0-9 _ . - 字符，以字母或数字开头")
    if db.scalar(select(RiskPoint.id).where(RiskPoint.school_id == found.id, RiskPoint.code == code)):
        raise LedgerError(f"{found.name_zh} already has a risk point {code!r}",
                          zh=f"{found.name_zh}已有风险点 {code!r}")
    point = RiskPoint(school_id=found.id, code=code, identified_on=now.date())
    _fill(db, found, point, form, now.date())
    _grade_or_refuse(point, rules)
    save_risk_point(db, point, rules=rules)
    record(db, actor=actor, action="risk_point.create", target=f"risk_point:{found.code}/{code}", now=now,
           school=found.code, after=snapshot(db, point))
    return point


def _grade_or_refuse(point: RiskPoint, rules: grading.GradingRules) -> None:
    try:
        apply_grade(point, rules)
    except grading.GradingError as exc:
        raise LedgerError(str(exc), zh=exc.zh) from exc


def find_point(db: Session, school: OrgUnit, code: str) -> RiskPoint:
    point = db.scalar(select(RiskPoint).where(RiskPoint.school_id == school.id, RiskPoint.code == code))
    if point is None:
        raise NotFound(f"{school.name_zh} has no risk point {code!r}", zh=f"{school.name_zh}没有风险点 {code!r}")
    return point


def update_point(db: Session, *, actor: Actor, scope: str | None, school: str, form: RiskPointForm,
                 rules: grading.GradingRules, now: datetime) -> RiskPoint:
    """New values for a risk point (the code stays), regraded; only what changed is audited."""
    found = school_in_scope(db, school, scope)
    point = find_point(db, found, (form.code or "").strip())
    if point.retired_on is not None:
        raise LedgerError(f"the risk point {point.code!r} is retired", zh=f"风险点 {point.code!r} 已停用")
    before = snapshot(db, point)
    _fill(db, found, point, form, now.date())
    _grade_or_refuse(point, rules)
    save_risk_point(db, point, rules=rules)
    old, new = changed(before, snapshot(db, point))
    if new:
        record(db, actor=actor, action="risk_point.update", target=f"risk_point:{found.code}/{point.code}",
               now=now, school=found.code, before=old, after=new)
    return point


def retire_point(db: Session, *, actor: Actor, scope: str | None, school: str, code: str,
                 now: datetime) -> RiskPoint:
    """Take a risk point off the register and the map from today; its history stays."""
    found = school_in_scope(db, school, scope)
    point = find_point(db, found, code)
    if point.retired_on is not None:
        raise LedgerError(f"the risk point {point.code!r} is already retired", zh=f"风险点 {point.code!r} 已经停用")
    point.retired_on = now.date()
    db.flush()
    record(db, actor=actor, action="risk_point.retire", target=f"risk_point:{found.code}/{point.code}", now=now,
           school=found.code, before={"retired_on": None}, after={"retired_on": point.retired_on.isoformat()})
    return point
