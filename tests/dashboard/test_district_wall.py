"""The district wall in Chromium (issue 17): a district of three schools on its uploaded map, at
1080p and 4K (one page, resized), on a 1x3 strip (one page per display, as the split test does),
the school wall on the strip's outer display, and a token of district A that never sees district B.
The ledger is built by the ledger's own commands (the map upload refuses what it must), the live
figures applied as the consumer applies them."""
from __future__ import annotations

import io
import json
import time
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Error as PlaywrightError

from dashboard.access import ROUTER_OUTPUT
from kernel import keys
from kernel.connections import sql_engine, sql_sessions
from ledger.commands.audit import Actor
from ledger.commands.district_maps import place_school, set_district_map
from ledger.commands.org import create_unit
from ledger.db import migrate
from ledger.models import DistrictMap
from ledger.plan_images import MAX_BYTES, BadImage
from tests.dashboard.conftest import client_with, event_applier, issue_token, make_user, now_ms, signed_in
from tests.dashboard.test_access import _callback_body, _callback_key
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    screenshot_dir,
    shown,
    wait_until,
)
from tests.streams import events as ev

pytestmark = pytest.mark.browser
SCHOOLS_A = {"a1": ("甲区第一中学", (0.30, 0.35)), "a2": ("甲区实验小学", (0.62, 0.30)),
             "a3": ("甲区第二中学", (0.50, 0.72))}
RISK = {"a1": {"red": 1, "orange": 2}, "a2": {"yellow": 3}, "a3": {"blue": 4}, "b1": {"red": 2}}


def district_map_png() -> bytes:
    """A district drawn as an officer's scan might be: land, a river, roads."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1000), (22, 48, 70))
    draw = ImageDraw.Draw(image)
    draw.polygon([(120, 80), (1480, 140), (1520, 880), (200, 940), (60, 500)], fill=(34, 78, 96),
                 outline=(120, 190, 230), width=6)
    draw.line([(0, 620), (500, 560), (900, 640), (1600, 560)], fill=(40, 120, 200), width=28)
    for x in (400, 800, 1200):
        draw.line([(x, 100), (x + 60, 920)], fill=(90, 110, 130), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build_ledger(settings) -> None:
    engine = sql_engine(settings)
    migrate(engine)
    now, actor = datetime.now(timezone.utc), Actor("测试管理员", "admin")
    with sql_sessions(engine)() as db, db.begin():
        create_unit(db, actor=actor, scope=None, kind="province", code="prov", name_zh="某省", now=now)
        create_unit(db, actor=actor, scope=None, kind="city", code="prov.c", name_zh="某市", parent="prov", now=now)
        for code, name in (("dist-a", "甲区"), ("dist-b", "乙区")):
            create_unit(db, actor=actor, scope=None, kind="district", code=code, name_zh=name, parent="prov.c", now=now)
        for code, (name, _) in SCHOOLS_A.items():
            create_unit(db, actor=actor, scope=None, kind="school", code=code, name_zh=name, parent="dist-a",
                        school_type="middle", now=now)
        create_unit(db, actor=actor, scope=None, kind="school", code="b1", name_zh="乙区第一中学", parent="dist-b",
                    school_type="middle", now=now)
        saved = set_district_map(db, actor=actor, scope=None, unit="dist-a", image=district_map_png(), now=now)
        for code, (_, (x, y)) in SCHOOLS_A.items():
            place_school(db, actor=actor, scope=None, unit="dist-a", school=code, x=x, y=y, now=now)
    with sql_sessions(engine)() as db:  # what is not an image, or too large, is refused; the map stays
        for bad in (b"%PDF-1.7 not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_BYTES):
            with pytest.raises(BadImage):
                set_district_map(db, actor=actor, scope=None, unit="dist-a", image=bad, now=now)
        with pytest.raises(Exception, match="outside"):  # an admin of district B cannot touch A's map
            set_district_map(db, actor=actor, scope="dist-b", unit="dist-a", image=district_map_png(), now=now)
        db.rollback()
        assert [m.sha256 for m in db.query(DistrictMap)] == [saved["sha256"]]
    engine.dispose()


def fits_and_holds(page, width: int, height: int) -> None:
    def fits() -> bool:
        box = page.locator("#district-canvas").bounding_box()
        return abs(box["width"] - width) < 2 and abs(box["height"] - height) < 2

    wait_until(fits, f"the canvas to fill {width}x{height}")
    # Sideways anywhere, downwards out of the boxes that clip; text cut with an ellipsis is fine.
    spilled = page.evaluate("""Array.from(document.querySelectorAll('.panel, .district-lower, .wall-header,'
        + ' .district-figures, .district-middle')).filter(e => e.scrollWidth > e.clientWidth + 1
        || e.scrollHeight > e.clientHeight + 1).map(e => e.className)""")
    assert spilled == []
    outside = page.evaluate("""(() => { const c = document.getElementById('district-canvas').getBoundingClientRect();
        return Array.from(document.querySelectorAll('.panel')).filter(p => { const b = p.getBoundingClientRect();
          return b.left < c.left - 1 || b.top < c.top - 1 || b.right > c.right + 1 || b.bottom > c.bottom + 1; })
          .length; })()""")
    assert outside == 0


def page_of(client, path: str, search: str) -> str:
    """The page Dash's router draws for path and search, as the JSON it answers."""
    return client.post("/_dash-update-component", json={
        "output": ROUTER_OUTPUT, "outputs": [{"id": "_pages_content", "property": "children"},
                                             {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": []}).get_data(as_text=True)


def place(app, client, unit: str, school: str, x, y) -> str:
    """What the page says after "put on the map" for this unit, school and place."""
    key = _callback_key(app, "dmap-said")
    body = _callback_body(app, key, {"dmap-place": 1, "dmap-unit": unit, "dmap-school": school, "dmap-x": x,
                                     "dmap-y": y, "dmap-view": {"lang": "zh"}})
    body["changedPropIds"] = ["dmap-place.n_clicks"]
    answer = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return json.dumps(answer.get_json()["response"]["dmap-said"], ensure_ascii=False)


def test_the_district_wall_draws_its_schools_on_its_map_fits_1080p_4k_and_a_strip_and_keeps_to_its_district(
        serve, settings_factory, redis_client, browser, tmp_path):
    settings = settings_factory(database_url=f"sqlite:///{tmp_path / 'ledger.db'}", stale_after_seconds=120)
    build_ledger(settings)
    for school, colours in RISK.items():  # the ledger's figures as the recorder keeps them
        redis_client.set(keys.ledger_figures(school), json.dumps({"risk": {"by_colour": colours}}))
    t = now_ms()
    event_applier(redis_client, settings)([
        ev.event("alarm.one_key", "personal_safety", t - 4000, school="a1", id="sos-a1"),
        ev.event("perimeter.intrusion", "active_defence", t - 3000, school="a2", id="fence-a2"),
        ev.event("perimeter.intrusion", "active_defence", t - 2000, school="a3", id="fence-a3"),
        ev.smoke(t - 1000, school="b1", id="smoke-b1")])
    token_a = issue_token(settings, school="dist-a", label="甲区指挥中心大屏")
    served = serve(settings)
    target = screenshot_dir(tmp_path)
    target.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        page.goto(f"{served.url}/district?unit=dist-a&token={token_a}")
        points = page.locator(".district-map-graph .scatterlayer .point")
        wait_until(lambda: points.count() >= 4, "three schools and one ring on the map", timeout=20)
        ring = page.locator(".district-map-graph .scatterlayer .trace:last-child .point")
        assert ring.count() == 1  # a1's open critical alert pulses; a2's and a3's intrusions are high
        assert page.locator(".district-map-graph image").count() == 1  # the uploaded map
        assert shown(page, "district-schools") == "3" and shown(page, "district-critical") == "1"
        alerts = page.get_by_test_id("district-alerts").locator("tr")
        wait_until(lambda: alerts.count() == 3, "the district's three alerts")
        assert "甲区第二中学" in alerts.first.inner_text()  # newest first, the school named
        assert "甲区第一中学" in alerts.nth(2).inner_text()
        league = page.get_by_test_id("district-league").locator("tr")
        assert league.count() == 3
        # Nothing was ever reported: the month before last (due on its next month's 5th) is owed and late.
        due = shown(page, "district-due")
        assert "报送 · 月报" in due and "已逾期" in due and "乙区" not in due
        assert "乙区" not in page.locator("#district-canvas").inner_text()  # district B is nowhere
        for (width, height), name in (((1920, 1080), "district-wall-1080p.png"),
                                      ((3840, 2160), "district-wall-4k.png")):
            page.set_viewport_size({"width": width, "height": height})
            fits_and_holds(page, width, height)
            time.sleep(0.5)  # plotly redraws at the new size
            page.screenshot(path=str(target / name))

    finally:
        page.close()
    # The rotation (playlist=district,schools): the district wall, then each school's own wall in turn
    # (with the same language), each coming back to the district, which opens the next one. The
    # district's token reads its schools' walls.
    tour, seen = browser.new_page(viewport={"width": 1920, "height": 1080}), []
    try:
        tour.on("framenavigated", lambda frame: frame == tour.main_frame and seen.append(frame.url))
        tour.goto(f"{served.url}/district?unit=dist-a&token={token_a}&playlist=district,schools&every=5&lang=en")
        # Playwright delivers page events while it is called: the check asks the page something (and
        # a page being replaced answers nothing: asked again).
        def at_second_school() -> bool:
            try:
                return "school=a2" in tour.evaluate("location.search")
            except PlaywrightError:
                return False

        wait_until(at_second_school, "the tour at the second school", timeout=40)
        # The district's token reads the school's own wall (its school named), for its 5 s.
        wait_until(lambda: "甲区实验小学" in tour.locator("#wall-canvas").inner_text(), "a2's own wall", timeout=4)
        walls = [u for u in seen if "school=" in u]
        assert "school=a1" in walls[0] and "lang=en" in walls[0] and "back=" in walls[0]
        assert any("/district?" in u and "tour=1" in u for u in seen[seen.index(walls[0]):])
        assert "school=a2" in walls[1]
    finally:
        tour.close()
    # District B's wall and map are not for A's token: the page Dash's router draws says so and
    # names none of B's schools; B's map is "not found".
    reader = client_with(served.app, token_a)
    refused = page_of(reader, "/district", "?unit=dist-b")
    assert "无权查看该区域" in refused and "乙区第一中学" not in refused and '"data-tour":"[]"' in refused
    assert '"data-tour":"[\\"a1\\", \\"a2\\", \\"a3\\"]"' in page_of(reader, "/district", "?unit=dist-a")
    assert reader.get("/district-maps/dist-b").status_code == 404
    assert reader.get("/district-maps/dist-a").headers["Content-Type"] == "image/png"

    # A 1x3 strip of 960x540 displays, one page each: the canvas is as wide as the strip, each
    # display shows a third of it, and every display shows a panel in its middle (none black).
    # Then the school wall on the strip's right display.
    context = browser.new_context(viewport={"width": 960, "height": 540})
    try:
        shots = []
        for i in (1, 2, 3):
            display = context.new_page()
            display.goto(f"{served.url}/district?unit=dist-a&screen={i}/3" + (f"&token={token_a}" if i == 1 else ""))
            wait_until(lambda d=display: d.get_by_test_id("district-league").locator("tr").count() == 3
                       and d.locator(".district-map-graph .scatterlayer .point").count() >= 4,
                       "the league and the map on the strip", timeout=20)
            box = display.locator("#district-canvas").bounding_box()
            assert abs(box["x"] + (i - 1) * 960) < 2 and abs(box["width"] - 2880) < 2 and abs(box["height"] - 540) < 2
            middle = display.evaluate("(() => { const e = document.elementFromPoint(480, 300);"
                                      " const p = e && e.closest('.panel'); return p ? p.className : ''; })()")
            assert middle, f"display {i} of 3 shows no panel in its middle"
            shots.append(display.screenshot())
            display.close()
        school = context.new_page()
        school.goto(f"{served.url}/?school=a1&screen=3/3")
        wait_until(lambda: school.get_by_test_id("alert-list").locator("tr").count() >= 1, "the school's alerts",
                   timeout=20)
        assert abs(school.locator("#wall-canvas").bounding_box()["width"] - 2880) < 2
        assert school.evaluate("(() => { const e = document.elementFromPoint(480, 300);"
                               " return !!(e && e.closest('.panel')); })()")
    finally:
        context.close()
    from PIL import Image

    # The map's administration (/admin/district-map): an admin of district B places B's school and
    # may not place A's (the unit comes from the browser; the server holds it to the admin's unit).
    make_user(settings, "b-admin", role="admin", unit="dist-b")
    admin = signed_in(served.app, "b-admin")
    assert "区域地图" in page_of(admin, "/admin/district-map", "")
    assert "b1 已放置" in place(served.app, admin, "dist-b", "b1", 0.4, 0.6)
    assert "不在您的管理范围" in place(served.app, admin, "dist-a", "a1", 0.1, 0.1)
    assert "应在 0 至 1 之间" in place(served.app, admin, "dist-b", "b1", 1.5, 0.1)

    strip = Image.new("RGB", (2880 + 2 * 16, 540), (0, 0, 0))  # the displays with their bezels
    for n, shot in enumerate(shots):
        strip.paste(Image.open(io.BytesIO(shot)), (n * (960 + 16), 0))
    strip.save(target / "district-wall-strip.png")
