"""Every leadership page on a portrait tablet (768×1024) and the large tablets the issue names
(1366×1024 landscape, 1024×1366 portrait), on the demo ledger: each draws its data and nothing
scrolls sideways. The pages' own tests read their figures and go through their taps at 1024×768;
the same pages and callbacks at another size differ only in their layout, which this checks."""
from __future__ import annotations

import pytest

from dashboard.pages.lead_assessment import ids as lead_assessment
from dashboard.pages.lead_district import ids as lead_district
from dashboard.pages.lead_domain import ids as lead_domain
from dashboard.pages.lead_hazards import ids as lead_hazards
from dashboard.pages.lead_overview import ids as lead_overview
from tests.dashboard.lead_support import (  # noqa: F401 (fixtures)
    browser,
    demo_ledger,
    lead_served,
    no_horizontal_overflow,
    tablet,
)
from tests.dashboard.test_wall_browser import screenshot_dir

pytestmark = pytest.mark.browser
SCHOOL = "demo-univ"
# Each page's address and what shows once its data is drawn.
PAGES = {
    "overview": (f"/lead?school={SCHOOL}", f"#{lead_overview.MAP} .js-plotly-plot"),
    "domain": (f"/lead/domain?school={SCHOOL}&domain=environment&range=week", f"#{lead_domain.TREND} .main-svg"),
    "hazards": (f"/lead/hazards?school={SCHOOL}", f"#{lead_hazards.GRID} .ag-row"),
    "risks": (f"/lead/risks?school={SCHOOL}", ".lead-risks-table .ag-row"),
    "campaigns": (f"/lead/campaigns?school={SCHOOL}", ".lead-campaigns-card"),
    "assessment": (f"/lead/assessment?school={SCHOOL}", f"#{lead_assessment.UNITS}"),
    "district": ("/lead/district", f"#{lead_district.TABLE}"),
}


@pytest.mark.parametrize("size", ["768x1024", "1366x1024", "1024x1366"])
def test_every_leadership_page_fits_a_tablet(lead_served, tablet, size, tmp_path):  # noqa: F811
    page = tablet(lead_served, PAGES["overview"][0], size=size)
    overflowing = {}
    for name, (path, drawn) in PAGES.items():
        page.goto(lead_served.url + path)
        page.wait_for_selector(drawn, timeout=15_000)
        found = no_horizontal_overflow(page)
        if found:
            overflowing[name] = found
        if name == "overview" and size == "768x1024":  # the portrait tablet in docs/leadership.md
            page.wait_for_timeout(500)
            page.screenshot(path=str(screenshot_dir(tmp_path) / "lead-overview-768x1024.png"), full_page=True)
    assert overflowing == {}
