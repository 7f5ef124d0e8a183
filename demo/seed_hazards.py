"""The demo campus's activity: hazards with their closed-loop history, special campaigns with
checklist results, inspectors' deductions. Called by `demo.seed.load_demo` for each school.

Every hazard's history is walked with `ledger.hazard_loop.next_stage`, so it is one the loop
allows; the stories below are chosen so the screens have something of each kind to show: every
stage, overdue and due-soon deadlines, a failed acceptance, major hazards under listed supervision
and one major hazard without a plan (what art. 18 of the assessment deducts for).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import seed_data as data
from demo.checklists import ASSESSMENT_FINDINGS, CAMPAIGNS, HAZARD_TITLES
from ledger.hazard_loop import SOURCES, next_stage
from ledger.models import (
    AssessmentDeduction,
    Campaign,
    CampaignPhase,
    ChecklistItem,
    ChecklistResult,
    Hazard,
    HazardTransition,
)
from ledger.scoring import Rules

if TYPE_CHECKING:
    from demo.seed import SchoolRows

# Distinct from the simulator's `HZ<seed hex>.<start hex>-NNNN`, so a demo hazard and a simulated
# one never share a code.
CODE_PREFIX = "HZ-DEMO"


@dataclass(frozen=True)
class Story:
    actions: str  # the loop's steps so far, in order
    age: float  # days since it was found
    span: float  # days from finding to its last step (≤ age)
    deadline: float  # days from finding to its deadline
    grade: str = "ordinary"
    listed: bool = False  # 挂牌督办, with a plan and emergency measures
    planned: bool = True  # False: a major hazard still without plan and emergency measures


_ALL_STEPS = "report notify rectify feedback accept"
STORIES: dict[str, Story] = {
    "fresh": Story("report", 0.05, 0, 7),
    "reported_overdue": Story("report", 3, 0, 2),
    "major_unplanned": Story("report", 1, 0, 15, "major", listed=False, planned=False),
    "notified_due_soon": Story("report notify", 3, 0.5, 5),
    "notified": Story("report notify", 9, 1, 14),
    "notified_overdue": Story("report notify", 12, 2, 7),
    "notified_major": Story("report notify", 4, 1, 20, "major", listed=True),
    "rectifying_overdue": Story("report notify rectify", 16, 4, 10),
    "rectifying_major": Story("report notify rectify", 6, 2, 30, "major", listed=True),
    "rectifying_due_soon": Story("report notify rectify", 5, 2, 7),
    "rejected": Story("report notify rectify feedback reject", 20, 15, 25),
    "feedback_due_soon": Story("report notify rectify feedback", 8, 6, 10),
    "feedback_major": Story("report notify rectify feedback", 12, 9, 20, "major", listed=True),
    "feedback_overdue": Story("report notify rectify feedback", 25, 22, 20),
    "closed": Story(_ALL_STEPS, 30, 9, 14),
    "closed_late": Story(_ALL_STEPS, 40, 16, 10),
    "closed_major": Story("report notify rectify feedback reject feedback accept", 45, 28, 30, "major", listed=True),
    "closed_long_ago": Story(_ALL_STEPS, 60, 12, 30),
}
SMALL_SCHOOL_STORIES = ("fresh", "reported_overdue", "notified_due_soon", "rectifying_overdue",
                        "rectifying_major", "rejected", "feedback_due_soon", "closed")
SUPERVISOR = {"university": "河南省教育厅", "middle": "演示区教育局", "primary": "演示区教育局"}
PREFIX = {"demo-univ": "UNIV", "demo-middle": "MID", "demo-primary": "PRI"}


def add_hazards(session: Session, rows: SchoolRows, *, now: datetime, rng: random.Random, first: int = 1) -> int:
    """The school's stories, numbered from `first` (the scaled demo tells them again, numbered on)."""
    school = rows.school
    names = STORIES if school.kind == "university" else {k: STORIES[k] for k in SMALL_SCHOOL_STORIES}
    finders = [rows.people.name() for _ in range(3)]
    for number, story in enumerate(names.values(), start=first):
        building = school.buildings[(number - 1) % len(school.buildings)]
        zone = rng.choice(building.zones)
        building_row = rows.buildings[building.id]
        zone_row = next(z for z in building_row.zones if z.code == zone.id)
        points = rows.risk_points.get((building.id, zone.id)) or [None]
        found_at = now - timedelta(days=story.age)
        source = SOURCES[number % len(SOURCES)]
        found_by = f"督查组{finders[0]}" if source == "authority_inspection" else rng.choice(finders)
        person = rows.unit_heads[building.unit_zh]
        major = story.grade == "major"
        hazard = Hazard(
            school_id=rows.org.id, code=f"{CODE_PREFIX}-{PREFIX[school.id]}-{number:03d}",
            title=rng.choice(HAZARD_TITLES[building.kind]),
            description=f"{building.name_zh}{zone.name_zh}检查发现",
            grade=story.grade, building_id=building_row.id, zone_id=zone_row.id,
            risk_point_id=points[0].id if points[0] else None, found_by=found_by, found_at=found_at,
            source=source, deadline=found_at + timedelta(days=story.deadline),
            responsible_unit_id=building_row.unit_id, responsible_person=person,
            measures=(data.MAJOR_PLAN if major else "按整改通知要求限期整改") if story.planned else "",
            emergency_measures=data.MAJOR_EMERGENCY if major and story.planned else "",
            listed_supervision=story.listed, supervised_by=SUPERVISOR[school.kind] if story.listed else None,
        )
        stage = None
        actions = story.actions.split()
        for step, action in enumerate(actions):
            at = found_at + timedelta(days=story.span * step / max(1, len(actions) - 1))
            who = {"report": found_by, "notify": rows.officer, "accept": rows.officer,
                   "reject": rows.officer}.get(action, person)
            new_stage = next_stage(stage, action)
            hazard.transitions.append(HazardTransition(action=action, from_stage=stage, to_stage=new_stage, by=who,
                                                       at=at, note=data.STEP_NOTES[action]))
            stage = new_stage
            if action in ("accept", "reject"):
                hazard.recheck_result = data.STEP_NOTES[action]
            if action == "accept":
                hazard.closed_at = at
        hazard.stage = stage
        session.add(hazard)
    return len(names)


def add_deductions(session: Session, rows: SchoolRows, *, now: datetime, rng: random.Random) -> int:
    """A few findings per unit, of the articles inspectors enter by hand (the ledger computes the
    others: art. 7, 9, 12, 13, 15, 16, 17, 18). `points` is the article's points times the count."""
    computed = {rule.article for rule in Rules.load().rules if rule.computed}
    findings = [f for f in ASSESSMENT_FINDINGS if f[0] not in computed]
    made = 0
    for n, unit in enumerate(rows.units.values()):
        for article, points, reason in rng.sample(findings, 1 + n % 2):
            count = rng.choice((1, 1, 2))
            session.add(AssessmentDeduction(
                unit_id=unit.id, article=article, points=points * count, count=count, reason=reason,
                by=f"督查组{rows.officer}", at=now - timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 6)),
                period=str(now.year)))
            made += 1
    return made


# Days from today to each campaign's deployment (CAMPAIGNS order): most are in their inspect
# phase, one is deploying, one starts next week, two are consolidating.
START_OFFSETS = (-20, -40, -10, -60, -5, -30, 5, -80)
PHASE_DAYS = (("deploy", 7), ("inspect", 45), ("consolidate", 30))


def add_campaigns(session: Session, loaded: list[SchoolRows], *, today: date, now: datetime,
                  rng: random.Random) -> dict[str, int]:
    """The campaigns are shared by every school (their codes are the contract's `data.campaign`);
    one the recorder already created from events is completed, not duplicated."""
    results = 0
    for index, spec in enumerate(CAMPAIGNS):
        campaign = session.scalars(select(Campaign).where(Campaign.code == spec.code)).first()
        if campaign is None:
            campaign = Campaign(code=spec.code, name_zh=spec.name_zh, school_kinds=list(spec.school_types),
                                building_kinds=list(spec.building_kinds))
            session.add(campaign)
        campaign.name_en = campaign.name_en or spec.name_en or None
        if not campaign.phases:
            start = today + timedelta(days=START_OFFSETS[index % len(START_OFFSETS)])
            for phase, days in PHASE_DAYS:
                campaign.phases.append(CampaignPhase(phase=phase, starts_on=start,
                                                     ends_on=start + timedelta(days=days - 1)))
                start += timedelta(days=days)
        known = {item.text: item for item in campaign.items}
        for text, text_en in spec.checklist:
            if text not in known:
                campaign.items.append(ChecklistItem(position=len(campaign.items) + 1, text=text,
                                                    text_en=text_en or None))
            elif not known[text].text_en:
                known[text].text_en = text_en or None
        session.flush()
        inspect = next(p for p in campaign.phases if p.phase == "inspect")
        if inspect.starts_on >= today:
            continue  # nothing inspected yet
        window = (min(today, inspect.ends_on) - inspect.starts_on).days
        for rows in loaded:
            if not spec.applies_to(rows.school.kind):
                continue
            places = [b.id for b in rows.school.buildings if not spec.building_kinds or b.kind in spec.building_kinds]
            for item in campaign.items:
                for building in places:
                    if rng.random() > 0.6:
                        continue  # not checked yet
                    failed = rng.random() < 0.2
                    day = inspect.starts_on + timedelta(days=rng.randint(0, max(0, window - 1)))
                    at = datetime.combine(day, now.timetz()).replace(hour=rng.randint(9, 16))
                    session.add(ChecklistResult(
                        school_id=rows.org.id, item_id=item.id, building_code=building,
                        result="fail" if failed else "pass", note="现场检查不符合要求，已通知整改" if failed else "",
                        checked_at=at, checked_by=rng.choice(rows.school.guards)))
                    results += 1
    return {"campaigns": len(CAMPAIGNS), "checklist_results": results}
