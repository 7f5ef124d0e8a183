"""A school with its people for the hazard loop's tests (tests/ledger/test_hazard_work.py,
test_my_work.py): district d1 above school s1 (a unit s1-chem, a building with a zone, a risk
point), a second district d2, and one person per part they play."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ledger.commands import hazard_work, users
from ledger.commands.org import create_unit
from ledger.models import Building, OrgUnit, RiskPoint, Zone
from tests.ledger.test_org_admin import PASSWORD, ROOT, tree

# Events must be recent for the contract (7 days), so the loop's clock is today's.
NOW = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
DEADLINE = NOW + timedelta(days=7)
PEOPLE = {  # username: (display name, role, unit)
    "an": ("安主任", "safety", "s1"),  # the school's safety office
    "yan": ("严老师", "inspector", "s1"),
    "li": ("李老师", "reporter", "s1-chem"),  # reports
    "zhou": ("周师傅", "reporter", "s1"),  # made responsible
    "wang": ("王科长", "leader", "d1"),  # the district above s1
    "liu": ("刘科长", "leader", "d2"),  # another district
    "xiao": ("肖校长", "leader", "s1"),  # the school's own leadership: not above it
    "gao": ("高老师", "safety", "s2"),  # another school's safety office
}


def school(session) -> dict:
    """The tree, the place and the people; returns Person by username."""
    tree(session)
    create_unit(session, actor=ROOT, scope=None, kind="school", code="s2", name_zh="第二小学", parent="d2",
                school_type="primary", now=NOW)
    s1 = session.query(OrgUnit).filter_by(code="s1").one()
    chem = session.query(OrgUnit).filter_by(code="s1-chem").one()
    lab = Building(school_id=s1.id, code="lab", name_zh="实验楼", unit_id=chem.id)
    session.add(lab)
    session.flush()
    session.add(Zone(building_id=lab.id, code="3F-305", name_zh="305 化学实验室"))
    session.flush()
    zone = session.query(Zone).filter_by(code="3F-305").one()
    session.add(RiskPoint(school_id=s1.id, code="RP-GAS-1", name="燃气管道", unit_id=chem.id, building_id=lab.id,
                          zone_id=zone.id, method="LEC", l_value=3, e_value=6, c_value=15, score=270,
                          level="major", colour="red", identified_on=date(2026, 1, 1),
                          last_reviewed_on=date(2026, 1, 1)))
    people = {}
    for username, (name, role, unit) in PEOPLE.items():
        user = users.create_user(session, username=username, display_name=name, role=role, password=PASSWORD,
                                 unit=unit, now=NOW)
        people[username] = user
    session.commit()
    return {username: hazard_work.person_of(session, user) for username, user in people.items()}
