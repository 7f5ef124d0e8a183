"""Risk points and devices as administrators keep them (ledger/commands/risk_points.py, devices.py):
scope refusals, an audit entry per change, the grade stored being the grade the page shows
(ledger/grading.py), retired points off the map, and events placed by their registered device."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from ledger import grading, org_scope
from ledger.commands import devices, risk_points
from ledger.commands.devices import DeviceForm
from ledger.commands.risk_points import RiskPointForm
from ledger.errors import LedgerError
from ledger.models import AuditEntry, Device, RiskPoint
from queries.ledger import register
from queries.ledger.risk_points import colours_by_building
from tests.ledger.register_support import NOW, ROOT, school_with_buildings

RULES = grading.GradingRules.load()
LAB = RiskPointForm(code="R-305", name="化学实验室305", method="LEC", l_value=3, e_value=6, c_value=15,
                    control_level="unit", control_measures="通风橱每日检查\n危化品双人双锁", unit="s1-chem",
                    responsible_person="张老师", building="lab", zone="3F", category="场所",
                    last_reviewed_on=date(2026, 9, 1))


def audit(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.scalars(query))


def test_a_risk_point_is_graded_as_the_page_shows_and_audited(session):
    school_with_buildings(session)
    point = risk_points.create_point(session, actor=ROOT, scope="s1", school="s1", form=LAB, rules=RULES, now=NOW)
    shown = grading.grade("LEC", likelihood=3, exposure=6, consequence=15, rules=RULES)  # what the page computes
    assert (point.score, point.level, point.colour) == (shown.score, shown.level, shown.colour) == (270, "high",
                                                                                                     "orange")
    [entry] = audit(session, "risk_point.create")
    assert entry.target == "risk_point:s1/R-305" and entry.school == "s1" and entry.actor == "root"
    assert entry.after["colour"] == "orange" and entry.after["unit"] == "s1-chem" and entry.after["zone"] == "3F"
    edited = risk_points.update_point(session, actor=ROOT, scope="s1", school="s1",
                                      form=replace(LAB, method="LS", l_value=5, s_value=4), rules=RULES, now=NOW)
    assert (edited.level, edited.colour, edited.e_value) == ("major", "red", None)
    [update] = audit(session, "risk_point.update")
    assert update.before["colour"] == "orange" and update.after["colour"] == "red"
    assert "name" not in update.after  # only what changed
    risk_points.update_point(session, actor=ROOT, scope="s1", school="s1",
                             form=replace(LAB, method="LS", l_value=5, s_value=4), rules=RULES, now=NOW)
    assert len(audit(session, "risk_point.update")) == 1  # nothing changed: nothing recorded


def test_a_retired_point_leaves_the_register_and_the_map(session):
    school_with_buildings(session)
    risk_points.create_point(session, actor=ROOT, scope=None, school="s1", form=LAB, rules=RULES, now=NOW)
    s1 = session.scalar(select(RiskPoint.school_id))
    assert colours_by_building(session, school_id=s1)["lab"]["colour"] == "orange"
    risk_points.retire_point(session, actor=ROOT, scope="d1", school="s1", code="R-305", now=NOW)
    assert colours_by_building(session, school_id=s1) == {}
    assert register.risk_point_rows(session, "s1") == []
    assert register.risk_point_rows(session, "s1", include_retired=True)[0].retired_on == NOW.date()
    [entry] = audit(session, "risk_point.retire")
    assert entry.after == {"retired_on": "2026-12-06"}
    with pytest.raises(LedgerError, match="retired"):
        risk_points.update_point(session, actor=ROOT, scope=None, school="s1", form=LAB, rules=RULES, now=NOW)


def test_another_schools_admin_is_refused_and_nothing_is_saved(session):
    school_with_buildings(session)
    with pytest.raises(org_scope.OutOfScope):
        risk_points.create_point(session, actor=ROOT, scope="s2", school="s1", form=LAB, rules=RULES, now=NOW)
    with pytest.raises(org_scope.OutOfScope):  # a college admin does not keep the school's register
        risk_points.create_point(session, actor=ROOT, scope="s1-chem", school="s1", form=LAB, rules=RULES, now=NOW)
    risk_points.create_point(session, actor=ROOT, scope="s1", school="s1", form=LAB, rules=RULES, now=NOW)
    with pytest.raises(org_scope.OutOfScope):
        risk_points.retire_point(session, actor=ROOT, scope="s2", school="s1", code="R-305", now=NOW)
    with pytest.raises(org_scope.OutOfScope):
        devices.register_device(session, actor=ROOT, scope="s2", school="s1",
                                form=DeviceForm("smoke-1", "烟感", "fire", "lab"), now=NOW)
    assert session.scalar(select(func.count()).select_from(Device)) == 0
    assert [e.action for e in audit(session) if e.action.startswith(("risk", "device"))] == ["risk_point.create"]
    assert {s.code for s in register.managed_schools(session, "d1")} == {"s1", "s2"}
    assert [s.code for s in register.managed_schools(session, "s2")] == ["s2"]


@pytest.mark.parametrize("change, message", [
    ({"l_value": 4}, "LEC L must be one of"),
    ({"method": "LS", "l_value": 6, "s_value": 1}, "LS L must be a whole number"),
    ({"method": "XYZ"}, "LEC or LS"),
    ({"name": " "}, "the name is required"),
    ({"name": "实验\x1b室"}, "invisible"),
    ({"code": "bad code"}, "a code is"),
    ({"unit": "s2-office"}, "has no unit"),
    ({"building": "gym"}, "has no building"),
    ({"zone": "9F"}, "has no zone"),
    ({"building": None}, "a zone needs its building"),
    ({"control_level": "kingdom"}, "control level"),
    ({"last_reviewed_on": date(2027, 1, 1)}, "not in the future"),
    ({"control_measures": "x" * 5000}, "at most"),
])
def test_bad_input_is_refused_with_its_reason_and_nothing_is_saved(session, change, message):
    school_with_buildings(session)
    with pytest.raises(LedgerError, match=message):
        risk_points.create_point(session, actor=ROOT, scope="s1", school="s1", form=replace(LAB, **change),
                                 rules=RULES, now=NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(RiskPoint)) == 0


def test_devices_are_registered_edited_and_retired_with_an_audit_entry_each(session):
    school_with_buildings(session)
    camera = DeviceForm("cam-lab-3f", "实验楼三层摄像机", "video", "lab", "3F", "rtsp://10.1.2.3/stream1")
    devices.register_device(session, actor=ROOT, scope="s1", school="s1", form=camera, now=NOW)
    devices.register_device(session, actor=ROOT, scope="s1", school="s1",
                            form=DeviceForm("smoke-canteen", "食堂烟感", "fire", "canteen"), now=NOW)
    devices.register_device(session, actor=ROOT, scope="s1", school="s1",
                            form=DeviceForm("gate-1", "南门门禁", "access"), now=NOW)  # no building: not placed
    assert register.placements(session, "s1") == {"cam-lab-3f": ("lab", "3F"), "smoke-canteen": ("canteen", None)}
    devices.update_device(session, actor=ROOT, scope="s1", school="s1",
                          form=replace(camera, building="canteen", zone=None), now=NOW)
    [update] = audit(session, "device.update")
    assert update.before == {"building": "lab", "zone": "3F"} and update.after == {"building": "canteen", "zone": None}
    devices.retire_device(session, actor=ROOT, scope="d1", school="s1", source="smoke-canteen", now=NOW)
    assert register.placements(session, "s1") == {"cam-lab-3f": ("canteen", None)}
    assert [d.source for d in register.device_rows(session, "s1")] == ["cam-lab-3f", "gate-1"]
    assert [e.action for e in audit(session) if e.action.startswith("device")] == [
        "device.create", "device.create", "device.create", "device.update", "device.retire"]


@pytest.mark.parametrize("form, message", [
    (DeviceForm("cam-1", "摄像机", "video", stream_url="javascript:alert(1)"), "rtsp://"),
    (DeviceForm("smoke-1", "烟感", "fire", stream_url="http://10.0.0.1/x.jpg"), "only a camera"),
    (DeviceForm("smoke-1", "烟感", "toaster"), "the system is one of"),
    (DeviceForm("x" * 129, "烟感", "fire"), "at most 128"),
    (DeviceForm("smoke\x00", "烟感", "fire"), "invisible"),
    (DeviceForm("smoke-1", "烟感", "fire", building="gym"), "has no building"),
])
def test_a_bad_device_is_refused_with_its_reason(session, form, message):
    school_with_buildings(session)
    with pytest.raises(LedgerError, match=message):
        devices.register_device(session, actor=ROOT, scope="s1", school="s1", form=form, now=NOW)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Device)) == 0


def test_a_source_is_registered_once_per_school(session):
    school_with_buildings(session)
    form = DeviceForm("smoke-1", "烟感", "fire", "lab")
    devices.register_device(session, actor=ROOT, scope=None, school="s1", form=form, now=NOW)
    with pytest.raises(LedgerError, match="already has"):
        devices.register_device(session, actor=ROOT, scope=None, school="s1", form=form, now=NOW)
    devices.register_device(session, actor=ROOT, scope=None, school="s2", form=replace(form, building="gym"),
                            now=NOW)  # another school's own device of the same name
