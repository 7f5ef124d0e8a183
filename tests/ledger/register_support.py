"""A school with buildings, a zone and a college, for the register's tests (risk points, devices)."""
from __future__ import annotations

from datetime import datetime, timezone

from ledger.commands import org
from ledger.commands.audit import Actor
from ledger.models import Building, Zone

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
ROOT = Actor("root", "admin", "10.0.0.1")


def school_with_buildings(db) -> None:
    """District d1 with schools s1 (lab building with zone 3F, canteen, chemistry college) and s2."""
    org.create_unit(db, actor=ROOT, scope=None, kind="district", code="d1", name_zh="金水区", now=NOW)
    for code, name in (("s1", "第一中学"), ("s2", "第二中学")):
        org.create_unit(db, actor=ROOT, scope=None, kind="school", code=code, name_zh=name, parent="d1",
                        school_type="middle", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="unit", code="s1-chem", name_zh="化学组", parent="s1", now=NOW)
    org.create_unit(db, actor=ROOT, scope=None, kind="unit", code="s2-office", name_zh="总务处", parent="s2", now=NOW)
    s1 = org.find_unit(db, "s1")
    s2 = org.find_unit(db, "s2")
    lab = Building(school_id=s1.id, code="lab", name_zh="实验楼", polygon=[[0, 0], [10, 0], [10, 10], [0, 10]])
    db.add_all([lab, Building(school_id=s1.id, code="canteen", name_zh="食堂"),
                Building(school_id=s2.id, code="gym", name_zh="体育馆")])
    db.flush()
    db.add(Zone(building_id=lab.id, code="3F", name_zh="三层"))
    db.flush()
