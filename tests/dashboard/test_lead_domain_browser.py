"""The domain page in headless Chromium on tablets (1024×768 landscape, 768×1024 portrait), on the
demo ledger with live events put into the real Redis: tapping a domain tab and a range shows that
domain and range, and the figures on screen equal the ledger counted here (alerts per bucket, by
type, response times, false alarms) and the live events and devices applied; nothing scrolls
sideways; English with ?lang=en; without live data the page says so and still shows the ledger."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from dashboard.pages.lead_domain import figures
from kernel.connections import sql_engine, sql_sessions
from ledger.models import Alert, DailyDomainEvents
from queries.ledger import lead_domain as q
from queries.ledger import org
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




def expected(settings, domain: str, range_: str) -> dict:
    """The page's figures read here: alerts counted row by row in Python for the buckets, the
    page's own queries for the rest."""
    window = figures.window(range_, datetime.now(timezone.utc), settings.tz)

    def read(db):
        school = org.school(db, SCHOOL)
        raised = db.scalars(select(Alert.raised_at).where(
            Alert.school_id == school.id, Alert.domain == domain, Alert.raised_at >= window.start,
            Alert.raised_at < window.end)).all()
        span = dict(school_id=school.id, domain=domain, start=window.start, end=window.end)
        ack, resolve = q.response_times(db, **span)
        return {"alerts": len(raised), "ack": ack, "resolve": resolve,
                "by_type": q.alerts_by_type(db, **span),
                "rates": figures.false_alarm_rates(q.false_alarm_rows(db, **span)),
                "events": q.events_by_day(db, school_id=school.id, domain=domain, days=window.days)
                if window.days else None}

    return read_ledger(settings, read)


def add_history(settings, domain: str, per_day: dict[int, int]) -> None:
    """Daily event counts for the school's last days (days back -> events), where the demo has none."""
    today = datetime.now(timezone.utc).astimezone(settings.tz).date()
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine).begin() as db:
            school = org.school(db, SCHOOL)
            for back, events in per_day.items():
                day = today - timedelta(days=back)
                row = db.scalar(select(DailyDomainEvents).where(
                    DailyDomainEvents.school_id == school.id, DailyDomainEvents.day == day,
                    DailyDomainEvents.domain == domain))
                if row is None:
                    db.add(DailyDomainEvents(school_id=school.id, day=day, domain=domain, events=events))
    finally:
        engine.dispose()


def figure(page, name: str) -> str:
    return page.get_attribute(f'[data-figure="{name}"]', "data-value")


def assert_figures(page, want: dict) -> None:
    assert int(figure(page, "alerts")) == want["alerts"]
    for name in ("ack", "resolve"):
        stats, key = want[name], {"ack": "mtta", "resolve": "mttr"}[name]
        if stats.n:
            assert int(figure(page, f"{key}_n")) == stats.n
            assert float(figure(page, key)) == pytest.approx(stats.mean, abs=0.01)
        else:
            assert figure(page, key) == ""
    rows = page.locator("#lead-domain-by-type tr[data-type]")
    assert [(rows.nth(i).get_attribute("data-type"), int(rows.nth(i).get_attribute("data-count")))
            for i in range(rows.count())] == want["by_type"]
    systems = page.locator("#lead-domain-false-rates tr[data-system]")
    assert [(systems.nth(i).get_attribute("data-system"), int(systems.nth(i).get_attribute("data-resolved")),
             int(systems.nth(i).get_attribute("data-false"))) for i in range(systems.count())] == \
        [(r.system, r.resolved, r.false_alarms) for r in want["rates"]]
    if want["events"] is not None:
        assert int(figure(page, "events")) == sum(want["events"])


def wait_for_view(page, domain: str, range_: str) -> None:
    page.wait_for_selector(f'.lead-domain-page[data-domain="{domain}"][data-range="{range_}"]',
                           timeout=15_000)


def test_switching_domain_and_range_shows_the_ledgers_figures(lead_served, tablet, demo_ledger,
                                                               tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    add_history(demo_ledger, "environment", {0: 1500, 1: 2300, 3: 2100, 6: 1900, 20: 2500})
    page = tablet(lead_served, f"/lead/domain?school={SCHOOL}", size=size)
    wait_for_view(page, "personal_safety", "week")  # the defaults
    assert page.locator(".lead-domain-tab").count() == 6
    assert_figures(page, expected(demo_ledger, "personal_safety", "week"))
    assert no_horizontal_overflow(page) == []

    page.locator(".lead-domain-tab", has_text="环境安全").tap()
    wait_for_view(page, "environment", "week")
    assert re.search(r"domain=environment", page.url) and "school=demo-univ" in page.url
    want = expected(demo_ledger, "environment", "week")
    assert want["alerts"] > 0 and want["ack"].n > 0 and want["rates"]  # the demo has a month of alerts
    assert_figures(page, want)
    assert sum(want["events"]) >= 1500 + 2300 + 2100 + 1900
    page.wait_for_selector("#lead-domain-trend .main-svg", timeout=15_000)
    assert page.locator("#lead-domain-trend .bars .point").count() >= 2  # events and alerts drawn
    assert no_horizontal_overflow(page) == []
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-domain-1024x768.png"), full_page=False)

    page.locator(".lead-domain-range", has_text="近30天").tap()
    wait_for_view(page, "environment", "month")
    assert_figures(page, expected(demo_ledger, "environment", "month"))
    assert no_horizontal_overflow(page) == []
    # Without live data the page says so; the ledger's figures are still there.
    assert page.get_attribute("#lead-domain-live", "data-state") == "none"
    page.locator(".lead-domain-range", has_text="近24小时").tap()
    wait_for_view(page, "environment", "day")
    assert_figures(page, expected(demo_ledger, "environment", "day"))
    assert figure(page, "events") == ""
    assert no_horizontal_overflow(page) == []


def test_live_events_and_devices_offline_in_english(lead_served, tablet, demo_ledger, redis_client):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    now_ms = int(time.time() * 1000)
    apply = event_applier(redis_client, demo_ledger)
    docs = [ev.event("sensor.temperature", "environment", now_ms - i * 600_000, school=SCHOOL, value=25)
            for i in range(30)]
    devices = [("smoke-a", "online", "fire"), ("smoke-b", "offline", "fire"), ("smoke-c", "offline", "fire"),
               ("cam-1", "offline", "video"), ("smoke-d", "online", "fire")]
    docs += [ev.event(f"device.{state}", "operations", now_ms - 1000 * i, school=SCHOOL, device=device,
                      system=system)
             for i, (device, state, system) in enumerate(devices)]
    apply(docs)

    path = f"/lead/domain?school={SCHOOL}&domain=environment&range=day&lang=en"
    page = tablet(lead_served, path, size=size, lang="en")
    wait_for_view(page, "environment", "day")
    assert int(figure(page, "events")) == 30  # every reading in the last 24 hours (one every 10 min)
    assert_figures(page, expected(demo_ledger, "environment", "day"))
    fire = page.locator('#lead-domain-devices tr[data-system="fire"]')
    assert (fire.get_attribute("data-online"), fire.get_attribute("data-offline")) == ("2", "2")
    # Video is not one of the environment's systems.
    assert page.locator('#lead-domain-devices tr[data-system="video"]').count() == 0
    offline = page.locator("#lead-domain-devices tr[data-device]")
    assert [offline.nth(i).get_attribute("data-device") for i in range(offline.count())] == \
        ["smoke-c", "smoke-b"]
    text = page.inner_text("#lead-body")
    assert "Mean time to acknowledge" in text and "Devices offline (longest first)" in text
    assert not re.search(r"[\u4e00-\u9fff]", page.inner_text(".lead-domain-page"))  # no Chinese left
    assert page.locator("#lead-domain-live").count() == 0
    assert no_horizontal_overflow(page) == []

    page.locator(".lead-domain-tab", has_text="Operations").tap()
    wait_for_view(page, "operations", "day")
    assert "lang=en" in page.url
    video = page.locator('#lead-domain-devices tr[data-system="video"]')
    assert video.get_attribute("data-offline") == "1"
    assert page.locator("#lead-domain-devices tr[data-device]").count() == 3
    assert no_horizontal_overflow(page) == []


def test_tap_targets_are_touch_sized(lead_served, tablet):  # noqa: F811
    page = tablet(lead_served, f"/lead/domain?school={SCHOOL}&domain=mechanisms", size="768x1024")
    wait_for_view(page, "mechanisms", "week")
    for selector in (".lead-domain-tab", ".lead-domain-range"):
        boxes = page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().height)")
        assert boxes and min(boxes) >= 44, (selector, boxes)
    assert "该领域没有接入设备系统" in page.inner_text("#lead-domain-devices")
    assert no_horizontal_overflow(page) == []


def test_without_redis_the_page_says_so_and_shows_the_ledger(demo_ledger, serve, tablet):  # noqa: F811
    from dataclasses import replace

    from devstack import local_services

    served = serve(replace(demo_ledger, redis_url=f"redis://127.0.0.1:{local_services.free_port()}/0"))
    page = tablet(served, f"/lead/domain?school={SCHOOL}&domain=environment&range=day", size="1024x768")
    wait_for_view(page, "environment", "day")
    assert page.get_attribute("#lead-domain-live", "data-state") == "unreachable"
    assert "实时数据（Redis）暂时无法访问" in page.inner_text("#lead-domain-live")
    assert page.get_attribute('#lead-domain-devices [data-state]', "data-state") == "unreachable"
    assert figure(page, "events") == ""
    assert_figures(page, expected(demo_ledger, "environment", "day"))
    assert no_horizontal_overflow(page) == []
