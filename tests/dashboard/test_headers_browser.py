"""The security headers in real headless Chromium: every page kind (the wall, the duty console,
every leadership page, the sign-in and refusal pages) draws its data under the strict
Content-Security-Policy with no violation reported, through the interactions that make libraries
write more (a grid row opened, a graph hovered, a menu opened); and a page on another origin
cannot frame the signed-in duty console unless FRAME_ANCESTORS allows it."""
from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from werkzeug.serving import make_server

from dashboard.pages.duty import ids
from dashboard.pages.lead_hazards.ids import GRID
from devstack import local_services
from kernel.connections import sql_engine, sql_sessions
from tests.dashboard import csp_watch
from tests.dashboard.conftest import PASSWORD, authenticated, event_applier
from tests.dashboard.lead_support import browser, demo_ledger  # noqa: F401 (fixtures)
from tests.dashboard.test_wall_browser import simulated_hours, wait_shown
from tests.ledger.alarms import raise_alarm

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"
# Set before any script of the page runs: every violation Chromium reports, with where it came from.
LISTEN = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push({directive: e.violatedDirective,
    blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample}));"""


class Watched:
    """A browser context whose pages report CSP violations (events and console errors)."""

    def __init__(self, browser, **options):  # noqa: F811
        self.context = browser.new_context(viewport={"width": 1366, "height": 1024}, **options)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        self.events: list[dict] = []

    def sign_in(self, url: str, username: str, path: str) -> None:
        self.page.goto(f"{url}/login?next={path.replace('?', '%3F').replace('=', '%3D')}")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        self.collect()
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda u: "/login" not in u, timeout=15_000)

    def open(self, url: str) -> None:
        self.collect()
        self.page.goto(url)

    def collect(self) -> None:
        if self.page.url.startswith("http"):
            self.events += self.page.evaluate("window.__csp || []")
            self.page.evaluate("window.__csp = []")

    def violations(self) -> list[str]:
        """What Chromium refused, readable: for a style, the hash to add to dashboard/csp_styles.py
        (when the library that wrote it is ours to trust) and the script file that wrote it."""
        self.collect()
        said = [m for m in self.console if "Content Security Policy" in m]
        hashes = {h for m in said for h in re.findall(r"'(sha256-[^']+)'\)", m)}
        found = [f"{e['directive']} {e['blocked']} from {e['source']}:{e['line']} {e['sample']!r}" for e in self.events]
        return found + [f"refused inline text with hash '{h}'" for h in sorted(hashes)] + \
            [m[:300] for m in said if not re.search(r"'sha256-[^']+'\)", m)]


# How long a page may take to draw its data here: four browsers are open at once, and on this shared
# 2-core machine under the whole suite a Plotly map once took longer than 15 s to appear (13:48 run).
DRAWN_WITHIN_MS = 30_000


def put_live_and_an_alarm(settings, redis_client) -> int:
    """Live events for the wall and the overview, and an open critical alert for the console."""
    event_applier(redis_client, settings)(simulated_hours(0.5, SCHOOL))
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return raise_alarm(db, event_id="csp-smoke-1", at=datetime.now(timezone.utc) - timedelta(seconds=30),
                               school=SCHOOL, building="图书馆", zone="2F").id
    finally:
        engine.dispose()


def open_a_record(page) -> bool:
    """Tap the hazard ledger's first row until its record shows (a tap while the grid is still
    drawing its rows is lost); whether it did."""
    code = page.locator(f"#{GRID} .ag-center-cols-container .ag-row").first.get_attribute("row-id")
    for _ in range(3):
        page.locator(f"#{GRID} .ag-center-cols-container .ag-row[row-id='{code}'] .ag-cell").first.click()
        try:
            page.wait_for_selector(f"#lead-hazards-record h2:has-text('{code}')", timeout=5_000)
            return True
        except PlaywrightTimeout:
            continue
    return False


def test_every_page_kind_draws_its_data_under_the_policy_with_no_violation(
        demo_ledger, serve, browser, redis_client):  # noqa: F811
    alert_id = put_live_and_an_alarm(demo_ledger, redis_client)
    served = serve(demo_ledger)
    api = served.api(f"/api/v1/schools/{SCHOOL}/summary").json
    wall, duty, lead, plain = (Watched(browser) for _ in range(4))
    drawn: dict[str, bool] = {}
    try:
        # The wall, by its token.
        wall.open(authenticated(f"{served.url}/?school={SCHOOL}"))
        wait_shown(wall.page, "alerts-open", api["alerts"]["open"], timeout=20)
        wall.page.wait_for_selector(".js-plotly-plot .main-svg", timeout=DRAWN_WITHIN_MS)
        drawn["wall"] = True

        # The duty console, by a duty officer: an open alert, its row opened, a filter menu opened.
        duty.sign_in(served.url, "officer", f"/duty?school={SCHOOL}")
        row = duty.page.locator(f'tr[data-alert="{alert_id}"]')
        row.wait_for(timeout=15_000)
        row.locator("td").first.click()
        duty.page.locator(f"#{ids.DUTY_FILTER_DOMAIN}").click()
        duty.page.wait_for_timeout(500)
        drawn["duty"] = "图书馆" in row.inner_text()

        # Every leadership page, by a leader; a graph hovered (plotly.js writes its hover rules).
        lead.sign_in(served.url, "leader", f"/lead?school={SCHOOL}")
        lead.page.wait_for_selector("#lead-overview-map .js-plotly-plot .main-svg", timeout=DRAWN_WITHIN_MS)
        lead.page.locator("#lead-overview-map .js-plotly-plot").hover()
        drawn["lead"] = lead.page.locator("[data-domain=mechanisms]").count() > 0
        pages = {
            "/lead/domain": "#lead-domain-trend .main-svg",
            "/lead/hazards": f"#{GRID} .ag-row",
            "/lead/risks": ".lead-risks-card",
            "/lead/campaigns": "#lead-campaigns-failing",
            "/lead/assessment": "#lead-assessment-units .lead-assessment-row",
            "/lead/district": "#lead-district-table .lead-district-row",
        }
        for path, selector in pages.items():
            lead.open(f"{served.url}{path}?school={SCHOOL}")
            lead.page.wait_for_selector(selector, timeout=DRAWN_WITHIN_MS)
            drawn[path] = lead.page.locator(selector).count() > 0
            if path == "/lead/hazards":  # a row opens its record (AG Grid's selection, a clientside scroll)
                drawn["a hazard's record"] = open_a_record(lead.page)

        # The sign-in page and a refusal page: drawn with their own (hashed) style.
        for url in (f"{served.url}/login", f"{served.url}/"):
            plain.open(url)
            background = plain.page.evaluate("getComputedStyle(document.body).backgroundColor")
            drawn[url] = background == "rgb(11, 20, 38)"  # layouts/plain_page.py's: the style applied
    finally:
        # What Chromium refused, also when a step above timed out (a refusal is a likely cause).
        refused = {name: w.violations() for name, w in
                   (("wall", wall), ("duty", duty), ("lead", lead), ("plain", plain))}
        for watched in (wall, duty, lead, plain):
            watched.context.close()
        assert {name: v for name, v in refused.items() if v} == {}
    assert {what for what, ok in drawn.items() if not ok} == set()


class Portal:
    """A page on another origin (another port of this host) that shows `target` in a frame."""

    def __init__(self):
        self.target = "about:blank"
        port = local_services.free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def app(self, environ, start_response):
        html = f'<!doctype html><title>portal</title><iframe src="{self.target}" width="900" height="600"></iframe>'
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode()]


def framed_console(browser, served, portal: Portal):  # noqa: F811
    """Sign the officer in, then open the portal framing the console; the watched context and the frame."""
    watched = Watched(browser)
    watched.sign_in(served.url, "officer", f"/duty?school={SCHOOL}")
    watched.page.wait_for_selector(".duty", timeout=15_000)
    portal.target = f"{served.url}/duty?school={SCHOOL}"
    watched.open(portal.url)
    watched.page.wait_for_load_state("load")
    frame = next(f for f in watched.page.frames if f != watched.page.main_frame)
    return watched, frame


def test_a_page_on_another_origin_cannot_frame_the_duty_console(demo_ledger, serve, browser):  # noqa: F811
    portal = Portal()
    try:
        watched, frame = framed_console(browser, serve(demo_ledger), portal)
        watched.page.wait_for_timeout(1000)
        assert frame.url.startswith("chrome-error://"), frame.url  # Chromium refused to show it
        assert any("frame-ancestors 'none'" in m for m in watched.console), watched.console
        assert csp_watch.expect_refusal("frame-ancestors")  # provoked here: not a failure of the pages
        watched.context.close()

        # The same portal, once an administrator allows it, shows the console: the check above can fail.
        allowed = serve(replace(demo_ledger, frame_ancestors=portal.url))
        watched, frame = framed_console(browser, allowed, portal)
        frame.wait_for_selector(".duty", timeout=15_000)
        assert frame.url.startswith(f"{allowed.url}/duty")
        watched.context.close()
    finally:
        portal.server.shutdown()
