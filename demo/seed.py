"""The demo campus: the simulator's three schools loaded into the ledger, with a history.

`load_demo` builds, from a fixed seed and dates relative to `today`, the organisation tree, the
buildings and zones with their site plans, graded risk points, hazards in every stage of the closed
loop (overdue, due soon, major ones under listed supervision), the special campaigns and some
inspectors' deductions. School, building and zone ids are those of `demo.sites`, because
the simulator's events name them. It only adds rows and flushes: the caller commits.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import seed_data as data
from demo.seed_alerts import add_alert_history, add_daily_totals, add_domain_days
from demo.seed_drills import add_drills
from demo.seed_hazards import SMALL_SCHOOL_STORIES, STORIES, add_campaigns, add_deductions, add_hazards
from demo.sites import SCHOOLS, School
from ledger.grading import GradingRules, grade
from ledger.models import Building, HazardSource, OrgUnit, RiskPoint, Zone
from ledger.site_plans import SITE_PLANS, marker, zone_polygons

SEED = 20261124
SCHOOL_TZ = ZoneInfo("Asia/Shanghai")
PROVINCE = ("henan", "河南省", "Henan Province")
CITY = ("henan.xinxiang", "新乡市", "Xinxiang")
DISTRICT = ("henan.xinxiang.demo", "演示区", "Demo District")
# How many risk points each zone gets (the first templates of its kind): ~100 for the university,
# 20-30 for each smaller school.
PER_ZONE = {"demo-univ": 4, "demo-middle": 2, "demo-primary": 3}
OVERDUE_REVIEWS = 3  # risk points per school whose annual review (art. 13) is late


@dataclass
class DemoLoad:
    loaded: bool
    counts: dict[str, int] = field(default_factory=dict)


class People:
    """Distinct Chinese names drawn from one seeded generator, so each reload names the same people."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def name(self) -> str:
        while True:
            candidate = self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN)
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate


@dataclass
class SchoolRows:
    """What the hazard, campaign and deduction builders need to know of one loaded school."""

    school: School
    org: OrgUnit
    units: dict[str, OrgUnit]  # by Chinese name
    buildings: dict[str, Building]  # by building id
    risk_points: dict[tuple[str, str | None], list[RiskPoint]]  # by (building id, zone id)
    people: People
    lead: str  # the school leader in charge of safety (分管校领导)
    officer: str  # the safety office's officer who notifies and accepts (保卫处)
    unit_heads: dict[str, str]  # unit name -> head


def demo_school_ids() -> tuple[str, ...]:
    return tuple(school.id for school in SCHOOLS)


def load_demo(session: Session, *, today: date, rules: GradingRules, tz: ZoneInfo = SCHOOL_TZ,
              seed: int = SEED, scale: int = 1, copy_factor: int = 1) -> DemoLoad:
    """Add the demo campus unless one of its schools is already in the ledger (then add nothing).

    `scale` > 1 is the benchmark's demo ×scale (docs/ledger.md): each demo school with `scale`
    times its rows (risk points, hazards, deductions, alerts), and `scale` - 1 copies of each
    demo school (demo-univ-2 …) with `copy_factor` times the demo's rows, so a district sees `scale`
    times the schools."""
    found = session.scalars(select(OrgUnit.code).where(OrgUnit.code.in_(demo_school_ids()))).first()
    if found is not None:
        return DemoLoad(False)
    # The demo's "now": 09:00 of `today` at the schools, so every step of its history lies before it.
    now = datetime.combine(today, time(9, 0), tz)
    counts: dict[str, int] = {}
    province = _org(session, "province", PROVINCE, None)
    city = _org(session, "city", CITY, province)
    district = _org(session, "district", DISTRICT, city)
    loaded: list[SchoolRows] = []

    def add(name: str, n: int) -> None:
        counts[name] = counts.get(name, 0) + n

    for school, code, copy, factor in placements(scale, copy_factor):
        # One generator per school: adding a school later leaves the others' data as it was.
        rng = random.Random(f"{seed}:{code}")
        rows = _school(session, school, province if school.district_zh is None else district, rng,
                       code=code, copy=copy)
        _risk_points(session, rows, today=today, rules=rules, rng=rng, rounds=factor)
        size = len(SMALL_SCHOOL_STORIES) if school.kind != "university" else len(STORIES)
        for round_ in range(factor):
            add("hazards", add_hazards(session, rows, now=now, rng=rng, first=1 + round_ * size))
            add("deductions", add_deductions(session, rows, now=now, rng=rng))
        add("drills", add_drills(session, rows, today=today, now=now))
        for name, n in (("units", len(rows.units)), ("buildings", len(rows.buildings)),
                        ("risk_points", sum(map(len, rows.risk_points.values())))):
            add(name, n)
        # Their own generators, so the alerts leave the rest of the demo as it was before them.
        for name, n in add_alert_history(session, rows, today=today, now=now, factor=factor,
                                         rng=random.Random(f"{seed}:{code}:alerts")).items():
            add(name, n)
        add("daily_totals", add_daily_totals(session, rows, today=today, rng=random.Random(f"{seed}:{code}:days")))
        add("daily_domain_events", add_domain_days(session, rows, today=today, factor=factor,
                                                   rng=random.Random(f"{seed}:{code}:domains")))
        loaded.append(rows)
    counts.update(add_campaigns(session, loaded, today=today, now=now, rng=random.Random(f"{seed}:campaigns")))
    session.flush()
    return DemoLoad(True, counts)


def placements(scale: int = 1, copy_factor: int = 1) -> list[tuple[School, str, int, int]]:
    """(demo school, org code, copy number (0: the school itself), row factor) of each school to load."""
    if scale < 1 or copy_factor < 1:
        raise ValueError(f"scale and copy_factor must be at least 1, not {scale}, {copy_factor}")
    out = [(school, school.id, 0, scale) for school in SCHOOLS]
    out += [(school, f"{school.id}-{copy}", copy, copy_factor) for copy in range(2, scale + 1)
            for school in SCHOOLS]
    return out


def _org(session: Session, kind: str, entry: tuple[str, str, str], parent: OrgUnit | None) -> OrgUnit:
    """The province, city and district may be there already (another school of theirs): reuse them."""
    code, name_zh, name_en = entry
    found = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
    if found is not None:
        return found
    unit = OrgUnit(code=code, kind=kind, name_zh=name_zh, name_en=name_en, parent=parent)
    session.add(unit)
    return unit


def _gates(school: School) -> list[dict]:
    """The school's gates by the ids its readers report, so screens name them (本部南大门)."""
    return [{"id": g.id, "name_zh": g.name_zh, "campus": g.campus, "building": g.building}
            for g in school.gates]


def _school(session: Session, school: School, parent: OrgUnit, rng: random.Random, *, code: str,
            copy: int = 0) -> SchoolRows:
    """The school's org unit, units and buildings; a copy (the scaled demo) takes the demo school's
    places and plan under its own code and a numbered name."""
    plan = SITE_PLANS[school.id]
    name_zh, name_en = (school.name_zh, school.name_en) if not copy else \
        (f"{school.name_zh}{copy}号", f"{school.name_en} No. {copy}")
    # The demo's kinds of school are SCHOOL_TYPES words (university, middle, primary): the campaigns
    # apply by the school's type (ledger/campaign_files.py).
    org = OrgUnit(code=code, kind="school", name_zh=name_zh, name_en=name_en, school_type=school.kind,
                  parent=parent, site_plan={**plan.as_json(), "gates": _gates(school)})
    session.add(org)
    people = People(rng)
    units: dict[str, OrgUnit] = {}
    unit_heads: dict[str, str] = {}
    buildings: dict[str, Building] = {}
    for building in school.buildings:
        unit = units.get(building.unit_zh)
        if unit is None:
            unit = OrgUnit(code=f"{code}/u{len(units) + 1:02d}", kind="unit", name_zh=building.unit_zh,
                           parent=org)
            session.add(unit)
            units[building.unit_zh] = unit
            unit_heads[building.unit_zh] = people.name()
        row = Building(school=org, code=building.id, name_zh=building.name_zh, name_en=building.name_en,
                       kind=building.kind, campus=building.campus, unit=unit,
                       polygon=plan.building(building.id).polygon)
        polygons = zone_polygons(school.id, building.id, [zone.id for zone in building.zones])
        row.zones = [Zone(code=zone.id, name_zh=zone.name_zh, polygon=polygons[zone.id]) for zone in building.zones]
        session.add(row)
        buildings[building.id] = row
    session.flush()  # ids for the risk points and hazards that refer to these rows
    return SchoolRows(school, org, units, buildings, {}, people, lead=people.name(), officer=people.name(),
                      unit_heads=unit_heads)


def _risk_points(session: Session, rows: SchoolRows, *, today: date, rules: GradingRules,
                 rng: random.Random, rounds: int = 1) -> None:
    per_zone = PER_ZONE.get(rows.school.id, 2)
    made: list[RiskPoint] = []
    for building in rows.school.buildings:
        row = rows.buildings[building.id]
        places: list[tuple[Zone | None, data.RiskTemplate]] = []
        zones = {zone.code: zone for zone in row.zones}
        for zone in building.zones:
            kind = data.zone_kind(building.kind, zone.id)
            places += [(zones[zone.id], t) for t in data.TEMPLATES[kind][:per_zone]]
        if rows.school.kind == "university":
            places += [(None, t) for t in data.BUILDING_TEMPLATES]
        places *= rounds  # the scaled demo: the same survey, `rounds` times the points
        keeper: dict[str | None, str] = {}
        for number, (zone, template) in enumerate(places, start=1):
            code = zone.code if zone else None
            level = data.LEVEL_CODES[rng.choice(template.levels)]
            if template.method == "LEC":
                likelihood, e, c = rng.choice(data.LEC_FACTORS[level])
                s = None
                graded = grade("LEC", likelihood=likelihood, exposure=e, consequence=c, rules=rules)
            else:
                (likelihood, s), e, c = rng.choice(data.LS_FACTORS[level]), None, None
                graded = grade("LS", likelihood=likelihood, severity=s, rules=rules)
            if code not in keeper:
                keeper[code] = rows.people.name()
            control = data.CONTROL_LEVEL_OF[graded.level]
            person = {"school": rows.lead, "unit": rows.unit_heads[building.unit_zh]}.get(control, keeper[code])
            spots = rows.risk_points.setdefault((building.id, code), [])
            x, y = marker(zone.polygon if zone else row.polygon, len(spots))
            identified = today - timedelta(days=rng.randint(400, 1500))
            point = RiskPoint(
                school_id=rows.org.id, code=f"RP-{building.id}-{number:02d}",
                name=_joined(zone.name_zh if zone else building.name_zh, template.name),
                unit_id=row.unit_id, building_id=row.id, zone_id=zone.id if zone else None,
                category=template.category, accident_types=list(template.accidents),
                control_measures=template.measures, responsible_person=person, control_level=control,
                method=template.method, l_value=likelihood, e_value=e, c_value=c, s_value=s,
                score=graded.score, level=graded.level, colour=graded.colour, identified_on=identified,
                last_reviewed_on=today - timedelta(days=rng.randint(10, 300)), x=x, y=y,
                hazard_sources=[HazardSource(name=name) for name in template.sources])
            spots.append(point)
            made.append(point)
    # A few annual re-identifications are late (art. 13): the assessment finds them.
    for point in rng.sample(made, OVERDUE_REVIEWS * rounds):
        point.last_reviewed_on = today - timedelta(days=rng.randint(380, 450))
        point.identified_on = min(point.identified_on, point.last_reviewed_on)
    session.add_all(made)
    session.flush()


def _joined(place: str, what: str) -> str:
    """"一楼大厅" + "大厅人员通行" -> "一楼大厅人员通行": the words they share are written once."""
    for k in range(min(len(place), len(what)), 1, -1):
        if place.endswith(what[:k]):
            return place + what[k:]
    return place + what
