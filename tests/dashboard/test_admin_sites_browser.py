"""The site administration page (/admin/sites) in headless Chromium: a school admin uploads the
campus plan, draws a building of four points (one undone and one dragged on the way), saves it,
and the building is in the site plan the maps read (queries.ledger.lookups.site_plan), drawn over
the uploaded image; a fake image is refused with its reason and saves nothing; a zone is added
to it and renamed."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import select

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import org, users
from ledger.commands.audit import Actor
from ledger.db import migrate
from ledger.models import AuditEntry, OrgUnit
from queries.ledger import lookups
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_admin_org_browser import choose
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    screenshot_dir,
    wait_until,
)

pytestmark = pytest.mark.browser
ROOT = Actor("root", "admin")


def _school_and_admin(settings) -> None:
    engine = sql_engine(settings)
    now = datetime.now(timezone.utc)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            org.create_unit(db, actor=ROOT, scope=None, kind="school", code="s1", name_zh="第一中学",
                            school_type="middle", now=now)
            org.create_unit(db, actor=ROOT, scope=None, kind="campus", code="s1-main", name_zh="本部", parent="s1",
                            now=now)
            users.create_user(db, username="admin1", display_name="王管理", role="admin", password=PASSWORD,
                              unit="s1", now=now)
    finally:
        engine.dispose()


def _site_plan(settings) -> tuple[dict, list[str]]:
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            school = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            return lookups.site_plan(db, school), list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    finally:
        engine.dispose()


def _plan_png() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (400, 300), (235, 240, 235))
    for x in range(0, 400, 40):  # a grid, so the screenshot shows the image under the drawing
        for y in range(300):
            image.putpixel((x, y), (180, 190, 180))
    image.save(out, "PNG")
    return out.getvalue()


def test_an_admin_uploads_a_plan_draws_a_building_and_the_maps_read_it(serve, settings_factory, redis_client,
                                                                      browser, tmp_path):  # noqa: F811
    settings = settings_factory(secret_key="s" * 32)
    _school_and_admin(settings)
    served = serve(settings)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(served.url + "/admin/sites")
        page.wait_for_url("**/login?next=**")
        page.fill("#username", "admin1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/sites")
        page.wait_for_selector("#admin-sites-campus .Select-value-label, #admin-sites-campus [class*=singleValue], "
                               "#admin-sites-campus")
        wait_until(lambda: page.wait_for_timeout(100) or "本部" in page.inner_text("#admin-sites-campus"),
                   "the campus to be picked", timeout=15)

        # A file over the upload's limit is named and refused in the page: it never travels.
        page.set_input_files("#admin-sites-upload input[type=file]", files=[
            {"name": "huge.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\0" * 1_600_000}])
        wait_until(lambda: page.wait_for_timeout(50) or "文件过大" in page.inner_text("#admin-sites-upload-name"),
                   "the oversized file named", timeout=5)
        # A fake image (a text file named .png) is refused by its content; nothing is saved.
        page.fill("#admin-sites-width", "200")
        page.fill("#admin-sites-height", "150")
        page.set_input_files("#admin-sites-upload input[type=file]",
                             files=[{"name": "plan.png", "mimeType": "image/png", "buffer": b"not an image at all"}])
        page.click("#admin-sites-save-plan")
        page.wait_for_selector("#admin-sites-plan-message .tone-error")
        assert "不是 PNG、JPG 或 SVG 图片" in page.inner_text("#admin-sites-plan-message")

        page.set_input_files("#admin-sites-upload input[type=file]",
                             files=[{"name": "plan.png", "mimeType": "image/png", "buffer": _plan_png()}])
        page.click("#admin-sites-save-plan")
        page.wait_for_selector("#admin-sites-plan-message .tone-ok")
        assert "已保存平面图：本部" in page.inner_text("#admin-sites-plan-message")  # its name, not its code
        page.wait_for_selector("#admin-sites-draw svg image")

        svg = page.locator("#admin-sites-draw svg")
        box = svg.bounding_box()
        # The plan is 200 × 150 m in a 4:3 host: it fills the host, 1 m = box.width / 200 px.
        scale = box["width"] / 200

        def at(x_m: float, y_m: float) -> tuple[float, float]:
            return box["x"] + x_m * scale, box["y"] + (150 - y_m) * scale

        for x_m, y_m in ((20, 20), (80, 20), (80, 60), (50, 140)):
            page.mouse.click(*at(x_m, y_m))
        page.click("#admin-sites-undo")  # the stray fourth point goes
        page.mouse.click(*at(20, 60))
        wait_until(lambda: page.wait_for_timeout(50) or "4" in page.inner_text("#admin-sites-points"),
                   "four points drawn", timeout=5)
        # Drag the second point 10 m east.
        page.mouse.move(*at(80, 20))
        page.mouse.down()
        page.mouse.move(*at(85, 20), steps=3)
        page.mouse.move(*at(90, 20), steps=3)
        page.mouse.up()

        page.fill("#admin-sites-code", "lab")
        page.fill("#admin-sites-name-zh", "实验楼")
        page.fill("#admin-sites-floors", "5")
        page.click("#admin-sites-save-building")
        wait_until(lambda: page.wait_for_timeout(100) or "已保存建筑" in page.inner_text("#admin-sites-message"),
                   "the building saved", timeout=15)
        wait_until(lambda: page.wait_for_timeout(100) or "实验楼" in page.inner_text("#admin-sites-buildings"),
                   "the building listed", timeout=15)
        page.screenshot(path=str(screenshot_dir(tmp_path) / "admin-sites-1366x900.png"), full_page=True)

        plan, actions = _site_plan(settings)
        [building] = plan["buildings"]
        assert (building["code"], building["name_zh"], building["campus"]) == ("lab", "实验楼", "s1-main")
        expected = [(20, 20), (90, 20), (80, 60), (20, 60)]
        assert len(building["polygon"]) == 4
        for (x, y), (ex, ey) in zip(building["polygon"], expected):
            assert abs(x - ex) < 2 and abs(y - ey) < 2, building["polygon"]
        [image] = plan["images"]
        assert image["box"] == [0, 0, 200, 150] and image["href"].startswith("/plans/s1/s1-main?v=")
        assert actions == ["org.create", "org.create", "site_plan.update", "building.create"]

        # The image as the maps fetch it: its type from its bytes, not sniffed.
        got = page.request.get(served.url + image["href"])
        assert got.status == 200 and got.headers["content-type"] == "image/png"
        assert got.headers["x-content-type-options"] == "nosniff"

        # A zone added, picked (its names fill the inputs) and renamed: the list is read again.
        page.fill("#admin-sites-zone-code", "f1")
        page.fill("#admin-sites-zone-name", "一层")
        page.click("#admin-sites-add-zone")
        wait_until(lambda: page.wait_for_timeout(100) or "已新增区域：一层" in page.inner_text("#admin-sites-message"),
                   "the zone added", timeout=15)
        choose(page, "admin-sites-zone", "一层 (f1)")
        wait_until(lambda: page.wait_for_timeout(100) or page.input_value("#admin-sites-zone-edit-zh") == "一层",
                   "the zone's name filled in", timeout=15)
        page.fill("#admin-sites-zone-edit-zh", "一层化学实验区")
        page.click("#admin-sites-save-zone")
        wait_until(lambda: page.wait_for_timeout(100) or "已保存区域：一层化学实验区" in page.inner_text(
            "#admin-sites-zone-message"), "the zone renamed", timeout=15)
        wait_until(lambda: page.wait_for_timeout(100) or "一层化学实验区" in page.inner_text("#admin-sites-buildings"),
                   "the new name listed", timeout=15)
    finally:
        context.close()
