"""The four-colour map as Chromium draws it on the wall: the plot area fills the map panel, the
panel takes the plan's shape so the plan fills it (wide, squarish and tall plans; 1080p and
1366x768), the other panels keep their sizes, and no building's name covers a dot (element bounding
boxes, as a person would see them)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, sites
from ledger.commands.audit import Actor
from tests.dashboard.conftest import event_applier, now_ms
from tests.dashboard.test_wall_browser import browser, wait_until  # noqa: F401 (the shared Chromium)
from tests.dashboard.test_wall_screens import UNIV, demo_ledger, open_page, overflowing  # noqa: F401 (fixtures)
from tests.streams import events as ev

pytestmark = pytest.mark.browser

# The boxes of the map's parts: the panel's body, the plot area, the campus outlines (the plan's
# content), the names (the labels trace, second) and the dots (the points trace, first).
BOXES = """sel => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = document.querySelector(sel);
  const traces = map.querySelectorAll('.scatterlayer .trace');
  const of = (n, s) => traces[n] ? Array.from(traces[n].querySelectorAll(s)) : [];  // none drawn when empty
  return {
    body: box(map.closest('.map-body') || map),
    plot: box(map.querySelector('.bglayer .bg') || map.querySelector('.nsewdrag')),
    plan: Array.from(map.querySelectorAll('.shapelayer path')).map(box),
    names: of(1, 'text').filter(t => t.textContent).map(box),
    texts: of(1, 'text').map(t => t.textContent),
    dots: of(0, '.point').map(box),
  };
}"""


# The design canvas's panels (assets/wall.css, dashboard/pages/wall/map_fit.py), and the least each
# keeps whatever the plan's shape: design pixels (the canvas is scaled to the screen).
PANELS = """() => {
  const box = s => { const e = document.querySelector(s); if (!e) return null;
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const canvas = document.getElementById('wall-canvas').getBoundingClientRect();
  return {scale: canvas.width / 1920, people: box('.panel.people'), hazards: box('.panel.hazards'),
          alerts: box('.alerts-panel'), map: box('.map-panel'), lower: box('.lower'),
          arrangement: document.querySelector('.lower').className};
}"""
LEAST = {"people": (500, 300), "hazards": (500, 250), "alerts": (708, 600)}  # width, height


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
    # The university's campuses lie side by side: the panel takes the plan's wide shape, and the
    # plan (campus outlines and buildings) fills it both ways, no empty bands above and below.
    assert min(covered_by_plan(found)) >= 0.9, covered_by_plan(found)
    # Every building's name is drawn, and none covers a dot (nor a grouped dot's count).
    assert len(found["names"]) >= len(plan["buildings"])
    assert found["dots"], "the risk points are drawn"
    covered = [(n, d) for n in found["names"] for d in found["dots"] if overlap(n, d)]
    assert covered == [], covered
    # No name runs outside the panel.
    assert all(body[0] <= n[0] and n[2] <= body[2] and body[1] <= n[1] and n[3] <= body[3] for n in found["names"])


def covered_by_plan(found: dict) -> tuple[float, float]:
    """The share of the map's body the plan's drawing spans across and down."""
    body = found["body"]
    left, top = min(b[0] for b in found["plan"]), min(b[1] for b in found["plan"])
    right, bottom = max(b[2] for b in found["plan"]), max(b[3] for b in found["plan"])
    return (right - left) / (body[2] - body[0]), (bottom - top) / (body[3] - body[1])


TALL = "tall-school"
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)


def add_tall_school(settings) -> None:
    """A school whose one campus is twice as deep as wide, with three buildings, as an admin adds it."""
    root = Actor("root", "admin", "127.0.0.1")
    engine = sql_engine(settings)
    with sql_sessions(engine)() as db, db.begin():
        org.create_unit(db, actor=root, scope=None, kind="school", code=TALL, name_zh="狭长中学",
                        school_type="middle", now=NOW)
        org.create_unit(db, actor=root, scope=None, kind="campus", code="tall-main", name_zh="本部",
                        parent=TALL, now=NOW)
        sites.set_campus_plan(db, actor=root, scope=None, school=TALL, campus="tall-main", width=200, height=400,
                              now=NOW)
        for n, (code, name) in enumerate((("north", "北楼"), ("middle", "中楼"), ("south", "南楼"))):
            y = 290 - n * 130
            sites.create_building(db, actor=root, scope=None, school=TALL, code=code, name_zh=name,
                                  kind="teaching", campus="tall-main", now=NOW,
                                  outline=[[30, y], [170, y], [170, y + 90], [30, y + 90]])
    engine.dispose()


# (school, screen, least share of the body the plan spans across and down): a squarish plan (the
# middle school's, 1.24:1) is held to the usual width, which the live alerts need beside it, so it
# spans less than the whole height.
SHAPES = [(UNIV, (1366, 768), (0.9, 0.9)), (TALL, (1920, 1080), (0.9, 0.9)),
          ("demo-middle", (1920, 1080), (0.9, 0.7))]


def test_the_map_panel_takes_each_plans_shape_and_the_other_panels_keep_their_sizes(
        serve, demo_ledger, redis_client, open_page):
    add_tall_school(demo_ledger)
    apply = event_applier(redis_client, demo_ledger)
    apply([ev.smoke(now_ms() - 2000, school=school, id=f"smoke-{school}") for school, _, _ in SHAPES])
    served = serve(demo_ledger)
    for school, size, least in SHAPES:
        plan = served.api(f"/api/v1/schools/{school}/site-plan").json
        page = open_page(served.url + f"/?school={school}", *size)
        shapes = page.locator(".risk-map .shapelayer path")
        wait_until(lambda: shapes.count() >= len(plan["buildings"]), f"{school}'s buildings to be drawn", timeout=20)

        def settled() -> bool:  # the plot area follows the panel's box once the grid has moved
            found = page.evaluate(BOXES, ".risk-map")
            return all(abs(a - b) <= 2 for a, b in zip(found["body"], found["plot"]))

        wait_until(settled, f"{school}'s plot area to fill its panel")
        page.wait_for_timeout(300)
        found = page.evaluate(BOXES, ".risk-map")
        across, down = covered_by_plan(found)
        assert max(across, down) >= 0.9 and across >= least[0] and down >= least[1], (school, size, across, down)
        panels = page.evaluate(PANELS)
        for name, (width, height) in LEAST.items():
            x0, y0, x1, y1 = panels[name]
            assert (x1 - x0) / panels["scale"] >= width - 1 and (y1 - y0) / panels["scale"] >= height - 1, \
                (school, name, panels)
        # Every panel within the lower area, nothing spilling out of its box.
        assert all(panels["lower"][0] - 1 <= panels[n][0] and panels[n][2] <= panels["lower"][2] + 1
                   and panels[n][3] <= panels["lower"][3] + 1 for n in ("map", "people", "hazards", "alerts"))
        assert overflowing(page) == [], school
        page.close()
