"""The leadership overview: its queries on SQLite and a real PostgreSQL with hazards, risk points
and alerts built for each case (the backlog's order, per-building figures equal to a count made
here, today's alerts from local midnight, a building's drill-down and nothing of another school),
and its pure parts (what "today" is, the domains against their 7-day average, the map's taps)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dashboard.pages.lead_overview import figures
from dashboard.pages.lead_overview import map as overview_map
from dashboard.pages.lead_overview import view as part
from dashboard.pages.lead_overview.drill import drill_panel
from kernel.connections import sql_engine, sql_sessions
from layouts.lead_live import live_state
from ledger import hazard_loop
from ledger.commands import alerts, hazards
from ledger.models import Alert, Building, Hazard, OrgUnit, RiskPoint, Zone
from queries.ledger.lead_overview import (
    RECENT_ALERT_DAYS,
    BuildingFigures,
    alerts_today,
    building_drill,
    building_figures,
    hazard_backlog,
    hazard_totals,
)
from tests.dashboard.lead_support import component_texts, demo_ledger  # noqa: F401 (fixture)
from tests.ledger.conftest import NOW

DAY = timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
MIDNIGHT = datetime(2026, 11, 24, 0, 0, tzinfo=SHANGHAI)  # NOW is 10:00 in Shanghai that day


# ---- the ledger's parts ----------------------------------------------------------------------------

def _schools(session) -> int:
    """A school with two buildings (and another school with a building of the same code): hazards
    of every kind the backlog orders, risk points of each colour, alerts today and before. Its id."""
    s = OrgUnit(code="t-school", kind="school", name_zh="测试学校")
    other = OrgUnit(code="t-other", kind="school", name_zh="别的学校")
    session.add_all([s, other])
    session.flush()
    unit = OrgUnit(code="t-school/u01", kind="unit", name_zh="化学院", name_en="Chemistry", parent_id=s.id)
    session.add(unit)
    session.flush()
    chem = Building(school_id=s.id, code="chem", name_zh="化学楼", name_en="Chemistry building", unit_id=unit.id,
                    polygon=[[0, 0], [40, 0], [40, 30], [0, 30]])
    canteen = Building(school_id=s.id, code="canteen", name_zh="餐厅", polygon=[[50, 0], [90, 0], [90, 30], [50, 30]])
    far = Building(school_id=other.id, code="chem", name_zh="别校化学楼")
    session.add_all([chem, canteen, far])
    session.flush()
    session.add(Zone(building_id=chem.id, code="3F", name_zh="三楼"))
    session.flush()

    def hazard(code, *, steps=(), at=NOW - 10 * DAY, where=s, **fields):
        h = hazards.report_hazard(session, school=where, code=code, title=f"隐患{code}", found_at=at, by="张三",
                                  **fields)
        for n, action in enumerate(steps, start=1):
            hazards.transition_hazard(session, hazard=h, action=action, by="李四", at=at + n * DAY / 4)

    hazard("ord-late-5", building_code="canteen", deadline=NOW - 5 * DAY, steps=("notify",))
    hazard("ord-late-2", building_code="chem", zone_code="3F", deadline=NOW - 2 * DAY)
    hazard("major-soon", building_code="chem", grade="major", deadline=NOW + 2 * DAY)
    hazard("major-late", building_code="canteen", grade="major", deadline=NOW - DAY, steps=("notify", "rectify"))
    hazard("ord-soon", deadline=NOW + 2 * DAY)  # in no building
    hazard("ord-none", building_code="chem")
    hazard("ord-later", building_code="chem", deadline=NOW + 20 * DAY, at=NOW - 20 * DAY)
    hazard("closed-late", building_code="chem", grade="major", deadline=NOW - 8 * DAY,
           steps=("notify", "rectify", "feedback", "accept"))
    hazard("elsewhere", building_code="chem", grade="major", deadline=NOW - 9 * DAY, where=other)

    def point(code, colour, level, score, building=chem, where=s, **extra):
        session.add(RiskPoint(school_id=where.id, code=code, name=f"风险点{code}", building_id=building.id,
                              unit_id=unit.id if where is s else None, method="LEC", l_value=1, score=score,
                              level=level, colour=colour, identified_on=date(2026, 1, 5),
                              last_reviewed_on=date(2026, 1, 5), responsible_person="王五", **extra))

    point("rp-blue", "blue", "low", 10)
    point("rp-red", "red", "major", 400)
    point("rp-yellow", "yellow", "moderate", 100)
    point("rp-orange", "orange", "high", 200)
    point("rp-canteen", "orange", "high", 250, building=canteen)
    point("rp-far", "red", "major", 500, building=far, where=other)

    def alert(code, *, at, building="chem", domain="environment", severity="high", where=s, resolve=False):
        found, _ = alerts.raise_alert(session, school=where, event_id=code, type="fire.smoke_alarm", domain=domain,
                                      severity=severity, raised_at=at, device=f"dev-{code}", building=building,
                                      zone=None, detail=None, window=timedelta(minutes=5))
        if resolve:
            alerts.transition_alert(session, alert=found, action="resolve", by="值班", at=at + timedelta(minutes=3),
                                    outcome="false_alarm")

    alert("a-today-1", at=MIDNIGHT + timedelta(minutes=1))
    alert("a-today-2", at=NOW - timedelta(hours=1), severity="critical", resolve=True)
    alert("a-today-3", at=NOW - timedelta(minutes=5), building="canteen", domain="active_defence", severity="low")
    alert("a-yesterday", at=MIDNIGHT - timedelta(minutes=1), resolve=True)  # before today, within 7 days
    alert("a-old", at=NOW - 8 * DAY, resolve=True)  # before the drill's 7 days
    alert("a-nowhere", at=NOW - timedelta(hours=2), building=None, domain="personal_safety", severity="medium")
    alert("a-far", at=NOW - timedelta(hours=1), where=other)
    session.commit()
    return s.id


LEDGER_SEED = _schools  # written once per back-end, copied for each test (tests/databases.py)


@pytest.fixture
def school(session, seeded):
    return session.get(OrgUnit, seeded)


def test_the_backlog_is_most_dangerous_first(session, school):
    rows, total = hazard_backlog(session, school_id=school.id, now=NOW, limit=50)
    # Major before ordinary; overdue first; then the oldest deadline, no deadline last. Closed ones
    # and another school's never.
    assert [r.code for r in rows] == ["major-late", "major-soon", "ord-late-5", "ord-late-2", "ord-soon", "ord-later",
                                      "ord-none"]
    assert total == 7
    assert [r.overdue(NOW) for r in rows] == [True, False, True, True, False, False, False]
    first = rows[3]
    assert (first.building_zh, first.zone_zh, first.unit_en) == ("化学楼", "三楼", "Chemistry")


def test_the_backlog_stops_at_its_limit_and_counts_them_all(session, school):
    rows, total = hazard_backlog(session, school_id=school.id, now=NOW, limit=2)
    assert ([r.code for r in rows], total) == (["major-late", "major-soon"], 7)


def test_the_backlog_moves_with_the_clock(session, school):
    later = NOW + 3 * DAY  # major-soon and ord-soon are overdue by then
    rows, _ = hazard_backlog(session, school_id=school.id, now=later, limit=50)
    assert [r.code for r in rows][:4] == ["major-late", "major-soon", "ord-late-5", "ord-late-2"]
    assert [r.code for r in rows if r.overdue(later)] == ["major-late", "major-soon", "ord-late-5", "ord-late-2",
                                                         "ord-soon"]


def independent_building_counts(session, school_id: int, now: datetime, due_soon_days: float) -> dict:
    """The per-building figures counted here, hazard by hazard, with the loop's own rules."""
    codes = dict(session.execute(select(Building.id, Building.code)).all())
    out: dict = {}
    for h in session.scalars(select(Hazard).where(Hazard.school_id == school_id)):
        if not hazard_loop.is_open(h.stage):
            continue
        status = hazard_loop.deadline_status(h.stage, h.deadline, now, due_soon_days=due_soon_days)
        entry = out.setdefault(codes.get(h.building_id), {"open": 0, "overdue": 0, "major": 0, "due_soon": 0})
        entry["open"] += 1
        entry["overdue"] += status.overdue
        entry["major"] += h.grade == "major"
        entry["due_soon"] += status.due_soon
    return out


@pytest.mark.parametrize("now", [NOW, NOW + 3 * DAY, NOW - 30 * DAY])
def test_per_building_figures_equal_a_count_made_hazard_by_hazard(session, school, now):
    found = building_figures(session, school_id=school.id, now=now, due_soon_days=3)
    expected = independent_building_counts(session, school.id, now, 3)
    for code, counts in expected.items():
        got = found[code]
        assert (got.hazards_open, got.hazards_overdue, got.hazards_major, got.hazards_due_soon) == (
            counts["open"], counts["overdue"], counts["major"], counts["due_soon"]), code
    assert hazard_totals(found) == {key: sum(c[key] for c in expected.values())
                                    for key in ("open", "overdue", "major", "due_soon")}


def test_per_building_figures_at_the_fixed_moment(session, school):
    found = building_figures(session, school_id=school.id, now=NOW, due_soon_days=3)
    assert found["chem"] == BuildingFigures("chem", hazards_open=4, hazards_overdue=1, hazards_major=1,
                                            hazards_due_soon=1, alerts_open=1)
    assert found["canteen"] == BuildingFigures("canteen", hazards_open=2, hazards_overdue=2, hazards_major=1,
                                               alerts_open=1)
    assert found[None] == BuildingFigures(None, hazards_open=1, hazards_due_soon=1)
    assert hazard_totals(found) == {"open": 7, "overdue": 3, "major": 2, "due_soon": 2}


def test_alerts_today_start_at_the_schools_midnight(session, school):
    assert alerts_today(session, school_id=school.id, since=MIDNIGHT) == {
        "environment": {"high": 1, "critical": 1}, "active_defence": {"low": 1}, "personal_safety": {"medium": 1}}
    # An hour earlier the alert raised a minute before midnight counts too.
    earlier = alerts_today(session, school_id=school.id, since=MIDNIGHT - timedelta(hours=1))
    assert earlier["environment"] == {"high": 2, "critical": 1}


def test_a_buildings_drill_down(session, school):
    drill = building_drill(session, school_id=school.id, code="chem", now=NOW, limit=20)
    assert (drill.code, drill.name_en, drill.unit_zh) == ("chem", "Chemistry building", "化学院")
    # Red first, then orange, yellow, blue; another school's "chem" building never.
    assert [p.code for p in drill.risk_points] == ["rp-red", "rp-orange", "rp-yellow", "rp-blue"]
    assert drill.colours == {"red": 1, "orange": 1, "yellow": 1, "blue": 1} and drill.risk_total == 4
    assert [h.code for h in drill.hazards] == ["major-soon", "ord-late-2", "ord-later", "ord-none"]
    assert drill.hazards_total == 4
    # The last seven days, newest first, open or not; neither the older one nor another school's.
    assert [a.code for a in drill.alerts] == ["a-today-2", "a-today-1", "a-yesterday"]
    assert drill.alerts_total == 3


def test_a_drill_down_stops_at_its_limits(session, school):
    drill = building_drill(session, school_id=school.id, code="chem", now=NOW, limit=2)
    assert [p.code for p in drill.risk_points] == ["rp-red", "rp-orange"] and drill.risk_total == 4
    assert [h.code for h in drill.hazards] == ["major-soon", "ord-late-2"] and drill.hazards_total == 4
    assert len(drill.alerts) == 2 and drill.alerts_total == 3
    fewer_alerts = building_drill(session, school_id=school.id, code="chem", now=NOW, limit=20, alert_limit=1)
    assert len(fewer_alerts.risk_points) == 4 and [a.code for a in fewer_alerts.alerts] == ["a-today-2"]


@pytest.mark.parametrize("code", ["nowhere", "", None, 7, "x" * 500])
def test_no_drill_down_for_what_is_not_a_building_of_the_school(session, school, code):
    assert building_drill(session, school_id=school.id, code=code, now=NOW, limit=20) is None


def test_another_schools_building_of_the_same_code_shows_its_own(session, school):
    other = session.scalar(select(OrgUnit).where(OrgUnit.code == "t-other"))
    drill = building_drill(session, school_id=other.id, code="chem", now=NOW, limit=20)
    assert [p.code for p in drill.risk_points] == ["rp-far"]
    assert [h.code for h in drill.hazards] == ["elsewhere"]
    assert [a.code for a in drill.alerts] == ["a-far"]


# ---- what "today" is, and the domains against their week -----------------------------------------

def test_today_counts_the_hours_since_local_midnight():
    first = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # the last bucket is 09:00 on the 25th
    hourly = list(range(1, 25))
    # 00:00 on the 25th is the 15th bucket (10:00 + 14 h): buckets 15..24.
    assert figures.today_from_hours(hourly, first, SHANGHAI) == sum(range(15, 25))
    # Read in UTC, the same moments: the zone decides, not the offset the times are written in.
    assert figures.today_from_hours(hourly, first.astimezone(timezone.utc), SHANGHAI) == sum(range(15, 25))


def test_today_just_after_midnight_is_the_current_hour_only():
    first = datetime(2026, 11, 24, 1, 0, tzinfo=SHANGHAI)  # the last bucket is 00:00 on the 25th
    assert figures.today_from_hours([5] * 23 + [2], first, SHANGHAI) == 2


def test_today_where_midnight_is_not_on_an_hour_starts_at_the_next_whole_hour():
    kolkata = ZoneInfo("Asia/Kolkata")  # +05:30: local midnight is 18:30 UTC
    first = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)  # the last bucket 09:00 UTC = 14:30 local
    hourly = [1] * 24
    # 18:30 UTC the day before: the buckets from 19:00 UTC to 09:00 UTC are 15.
    assert figures.today_from_hours(hourly, first, kolkata) == 15


def summary_with(domains: dict, first_hour: str = "2026-11-24T10:00:00.000+08:00", **extra) -> dict:
    blank = {"trend_24h": [0] * 24, "events": {"5m": 0, "1h": 0, "24h": 0, "7d": 0}, "alerts_open": 0}
    return {"hourly": {"first_hour": first_hour}, "stale": False,
            "domains": {d: {**blank, **domains.get(d, {})} for d in figures.DOMAINS}, **extra}


def test_domain_headlines_today_and_the_last_day_against_the_weeks_average():
    trend = [0] * 14 + [3] * 10  # 30 since midnight
    summary = summary_with({"environment": {"trend_24h": trend, "events": {"24h": 42, "7d": 210}, "alerts_open": 2}})
    found = {h.domain: h for h in figures.domain_headlines(summary, {"environment": {"high": 2, "low": 1}}, SHANGHAI)}
    env = found["environment"]
    assert (env.today, env.last_24h, env.daily_average, env.alerts_open, env.alerts_today) == (30, 42, 30.0, 2, 3)
    assert env.change == pytest.approx(0.4)
    assert found["mechanisms"].change is None  # no events in the week: no comparison, not "-100 %"
    assert list(found) == list(figures.DOMAINS)


def test_without_a_live_summary_only_the_ledgers_alerts_are_filled_in():
    found = figures.domain_headlines(None, {"operations": {"critical": 1}}, SHANGHAI)
    ops = next(h for h in found if h.domain == "operations")
    assert (ops.today, ops.last_24h, ops.daily_average, ops.alerts_open) == (None, None, None, None)
    assert ops.alerts_today == 1
    assert figures.people(None) == figures.People()


def test_alerts_by_severity_over_every_domain():
    assert figures.alerts_by_severity({"a": {"high": 2}, "b": {"high": 1, "critical": 4}}) == {
        "critical": 4, "high": 3, "medium": 0, "low": 0}


@pytest.mark.parametrize("summary, reachable, state", [
    (None, False, "unreachable"), (None, True, "none"), ({"stale": True}, True, "stale"),
    ({"stale": False}, True, "live")])
def test_live_state(summary, reachable, state):
    assert live_state(summary, reachable) == state




def test_domain_cards_say_what_they_compare():
    summary = summary_with({"environment": {"trend_24h": [0] * 23 + [7], "events": {"24h": 7, "7d": 35},
                                            "alerts_open": 1}})
    cards = part.domain_cards("zh", figures.domain_headlines(summary, {}, SHANGHAI))
    environment = next(c for c in cards if c.to_plotly_json()["props"]["data-domain"] == "environment")
    env = " ".join(component_texts(environment))
    assert "环境安全" in env and "近 7 天日均 5" in env and "近 24 小时 7，较日均 ▲ +40%" in env
    assert "未处置告警 1" in env
    blank = part.domain_cards("en", figures.domain_headlines(None, {}, SHANGHAI))
    assert "—" in component_texts(blank[0]) and not any("vs average" in t for t in component_texts(blank))


# ---- the map and its taps ---------------------------------------------------------------------------

PLAN = {"extent": {"width": 100, "height": 40}, "campuses": [],
        "buildings": [{"code": "chem", "name_zh": "<b>化学楼</b>", "colour": "red",
                       "polygon": [[0, 0], [40, 0], [40, 30], [0, 30]]},
                      {"code": "canteen", "name_zh": "餐厅", "colour": None,
                       "polygon": [[50, 0], [90, 0], [90, 30], [50, 30]]},
                      {"code": "shed", "name_zh": "无图棚", "colour": "blue", "polygon": None}],
        "risk_points": [{"code": "p1", "name": "危化品", "colour": "red", "building": "chem", "x": 10, "y": 10}]}


def test_every_part_of_a_building_on_the_map_names_it():
    fig = overview_map.figure("zh", PLAN, {"chem": BuildingFigures("chem", hazards_major=1, alerts_open=2)})
    named = [set(trace.get("customdata") or []) for trace in fig["data"]]
    assert named[1] == {"chem"} and named[2] == {"canteen"}  # the filled buildings, drawn in the plan's order
    assert {"chem", "canteen"} <= named[4]  # the names over their tap markers
    assert named[3] == {"chem"}  # the risk point
    assert named[5] == {"chem"} and named[6] == {"chem"}  # major hazard, open alerts
    assert fig["data"][1]["name"] == "&lt;b&gt;化学楼&lt;/b&gt;"  # a typed name is shown as typed
    assert fig["data"][overview_map.HALO]["x"] == []


def test_the_tapped_buildings_outline():
    fig = overview_map.figure("zh", PLAN, {}, selected="canteen")
    assert fig["data"][overview_map.HALO]["x"] == [50, 90, 90, 50, 50]
    patch = overview_map.halo_patch(PLAN, "chem").to_plotly_json()
    assert {tuple(op["location"]): op["params"]["value"] for op in patch["operations"]} == {
        ("data", overview_map.HALO, "x"): [0, 40, 40, 0, 0], ("data", overview_map.HALO, "y"): [0, 0, 30, 30, 0]}


def test_names_on_the_map_are_wrapped_or_shortened_to_their_building_and_shown_as_typed():
    long = {**PLAN["buildings"][1], "name_zh": "后勤服务集团第二学生食堂（东区）附属餐饮楼及学生活动中心与教职工之家"}
    fig = overview_map.figure("zh", {**PLAN, "buildings": [PLAN["buildings"][0], long]}, {})
    names = [a for a in fig["layout"]["annotations"] if "bgcolor" in a]
    assert names[0]["text"] == "&lt;b&gt;化学楼&lt;/b&gt;"
    assert names[1]["text"].count("<br>") == 1 and names[1]["text"].endswith("…")  # two lines, shortened
    taps = fig["data"][4]  # the see-through markers under the names: a shortened name pops up whole
    assert taps["hoverinfo"] == ["none", "text"] and taps["hovertext"] == ["&lt;b&gt;化学楼&lt;/b&gt;", long["name_zh"]]


@pytest.mark.parametrize("click, code", [
    ({"points": [{"curveNumber": 2, "customdata": ["canteen", "canteen"]}]}, "canteen"),  # a tap on a fill
    ({"points": [{"curveNumber": 3, "customdata": "chem"}]}, "chem"),  # on a marker
    ({"points": [{"curveNumber": 0}]}, None), ({"points": []}, None), (None, None), ("chem", None)])
def test_what_a_tap_on_the_map_names(click, code):
    assert overview_map.tapped_building(click) == code


def test_the_building_list_marks_only_the_chosen_one():
    buttons = part.building_buttons("zh", PLAN, {"chem": BuildingFigures("chem", hazards_open=3, hazards_overdue=1)},
                                    selected=None)
    ids = [b.id["code"] for b in buttons.children]
    assert ids == ["chem", "canteen", "shed"]  # the one without a polygon too
    assert "隐患 3 · 逾期 1" in component_texts(buttons.children[0])
    classes = [b.className for b in buttons.children]
    assert part.select_buttons(classes, ids, "canteen") == [
        "lead-overview-bbtn red", "lead-overview-bbtn none is-selected", "lead-overview-bbtn blue"]


def test_the_drill_panel_shows_typed_text_as_text(session, school):
    chem = session.scalar(select(Building.id).where(Building.code == "chem", Building.school_id == school.id))
    session.add(RiskPoint(school_id=school.id, code="rp-x", name="<img src=x onerror=alert(1)>", building_id=chem,
                          method="LS", l_value=1, score=5, level="low", colour="blue", identified_on=date(2026, 1, 5),
                          last_reviewed_on=date(2026, 1, 5)))
    session.commit()
    drill = building_drill(session, school_id=school.id, code="chem", now=NOW, limit=20)
    panel = drill_panel("zh", drill, now=NOW, tz=SHANGHAI, ledger_href="/lead/hazards?building=chem",
                        recent_days=RECENT_ALERT_DAYS)
    shown = component_texts(panel)
    assert "<img src=x onerror=alert(1)>" in shown  # a Dash string child: React writes it as text
    assert "逾期 2 天" in shown and "重大" in shown


def test_every_word_in_both_languages():
    from dashboard.pages.lead_overview.text import TEXT

    assert set(TEXT["zh"]) == set(TEXT["en"])


# ---- the page's two callbacks, as the browser posts them ------------------------------------------

def _find(node, test):
    """The first component (as JSON) in a callback's answer for which `test(props)` holds."""
    if isinstance(node, dict):
        if "props" in node and test(node["props"]):
            return node["props"]
        return next((f for f in (_find(v, test) for v in node.values()) if f is not None), None)
    if isinstance(node, list):
        return next((f for f in (_find(v, test) for v in node) if f is not None), None)
    return None


def _tap_body(app, view: dict, codes: list[str], *, map_code: str | None = None, button: str | None = None) -> dict:
    key = next(k for k in app.callback_map if f"{part.DRILL}.children" in k)

    def each(prop, value):
        return [{"id": {"type": part.BUILDING, "code": c}, "property": prop, "value": value} for c in codes]

    changed = (f"{part.MAP}.clickData" if map_code else
               '{"code":"%s","type":"%s"}.n_clicks' % (button, part.BUILDING))
    return {"output": key, "outputs": [{"id": part.DRILL, "property": "children"},
                                       {"id": part.MAP, "property": "figure"},
                                       [{"id": i["id"], "property": "className"} for i in each("className", None)]],
            "inputs": [{"id": part.MAP, "property": "clickData",
                        "value": {"points": [{"curveNumber": 1, "customdata": map_code}]} if map_code else None},
                       [{**i, "value": 1 if i["id"]["code"] == button else 0} for i in each("n_clicks", 0)]],
            "state": [each("className", "lead-overview-bbtn red"),
                      {"id": part.VIEW, "property": "data", "value": view}],
            "changedPropIds": [changed]}


@pytest.fixture
def demo_app(demo_ledger):
    from dashboard.app import create_app

    return create_app(demo_ledger)


def test_the_minutes_refresh_and_a_tap_answer_for_the_pages_school_only(demo_app, demo_ledger):
    from tests.dashboard.conftest import signed_in
    from tests.dashboard.test_access import _callback_body

    view = {"school": "demo-univ", "lang": "zh"}
    leader, head = signed_in(demo_app, "leader"), signed_in(demo_app, "head")  # head reads demo-middle only
    refresh = _callback_body(demo_app, next(k for k in demo_app.callback_map if f"{part.ALERTS}.children" in k),
                             {part.TICK: 1, part.VIEW: view})
    answer = leader.post("/_dash-update-component", json=refresh)
    assert answer.status_code == 200
    out = answer.json["response"]
    engine = sql_engine(demo_ledger)
    try:
        with sql_sessions(engine)() as db:
            school = db.scalar(select(OrgUnit).where(OrgUnit.code == "demo-univ"))
            since = figures.local_midnight(datetime.now(demo_ledger.tz), demo_ledger.tz)
            today = db.scalar(select(func.count()).select_from(Alert).where(Alert.school_id == school.id,
                                                                             Alert.raised_at >= since))
            library = set(db.scalars(select(RiskPoint.code).join(Building, Building.id == RiskPoint.building_id)
                                     .where(Building.school_id == school.id, Building.code == "library")))
            codes = list(db.scalars(select(Building.code).where(Building.school_id == school.id)))
    finally:
        engine.dispose()
    shown = _find(out[part.ALERTS]["children"], lambda p: p.get("data-figure") == "alerts_today")
    assert shown["children"] == str(today)
    assert _find(out[part.STATUS]["children"], lambda p: "data-state" in p)["data-state"] == "none"  # no events
    # Someone who does not read the school gets nothing of it: the guard refuses the store's school.
    assert head.post("/_dash-update-component", json=refresh).status_code == 403

    for tap in ({"map_code": "library"}, {"button": "library"}):
        answer = leader.post("/_dash-update-component", json=_tap_body(demo_app, view, codes, **tap))
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        drill = answer.json["response"][part.DRILL]["children"]
        assert _find(drill, lambda p: p.get("data-building") is not None)["data-building"] == "library"
        risk_list = _find(drill, lambda p: "lead-overview-risks" in (p.get("className") or ""))
        assert {li["props"]["data-code"] for li in risk_list["children"]} == library
        classes = answer.json["response"]
        assert [c for c in classes if c.startswith("{")] and sum(
            "is-selected" in v["className"] for k, v in classes.items() if k.startswith("{")) == 1
        assert head.post("/_dash-update-component", json=_tap_body(demo_app, view, codes, **tap)).status_code == 403


@pytest.mark.parametrize("state, summary, shown", [
    ("live", {"as_of": "2026-11-24T10:00:05.000+08:00"}, "实时数据截至 10:00:05"),
    ("stale", {"as_of": "2026-11-24T09:58:50.000+08:00", "lag_seconds": 75.2},
     "实时数据已 75 秒 未更新（截至 09:58:50）"),
    ("stale", {"as_of": "2026-11-24T09:53:20.000+08:00", "lag_seconds": 400}, "实时数据已 6 分钟 未更新"),
    ("none", None, "该校暂无实时数据"), ("unreachable", None, "实时数据服务暂时无法连接")])
def test_the_status_line_says_how_current_the_live_figures_are(state, summary, shown):
    (line,) = part.status_line("zh", state, summary)
    assert shown in line.children
