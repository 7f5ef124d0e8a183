"""The full wall in headless Chromium: the four-colour map from the ledger's site plan at 1080p and
4K, the flashing edge and escalation of critical alerts, split screens and views, answers that
carry only what changed, and the stale banner when the real consumer stops and starts again."""
from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from demo.seed import load_demo
from kernel.connections import sql_engine, sql_sessions
from ledger.db import migrate
from ledger.grading import GradingRules
from streams import ledger_figures
from tests.dashboard.conftest import authenticated, event_applier, now_ms
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    screenshot_dir,
    shown,
    simulated_hours,
    wait_shown,
    wait_until,
)
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator

pytestmark = pytest.mark.browser
UNIV = "demo-univ"


@pytest.fixture
def open_page(browser):
    pages = []

    def open_(url: str, width: int = 1920, height: int = 1080, init_script: str | None = None):
        page = browser.new_page(viewport={"width": width, "height": height})
        if init_script:
            page.add_init_script(init_script)
        pages.append(page)
        page.goto(authenticated(url))  # the served app's wall token, as a kiosk's URL carries it
        return page

    yield open_
    for page in pages:
        if not page.is_closed():
            page.close()


@pytest.fixture
def demo_ledger(settings_factory, redis_client, tmp_path):
    """Settings whose SQLite ledger holds the demo campus, its figures stored in Redis as the
    recorder keeps them."""
    # Stale only after two minutes: the events are applied once, and the screenshots should show
    # a current wall, not the banner (which has tests of its own).
    settings = settings_factory(database_url=f"sqlite:///{tmp_path / 'ledger.db'}", stale_after_seconds=120)
    engine = sql_engine(settings)
    migrate(engine)
    now = datetime.now(timezone.utc)
    with sql_sessions(engine)() as session, session.begin():
        load_demo(session, today=now.astimezone(settings.tz).date(), rules=GradingRules())
    with sql_sessions(engine)() as session:
        ledger_figures.refresh(session, redis_client, now=now, due_soon_days=settings.hazard_due_soon_days)
    engine.dispose()
    return settings


def overflowing(page) -> list[str]:
    """Content spilling out of its box: sideways anywhere, downwards out of the boxes that clip
    (panels, tiles and the areas holding them). Text cut with an ellipsis is fine."""
    return page.evaluate("""Array.from(document.querySelectorAll(
        '.tile-head, .figure-box, .panel-figures, .severity-figures, .wall-header, .panel, .map-legend,'
        + ' .people-grid, ol.stages, .lower, .tiles, .tile, .middle'))
        .filter(e => e.scrollWidth > e.clientWidth + 1
                     || (e.matches('.panel, .tile, .tiles, .lower, .middle') && e.scrollHeight > e.clientHeight + 1))
        .map(e => e.className + ' ' + e.scrollWidth + 'x' + e.scrollHeight
                  + '/' + e.clientWidth + 'x' + e.clientHeight)""")


def test_the_wall_draws_the_risk_map_and_fits_1080p_and_4k(serve, demo_ledger, redis_client, open_page, tmp_path):
    apply = event_applier(redis_client, demo_ledger)
    apply(simulated_hours(3, UNIV))
    t = now_ms()
    apply([{**ev.smoke(t - 2000, school=UNIV, id="smoke-map"), "building": "chem-north", "zone": "3F"},
           *[ev.visitor("check_in", f"v{n}", t - 1000 + n, gate="main-south-gate", school=UNIV) for n in range(3)],
           ev.visitor("check_in", "v9", t - 900, gate="xinxiang-west-gate", school=UNIV)])
    served = serve(demo_ledger)
    api = served.api(f"/api/v1/schools/{UNIV}/summary").json
    plan = served.api(f"/api/v1/schools/{UNIV}/site-plan").json
    page = open_page(served.url + f"/?school={UNIV}", 1920, 1080)

    # The map: one filled shape per building in the plan, the legend's counts from the ledger.
    shapes = page.locator(".risk-map .shapelayer path")
    wait_until(lambda: shapes.count() >= len(plan["buildings"]), "the map's buildings to be drawn", timeout=30)
    assert shown(page, "map-note") == ""
    for colour, count in api["ledger"]["risk"]["by_colour"].items():
        assert shown(page, f"risk-{colour}") == f"{count:,}"
    fills = page.evaluate("Array.from(document.querySelectorAll('.risk-map .shapelayer path'))"
                          ".map(p => p.style.fill)")
    assert any("211, 47, 47" in fill for fill in fills)  # a red building: the national red, filled
    # The building with an open alert rings; the ring trace holds its centre.
    ring = page.locator(".risk-map .scatterlayer .trace:last-child .point")
    wait_until(lambda: ring.count() >= 1, "a ring on the building with an open alert", timeout=20)
    for stage, count in api["ledger"]["hazards"]["by_stage"].items():
        assert shown(page, f"hazards-stage-{stage}") == f"{count:,}"
    assert "化学化工学院" in shown(page, "alert-list")  # places by their names on the plan
    # Gates by their names on the plan, busiest first (the simulated hours bring their own
    # visitors, so the order is the API's, whatever the hour).
    names = {gate["id"]: gate["name_zh"] for gate in plan["gates"]}
    busiest = sorted(api["visitors"]["checkins_by_gate"].items(), key=lambda item: (-item[1], item[0]))
    expected = [names.get(gate, gate) for gate, _ in busiest][:2]
    assert "main-south-gate" in api["visitors"]["checkins_by_gate"] and names["main-south-gate"] == "本部南大门"
    gates = page.get_by_test_id("gate-list").locator("li")
    wait_until(lambda: gates.count() >= 2 and expected[0] in gates.first.inner_text(), "gates by name, busiest first")
    assert expected[1] in gates.nth(1).inner_text()

    # The canvas fills the screen at either size, with no scrollbar and nothing spilling over: the
    # same page, its window made 4K (a display the wall's browser is moved to scales as it does).
    target = screenshot_dir(tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    for (width, height), name in (((1920, 1080), "wall-1080p.png"), ((3840, 2160), "wall-4k.png")):
        page.set_viewport_size({"width": width, "height": height})

        def fits(width=width, height=height) -> bool:
            box = page.locator("#wall-canvas").bounding_box()
            return abs(box["width"] - width) < 2 and abs(box["height"] - height) < 2

        wait_until(fits, f"the canvas to fill {width}x{height}")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"
                             " && document.documentElement.scrollHeight <= innerHeight")
        assert overflowing(page) == []
        time.sleep(1.0)  # the charts' first transitions (and their redraw at the new size)
        page.screenshot(path=str(target / name))
        assert (target / name).stat().st_size > 100_000


COUNT_BEEPS = """
window.__beeps = 0;
const Real = window.AudioContext;
window.AudioContext = function () { const c = new Real(); const make = c.createOscillator.bind(c);
  c.createOscillator = () => { window.__beeps += 1; return make(); }; return c; };
"""


def test_a_new_critical_alert_flashes_beeps_once_escalates_and_calms_when_acknowledged(
        serve, settings_factory, redis_client, open_page, tmp_path):
    deadlines = tmp_path / "deadlines.toml"
    deadlines.write_text("[acknowledge_within_seconds]\ncritical = 3\nhigh = 300\nmedium = 900\nlow = 1800\n"
                         "[wall]\nflash_seconds = 60\n")
    settings = settings_factory(alert_deadlines_file=str(deadlines))
    apply = event_applier(redis_client, settings)
    apply([ev.attendance("in", "p1", "staff", now_ms() - 1000)])
    page = open_page(serve(settings).url + "/?school=s1&sound=on", init_script=COUNT_BEEPS)
    wait_shown(page, "staff-present", 1)
    canvas = page.locator("#wall-canvas")
    assert "is-flashing" not in canvas.get_attribute("class")

    apply([ev.event("alarm.one_key", "personal_safety", now_ms() - 200, id="sos-1")])
    wait_until(lambda: "is-flashing" in canvas.get_attribute("class"), "the edge to flash")
    wait_until(lambda: page.evaluate("window.__beeps") == 3, "one alarm: three tones")
    first_row = page.get_by_test_id("alert-list").locator("tr").first
    wait_until(lambda: "已升级" in first_row.inner_text(), "the unacknowledged alert to escalate", timeout=10)
    wait_shown(page, "alerts-escalated", 1)

    apply([ev.event("alert.acknowledged", "operations", now_ms() - 100, id="ack-1", alert="sos-1")])
    wait_until(lambda: "is-flashing" not in canvas.get_attribute("class"), "the flashing to stop")
    wait_until(lambda: "已确认" in first_row.inner_text(), "the row to show acknowledged")
    wait_shown(page, "alerts-escalated", 0)
    assert page.evaluate("window.__beeps") == 3  # no second alarm for the same alert


def test_split_screens_and_views(serve, app_settings, apply_events, open_page):
    apply_events([ev.smoke(now_ms() - 1000)])
    served = serve(app_settings)

    def canvas_box(query: str, width: int = 960, height: int = 540) -> dict:
        """Where the canvas lies on one display. Each page is closed once measured: four pages
        refreshing twice a second would slow a busy machine for the ones after."""
        page = open_page(served.url + "/?school=s1&" + query, width, height)
        wait_shown(page, "environment-1h", 1, timeout=20)
        box = page.locator("#wall-canvas").bounding_box()
        page.close()
        return box

    # The top-right display of a 2x2 wall of 960x540 displays: the canvas spans all four.
    box = canvas_box("screen=2/2x2")
    assert abs(box["x"] + 960) < 2 and abs(box["width"] - 1920) < 2 and abs(box["y"]) < 2, box
    # Two displays side by side (32:9): the 16:9 canvas is centred across both, bars at the ends.
    box = canvas_box("screen=2/2")
    assert abs(box["x"] + 480) < 2 and abs(box["width"] - 960) < 2, box
    # Lower-left of a 2x2 wall.
    box = canvas_box("screen=3/2x2")
    assert abs(box["x"]) < 2 and abs(box["y"] + 540) < 2, box
    # One view, then a playlist that moves on by itself.
    only_map = open_page(served.url + "/?school=s1&view=map")
    wait_shown(only_map, "environment-1h", 1, timeout=20)
    assert only_map.locator(".tiles").is_hidden() and only_map.locator(".map-panel").is_visible()
    only_map.close()
    playlist = open_page(served.url + "/?school=s1&playlist=alerts,map&every=5")
    first = playlist.evaluate("document.documentElement.dataset.view")
    assert first in ("alerts", "map")  # "map" only if the page took over 5 s to load
    if first == "alerts":
        assert playlist.locator(".tiles").is_hidden() and playlist.locator(".map-panel").is_hidden()
    other = "map" if first == "alerts" else "alerts"
    # Polled in the page itself: no round trip can miss a view that shows for 5 s. A function, not an
    # expression: Playwright evals an expression in the page, which the pages' CSP refuses.
    playlist.wait_for_function(f"() => document.documentElement.dataset.view === '{other}'", timeout=20_000)
    assert playlist.locator(".alerts-panel").is_visible()


RECORD_ANSWERS = """
window.__answers = [];
const realFetch = window.fetch;
window.fetch = async (...args) => {
  const response = await realFetch(...args);
  if (String(args[0]).includes('_dash-update-component')) {
    response.clone().text().then(body => window.__answers.push(body));
  }
  return response;
};
"""


def test_each_answer_carries_only_what_changed(serve, app_settings, apply_events, open_page):
    # People and sensor readings but no alerts: an alert's "time since" changes each minute and
    # would rightly be sent again; here a quiet wall must have nothing to send.
    t = now_ms()
    apply_events([ev.attendance("in", f"p{n}", "student", t - 60_000 + n, school="demo-middle") for n in range(50)]
                 + [ev.event("sensor.temperature", "environment", t - 30_000 + n, school="demo-middle",
                             value=21.5, threshold=60) for n in range(20)])
    # The poll, which pushed walls fall back to (tests/dashboard/test_wall_push.py tests the push).
    served = serve(replace(app_settings, wall_push=False))
    page = open_page(served.url + "/?school=demo-middle", init_script=RECORD_ANSWERS)

    def answers(start: int = 0) -> list[tuple[int, dict]]:
        """(bytes, outputs) of the wall's refresh answers since the `start`th answer."""
        bodies = page.evaluate(f"window.__answers.slice({start})")
        found = [(len(body.encode()), json.loads(body).get("response", {})) for body in bodies]
        return [(n, outputs) for n, outputs in found if "wall-sync" in outputs]

    wait_until(lambda: any("wall-alert-list" in r for _, r in answers()), "the first, full answer")
    first = max(n for n, _ in answers())
    assert first > 5_000  # the whole wall once
    # Quiet: nothing new is applied. Only answers after the last full one count: on a busy machine a
    # request sent before the first full answer was applied carries no tag yet and is answered in
    # full too, arriving later (seen at load 12), so the last full one is found after the pause.
    time.sleep(2.5)
    after_full = 1 + max(i for i, (_, r) in enumerate(answers()) if "wall-alert-list" in r)
    wait_until(lambda: len(answers()[after_full:]) >= 3, "three answers after the full one", timeout=20)
    for size, outputs in answers()[after_full:]:
        assert size < 1_500, outputs  # then the heartbeat, the lag and the tag, not the wall
        assert "wall-hourly" not in outputs and "wall-alert-list" not in outputs
    before = page.evaluate("window.__answers.length")
    apply_events([ev.attendance("in", "p-new", "student", now_ms() - 500, school="demo-middle")])
    wait_until(lambda: any("students-present" in json.dumps(r) for _, r in answers(before)),
               "the changed figure to be sent")
    size, changed = next((n, r) for n, r in answers(before) if "students-present" in json.dumps(r))
    assert "wall-hourly" in changed  # a person came in this hour: the chart's array, as a Patch
    assert changed["wall-hourly"]["figure"]["__dash_patch_update"] == "__dash_patch_update"
    assert "wall-alert-list" not in changed and size < 3_000


def test_the_stale_banner_follows_the_real_consumer(serve, settings_factory, redis_client, kafka_bootstrap,
                                                    open_page):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, stale_after_seconds=3)
    make_topic(kafka_bootstrap, settings, partitions=1)
    produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(ev.smoke(now_ms() - 1000)))])
    with running_aggregator(settings):
        page = open_page(serve(settings).url + "/?school=s1")
        wait_shown(page, "environment-1h", 1, timeout=30)
        banner = page.get_by_test_id("stale-banner")
        time.sleep(4)  # longer than the threshold: an idle but running consumer is current
        assert banner.is_hidden()
    wait_until(banner.is_visible, "the stale banner once the consumer has stopped", timeout=15)
    assert banner.inner_text().startswith("数据未更新")
    assert shown(page, "environment-1h") == "1"  # the last known figure stays, greyed out
    with running_aggregator(settings):
        wait_until(banner.is_hidden, "the banner to clear when the consumer is back", timeout=30)
        produce(kafka_bootstrap, settings.events_topic, [("s1", ev.raw(ev.smoke(now_ms() - 500)))])
        wait_shown(page, "environment-1h", 2, timeout=15)
