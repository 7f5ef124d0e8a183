"""The hazard loop from phones, the issue's acceptance (issue 15), in headless Chromium at 390×844,
one server and one browser for the module: a teacher scans a risk point's card (its QR code's
address, opened) and reports with a photo; real signed-in people then work it through the pages in
turn (the safety office assigns, the responsible person starts and feeds back with an after-photo
sent from the page, the inspector rejects with a reason, the responsible person feeds back again,
the inspector accepts); each step is in the ledger and its contract event reached Kafka, and the
wall's hazard panel, fed by the real aggregator, follows each step; a double tap makes one step; a
reporter of another school is told "not found"; a reporter without the step sees no button; nothing
is wider than the phone. And a reporter posting the accept callback directly is refused by the server.

UPDATE_SCREENSHOTS=1 writes the screenshots docs/hazards.md shows (docs/img/phone-work-*.png)."""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dash._utils import split_callback_id
from sqlalchemy import func, select

from kernel.catalogue import HAZARD_STAGES
from kernel.connections import sql_engine, sql_sessions
from ledger.commands import hazard_work, users
from ledger.models import AlertOutbox, Hazard, HazardTransition, Photo, User
from tests.conftest import settings_for
from tests.dashboard.conftest import ServedApp, authenticated
from tests.dashboard.test_api_events import read_topic
from tests.dashboard.test_wall_browser import browser, wait_shown, wait_until  # noqa: F401 (the shared Chromium)
from tests.ledger import photo_support as made
from tests.ledger.hazard_work_support import PASSWORD, school
from tests.streams.harness import make_topic, running_aggregator

pytestmark = [pytest.mark.browser, pytest.mark.kafka]
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"
XSS = '<img src=x onerror="window.__xss = 1">'


class Site:
    def __init__(self, settings, served: ServedApp):
        self.settings, self.served, self.code = settings, served, ""
        self.url = served.url

    @property
    def hazard_url(self) -> str:
        return f"{self.url}/m/hazards/s1/{self.code}"

    def read(self, read):
        engine = sql_engine(self.settings)
        try:
            with sql_sessions(engine)() as db:
                return read(db)
        finally:
            engine.dispose()

    def steps(self) -> list[tuple[str, str]]:
        """(action, username) of every step of the hazard, in order."""
        return self.read(lambda db: [(t.action, t.by) for t in db.scalars(
            select(HazardTransition).join(Hazard).where(Hazard.code == self.code).order_by(HazardTransition.id))])

    def stage(self) -> str:
        return self.read(lambda db: db.scalar(select(Hazard.stage).where(Hazard.code == self.code)))


@pytest.fixture(scope="module")
def site(redis_url, kafka_bootstrap, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("phone-work"), secret_key="w" * 32,
                            kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    served = ServedApp(settings)  # migrates the ledger; the app sets the tests' password cost
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            people = school(db)
            users.create_user(db, username="sun", display_name="孙老师", role="reporter", password=PASSWORD,
                              unit="s2", now=datetime.now(timezone.utc))
            db.commit()
    finally:
        engine.dispose()
    assert set(people) >= {"li", "an", "zhou", "yan"}
    with running_aggregator(settings):  # the wall's live figures, from the steps' events on the topic
        yield Site(settings, served)
    served.stop()


@pytest.fixture(scope="module")
def phones(browser):  # noqa: F811
    """phone(username) -> that person's signed-in page (one context each, kept for the module)."""
    opened: dict[str, object] = {}

    def open_(username: str, landing: str | None = None, *, site: Site, lang: str = "zh"):
        if username not in opened:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                          locale="en-GB" if lang == "en" else "zh-CN")
            page = context.new_page()
            page.goto(site.url + "/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
            opened[username] = page
        page = opened[username]
        if landing:
            page.goto(landing)
        return page

    yield open_
    for page in opened.values():
        page.context.close()


def shown(page, selector: str, timeout: float = 20) -> str:
    """The text of what a callback draws, once it is there."""
    wait_until(lambda: page.wait_for_timeout(100) or page.locator(selector).count(), selector, timeout=timeout)
    return page.locator(selector).first.inner_text()


def answer(page, tone: str = "ok", timeout: float = 20) -> str:
    return shown(page, f"#phone-hazard-message .tone-{tone}", timeout)


def said(page, text: str, tone: str = "ok", timeout: float = 20) -> None:
    """Waits for this answer: the previous step's answer stays on the page until the next one replaces it."""
    seen: list[str] = []

    def now() -> bool:
        page.wait_for_timeout(100)
        found = page.locator(f"#phone-hazard-message .tone-{tone}")
        seen.append(found.first.inner_text() if found.count() else "")
        return seen[-1] == text
    try:
        wait_until(now, f"the answer {text!r}", timeout=timeout)
    except AssertionError:
        raise AssertionError(f"the answer stayed {seen[-1]!r}, not {text!r}") from None


def fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width


def shot(page, name: str) -> None:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"phone-work-{name}.png"))


def choose(page, dropdown: str, label: str) -> None:
    page.click(f"#{dropdown}")
    page.get_by_role("option", name=label).first.click()


def published(site: Site) -> set[str]:
    return {json.loads(record.value)["id"]
            for record in read_topic(site.settings.kafka_bootstrap_servers, site.settings.events_topic)}


def wall_follows(wall, open_stages: dict[str, int], moved: list[float]) -> None:
    """The wall's hazard panel shows `open_stages` (the other stages 0); how long it took after the
    step's answer is kept in `moved` (the issue asks for within a second; this machine is shared)."""
    started = time.monotonic()
    for stage in HAZARD_STAGES:
        wait_shown(wall, f"hazards-stage-{stage}", open_stages.get(stage, 0), timeout=15)
    moved.append(time.monotonic() - started)


def test_a_hazard_is_worked_round_the_loop_from_phones(site, phones, browser, tmp_path):  # noqa: F811
    # The wall of the school, as its kiosk opens it: nothing reported yet.
    wall = browser.new_page(viewport={"width": 1920, "height": 1080})
    wall.goto(authenticated(site.url + "/?school=s1"))
    moved: list[float] = []
    # A teacher scans the gas pipe's notice card (its QR code holds /report?school=&point=) and reports
    # it with a photo taken there.
    li = phones("li", site.url + "/report?school=s1&point=RP-GAS-1", site=site)
    li.wait_for_url("**/m/report?school=s1&point=RP-GAS-1")
    assert "燃气管道 (RP-GAS-1)" in shown(li, "#phone-report-point")
    li.set_input_files("#phone-report-photo-input", files=[{
        "name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": made.jpeg(made.halves(160, 120))}])
    wait_until(lambda: li.wait_for_timeout(100) or li.locator("#phone-report-photos img").count() == 1,
               "the photo's preview")
    li.fill("#phone-report-description", "305 实验室燃气软管老化开裂\n" + XSS)
    li.click("#phone-report-send")
    wait_until(lambda: li.wait_for_timeout(100) or "已上报" in li.inner_text("#phone-report-result"),
               "the report's answer")
    site.code = code = site.read(lambda db: db.scalar(select(Hazard.code)))
    assert code in li.inner_text("#phone-report-result")
    assert site.read(lambda db: db.scalar(select(func.count()).select_from(Photo).where(
        Photo.hazard_id == select(Hazard.id).scalar_subquery()))) == 1
    wall_follows(wall, {"reported": 1}, moved)
    # The safety officer lands where they did (the duty console) and finds the new report in their work.
    an = phones("an", site=site)
    assert "/duty" in an.url
    an.goto(site.url + "/m")
    assert "305 实验室燃气软管老化开裂" in shown(an, "#phone-work-to-assign")
    fits(an)
    shot(an, "1-safety-my-work")
    an.click(f"#phone-work-to-assign a[href='/m/hazards/s1/{code}']")
    an.wait_for_url(f"**/m/hazards/s1/{code}")
    assert XSS in shown(an, "#phone-hazard-facts")  # typed text is text
    assert an.evaluate("() => window.__xss") is None and an.locator("#phone-hazard-facts img").count() == 0
    assert an.locator(".phone-send").count() == 1  # only the notice
    choose(an, "phone-hazard-assign-unit", "化学组")
    choose(an, "phone-hazard-assign-person", "周师傅（隐患上报员）")
    an.fill("#phone-hazard-assign-requirement", "更换软管，加装燃气报警器")
    fits(an)
    shot(an, "2-assign")
    # A double tap: two clicks before the first answer; one step is taken, and it is said to be saved.
    an.evaluate("() => { const b = document.getElementById('phone-hazard-assign-send'); b.click(); b.click(); }")
    answer(an)
    wait_until(lambda: site.stage() == "notified", "the notice in the ledger")
    an.wait_for_timeout(500)
    assert site.steps() == [("report", "li"), ("notify", "an")]
    wall_follows(wall, {"notified": 1}, moved)
    assert "周师傅" in shown(an, "#phone-hazard-facts") and "phone-hazard-assign-send" not in an.content()

    # The responsible teacher (a reporter) lands on their phone's work and finds the notice.
    zhou = phones("zhou", site=site)
    assert zhou.url.rstrip("/").endswith("/m")
    assert "305 实验室燃气软管老化开裂" in shown(zhou, "#phone-work-to-start")
    fits(zhou)
    zhou.click(f"#phone-work-to-start a[href='/m/hazards/s1/{code}']")
    shown(zhou, "#phone-hazard-start-send")
    zhou.evaluate("""() => { const b = document.getElementById('phone-hazard-start-send');
        new MutationObserver(() => { if (b.disabled) window.__disabledWhileSending = true; })
            .observe(b, {attributes: true}); }""")
    zhou.click("#phone-hazard-start-send")
    said(zhou, "已保存：已开始整改")
    wall_follows(wall, {"rectifying": 1}, moved)
    assert zhou.evaluate("() => window.__disabledWhileSending") is True  # the button waited for the answer
    shown(zhou, "#phone-hazard-feedback-send")
    zhou.fill("#phone-hazard-feedback-measures", "已更换软管并加装报警器")
    photo = tmp_path / "after.jpg"
    photo.write_bytes(made.jpeg(made.halves(120, 90)))
    with zhou.expect_file_chooser() as chooser:
        zhou.click("#phone-hazard-feedback-add")
    chooser.value.set_files(str(photo))
    shown(zhou, "#phone-hazard-feedback-preview img")
    assert "已上传 1 张照片" in shown(zhou, "#phone-hazard-feedback-uploading")
    fits(zhou)
    shot(zhou, "3-feedback")
    zhou.click("#phone-hazard-feedback-send")
    said(zhou, "已保存：整改结果已提交验收")
    shown(zhou, "#phone-hazard-after img")
    wall_follows(wall, {"feedback": 1}, moved)
    assert site.read(lambda db: db.scalar(select(Photo.transition_id).join(
        HazardTransition, HazardTransition.id == Photo.transition_id).where(HazardTransition.action == "feedback")))

    # The reporter who found it has no step now: no button; their reports list it.
    li.goto(f"{site.url}/m")
    assert "305 实验室燃气软管老化开裂" in shown(li, "#phone-work-reports")
    li.goto(site.hazard_url)
    assert "没有需要您办理的步骤" in shown(li, "#phone-hazard-steps")
    assert li.locator(".phone-send").count() == 0
    li.goto(f"{site.url}/m/hazards/s1/YH-NOPE")
    assert "未找到，或不在您的范围内" in shown(li, ".phone-problem")
    # A reporter of another school: not found, never which.
    sun = phones("sun", site.hazard_url, site=site)
    assert "未找到，或不在您的范围内" in shown(sun, ".phone-problem")
    assert code not in sun.inner_text("body")

    # The inspector (lands on /m too) rejects: first without a reason (refused), then with one.
    yan = phones("yan", site=site)
    assert yan.url.rstrip("/").endswith("/m")
    assert "305 实验室燃气软管老化开裂" in shown(yan, "#phone-work-to-accept")
    yan.goto(site.hazard_url)
    yan.click("#phone-hazard-reject-send")
    assert "须填写不通过的理由" in answer(yan, "error")
    yan.fill("#phone-hazard-verdict-note", "报警器未接通电源")
    fits(yan)
    shot(yan, "4-verdict")
    yan.click("#phone-hazard-reject-send")
    said(yan, "已保存：验收不通过，已退回整改")
    assert site.stage() == "rectifying"
    wall_follows(wall, {"rectifying": 1}, moved)

    zhou.goto(site.hazard_url)
    zhou.fill("#phone-hazard-feedback-measures", "报警器已接通电源并测试")
    zhou.click("#phone-hazard-feedback-send")
    said(zhou, "已保存：整改结果已提交验收")

    yan.goto(site.hazard_url + "?lang=en")
    yan.fill("#phone-hazard-verdict-note", "OK")
    yan.click("#phone-hazard-accept-send")
    said(yan, "Saved: accepted, the hazard is closed")
    assert "Accepted and closed" in shown(yan, "#phone-hazard-steps")
    wall_follows(wall, {"accepted": 1}, moved)
    print(f"the wall followed each step in {', '.join(f'{t:.2f}' for t in moved)} s")  # shown with -s
    wall.close()
    fits(yan)
    shot(yan, "5-closed-en")
    assert site.steps() == [("report", "li"), ("notify", "an"), ("rectify", "zhou"), ("feedback", "zhou"),
                            ("reject", "yan"), ("feedback", "zhou"), ("accept", "yan")]
    # Every step's contract event reached Kafka, by the ids the ledger wrote; none is left in the outbox.
    ids = site.read(lambda db: [t.event_id for t in db.scalars(select(HazardTransition).order_by(HazardTransition.id))])
    assert ids[1] == f"hzw-2-notify-s1-{code}" and ids[-1] == f"hzw-7-accept-s1-{code}"
    wait_until(lambda: set(ids[1:]) <= published(site), "the steps' events on the topic", timeout=30)
    assert site.read(lambda db: db.scalar(select(AlertOutbox.id).where(AlertOutbox.event_id.in_(ids[1:])))) is None
    # The inspector's accept sent once more (a tap whose page had not changed): refused by the stage,
    # answered as saved once, and nothing more is written.
    again = accept_as(site, "yan", site.code)
    assert again.status_code == 200 and "已保存：这一步您刚才已经办理过" in again.get_data(as_text=True)
    assert len(site.steps()) == 7


def _callback_body(app, key: str, values: dict) -> dict:
    spec = app.callback_map[key]
    outputs = split_callback_id(key)
    return {"output": key, "outputs": outputs,
            "inputs": [{**i, "value": values.get(i["id"])} for i in spec["inputs"]],
            "state": [{**s, "value": values.get(s["id"])} for s in spec["state"]],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"]]}


def accept_as(site: Site, username: str, code: str):
    """The accept callback as a browser of `username` posts it, past any page."""
    from dashboard.pages.phone_hazard import ids
    from tests.dashboard.conftest import sign_in

    app = site.served.app
    key = next(k for k, spec in app.callback_map.items()
               if any(i["id"] == ids.ACCEPT_SEND for i in spec.get("inputs", [])))
    body = _callback_body(app, key, {ids.ACCEPT_SEND: 1, ids.VERDICT_NOTE: "好",
                                     ids.HAZARD: {"school": "s1", "code": code, "lang": "zh"}})
    client = app.server.test_client()
    assert sign_in(client, username, PASSWORD).status_code == 303
    return client.post("/_dash-update-component", json=body)


def test_a_reporter_posting_the_accept_callback_is_refused_by_the_server(site):
    """The guard refuses a reporter (no hazard.accept), whoever's hazard it is, before the callback
    runs; an inspector's request reaches the ledger, which refuses it by the stage it is in."""
    engine = sql_engine(site.settings)
    try:
        with sql_sessions(engine)() as db:
            reporter = hazard_work.person_of(db, db.scalar(select(User).where(User.username == "zhou")))
            code = hazard_work.report(db, reporter, school="s1", client_key="phone-work-access-1", building="lab",
                                      description="楼梯扶手松动", now=datetime.now(timezone.utc)).code
    finally:
        engine.dispose()
    for username in ("zhou", "sun", "li"):
        refused = accept_as(site, username, code)
        assert refused.status_code == 403, (username, refused.get_data(as_text=True))
    asked = accept_as(site, "yan", code)
    assert asked.status_code == 200 and "未保存：隐患处于“已上报”阶段，不能验收销号" in asked.get_data(as_text=True)
    assert site.read(lambda db: [t.action for t in db.scalars(
        select(HazardTransition).join(Hazard).where(Hazard.code == code))]) == ["report"]
