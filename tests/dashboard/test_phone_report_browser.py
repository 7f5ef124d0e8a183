"""The phone's report page (/m/report, 随手拍) in headless Chromium at 390×844, one server and one
browser for the module: a teacher scans a risk point's card (opens /report?school=&point=), attaches
a real JPEG and reports it; then sends a report over a connection that fails — kept on the phone
through a reload, sent once when the phone is back online, even when the first answer was lost on
the way; an inspector reports a failed checklist item from its draft, which links back.
UPDATE_SCREENSHOTS=1 saves the screenshots of docs/hazards.md under docs/img/."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kernel.connections import sql_engine, sql_sessions
from ledger.commands import photos as store
from ledger.models import (
    Hazard,
    InspectionPlan,
    InspectionResult,
    OrgUnit,
    Photo,
    RiskPoint,
    User,
)
from tests.conftest import settings_for
from tests.dashboard.conftest import ServedApp, _served
from tests.dashboard.test_wall_browser import browser, wait_until  # noqa: F401 (the shared Chromium)
from tests.ledger import photo_support as made
from tests.ledger.hazard_work_support import NOW, school
from tests.ledger.test_org_admin import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "img"


def shot(page, name: str) -> None:
    """A screenshot for docs/hazards.md, only when asked (UPDATE_SCREENSHOTS=1)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS / f"phone-report-{name}.png"))


@pytest.fixture(scope="module")
def served(redis_url, kafka_bootstrap, tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone-report-browser")
    settings = settings_for(redis_url, folder, secret_key="b" * 32, kafka_bootstrap_servers=kafka_bootstrap)
    engine = sql_engine(settings)
    try:
        from ledger.db import migrate
        migrate(engine)
        with sql_sessions(engine)() as db:
            school(db)  # s1: lab / 3F-305 and the risk point RP-GAS-1; li a teacher, yan an inspector
            s1 = db.scalar(select(OrgUnit).where(OrgUnit.code == "s1"))
            yan = db.scalar(select(User).where(User.username == "yan"))
            item, _other = made.failed_results(db, s1, by="yan")
            row = db.get(InspectionResult, item)
            plan = db.get(InspectionPlan, row.inspection.plan_id)
            point = db.scalar(select(RiskPoint).where(RiskPoint.code == "RP-GAS-1"))
            plan.risk_point_id, plan.building_id, plan.zone_id = point.id, point.building_id, point.zone_id
            photo = made.kept(db, folder / "photos", yan.id, s1, made.jpeg(made.halves(96, 48)))
            store.attach(db, keys=[photo.key], uploaded_by=yan.id, school=s1, now=NOW, inspection_result_id=item)
            row.photo_keys, row.note = [photo.key], "阀门锈死，拧不动"
            db.commit()
    finally:
        engine.dispose()
    app = ServedApp(settings)
    yield app, settings, item, photo.key
    app.stop()
    _served.pop(app.port, None)


def read(settings, query):
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            return query(db)
    finally:
        engine.dispose()


def hazards_saying(settings, text: str) -> list[tuple[str, str | None, int]]:
    """(code, risk point code, photos) of every hazard whose description starts with `text`."""
    def query(db):
        found = []
        for hazard in db.scalars(select(Hazard).where(Hazard.description.like(text + "%"))):
            point = db.get(RiskPoint, hazard.risk_point_id) if hazard.risk_point_id else None
            photos = db.scalar(select(func.count()).select_from(Photo).where(Photo.hazard_id == hazard.id))
            found.append((hazard.code, point.code if point else None, photos))
        return found
    return read(settings, query)


def phone(browser):  # noqa: F811
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.wait_for_url("**/login?next=**")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def seen(page, selector: str, text: str = "", timeout: float = 20) -> str:
    """The text of `selector` once it shows `text` (looked at between short waits: the CSP forbids
    wait_for_function)."""
    def look():
        page.wait_for_timeout(100)
        found = page.locator(selector)
        return found.count() and text in found.first.inner_text() and found.first.inner_text()
    return wait_until(look, f"{selector} showing {text!r}", timeout=timeout)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def photo_file(width: int) -> dict:
    return {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": made.jpeg(made.halves(width, 120))}


def test_a_teacher_reports_by_scanning_a_card_and_over_a_failing_connection_once(served, browser):  # noqa: F811
    app, settings, _item, _photo = served
    context = phone(browser)
    try:
        page = context.new_page()
        sign_in(page, app.url + "/report?school=s1&point=RP-GAS-1", "li")  # what the card's QR code holds
        page.wait_for_url("**/m/report?school=s1&point=RP-GAS-1")
        assert "燃气管道 (RP-GAS-1)" in seen(page, "#phone-report-point", "燃气管道")
        page.set_input_files("#phone-report-photo-input", files=[photo_file(160)])
        seen(page, "#phone-report-photos")
        wait_until(lambda: page.locator("#phone-report-photos img[src^='data:']").count() == 1, "the preview")
        page.fill("#phone-report-description", "燃气软管老化开裂，靠窗那根")
        shot(page, "form")
        assert fits(page)
        page.click("#phone-report-send")
        said = seen(page, "#phone-report-result", "已上报")
        [(code, point, photos)] = hazards_saying(settings, "燃气软管老化开裂")
        assert code in said and (point, photos) == ("RP-GAS-1", 1)
        assert page.get_attribute("#phone-report-hazard-link", "href") == f"/m/hazards/s1/{code}"
        shot(page, "sent")

        # A weak connection: the phone is offline when the teacher taps send.
        page.select_option("#phone-report-building", "lab")
        page.select_option("#phone-report-zone", "3F-305")
        page.set_input_files("#phone-report-photo-input", files=[photo_file(200)])
        page.fill("#phone-report-description", "走廊应急灯不亮")
        context.set_offline(True)
        page.click("#phone-report-send")
        seen(page, "#phone-report-message", "已保存在本机，联网后自动发送")
        seen(page, "#phone-report-queue", "等待发送")
        shot(page, "kept")
        assert fits(page) and hazards_saying(settings, "走廊应急灯") == []
        # Online again, but the sends still fail on the way: kept through a reload of the page.
        for sent_to in ("**/photos", "**/m/report/send"):
            context.route(sent_to, lambda route: route.abort("internetdisconnected"))
        context.set_offline(False)
        page.reload()
        seen(page, "#phone-report-queue", "走廊应急灯不亮")
        assert "1 张照片" in page.inner_text("#phone-report-queue")  # its photo, a Blob in IndexedDB
        seen(page, "#phone-report-message", "已保存在本机")
        assert hazards_saying(settings, "走廊应急灯") == []
        # The worst case: the report reaches the server, its answer is lost on the way back.
        context.unroute("**/photos")
        context.unroute("**/m/report/send")

        def answer_lost(route):
            route.fetch()  # the server saves the report ...
            route.abort("connectionreset")  # ... and the phone never hears so

        context.route("**/m/report/send", answer_lost)
        page.click("#phone-report-queue button")  # "try now"
        # (the route's handler runs while this thread waits in the page: a wait_for_timeout, not a sleep)
        wait_until(lambda: page.wait_for_timeout(200) or len(hazards_saying(settings, "走廊应急灯")) == 1,
                   "the report saved by the server", timeout=20)
        seen(page, "#phone-report-message", "已保存在本机")
        context.unroute("**/m/report/send")
        context.set_offline(True)
        context.set_offline(False)  # the browser's `online` event: the queue is sent again, with the same key
        said = seen(page, "#phone-report-result", "此前已上报")
        [(code, point, photos)] = hazards_saying(settings, "走廊应急灯")  # one hazard, with its photo
        assert code in said and (point, photos) == (None, 1)
        wait_until(lambda: page.wait_for_timeout(100) or page.locator("#phone-report-queue").is_hidden(),
                   "the queue emptied")
        page.reload()  # nothing is left on the phone to send
        seen(page, "#phone-report-form", "上报")
        assert page.locator("#phone-report-queue .phone-report-queued").count() == 0
        assert len(hazards_saying(settings, "走廊应急灯")) == 1 and fits(page)
    finally:
        context.close()


def test_an_inspector_reports_a_failed_item_from_its_draft(served, browser):  # noqa: F811
    app, settings, item, photo = served
    context = phone(browser)
    try:
        page = context.new_page()
        sign_in(page, app.url + f"/m/report?draft={item}", "yan")
        page.wait_for_url(f"**/m/report?draft={item}")
        seen(page, "#phone-report-point", "燃气管道")
        assert page.input_value("#phone-report-description") == "第 1 项\n阀门锈死，拧不动"
        assert page.get_attribute("#phone-report-photos img", "src") == f"/photos/{photo}/thumbnail"
        shot(page, "draft")
        assert fits(page)
        page.click("#phone-report-send")
        said = seen(page, "#phone-report-result", "已上报")
        [(code, point, photos)] = hazards_saying(settings, "第 1 项")
        assert code in said and (point, photos) == ("RP-GAS-1", 1)
        assert read(settings, lambda db: db.get(InspectionResult, item).hazard_code) == code
        page.reload()  # the draft now names its hazard: the page links it instead of a second form
        seen(page, "#phone-report-notice", f"已上报为隐患 {code}")
        page.goto(app.url + "/m/report?lang=en")  # English on ?lang=en, words and all
        seen(page, "#phone-report-form", "Description")
        assert page.inner_text("#phone-report-send") == "Report" and fits(page)
    finally:
        context.close()
