"""The hazard ledger and the risk register in headless Chromium on tablets (1024×768 landscape,
768×1024 portrait), on the demo ledger: the grid shows the school's hazards (counted again in SQL
here), a stage filter narrows it, a tapped row shows that hazard's whole record, the download link
fetches the grid's list; the register's colour counts and reviews due match SQL; nothing scrolls
the page sideways; English with ?lang=en; every request stays on the app (no CDN)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kernel.connections import sql_engine, sql_sessions
from ledger.models import Building, Hazard, OrgUnit, RiskPoint
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    lead_served,
    no_horizontal_overflow,
    screenshot_dir,
    tablet,
)
from tests.dashboard.test_wall_browser import wait_until

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"
GRID = "lead-hazards-grid"


def ledger_count(settings, model, *where):
    """An independent count in the demo ledger, for the figures on screen to match."""
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            school = select(OrgUnit.id).where(OrgUnit.code == SCHOOL).scalar_subquery()
            return db.scalar(select(func.count()).select_from(model).where(model.school_id == school, *where))
    finally:
        engine.dispose()


def grid_codes(page, grid: str = GRID, field: str = "code") -> list[str]:
    """A field of the grid's rows in the order shown (all of them, not only those drawn)."""
    return page.evaluate("""async ([id, field]) => {
        const api = await window.dash_ag_grid.getApiAsync(id);
        const out = []; api.forEachNodeAfterFilterAndSort(n => out.push(n.data[field])); return out; }""",
                         [grid, field])


def open_ledger(tablet, served, query: str = "", **kwargs):  # noqa: F811
    outside = []
    page = tablet(served, f"/lead/hazards?school={SCHOOL}{query}", **kwargs)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served.url) else None)
    page.wait_for_selector(f"#{GRID} .ag-row", timeout=15_000)
    return page, outside


def choose(page, dropdown: str, label: str) -> None:
    page.click(f"#{dropdown}")
    page.get_by_role("option", name=label, exact=True).click()


def test_the_ledger_filters_and_shows_a_hazards_record(lead_served, tablet, demo_ledger,
                                                       tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    page, outside = open_ledger(tablet, lead_served, size=size)
    codes = grid_codes(page)
    assert len(codes) == ledger_count(demo_ledger, Hazard) == 18
    assert page.inner_text("#lead-hazards-count") == "共 18 条"
    assert no_horizontal_overflow(page) == []

    choose(page, "lead-hazards-stage", "已下发整改通知")
    notified = ledger_count(demo_ledger, Hazard, Hazard.stage == "notified")
    assert 0 < notified < 18
    wait_until(lambda: len(grid_codes(page)) == notified, f"the grid to narrow to {notified} notified hazards")
    assert page.inner_text("#lead-hazards-count") == f"共 {notified} 条"
    assert "stage=notified" in page.get_attribute("#lead-hazards-download", "href")

    first = grid_codes(page)[0]
    page.locator(f"#{GRID} .ag-center-cols-container .ag-row[row-id='{first}']").tap()
    page.wait_for_selector(f"#lead-hazards-record h2:has-text('{first}')", timeout=10_000)
    record = page.inner_text("#lead-hazards-record")
    assert "闭环记录" in record and "上报隐患" in record and "下发整改通知" in record
    assert page.locator("#lead-hazards-record").is_visible()
    page.wait_for_timeout(600)  # the record scrolls into view smoothly
    box = page.locator("#lead-hazards-record").bounding_box()
    assert box["y"] < page.viewport_size["height"], "the tapped hazard's record is in sight"
    assert no_horizontal_overflow(page) == []
    assert outside == []
    # The whole page: the filtered grid and, below it at this width, the tapped hazard's record.
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-hazards-1024x768.png"), full_page=True)


def test_the_download_link_fetches_the_grids_list(lead_served, tablet):  # noqa: F811
    page, _ = open_ledger(tablet, lead_served, "&overdue=1")
    codes = grid_codes(page)
    href = page.get_attribute("#lead-hazards-download", "href")
    response = page.request.get(lead_served.url + href)  # the page's own cookie
    assert response.status == 200
    sheet = load_workbook(BytesIO(response.body())).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == codes and codes


def test_a_deep_link_from_the_overview_filters_by_building_and_overdue(lead_served, tablet, demo_ledger):  # noqa: F811
    page, _ = open_ledger(tablet, lead_served, "&building=chem-north&overdue=0")
    engine = sql_engine(demo_ledger)
    with sql_sessions(engine)() as db:
        building = db.scalar(select(Building.id).join(OrgUnit, OrgUnit.id == Building.school_id)
                             .where(OrgUnit.code == SCHOOL, Building.code == "chem-north"))
        now = datetime.now(timezone.utc)
        expected = {h.code for h in db.scalars(select(Hazard).where(Hazard.building_id == building))
                    if not (h.stage != "accepted" and h.deadline is not None and h.deadline < now)}
    engine.dispose()
    assert set(grid_codes(page)) == expected and expected
    assert page.inner_text("#lead-hazards-overdue") == "未逾期"


def test_the_ledger_in_english(lead_served, tablet):  # noqa: F811
    page, _ = open_ledger(tablet, lead_served, "&lang=en", lang="en")
    headers = page.inner_text(f"#{GRID} .ag-header")
    assert "Code" in headers and "Stage" in headers and "Days overdue" in headers
    assert page.inner_text("h1") == "Hazard ledger"
    assert "lang=en" in page.get_attribute("#lead-hazards-download", "href")
    assert no_horizontal_overflow(page) == []


def test_the_risk_register(lead_served, tablet, demo_ledger, tmp_path):  # noqa: F811
    size = "1024x768"  # portrait: test_lead_large_tablets.py draws every page at 768x1024
    outside = []
    page = tablet(lead_served, f"/lead/risks?school={SCHOOL}", size=size)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(lead_served.url) else None)
    page.wait_for_selector(".lead-risks-card", timeout=15_000)
    for colour in ("red", "orange", "yellow", "blue"):
        shown = page.inner_text(f".lead-risks-card [data-colour={colour}]")
        assert int(shown) == ledger_count(demo_ledger, RiskPoint, RiskPoint.colour == colour), colour
    # The demo has three points a year late on their annual review (docs/ledger.md).
    today = datetime.now(timezone.utc).astimezone(demo_ledger.tz).date()
    due = ledger_count(demo_ledger, RiskPoint, RiskPoint.last_reviewed_on <= today + timedelta(days=30 - 365))
    page.wait_for_selector(".lead-risks-reviews .ag-row", timeout=15_000)
    assert len(grid_codes(page, "lead-risks-reviews-grid")) == due >= 3
    assert no_horizontal_overflow(page) == []
    page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-risks-1024x768.png"))

    choose(page, "lead-risks-colour", "重大风险")
    red = ledger_count(demo_ledger, RiskPoint, RiskPoint.colour == "red")
    wait_until(lambda: grid_codes(page, "lead-risks-grid", "colour") == ["red"] * red,
               f"the list to show {red} red points")
    assert page.inner_text("#lead-risks-count") == f"共 {red} 个风险点"
    assert no_horizontal_overflow(page) == []
    assert outside == []


def test_the_risk_register_in_english(lead_served, tablet):  # noqa: F811
    page = tablet(lead_served, f"/lead/risks?school={SCHOOL}&lang=en&colour=blue", lang="en")
    page.wait_for_selector(".lead-risks-table .ag-row", timeout=15_000)
    assert page.inner_text("h1") == "Risk register"
    assert set(grid_codes(page, "lead-risks-grid", "level")) == {"Low"}
    assert "Low" in page.locator(".lead-risks-table .ag-row .lead-level-blue").all_inner_texts()
    assert no_horizontal_overflow(page) == []
