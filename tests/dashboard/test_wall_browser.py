"""The wall in real headless Chromium against the real Redis: it shows what the API says, follows
new events without a reload, says when its data is not current and recovers by itself."""
from __future__ import annotations

import os
import time
from dataclasses import replace
from itertools import islice
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.pages.wall.panels import MAX_ALERT_ROWS
from dashboard.pages.wall.trends import bar_heights
from demo.campus_stream import simulate
from devstack import local_services
from kernel.catalogue import ALERT_SEVERITIES, DOMAINS
from tests.dashboard.conftest import authenticated, event_applier, now_ms
from tests.streams import events as ev

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")


@pytest.fixture(scope="module")
def browser(chromium):
    """The worker's one Chromium (`chromium`, tests/dashboard/conftest.py), by the name the browser
    modules import from here; each test opens its own pages or contexts in it and closes them."""
    return chromium


@pytest.fixture
def open_wall(browser):
    """open_wall(url) -> a 1080p page showing it; closed after the test."""
    pages = []

    def open_(url: str):
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        pages.append(page)
        page.goto(authenticated(url))  # the served app's wall token, as a kiosk's URL carries it
        return page

    yield open_
    for page in pages:
        page.close()


def wait_until(check, what: str, timeout: float = 8.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s: {what}")
        time.sleep(0.1)


def shown(page, testid: str) -> str:
    locator = page.get_by_test_id(testid)
    return locator.inner_text() if locator.count() else ""


def wait_shown(page, testid: str, value, timeout: float = 8.0) -> None:
    expected = f"{value:,}" if isinstance(value, int) else str(value)
    wait_until(lambda: shown(page, testid) == expected,
               f"{testid} to show {expected!r} (shows {shown(page, testid)!r})", timeout)


def expected_figures(api: dict) -> dict[str, int]:
    """Every number on the wall and the field of the API summary it must equal."""
    figures = {}
    for d in DOMAINS:
        figures[f"{d}-1h"] = api["domains"][d]["events"]["1h"]
        figures[f"{d}-24h"] = api["domains"][d]["events"]["24h"]
        figures[f"{d}-alerts"] = api["domains"][d]["alerts_open"]
    figures.update({f"alerts-{s}": api["alerts"]["by_severity"][s] for s in ALERT_SEVERITIES})
    figures.update({
        "alerts-open": api["alerts"]["open"],
        "visitors-on-campus": api["visitors"]["on_campus"],
        "visitors-today": api["visitors"]["checked_in_today"],
        "staff-present": api["attendance"]["staff_present"],
        "students-present": api["attendance"]["students_present"],
        "staff-today": api["attendance"]["staff_today"],
        "students-today": api["attendance"]["students_today"],
        **{f"hazards-stage-{stage}": n for stage, n in api["hazards"]["by_stage"].items()},
        "vehicles-on-campus": api["vehicles"]["on_campus"], "vehicles-today": api["vehicles"]["seen_today"],
        "hazards-open": api["hazards"]["open"], "hazards-overdue": api["hazards"]["overdue"],
        "hazards-major": api["hazards"]["major_open"],
    })
    return figures


def simulated_hours(hours: float, school: str, rate: float = 8.0) -> list[bytes]:
    """The demo simulator's messages of the last `hours` of a school, up to now: a realistic mix
    of every domain, with duplicates and late events, as Kafka would deliver them."""
    start = now_ms() - int(hours * 3_600_000)
    messages = simulate([school], seed=20261124, start_ms=start, rate=rate)
    return [payload for _, payload in islice(messages, int(hours * 3600 * rate))]


def screenshot_dir(tmp_path) -> Path:
    """docs/screenshots when asked (UPDATE_SCREENSHOTS=1), else a scratch folder, so a test run
    leaves the work tree as it found it."""
    return SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path


def rendering_fonts(page, selector: str) -> list[str]:
    """The platform fonts Chromium really drew a node's text with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return [font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


def test_the_wall_shows_the_api_numbers_and_follows_new_events(serve, app_settings, apply_events, open_wall,
                                                              tmp_path):
    apply_events(simulated_hours(2, "demo-univ"))
    t = now_ms()
    apply_events([{**ev.smoke(t - 300, school="demo-univ", id="smoke-1"), "building": "西寓10号楼", "zone": "3F"},
                  ev.attendance("in", "p-double", "student", t - 200, school="demo-univ"),
                  ev.attendance("in", "p-double", "student", t - 100, school="demo-univ")])  # one person
    # Nothing applies events after these, so the data ages while the page is compared; on a loaded
    # machine that took longer than the default 10 s and the stale banner came up, rightly. Fresh
    # data shows no banner is what is checked here: give it the time the comparisons take.
    served = serve(replace(app_settings, stale_after_seconds=120))
    api = served.api("/api/v1/schools/demo-univ/summary").json
    page = open_wall(served.url + "/?school=demo-univ")

    wait_shown(page, "students-present", api["attendance"]["students_present"])
    # The 1 h windows slide each minute: on a busy machine the page and the API may straddle a
    # minute's turn, so compare again with a fresh answer (never more than a few times).
    for attempt in range(4):
        differ = {testid: (shown(page, testid), f"{value:,}") for testid, value in expected_figures(api).items()
                  if shown(page, testid) != f"{value:,}"}
        # Each domain's 24 hourly bars stand as tall as the API's trend makes them.
        for domain in DOMAINS:
            heights = page.evaluate(f"Array.from(document.querySelectorAll("
                                    f"'[data-testid={domain}-trend] .bar'), bar => bar.style.height)")
            if heights != bar_heights(api["domains"][domain]["trend_24h"]):
                differ[f"{domain}-trend"] = (heights, bar_heights(api["domains"][domain]["trend_24h"]))
        if not differ:
            break
        time.sleep(1.5)
        api = served.api("/api/v1/schools/demo-univ/summary").json
    assert differ == {}
    assert shown(page, "as-of") == api["as_of"][11:19]
    assert "烟感报警" in shown(page, "alert-list") and "西寓10号楼 · 3F" in shown(page, "alert-list")
    assert page.get_by_test_id("stale-banner").is_hidden() and page.get_by_test_id("link-banner").is_hidden()

    # Chinese is drawn with a CJK font (no tofu boxes), in the browser's default language.
    body = page.inner_text("body")
    words = ("人身安全", "环境安全", "主动防御", "专项治理", "运行管理", "安全机制", "数据时间")
    assert all(word in body for word in words)
    for selector in (".tile-head h2", ".figure-label", ".alert-list td.type"):
        fonts = rendering_fonts(page, selector)
        assert fonts and set(fonts) <= set(CJK_FONTS), (selector, fonts)
    # The 1920x1080 canvas fills the screen: no scrollbars, no figure spilling out of its box.
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"
                         " && document.documentElement.scrollHeight <= innerHeight")
    overflowing = page.evaluate("""Array.from(document.querySelectorAll(
        '.tile-head, .figure-box, .panel-figures, .severity-figures, .wall-header'))
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => e.textContent + ' ' + e.scrollWidth + '/' + e.clientWidth)""")
    assert overflowing == []
    target = screenshot_dir(tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    # (docs/screenshots/wall-1080p.png, with the map, is test_wall_screens.py's.)
    page.screenshot(path=str(target / "wall-events-1080p.png"))
    assert (target / "wall-events-1080p.png").stat().st_size > 50_000  # a rendered screen, not a blank page

    # New events show up within seconds, without a reload.
    page.evaluate("window.__not_reloaded = true")
    t = now_ms()
    apply_events([ev.attendance("in", "p-new", "student", t - 1000, school="demo-univ"),
                  ev.event("alarm.one_key", "personal_safety", t - 500, id="sos-1", school="demo-univ")])
    wait_shown(page, "students-present", api["attendance"]["students_present"] + 1, timeout=5)
    wait_shown(page, "alerts-critical", api["alerts"]["by_severity"]["critical"] + 1, timeout=5)
    open_before = api["domains"]["personal_safety"]["alerts_open"]
    wait_shown(page, "personal_safety-alerts", open_before + 1, timeout=5)
    assert "一键报警" in page.get_by_test_id("alert-list").locator("tr").first.inner_text()
    assert page.evaluate("window.__not_reloaded === true")


def test_stale_data_shows_a_banner_that_clears_by_itself(serve, settings_factory, redis_client, open_wall):
    settings = settings_factory(stale_after_seconds=2)
    apply = event_applier(redis_client, settings)
    apply([ev.smoke(now_ms() - 1000)])
    page = open_wall(serve(settings).url + "/?school=s1")
    banner = page.get_by_test_id("stale-banner")
    wait_until(banner.is_visible, "the stale banner to appear", timeout=10)
    assert banner.inner_text().startswith("数据未更新")
    assert "is-stale" in page.locator(".wall").get_attribute("class")
    assert shown(page, "environment-1h") == "1"  # the last known figures stay, greyed out
    apply([ev.smoke(now_ms() - 500)])  # the feed comes back
    wait_until(banner.is_hidden, "the stale banner to clear", timeout=5)
    wait_shown(page, "environment-1h", 2)


def test_redis_outage_keeps_the_numbers_says_so_and_recovers(serve, settings_factory, open_wall, tmp_path):
    port = local_services.free_port()
    redis_process = local_services.start_redis(port, tmp_path / "redis")
    try:
        import redis

        settings = settings_factory(redis_url=f"redis://127.0.0.1:{port}/0")
        client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        event_applier(client, settings)([ev.attendance("in", "p1", "student", now_ms() - 1000)])
        page = open_wall(serve(settings).url + "/?school=s1")
        wait_shown(page, "students-present", 1)

        local_services.stop(redis_process)
        banner = page.get_by_test_id("stale-banner")
        wait_until(banner.is_visible, "the outage banner to appear")
        assert banner.inner_text().startswith("数据未更新")
        assert shown(page, "students-present") == "1"  # not zero, not blank: the last known figure

        redis_process = local_services.start_redis(port, tmp_path / "redis")  # empty: no persistence
        event_applier(client, settings)([ev.attendance("in", "p1", "student", now_ms() - 1000),
                                         ev.attendance("in", "p2", "student", now_ms() - 900)])
        wait_until(banner.is_hidden, "the outage banner to clear")
        wait_shown(page, "students-present", 2)
        client.close()
    finally:
        local_services.stop(redis_process)


def test_a_lost_link_to_the_web_app_is_shown_by_the_browser(serve, app_settings, apply_events, open_wall):
    apply_events([ev.smoke(now_ms() - 1000)])
    served = serve(app_settings)
    page = open_wall(served.url + "/?school=s1")
    wait_shown(page, "environment-1h", 1)
    link_banner = page.get_by_test_id("link-banner")
    assert link_banner.is_hidden()
    served.stop()
    wait_until(link_banner.is_visible, "the lost-link banner to appear", timeout=10)
    assert link_banner.inner_text().startswith("数据未更新")
    served.start()
    wait_until(link_banner.is_hidden, "the lost-link banner to clear", timeout=10)


def named_schools(settings, *names: tuple[str, str, str | None]) -> None:
    """Schools in the settings' ledger (migrated first) with their names: (code, name_zh, name_en)."""
    from kernel.connections import sql_engine, sql_sessions
    from ledger.db import migrate
    from ledger.models import OrgUnit

    ledger = sql_engine(settings)
    try:
        migrate(ledger)
        with sql_sessions(ledger).begin() as db:
            db.add_all([OrgUnit(code=code, kind="school", name_zh=zh, name_en=en, school_type="middle")
                        for code, zh, en in names])
    finally:
        ledger.dispose()


def picker_text(page) -> str:
    return page.locator("#wall-school-picker").inner_text().strip()


def test_english_school_picker_and_the_wall_alias(serve, app_settings, apply_events, open_wall):
    """A person reads a school's name, never its code: in the header and in the picker (English when
    the school has an English name, else its Chinese one); the code stays in the address."""
    named_schools(app_settings, ("school-a", "郑州市第一中学", "Zhengzhou No. 1 Middle School"),
                  ("school-b", "金水区第二小学", None))
    t = now_ms()
    apply_events([ev.smoke(t - 1000, school="school-a"),
                  ev.attendance("in", "p1", "student", t - 900, school="school-b"),
                  ev.attendance("in", "p2", "student", t - 800, school="school-b")])
    served = serve(app_settings)
    page = open_wall(served.url + "/wall?lang=en")  # no school: the first one, in English
    assert page.url == served.url + "/?lang=en"
    wait_shown(page, "environment-1h", 1)
    body = page.inner_text("body")
    assert "Personal safety" in body and "As of" in body and "人身安全" not in body
    wait_until(lambda: picker_text(page) == "Zhengzhou No. 1 Middle School", "the school's English name")
    assert "school-a" not in page.inner_text("header")

    page.locator(".school-picker").click()
    assert page.get_by_role("option", name="school-b").count() == 0  # the picker lists names
    page.get_by_role("option", name="金水区第二小学").click()  # no English name: the Chinese one
    # The other switches of the URL (language, a kiosk token, ...) are kept.
    wait_until(lambda: parse_qs(urlparse(page.url).query) == {"school": ["school-b"], "lang": ["en"]},
               f"navigation to school-b ({page.url})", timeout=20)
    wait_shown(page, "students-present", 2)
    assert shown(page, "environment-1h") == "0"
    assert "Personal safety" in page.inner_text("body")
    assert picker_text(page) == "金水区第二小学"


def test_the_wall_header_shows_the_schools_chinese_name_from_the_first_paint(serve, app_settings, apply_events,
                                                                            open_wall):
    named_schools(app_settings, ("demo-univ", "示范大学", "Demo University"))
    apply_events([ev.smoke(now_ms() - 1000, school="demo-univ"),
                  ev.smoke(now_ms() - 900, school="unnamed-school")])
    served = serve(app_settings)
    page = open_wall(served.url + "/?school=demo-univ")
    wait_until(lambda: picker_text(page) == "示范大学", "the school's name in the header")
    assert "demo-univ" not in page.inner_text("header")
    page.locator(".school-picker").click()
    # A school the ledger does not know (yet) is shown by its code: there is no name to show. (The
    # menu opens after the click's round of rendering: waited for, as a busy machine is slower.)
    option = page.get_by_role("option", name="unnamed-school")
    wait_until(lambda: option.count() == 1, "the unnamed school in the picker by its code")


def test_the_browser_holds_a_bounded_page_however_long_it_runs(serve, app_settings, apply_events, open_wall):
    t = now_ms()
    apply_events([ev.smoke(t - 60_000 + i) for i in range(30)])
    page = open_wall(serve(app_settings).url + "/?school=s1")
    wait_shown(page, "alerts-critical", 30)
    # The picker and the graphs load their code after the first answer: count once they have.
    page.wait_for_selector("#wall-school-picker .dash-dropdown-trigger, #wall-school-picker input", state="attached")
    page.wait_for_selector("#wall-hourly .main-svg", state="attached")
    time.sleep(1)
    count_nodes = "document.getElementsByTagName('*').length"
    undo_history = "window.dash_stores.map(s => s.getState().history.past.length)"
    nodes = page.evaluate(count_nodes)
    for second in range(8):  # alerts keep coming, one a second
        apply_events([ev.smoke(now_ms() - 100, id=f"later-{second}")])
        time.sleep(1)
    wait_shown(page, "alerts-critical", 38)
    assert page.get_by_test_id("alert-list").locator("tr").count() == MAX_ALERT_ROWS
    assert page.evaluate(count_nodes) <= nodes + 5  # the same page, however many alerts came
    # Dash would keep every tick for undo/redo (plotly/dash#727); assets/wall.js keeps one.
    assert max(page.evaluate(undo_history)) <= 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_hazard_panel_shows_the_ledger_figures_when_the_recorder_keeps_them(
        serve, app_settings, apply_events, redis_client, open_wall, tmp_path, lang):
    from streams import ledger_figures

    apply_events([ev.smoke(now_ms() - 1000, school="demo-univ")])
    served = serve(app_settings)
    page = open_wall(served.url + f"/?school=demo-univ&lang={lang}")
    wait_shown(page, "hazards-open", 0)  # no ledger figures: the event-derived ones
    assert shown(page, "listed-hazards") == ""
    listed = [{"code": f"H{n}", "title": title, "stage": "rectifying", "overdue": n == 0,
               "deadline": "2026-11-20T10:00:00+00:00", "building_id": 1}
              for n, title in enumerate(("化学北楼305实验室通风橱失效且危化品存放超量，需立即停用整改",
                                         "学苑餐厅燃气管道锈蚀", "西寓10号楼消防通道堵塞", "第四条不显示"))]
    ledger_figures.store(redis_client, "demo-univ", {
        "computed_at": "2026-11-24T09:35:00+00:00",
        "hazards": {"by_stage": {"reported": 3, "notified": 2, "rectifying": 12, "feedback": 1, "accepted": 130},
                    "open": 18, "overdue": 4, "due_soon": 2, "major_open": 4, "listed_supervision": listed,
                    "found_365d": 160, "closed_365d": 140, "rectification_rate": 0.875},
        "risk": {"by_colour": {"red": 2, "orange": 5, "yellow": 9, "blue": 20}, "by_building": {}},
        "alerts": {"open": 0, "open_by_severity": {}},
    })
    wait_shown(page, "hazards-open", 18)
    assert [shown(page, n) for n in ("hazards-overdue", "hazards-due-soon", "hazards-major", "hazards-rate")] \
        == ["4", "2", "4", "87.5%"]
    names = page.get_by_test_id("listed-hazards").locator("li")
    assert names.count() == 3 and "学苑餐厅燃气管道锈蚀" in names.nth(1).inner_text()
    target = screenshot_dir(tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"wall-ledger-{lang}-1080p.png"))
    # A long title is cut with an ellipsis inside the panel; nothing spills out of the hazard panel.
    assert page.evaluate("""Array.from(document.querySelectorAll(
        '.panel.hazards .figure-box, .panel.hazards .panel-figures, .panel.hazards .panel-head, .panel.hazards'))
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)""") == []
    assert page.evaluate("(p => p.scrollHeight <= p.clientHeight + 1)(document.querySelector('.panel.hazards'))")
