"""An alert whose event named no building is placed by its registered device on the leadership
pages too, as on the wall (queries/ledger/register.py `place` and its SQL form), on SQLite and
PostgreSQL: the overview's open alerts per building and a building's recent alerts, the domain
page's alerts by place. What the event named wins; a retired device places nothing; another
school's device of the same source places nothing here."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kernel.settings import DEFAULT_ALERT_DEADLINES
from ledger.commands import alerts, devices
from ledger.commands.devices import DeviceForm
from ledger.escalation import Deadlines
from ledger.models import Alert, Device, OrgUnit
from queries.ledger import alert_console, lead_domain, lead_overview, register
from tests.ledger.register_support import NOW, ROOT, school_with_buildings

# alert code -> (building the event named, zone it named, source)
ALERTS = {
    "a-registered": (None, None, "cam-lab-3f"),  # placed by the register: lab, 3F
    "a-own-zone": (None, "2F", "cam-lab-3f"),  # the zone it names wins over the device's
    "a-named": ("canteen", None, "cam-lab-3f"),  # the building it names wins
    "a-unknown": (None, None, "cam-nowhere"),  # in no building
    "a-retired": (None, None, "smoke-old"),  # its device is retired: in no building
    "a-other-school": (None, None, "gym-cam"),  # s2's device: not s1's
}


def ledger_with_alerts(db):
    school_with_buildings(db)
    for school, form in (("s1", DeviceForm("cam-lab-3f", "实验楼三层摄像机", "video", "lab", "3F")),
                         ("s1", DeviceForm("smoke-old", "旧烟感", "fire", "canteen")),
                         ("s2", DeviceForm("gym-cam", "体育馆摄像机", "video", "gym"))):
        devices.register_device(db, actor=ROOT, scope=None, school=school, form=form, now=NOW)
    db.scalar(select(Device).where(Device.source == "smoke-old")).retired_on = NOW.date()
    s1 = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    for n, (code, (building, zone, source)) in enumerate(ALERTS.items()):  # 10 min apart: none folds
        alerts.raise_alert(db, school=s1, event_id=code, type="fire.smoke_alarm", domain="environment",
                           severity="high", raised_at=NOW - timedelta(minutes=10 + 10 * n), device=source,
                           building=building, zone=zone, detail=None, window=timedelta(minutes=5))
    db.commit()
    return s1


def test_the_python_and_sql_forms_of_the_placement_agree(session):
    s1 = ledger_with_alerts(session)
    placed_by = register.placements(session, "s1")
    rows = session.execute(select(Alert.code, Alert.building_code, Alert.zone_code, Alert.device,
                                  register.alert_building(), register.alert_zone())
                           .where(Alert.school_id == s1.id)).all()
    in_sql = {code: (building, zone) for code, _, _, _, building, zone in rows}
    in_python = {code: register.place(b, z, source, placed_by) for code, b, z, source, _, _ in rows}
    assert in_sql == in_python == {
        "a-registered": ("lab", "3F"), "a-own-zone": ("lab", "2F"), "a-named": ("canteen", None),
        "a-unknown": (None, None), "a-retired": (None, None), "a-other-school": (None, None)}


def test_the_leadership_pages_place_an_alert_by_its_registered_device(session):
    s1 = ledger_with_alerts(session)
    figures = lead_overview.building_figures(session, school_id=s1.id, now=NOW, due_soon_days=3)
    assert {code: f.alerts_open for code, f in figures.items()} == {"lab": 2, "canteen": 1}
    drill = lead_overview.building_drill(session, school_id=s1.id, code="lab", now=NOW, limit=10)
    assert [(a.code, a.zone) for a in drill.alerts] == [("a-registered", "3F"), ("a-own-zone", "2F")]
    assert drill.alerts_total == 2
    canteen = lead_overview.building_drill(session, school_id=s1.id, code="canteen", now=NOW, limit=10)
    assert [a.code for a in canteen.alerts] == ["a-named"]  # not the retired smoke detector's
    places, total = lead_domain.alerts_by_building(session, school_id=s1.id, domain="environment",
                                                   start=NOW - timedelta(days=1), end=NOW, limit=10)
    assert {(p.code, p.name_zh, p.alerts) for p in places} == {("lab", "实验楼", 2), ("canteen", "食堂", 1),
                                                             (None, None, 3)}
    assert total == 3


def test_the_duty_console_places_an_alert_by_its_registered_device(session):
    """The duty officer woken by a detector that sends no building reads the building (and zone) its
    device is registered in, can filter by it, and sees it in the detail panel too."""
    ledger_with_alerts(session)
    deadlines = Deadlines.load(DEFAULT_ALERT_DEADLINES)
    shown = {a.code: (a.building, a.zone, a.building_name_zh)
             for a in alert_console.console_alerts(session, schools=["s1"], now=NOW, deadlines=deadlines)}
    assert shown == {"a-registered": ("lab", "3F", "实验楼"), "a-own-zone": ("lab", "2F", "实验楼"),
                     "a-named": ("canteen", None, "食堂"), "a-unknown": (None, None, None),
                     "a-retired": (None, None, None), "a-other-school": (None, None, None)}
    in_lab = alert_console.console_alerts(session, schools=["s1"], now=NOW, deadlines=deadlines, building="lab")
    assert sorted(a.code for a in in_lab) == ["a-own-zone", "a-registered"]
    assert alert_console.console_filters(session, schools=["s1"])["buildings"] == ["canteen", "lab"]
    one = next(a for a in in_lab if a.code == "a-registered")
    detail = alert_console.console_alert(session, alert_id=one.id, schools=["s1"], now=NOW, deadlines=deadlines)
    assert (detail.building, detail.zone, detail.building_name_zh) == ("lab", "3F", "实验楼")
