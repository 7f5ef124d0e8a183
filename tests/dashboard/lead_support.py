"""What the leadership pages' tests share: a ledger with the demo campus loaded (today's dates), the
people who read it, a served app, and a tablet-sized signed-in browser page with an overflow check.

    from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
        browser, demo_ledger, lead_served, tablet, TABLETS, no_horizontal_overflow)

People in the demo ledger (password PASSWORD):
  leader    leader, every school (the district view shows)
  district  leader over demo-univ and demo-middle (a district officer)
  head      leader over demo-middle only (no district tab)
  officer   duty officer, every school
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from demo.seed import load_demo
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger.db import migrate
from ledger.grading import GradingRules
from tests.dashboard.conftest import PASSWORD, make_user
from tests.dashboard.test_wall_browser import browser, screenshot_dir  # noqa: F401 (shared fixtures)

# Tablet sizes the issue names, landscape and portrait, and a desktop.
TABLETS = {"1024x768": (1024, 768), "768x1024": (768, 1024), "1366x1024": (1366, 1024), "1024x1366": (1024, 1366)}
PEOPLE = {"leader": ("leader", ()), "district": ("leader", ("demo-univ", "demo-middle")),
          "head": ("leader", ("demo-middle",)), "officer": ("duty", ())}


def load_demo_ledger(settings: Settings, today=None) -> None:
    """Migrate the settings' ledger and load the demo campus and the people above into it."""
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            now = datetime.now(timezone.utc)
            load_demo(db, today=today or now.astimezone(settings.tz).date(),
                      rules=GradingRules.load(settings.risk_grading_file), tz=settings.tz)
    finally:
        engine.dispose()
    for username, (role, schools) in PEOPLE.items():
        make_user(settings, username, role=role, schools=schools)


# Loading the demo campus and hashing four passwords took ~5 s a test, in ~60 tests: it is loaded
# once per session (per xdist worker) and day at the schools, by load_demo_ledger as before, and each
# test gets a copy of that file. The load is deterministic for a given day (demo/seed.py).
_DEMO_FILES: dict[tuple, Path] = {}


@pytest.fixture
def demo_ledger(settings_factory, redis_client, tmp_path_factory) -> Settings:
    """Settings whose SQLite ledger (its own file) holds the demo campus and the people above."""
    settings = settings_factory()
    today = datetime.now(timezone.utc).astimezone(settings.tz).date()
    key = (today, str(settings.tz), settings.risk_grading_file)
    if key not in _DEMO_FILES:
        loaded = tmp_path_factory.mktemp("demo-ledger") / "ledger.db"
        load_demo_ledger(settings_factory(database_url=f"sqlite:///{loaded}"), today)
        _DEMO_FILES[key] = loaded
    target = Path(settings.database_url.removeprefix("sqlite:///"))
    if target.exists():  # the test's ledger was made already (a token, a person): load into it
        load_demo_ledger(settings, today)
    else:
        shutil.copyfile(_DEMO_FILES[key], target)
    return settings


@pytest.fixture
def lead_served(demo_ledger, serve):
    """The app on the demo ledger, served on a free port for a browser."""
    return serve(demo_ledger)


@pytest.fixture
def tablet(browser):  # noqa: F811
    """tablet(served, path, username="leader", size="1024x768") -> a signed-in playwright page at
    `path`; every browser context is closed after the test."""
    opened = []

    def open_(served, path: str, username: str = "leader", size: str = "1024x768", lang: str | None = None):
        width, height = TABLETS[size]
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True,
                                      locale="en-GB" if lang == "en" else "zh-CN")
        opened.append(context)
        page = context.new_page()
        page.goto(served.url + "/login?next=" + _quoted(path))
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
        return page

    yield open_
    for context in opened:
        context.close()


def _quoted(path: str) -> str:
    from urllib.parse import quote
    return quote(path, safe="")


def no_horizontal_overflow(page) -> list[str]:
    """Elements sticking out past the right edge of the viewport, and whether the page scrolls
    sideways; [] when the page fits its width (what a tablet user needs: no sideways panning).
    Elements inside their own scrolling box (a table wrapper, the tab row) are allowed."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        if (document.documentElement.scrollWidth > width + 1) out.push('page scrolls sideways: ' +
            document.documentElement.scrollWidth + ' > ' + width);
        const clipped = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
            const s = getComputedStyle(p); if (['auto', 'scroll', 'hidden'].includes(s.overflowX) &&
            p !== document.body && p !== document.documentElement) return true; } return false; };
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > width + 1 && !clipped(el))
                out.push(el.tagName + '.' + el.className + ' right=' + r.right);
            if (out.length > 10) break;
        }
        return out;
    }""")


def read_ledger(settings: Settings, read):
    """`read(session)` on the settings' ledger: the independent figures a screen must show."""
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return read(db)
    finally:
        engine.dispose()


def component_texts(component) -> list[str]:
    """Every string a component tree shows, in order."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif node is not None and hasattr(node, "children"):
            walk(node.children)

    walk(component)
    return found


def component_props(component, name: str) -> list:
    """Every value of the property `name` (href, id) set in a component tree, in order."""
    found: list = []

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif node is not None and hasattr(node, "children"):
            if getattr(node, name, None):
                found.append(getattr(node, name))
            walk(node.children)

    walk(component)
    return found
