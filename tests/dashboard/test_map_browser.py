"""The four-colour map as Chromium draws it on the wall at 1920x1080: the plot area fills the map
panel, the plan fills it in its limiting dimension, and no building's name covers a dot (element
bounding boxes, as a person would see them)."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import event_applier, now_ms
from tests.dashboard.test_wall_browser import browser, wait_until  # noqa: F401 (the shared Chromium)
from tests.dashboard.test_wall_screens import UNIV, demo_ledger, open_page  # noqa: F401 (fixtures)
from tests.streams import events as ev

pytestmark = pytest.mark.browser

# The boxes of the map's parts: the panel's body, the plot area, the campus outlines (the plan's
# content), the names (the labels trace, second) and the dots (the points trace, first).
BOXES = """sel => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = document.querySelector(sel);
  const traces = map.querySelectorAll('.scatterlayer .trace');
  return {
    body: box(map.closest('.map-body') || map),
    plot: box(map.querySelector('.bglayer .bg') || map.querySelector('.nsewdrag')),
    plan: Array.from(map.querySelectorAll('.shapelayer path')).map(box),
    names: Array.from(traces[1].querySelectorAll('text')).filter(t => t.textContent).map(box),
    texts: Array.from(traces[1].querySelectorAll('text')).map(t => t.textContent),
    dots: Array.from(traces[0].querySelectorAll('.point')).map(box),
  };
}"""


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def test_the_wall_map_fills_its_panel_and_names_cover_no_dot_at_1080p(serve, demo_ledger, redis_client, open_page):
    apply = event_applier(redis_client, demo_ledger)
    apply([{**ev.smoke(now_ms() - 2000, school=UNIV, id="smoke-map"), "building": "chem-north", "zone": "3F"}])
    served = serve(demo_ledger)
    plan = served.api(f"/api/v1/schools/{UNIV}/site-plan").json
    page = open_page(served.url + f"/?school={UNIV}", 1920, 1080)
    names = page.locator(".risk-map .scatterlayer .trace:nth-child(2) text")
    wait_until(lambda: names.count() >= len(plan["buildings"]), "the buildings' names to be drawn")

    def fills() -> bool:  # the graph follows its box once the panel has settled (Plotly's resize)
        found = page.evaluate(BOXES, ".risk-map")
        return all(abs(a - b) <= 2 for a, b in zip(found["body"], found["plot"]))

    # The plot area is the whole panel body (the axes widen to its shape, the plan is not boxed in).
    wait_until(fills, "the map's plot area to fill its panel")
    page.wait_for_timeout(500)  # the first transitions
    found = page.evaluate(BOXES, ".risk-map")
    body = found["body"]
    # The plan (campus outlines and buildings) fills the body in its limiting dimension.
    left, top = min(b[0] for b in found["plan"]), min(b[1] for b in found["plan"])
    right, bottom = max(b[2] for b in found["plan"]), max(b[3] for b in found["plan"])
    assert max((right - left) / (body[2] - body[0]), (bottom - top) / (body[3] - body[1])) >= 0.9
    # Every building's name is drawn, and none covers a dot (nor a grouped dot's count).
    assert len(found["names"]) >= len(plan["buildings"])
    assert found["dots"], "the risk points are drawn"
    covered = [(n, d) for n in found["names"] for d in found["dots"] if overlap(n, d)]
    assert covered == [], covered
    # No name runs outside the panel.
    assert all(body[0] <= n[0] and n[2] <= body[2] and body[1] <= n[1] and n[3] <= body[3] for n in found["names"])
