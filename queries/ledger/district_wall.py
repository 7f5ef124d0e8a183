"""What the district wall reads from the ledger (issue 17): the unit, its schools and their names,
its map (image digest and size, the schools' places), and the two inputs its panels take as plain
rows. Every read is a fixed handful of queries for the whole district, never one per school.

`league_rows` and `due_rows` are the wall's two inputs from the parts built beside it: the league
(the rollups' figures, ranked as the leadership pages rank them) and the reports and supervision due
(the reporting and supervision reads). Each returns plain dicts.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import inspection_schedule, org_scope, scoring
from ledger.models import DistrictMap, DistrictMapPlace, OrgUnit
from queries.ledger import league as ranking
from queries.ledger import reporting, rollup, supervision

ABOVE_SCHOOLS = ("province", "city", "district")


def district(session: Session, unit_code: str) -> dict | None:
    """{"code", "name_zh", "name_en", "kind", "schools": [codes, in code order], "names": {code:
    {"name_zh", "name_en"}}, "image": {"sha256", "width", "height"} | None, "places": {code: [x, y]}}
    for a unit above schools; None when there is no such unit."""
    unit = session.scalar(select(OrgUnit).where(OrgUnit.code == unit_code, OrgUnit.kind.in_(ABOVE_SCHOOLS)))
    if unit is None:
        return None
    codes = sorted(org_scope.schools_under(session, unit))
    rows = session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.name_zh, OrgUnit.name_en)
                           .where(OrgUnit.code.in_(codes), OrgUnit.kind == "school")).all() if codes else []
    by_id = {r.id: r.code for r in rows}
    image = session.execute(select(DistrictMap.sha256, DistrictMap.pixel_width, DistrictMap.pixel_height)
                            .where(DistrictMap.unit_id == unit.id)).first()
    places = {by_id[p.school_id]: [p.x, p.y] for p in session.scalars(
        select(DistrictMapPlace).where(DistrictMapPlace.unit_id == unit.id)) if p.school_id in by_id}
    return {"code": unit.code, "name_zh": unit.name_zh, "name_en": unit.name_en, "kind": unit.kind,
            "schools": codes, "names": {r.code: {"name_zh": r.name_zh, "name_en": r.name_en} for r in rows},
            "image": None if image is None else {"sha256": image[0], "width": image[1], "height": image[2]},
            "places": dict(sorted(places.items()))}


def map_image(session: Session, unit_code: str) -> DistrictMap | None:
    """The stored map image of a unit, for the route that serves it."""
    return session.scalar(select(DistrictMap).join(OrgUnit, OrgUnit.id == DistrictMap.unit_id)
                          .where(OrgUnit.code == unit_code))


def league_rows(session: Session, *, unit: str, now: datetime, tz: ZoneInfo, review_days: int, rules: scoring.Rules,
                term_starts=inspection_schedule.DEFAULT_TERM_STARTS, slow: rollup.SlowFigures | None = None
                ) -> list[dict]:
    """The league panel's rows, best first by the assessment score as /lead/district ranks them
    (queries.ledger.league: ties share a rank, listed by code; a school without a score last):
    {"school", "name_zh", "name_en", "rank", "rate" (0..1 or None), "overdue", "alerts_open", "score"}.
    The figures are the rollups' (queries.ledger.rollup.league), so the wall and the leadership pages
    never disagree about a school."""
    found = rollup.league(session, unit, now, tz, review_days=review_days, rules=rules, term_starts=term_starts,
                          slow=slow)
    if found is None:
        return []
    return [{"school": r.row.code, "name_zh": r.row.name_zh, "name_en": r.row.name_en, "rank": r.rank,
             "rate": r.row.rectification_rate, "overdue": r.row.hazards_overdue, "alerts_open": r.row.alerts_open,
             "score": r.row.score} for r in ranking.rank(found.schools, "score")]


REPORT_WORDS = {"monthly": ("月报", "monthly report"), "major_hazard": ("重大隐患报告", "major hazard report"),
                "true_alarm": ("真警报告", "true alarm report")}


def due_rows(session: Session, *, unit: str, now: datetime, tz: ZoneInfo, limit: int = 40) -> list[dict]:
    """The "reports and supervision due" panel's rows, soonest first: {"school", "what_zh", "what_en",
    "due_at" (aware datetime), "late" (bool)} — reports missing or late and those due within three days
    (queries/ledger/reporting.due_and_late), and supervision items not closed that are overdue or due
    within three days (queries/ledger/supervision.due)."""
    rows = []
    for item in reporting.due_and_late(session, unit, now, tz=tz):
        if item.timeliness not in ("missing", "pending"):
            continue  # submitted already (on time or late): nothing is owed any more
        zh, en = REPORT_WORDS.get(item.kind, (item.kind, item.kind))
        rows.append({"school": item.school, "what_zh": f"报送 · {zh} {item.subject}",
                     "what_en": f"Report · {en} {item.subject}", "due_at": item.due_at, "late": item.due_at < now})
    for item in supervision.due(session, unit, now):
        rows.append({"school": item.school, "what_zh": f"督办 · {item.title}", "what_en": f"Supervision · {item.title}",
                     "due_at": item.deadline, "late": item.overdue})
    rows.sort(key=lambda r: (r["due_at"], r["school"]))
    return rows[:limit]


def managed_units(session: Session, scope: str | None) -> list[dict]:
    """The units above schools an admin of `scope` (a unit's code; None: the whole tree) keeps maps
    for: the scope unit itself and those below it, in code order, [{"code", "name_zh", "name_en"}]."""
    query = select(OrgUnit).where(OrgUnit.kind.in_(ABOVE_SCHOOLS)).order_by(OrgUnit.code)
    if scope is not None:
        unit = session.scalar(select(OrgUnit).where(OrgUnit.code == scope))
        if unit is None:
            return []
        query = query.where(OrgUnit.id.in_({unit.id} | org_scope.descendant_ids(session, unit.id)))
    return [{"code": u.code, "name_zh": u.name_zh, "name_en": u.name_en} for u in session.scalars(query)]
