"""The hazard ledger's and risk register's queries on SQLite and a real PostgreSQL, with hazards and
risk points built for each case: every filter, the most-urgent-first order, the total past the
grid's limit, another school's rows never shown, a hazard's whole record, units × colours and the
annual reviews coming due."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from ledger.commands import hazard_comments, hazards
from ledger.models import Building, OrgUnit, RiskPoint, Zone
from queries.ledger.hazards import HazardFilter
from queries.ledger.hazards import get as get_hazard
from queries.ledger.lead_hazards import filter_choices, hazard_history, ledger_filter, ledger_rows
from queries.ledger.lead_risks import NO_UNIT, RiskFilter, colour_by_unit, reviews_due, risk_rows
from tests.ledger.conftest import NOW

DAY = timedelta(days=1)


def _schools(session) -> int:
    """Two schools; the first with two units, two buildings and hazards of every kind that matters.
    Returns the first's id."""
    s = OrgUnit(code="t-school", kind="school", name_zh="测试学校")
    other = OrgUnit(code="t-other", kind="school", name_zh="别的学校")
    session.add_all([s, other])
    session.flush()
    u1 = OrgUnit(code="t-school/u01", kind="unit", name_zh="化学院", parent_id=s.id)
    u2 = OrgUnit(code="t-school/u02", kind="unit", name_zh="后勤处", name_en="Logistics", parent_id=s.id)
    ou = OrgUnit(code="t-other/u01", kind="unit", name_zh="别校单位", parent_id=other.id)
    session.add_all([u1, u2, ou])
    session.flush()
    chem = Building(school_id=s.id, code="chem", name_zh="化学楼", name_en="Chemistry", unit_id=u1.id)
    canteen = Building(school_id=s.id, code="canteen", name_zh="餐厅", unit_id=u2.id)
    far = Building(school_id=other.id, code="chem", name_zh="别校化学楼", unit_id=ou.id)
    session.add_all([chem, canteen, far])
    session.flush()
    session.add(Zone(building_id=chem.id, code="3F", name_zh="三楼"))
    session.flush()

    def hazard(code, *, steps=(), at=NOW - 10 * DAY, school=s, **fields):
        h = hazards.report_hazard(session, school=school, code=code, title=f"隐患{code}", found_at=at, by="张三",
                                  **fields)
        for n, action in enumerate(steps, start=1):
            hazards.transition_hazard(session, hazard=h, action=action, by=f"人{n}", at=at + n * DAY / 4,
                                      note=f"{action} 说明")
        return h

    hazard("late-2", building_code="chem", zone_code="3F", deadline=NOW - 2 * DAY, steps=("notify",))
    hazard("late-5", building_code="canteen", deadline=NOW - 5 * DAY, steps=("notify", "rectify"))
    hazard("major-soon", building_code="chem", grade="major", deadline=NOW + 3 * DAY, measures="方案",
           emergency_measures="停用")
    hazard("ordinary-soon", building_code="canteen", deadline=NOW + 3 * DAY)
    hazard("no-deadline", building_code="chem")
    hazard("closed-late", building_code="chem", deadline=NOW - 8 * DAY,
           steps=("notify", "rectify", "feedback", "accept"))
    hazard("closed-new", building_code="canteen", deadline=NOW + DAY, at=NOW - 2 * DAY,
           steps=("notify", "rectify", "feedback", "accept"))
    hazard("elsewhere", building_code="chem", deadline=NOW - 9 * DAY, school=other)
    session.commit()
    return s.id


LEDGER_SEED = _schools  # written once per back-end, copied for each test (tests/databases.py)


@pytest.fixture
def school(session, seeded):
    return session.get(OrgUnit, seeded)


def codes(session, school, now=NOW, limit=None, **filters):
    rows, total = ledger_rows(session, school_id=school.id, filters=HazardFilter(**filters), now=now, limit=limit)
    return [r.code for r in rows], total


def test_the_whole_ledger_most_urgent_first(session, school):
    found, total = codes(session, school)
    # Open by deadline (longest overdue first, major before ordinary on the same day, none last),
    # then closed ones newest closing first; another school's hazard never.
    assert found == ["late-5", "late-2", "major-soon", "ordinary-soon", "no-deadline", "closed-new", "closed-late"]
    assert total == 7


@pytest.mark.parametrize("filters, expected", [
    ({"stage": "notified"}, ["late-2"]),
    ({"stage": "accepted"}, ["closed-new", "closed-late"]),
    ({"grade": "major"}, ["major-soon"]),
    ({"overdue": True}, ["late-5", "late-2"]),  # closed late is not overdue now
    ({"overdue": False}, ["major-soon", "ordinary-soon", "no-deadline", "closed-new", "closed-late"]),
    ({"unit": "t-school/u02"}, ["late-5", "ordinary-soon", "closed-new"]),
    ({"unit": "t-other/u01"}, []),  # another school's unit: nothing, not that school's hazards
    ({"unit": "nobody"}, []),
    ({"building": "chem"}, ["late-2", "major-soon", "no-deadline", "closed-late"]),
    ({"building": "chem", "overdue": True, "stage": "notified"}, ["late-2"]),
    ({"building": "chem", "grade": "major", "stage": "notified"}, []),
])
def test_each_filter(session, school, filters, expected):
    assert codes(session, school, **filters) == (expected, len(expected))


def test_the_total_counts_past_the_limit(session, school):
    assert codes(session, school, limit=3) == (["late-5", "late-2", "major-soon"], 7)
    assert codes(session, school, limit=1, overdue=False) == (["major-soon"], 5)


def test_overdue_moves_with_the_clock(session, school):
    later = NOW + 4 * DAY  # the two due in three days are overdue by then
    assert codes(session, school, now=later, overdue=True)[0] == ["late-5", "late-2", "major-soon", "ordinary-soon"]


def test_rows_carry_names_for_the_ledger(session, school):
    rows, _ = ledger_rows(session, school_id=school.id, filters=ledger_filter({"stage": "notified"}), now=NOW)
    (r,) = rows
    assert (r.building, r.building_zh, r.building_en, r.zone_zh) == ("chem", "化学楼", "Chemistry", "三楼")
    assert (r.unit, r.unit_zh, r.found_by) == ("t-school/u01", "化学院", "张三")
    assert r.days_overdue(NOW) == 2


def test_filter_choices_are_the_units_and_buildings_the_hazards_name(session, school):
    choices = filter_choices(session, school_id=school.id)
    assert [u["code"] for u in choices["units"]] == ["t-school/u01", "t-school/u02"]
    assert [b["code"] for b in choices["buildings"]] == ["canteen", "chem"]
    assert choices["units"][1]["name_en"] == "Logistics"


def test_a_hazards_whole_record(session, school):
    h = get_hazard(session, school_id=school.id, code="late-5")
    hazard_comments.add_comment(session, hazard=h, by="值班员", at=NOW - DAY, text="<b>催办</b>")
    hazards.record_violation(session, school=school, hazard_code="late-5", action="accept", stage="rectifying",
                             by="王五", at=NOW - DAY / 2, reason="a hazard in stage 'rectifying' cannot be accepted")
    session.commit()
    record = hazard_history(session, school_id=school.id, code="late-5")
    assert record["hazard"].code == "late-5" and record["hazard"].stage == "rectifying"
    assert [(s["action"], s["by"], s["note"]) for s in record["steps"]] == [
        ("report", "张三", ""), ("notify", "人1", "notify 说明"), ("rectify", "人2", "rectify 说明")]
    assert [c["text"] for c in record["comments"]] == ["<b>催办</b>"]
    assert [(v["action"], v["by"]) for v in record["violations"]] == [("accept", "王五")]
    # Another school's code, or none: no record.
    assert hazard_history(session, school_id=school.id, code="elsewhere") is None


# ---- risk register --------------------------------------------------------------------------------

@pytest.fixture
def points(session, school):
    units = {u.code: u.id for u in session.query(OrgUnit).filter(OrgUnit.parent_id == school.id)}
    today = NOW.date()

    def point(code, colour, unit, reviewed_days_ago, score=100.0):
        level = {"red": "major", "orange": "high", "yellow": "moderate", "blue": "low"}[colour]
        session.add(RiskPoint(school_id=school.id, code=code, name=f"风险点{code}", unit_id=units.get(unit),
                              method="LEC", l_value=1, e_value=1, c_value=1, score=score, level=level, colour=colour,
                              identified_on=today - timedelta(days=800),
                              last_reviewed_on=today - timedelta(days=reviewed_days_ago)))

    point("R1", "red", "t-school/u01", 400, score=720)
    point("R2", "red", "t-school/u02", 10, score=400)
    point("O1", "orange", "t-school/u01", 340)  # due in 25 days
    point("Y1", "yellow", "t-school/u01", 330)  # due in 35 days: not yet listed
    point("B1", "blue", None, 365)  # due today
    point("B2", "blue", "t-school/u02", 20)
    session.commit()
    return today


def test_points_by_unit_and_colour(session, school, points):
    units = colour_by_unit(session, school_id=school.id)
    assert [(u["unit"], u["red"], u["orange"], u["yellow"], u["blue"]) for u in units] == [
        ("t-school/u01", 1, 1, 1, 0), ("t-school/u02", 1, 0, 0, 1), (None, 0, 0, 0, 1)]


@pytest.mark.parametrize("filters, expected", [
    (RiskFilter(), ["R1", "R2", "O1", "Y1", "B1", "B2"]),  # highest level first, then score
    (RiskFilter(colour="red"), ["R1", "R2"]),
    (RiskFilter(unit="t-school/u01"), ["R1", "O1", "Y1"]),
    (RiskFilter(colour="blue", unit=NO_UNIT), ["B1"]),
    (RiskFilter(unit="t-other/u01"), []),
])
def test_the_risk_list_filters(session, school, points, filters, expected):
    rows, total = risk_rows(session, school_id=school.id, filters=filters, limit=50)
    assert [r.code for r in rows] == expected and total == len(expected)
    rows, total = risk_rows(session, school_id=school.id, filters=filters, limit=1)
    assert [r.code for r in rows] == expected[:1] and total == len(expected)


def test_annual_reviews_due_within_30_days_earliest_first(session, school, points):
    rows, total = reviews_due(session, school_id=school.id, today=points, review_days=365, within_days=30, limit=10)
    assert [r.code for r in rows] == ["R1", "B1", "O1"] and total == 3
    assert [r.last_reviewed_on + timedelta(days=365) - points for r in rows] == [
        timedelta(days=-35), timedelta(0), timedelta(days=25)]
    assert reviews_due(session, school_id=school.id, today=points, review_days=365, within_days=0,
                       limit=10)[0][1].code == "B1"
    assert reviews_due(session, school_id=school.id, today=date(2000, 1, 1), review_days=365, within_days=30,
                       limit=10) == ([], 0)
