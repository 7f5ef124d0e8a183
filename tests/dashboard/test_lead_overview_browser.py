"""The leadership overview in headless Chromium on tablets (1024×768 landscape, 768×1024 portrait),
on the demo ledger with live events put into Redis through the consumer's write path: the
headline figures equal an independent reading (SQL for the ledger's, the JSON API and the events
put in for the live ones); a tap on a building of the map, and a tap on a building button, open
exactly that building's risk points, open hazards and recent alerts; nothing scrolls sideways;
without live data the ledger's parts still show and the page says why the rest is missing; a
district officer changes school from the school menu; English with ?lang=en; a wall's token
cannot open the page."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from dashboard.pages.lead_overview.view import DRILL_ALERTS, DRILL_LIMIT
from devstack import local_services
from layouts.site_plan import label_point
from ledger.models import Alert, Building, Hazard, OrgUnit, RiskPoint
from queries.ledger import lookups, org
from tests.dashboard.conftest import event_applier
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    lead_served,
    no_horizontal_overflow,
    read_ledger,
    screenshot_dir,
    tablet,
)
from tests.streams import events as ev

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"
HOUR_MS = 3_600_000
TODAY_EVENTS, WEEK_EVENTS = 6, 14  # mechanisms: now, and three days ago


def read_school(settings, read, school: str = SCHOOL):
    """`read(session, school_id)` on the demo ledger: the independent figures the screen must show."""
    return read_ledger(settings, lambda db: read(db, org.school(db, school).id))


def hazard_figures(settings, school: str = SCHOOL) -> dict[str, int]:
    now = datetime.now(timezone.utc)

    def read(db, school_id):
        def count(*where):
            return db.scalar(select(func.count()).select_from(Hazard).where(
                Hazard.school_id == school_id, Hazard.stage != "accepted", *where))
        return {"open": count(), "overdue": count(Hazard.deadline < now), "major": count(Hazard.grade == "major")}
    return read_school(settings, read, school)


def alerts_today(settings) -> dict[str, int]:
    midnight = datetime.now(settings.tz).replace(hour=0, minute=0, second=0, microsecond=0)

    def read(db, school_id):
        return dict(db.execute(select(Alert.severity, func.count()).where(
            Alert.school_id == school_id, Alert.raised_at >= midnight).group_by(Alert.severity)).all())
    return read_school(settings, read)


def building_facts(settings, code: str) -> dict:
    since = datetime.now(timezone.utc) - timedelta(days=7)

    def read(db, school_id):
        building = db.scalar(select(Building.id).where(Building.school_id == school_id, Building.code == code))
        return {
            "risk_points": set(db.scalars(select(RiskPoint.code).where(RiskPoint.building_id == building))),
            "hazards": set(db.scalars(select(Hazard.code).where(Hazard.building_id == building,
                                                                Hazard.stage != "accepted"))),
            "alerts": db.scalar(select(func.count()).select_from(Alert).where(
                Alert.school_id == school_id, Alert.building_code == code, Alert.last_raised_at >= since)),
            "plan": lookups.site_plan(db, db.get(OrgUnit, school_id)),
        }
    return read_school(settings, read)


def put_live_events(settings, client) -> dict:
    """Events for the demo university through the consumer's write path; what the page must show."""
    now_ms = int(time.time() * 1000)
    midnight_ms = int(datetime.now(settings.tz).replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)
    if now_ms - midnight_ms < 60_000:
        time.sleep(61 - (now_ms - midnight_ms) / 1000)  # "today" needs a minute of its own
        now_ms = int(time.time() * 1000)
    at = now_ms - 5_000
    before_midnight = midnight_ms - 60_000
    docs = [ev.event("training.completed", "mechanisms", at, SCHOOL, title="消防培训") for _ in range(TODAY_EVENTS)]
    docs.append(ev.event("training.completed", "mechanisms", before_midnight, SCHOOL, title="昨晚培训"))
    docs += [ev.event("training.completed", "mechanisms", now_ms - 3 * 86_400_000, SCHOOL, title="演练")
             for _ in range(WEEK_EVENTS)]
    docs += [ev.visitor("check_in", f"v{i}", at, school=SCHOOL) for i in range(3)]
    docs.append(ev.visitor("check_out", "v2", at + 1_000, school=SCHOOL))
    docs += [ev.attendance("in", f"staff-{i}", "staff", at, school=SCHOOL) for i in range(2)]
    docs.append(ev.attendance("in", "pupil-1", "student", at, school=SCHOOL))
    docs.append({**ev.smoke(at, school=SCHOOL), "building": "chem-north"})  # an open alert there
    event_applier(client, settings)(docs)
    # The 24 h window is the current hour and the 23 before it (docs/api.md).
    in_last_day = before_midnight // HOUR_MS >= now_ms // HOUR_MS - 23
    last_day = TODAY_EVENTS + in_last_day
    week = TODAY_EVENTS + 1 + WEEK_EVENTS
    return {"today": TODAY_EVENTS, "24h": last_day, "7d": week, "change": round((last_day / (week / 7) - 1) * 100)}


def figure(page, name: str) -> str:
    return page.inner_text(f"[data-figure={name}]").strip()


def tap_on_map(page, code: str, plan: dict) -> None:
    """A finger on the building `code` of the map (at its name's spot, where the plan draws it)."""
    building = next(b for b in plan["buildings"] if b["code"] == code)
    x, y = label_point(building["polygon"])
    page.locator("#lead-overview-map").scroll_into_view_if_needed()
    spot = page.evaluate("""([x, y]) => {
        const gd = document.querySelector('#lead-overview-map .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
        return [box.left + xa._offset + xa.l2p(x), box.top + ya._offset + ya.l2p(y)]; }""", [x, y])
    page.touchscreen.tap(*spot)


def assert_drill_shows(page, settings, code: str) -> None:
    page.wait_for_selector(f"#lead-overview-drill [data-building='{code}']", timeout=10_000)
    facts = building_facts(settings, code)
    assert len(facts["risk_points"]) <= DRILL_LIMIT and len(facts["hazards"]) <= DRILL_LIMIT  # all of them shown
    shown = page.eval_on_selector_all("#lead-overview-drill .lead-overview-risks li",
                                      "rows => rows.map(r => r.dataset.code)")
    assert sorted(shown) == sorted(facts["risk_points"])
    hazards = page.eval_on_selector_all("#lead-overview-drill .lead-overview-hazards li",
                                        "rows => rows.map(r => r.dataset.code)")
    assert sorted(hazards) == sorted(facts["hazards"])
    alerts = page.locator("#lead-overview-drill .lead-overview-alerts tbody tr").count()
    assert alerts == min(facts["alerts"], DRILL_ALERTS)
    assert f"（{facts['alerts']}）" in page.inner_text("#lead-overview-drill .lead-overview-drill-alerts h3")
    link = page.get_attribute("#lead-overview-drill .lead-overview-ledger-link", "href")
    assert f"building={code}" in link and f"school={SCHOOL}" in link


def test_the_overview_shows_the_figures_and_drills_into_a_building(lead_served, tablet, demo_ledger, redis_client,
                                                                  tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    expected = put_live_events(demo_ledger, redis_client)
    outside = []
    page = tablet(lead_served, f"/lead?school={SCHOOL}", size=size)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(lead_served.url) else None)
    page.wait_for_selector("#lead-overview-map .js-plotly-plot", timeout=15_000)

    # The ledger's figures, counted again here.
    hazards = hazard_figures(demo_ledger)
    assert hazards["open"] > hazards["overdue"] > 0 and hazards["major"] > 0
    assert (figure(page, "hazards_open"), figure(page, "hazards_overdue"), figure(page, "hazards_major")) == (
        str(hazards["open"]), str(hazards["overdue"]), str(hazards["major"]))
    today = alerts_today(demo_ledger)
    assert figure(page, "alerts_today") == str(sum(today.values()))
    for severity in ("critical", "high", "medium", "low"):
        assert page.inner_text(f"[data-severity={severity}]") == str(today.get(severity, 0))

    # The live figures: what the events put in make, and what the API says.
    summary = lead_served.api(f"/api/v1/schools/{SCHOOL}/summary").get_json()
    events = summary["domains"]["mechanisms"]["events"]
    assert (events["24h"], events["7d"]) == (expected["24h"], expected["7d"])
    card = page.locator("[data-domain=mechanisms]")
    assert card.locator("[data-figure=today]").inner_text() == str(expected["today"])
    assert card.locator("[data-figure=daily_average]").inner_text() == "近 7 天日均 3"
    assert card.locator("[data-change]").get_attribute("data-change") == str(expected["change"])
    assert "未处置告警 1" in page.locator("[data-domain=environment]").inner_text()
    assert (figure(page, "visitors_on_campus"), figure(page, "staff_present"), figure(page, "students_present")) == (
        str(summary["visitors"]["on_campus"]), "2", "1")
    assert summary["visitors"]["on_campus"] == 2
    assert figure(page, "visitors_today") == "今日登记 3 人"
    assert no_horizontal_overflow(page) == []

    # A tap on the map opens the building's panel; its outline is drawn.
    plan = building_facts(demo_ledger, "chem-north")["plan"]
    tap_on_map(page, "chem-north", plan)
    assert_drill_shows(page, demo_ledger, "chem-north")
    halo = page.evaluate("() => document.querySelector('#lead-overview-map .js-plotly-plot').data[0].x.length")
    assert halo == len(next(b for b in plan["buildings"] if b["code"] == "chem-north")["polygon"]) + 1
    page.wait_for_timeout(800)  # the panel scrolls into view smoothly
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-overview-1024x768.png"), full_page=True)

    # The list beneath the map opens a building too (more alerts than the panel lists here).
    button = page.locator("button[id*='xueyuan-canteen']")
    button.tap()
    assert_drill_shows(page, demo_ledger, "xueyuan-canteen")
    assert "is-selected" in button.get_attribute("class")
    assert page.locator("button.lead-overview-bbtn.is-selected").count() == 1
    assert f"显示前 {DRILL_ALERTS} 条" in page.inner_text("#lead-overview-drill .lead-overview-drill-alerts")
    assert no_horizontal_overflow(page) == []

    # The backlog: major first, then overdue (as many rows as it says).
    grades = page.eval_on_selector_all("#lead-overview-backlog tbody tr", "rows => rows.map(r => r.dataset.grade)")
    majors = grades.count("major")
    assert majors == min(hazards["major"], 10) and grades[:majors] == ["major"] * majors
    assert outside == []


def test_a_building_link_opens_the_page_with_its_panel(lead_served, tablet, demo_ledger):  # noqa: F811
    page = tablet(lead_served, f"/lead?school={SCHOOL}&building=library", size="768x1024")
    assert_drill_shows(page, demo_ledger, "library")
    assert "is-selected" in page.get_attribute("button[id*='\"library\"']", "class")


def test_without_live_data_the_ledgers_parts_still_show(lead_served, tablet, demo_ledger):  # noqa: F811
    page = tablet(lead_served, f"/lead?school={SCHOOL}")  # no event was put in: Redis knows no school
    page.wait_for_selector("#lead-overview-status [data-state=none]", timeout=15_000)
    assert "该校暂无实时数据" in page.inner_text("#lead-overview-status")
    assert figure(page, "hazards_open") == str(hazard_figures(demo_ledger)["open"])
    assert figure(page, "visitors_on_campus") == "—"
    assert page.locator("[data-domain=mechanisms] [data-figure=today]").inner_text() == "—"
    page.locator("button[id*='chem-north']").tap()
    assert_drill_shows(page, demo_ledger, "chem-north")


def test_with_redis_unreachable_the_page_says_so_and_shows_the_ledger(serve, tablet, demo_ledger):  # noqa: F811
    dead = replace(demo_ledger, redis_url=f"redis://127.0.0.1:{local_services.free_port()}/0")
    page = tablet(serve(dead), f"/lead?school={SCHOOL}", size="768x1024")
    page.wait_for_selector("#lead-overview-status [data-state=unreachable]", timeout=15_000)
    assert "实时数据服务暂时无法连接" in page.inner_text("#lead-overview-status")
    assert figure(page, "hazards_overdue") == str(hazard_figures(demo_ledger)["overdue"])
    assert no_horizontal_overflow(page) == []


def test_a_district_officer_changes_school_from_the_menu(lead_served, tablet, demo_ledger):  # noqa: F811
    page = tablet(lead_served, f"/lead?school={SCHOOL}", username="district", size="768x1024")
    page.wait_for_selector("#lead-overview-map .js-plotly-plot", timeout=15_000)
    page.locator(".lead-school-menu > summary").tap()
    items = page.locator(".lead-school-menu .lead-menu-item")
    assert items.count() == 2  # their two schools, not the third
    page.get_by_role("link", name="演示区第一中学").tap()
    page.wait_for_url(lambda url: "school=demo-middle" in url, timeout=10_000)
    page.wait_for_selector("button[id*='science']", timeout=15_000)
    assert figure(page, "hazards_open") == str(hazard_figures(demo_ledger, "demo-middle")["open"])
    assert page.locator("button.lead-overview-bbtn").count() == 5
    # The school they do not read is refused before anything is drawn.
    answer = page.goto(lead_served.url + "/lead?school=demo-primary")
    assert answer.status == 403


def test_the_overview_in_english(lead_served, tablet, demo_ledger):  # noqa: F811
    page = tablet(lead_served, f"/lead?school={SCHOOL}&lang=en", lang="en")
    page.wait_for_selector("#lead-overview-map .js-plotly-plot", timeout=15_000)
    assert page.inner_text("h1.lead-page-title") == "Safety overview"
    assert "Open hazards" in page.inner_text("#lead-overview-hazards")
    assert "No live data for this school" in page.inner_text("#lead-overview-status")
    page.locator("button[id*='chem-north']").tap()
    page.wait_for_selector("#lead-overview-drill [data-building='chem-north']", timeout=10_000)
    drill = page.inner_text("#lead-overview-drill")
    assert "Risk points (" in drill and "Open hazards (" in drill and "Alerts, last 7 days (" in drill
    assert "lang=en" in page.get_attribute("#lead-overview-drill .lead-overview-ledger-link", "href")
    assert no_horizontal_overflow(page) == []


def test_a_wall_token_cannot_open_the_overview(lead_served, browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        answer = page.goto(f"{lead_served.url}/lead?school={SCHOOL}&token={lead_served.token}")
        assert answer.status == 403  # the wall signs in with its token, then the guard refuses the page
        assert page.locator("#lead-overview-map, [data-figure]").count() == 0
    finally:
        context.close()


OVERVIEW_MAP_BOXES = """buildings => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = document.querySelector('#lead-overview-map');
  const gd = document.querySelector('#lead-overview-map .js-plotly-plot');
  const campuses = gd.layout.shapes.length;
  return {
    graph: box(map), plot: box(map.querySelector('.bglayer .bg') || map.querySelector('.nsewdrag')),
    names: Array.from(map.querySelectorAll('.annotation'))
      .filter(a => Number(a.dataset.index) >= campuses).map(a => box(a.querySelector('.annotation-text'))),
    dots: Array.from(map.querySelectorAll('.trace' + gd._fullData[buildings + 1].uid + ' .point')).map(box),
  };
}"""


@pytest.mark.parametrize("size", ["1024x768", "768x1024"])
def test_the_overview_map_fills_its_box_and_names_cover_no_dot(lead_served, tablet, demo_ledger, size):  # noqa: F811
    page = tablet(lead_served, f"/lead?school={SCHOOL}", size=size)
    page.wait_for_selector("#lead-overview-map .js-plotly-plot .annotation", timeout=15_000)
    plan = building_facts(demo_ledger, "chem-north")["plan"]
    drawn = [b for b in plan["buildings"] if b.get("polygon")]
    page.wait_for_timeout(500)
    found = page.evaluate(OVERVIEW_MAP_BOXES, len(drawn))
    graph, plot = found["graph"], found["plot"]
    assert all(abs(a - b) <= 2 for a, b in zip(graph, plot)), (graph, plot)  # the plot area is the whole box
    assert len(found["names"]) == len(drawn) and found["dots"]
    covered = [(n, d) for n in found["names"] for d in found["dots"]
               if n[0] < d[2] - 0.5 and d[0] < n[2] - 0.5 and n[1] < d[3] - 0.5 and d[1] < n[3] - 0.5]
    assert covered == [], covered
