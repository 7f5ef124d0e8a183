"""The wall in real headless Chromium: it shows what the API says, and says when data is stale."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from streams import local_services
from tests.streams import events as ev

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def served(app_settings):
    def serve(settings):
        app = create_app(settings)
        port = local_services.free_port()
        server = make_server("127.0.0.1", port, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{port}", app

    servers = []
    yield serve
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def wait_text(page, testid, expected, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        locator = page.get_by_test_id(testid)
        if locator.count() and locator.inner_text() == str(expected):
            return
        time.sleep(0.1)
    raise AssertionError(f"{testid} never showed {expected!r}")


def screenshot_dir(tmp_path) -> Path:
    """docs/screenshots when asked (UPDATE_SCREENSHOTS=1 make test), else a scratch folder, so a
    test run leaves the work tree as it found it."""
    return SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path


def test_the_wall_shows_the_api_numbers_and_follows_new_events(served, browser, apply_events, app_settings,
                                                              tmp_path):
    t = int(time.time() * 1000)
    apply_events([ev.attendance("in", f"p{i}", "student", t - 5000 - i) for i in range(7)]
                 + [ev.visitor("check_in", "v1", t - 4000), ev.smoke(t - 3000, id="a1")])
    url, app = served(app_settings)
    api = app.server.test_client().get("/api/v1/schools/s1/summary").json
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(url + "/?school=s1")
    wait_text(page, "students-present", api["attendance"]["students_present"])
    for testid, value in [("visitors-on-campus", api["visitors"]["on_campus"]),
                          ("alerts-critical", api["alerts"]["by_severity"]["critical"]),
                          ("environment-1h", api["domains"]["environment"]["events"]["1h"]),
                          ("personal_safety-24h", api["domains"]["personal_safety"]["events"]["24h"])]:
        wait_text(page, testid, value)
    assert "环境安全" in page.inner_text("body") and "数据时间" in page.inner_text("body")
    assert page.get_by_test_id("stale-banner").is_hidden()
    # No scrollbars at 1080p: the canvas fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    target = screenshot_dir(tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / "wall-1080p.png"))
    assert (target / "wall-1080p.png").stat().st_size > 50_000  # a rendered screen, not a blank page

    apply_events([ev.attendance("in", "p99", "student", int(time.time() * 1000) - 1000)])
    wait_text(page, "students-present", api["attendance"]["students_present"] + 1, timeout=5)
    page.close()


def test_stale_data_shows_a_banner_and_english_on_request(served, browser, apply_events, settings_factory):
    apply_events([ev.smoke(int(time.time() * 1000) - 1000)])
    url, _ = served(settings_factory(stale_after_seconds=0.5))
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(url + "/?school=s1&lang=en")
    deadline = time.monotonic() + 10
    while page.get_by_test_id("stale-banner").is_hidden():
        assert time.monotonic() < deadline, "the stale banner never appeared"
        time.sleep(0.1)
    assert "Data not current" in page.get_by_test_id("stale-banner").inner_text()
    assert "Environment" in page.inner_text("body")
    page.close()
