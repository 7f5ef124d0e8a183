"""Everywhere a person reads a school, building or zone, they read its name (issue 14): the duty
console's alerts and building filter, and the shift handover report (its page and spreadsheet rows),
on SQLite and PostgreSQL. The codes stay beside the names, for URLs, filters and the API."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dashboard.pages.duty.view import filter_options, place
from kernel.settings import DEFAULT_ALERT_DEADLINES
from ledger.escalation import Deadlines
from ledger.handover_view import handover_view, place_text
from ledger.models import Building, OrgUnit, Zone
from ledger.shifts import ShiftPlan
from queries.ledger.alert_console import building_names, console_alert, console_alerts
from queries.ledger.handover import handover_report
from tests.ledger.alarms import raise_alarm
from tests.ledger.conftest import NOW

DEADLINES = Deadlines.load(DEFAULT_ALERT_DEADLINES)
TZ = ZoneInfo("Asia/Shanghai")


def named_school(session):
    school = OrgUnit(code="s1", kind="school", name_zh="郑州市第一中学", name_en="Zhengzhou No. 1 Middle School")
    session.add(school)
    session.flush()
    chem = Building(school_id=school.id, code="chem", name_zh="化学实验楼", name_en="Chemistry Building", kind="lab")
    session.add(chem)
    session.flush()
    session.add(Zone(building_id=chem.id, code="3F", name_zh="三层"))
    session.commit()


def test_the_duty_console_reads_the_names_of_school_building_and_zone(session):
    named_school(session)
    alert = raise_alarm(session, event_id="fire", at=NOW)
    other = raise_alarm(session, event_id="far", at=NOW, school="s9", building="b7", zone=None, device="smoke-1")
    rows = {a.id: a.as_dict() for a in console_alerts(session, schools=None, now=NOW, deadlines=DEADLINES)}
    mine = rows[alert.id]
    assert (mine["school"], mine["building"], mine["zone"]) == ("s1", "chem", "3F")  # the codes stay
    assert place(mine) == "化学实验楼 · 三层"
    assert place(mine, "en", with_school=True) == "Zhengzhou No. 1 Middle School · Chemistry Building · 三层"
    # A school registered from its events (named by its code) and an unknown building: their codes.
    assert place(rows[other.id], with_school=True) == "s9 · b7"
    detail = console_alert(session, alert_id=alert.id, schools=["s1"], now=NOW, deadlines=DEADLINES)
    assert detail.building_name_zh == "化学实验楼"
    names = building_names(session, schools=["s1"], codes=["chem", "b7"])
    assert filter_options("zh", ["chem", "b7"], "building", names)[1:] == [
        {"label": "化学实验楼", "value": "chem"}, {"label": "b7", "value": "b7"}]


def test_the_handover_report_names_the_school_and_the_places(session):
    named_school(session)
    raise_alarm(session, event_id="fire", at=NOW)
    school = session.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
    window = ShiftPlan.load().current_shift(NOW + timedelta(minutes=1), TZ)
    report = handover_report(session, school_id=school.id, window=window, tz=TZ)
    assert report["school_name_zh"] == "郑州市第一中学"
    assert handover_view(report, "zh")["shift"].startswith("郑州市第一中学 · ")
    assert handover_view(report, "en")["shift"].startswith("Zhengzhou No. 1 Middle School · ")
    [still_open] = report["open_at_end"]
    assert still_open["building"] == "chem" and place_text(still_open) == "化学实验楼/三层"
    assert place_text(still_open, "en") == "Chemistry Building/三层"
    assert place_text({"building": "b7", "zone": None}) == "b7"  # no name in the ledger: the code
