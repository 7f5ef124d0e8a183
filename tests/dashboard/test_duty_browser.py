"""The duty console in headless Chromium: a duty officer signs in, acknowledges an alert with one tap
and the wall follows; dispatch and resolve with notes, the history, typed text kept as text; a
leader reads without the buttons; a wall token cannot open the console."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from kernel.connections import sql_engine, sql_sessions
from ledger.db import migrate
from ledger.shifts import ShiftPlan
from tests.dashboard.conftest import PASSWORD, authenticated, make_user
from tests.dashboard.test_wall_browser import (  # noqa: F401 (browser: the shared Chromium fixture)
    browser,
    screenshot_dir,
    wait_shown,
    wait_until,
)
from tests.ledger.alarms import raise_alarm
from tests.streams import events as ev
from tests.streams.harness import make_topic, produce, running_aggregator

pytestmark = pytest.mark.browser
XSS = '<img src=x onerror="window.__xss = 1">'


@pytest.fixture
def pages(browser):  # noqa: F811
    opened = []

    def open_(url: str, width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        opened.append(context)
        page.goto(url)
        return page

    yield open_
    for context in opened:
        context.close()


def sign_in(page, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/duty**")


def raise_smoke(settings, kafka_bootstrap: str, event_id: str, *, at: datetime, school: str = "s1") -> int:
    """An alarm as production has it: in the ledger (the recorder's write) and on the topic (the
    aggregator puts it on the wall). Returns the ledger's alert id."""
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as session:
            alert = raise_alarm(session, event_id=event_id, at=at, school=school, building="图书馆", zone="3F")
            alert_id = alert.id
    finally:
        engine.dispose()
    smoke = {**ev.smoke(int(at.timestamp() * 1000), school=school, id=event_id), "building": "图书馆", "zone": "3F"}
    produce(kafka_bootstrap, settings.events_topic, [(school, ev.raw(smoke))])
    return alert_id


def wall_state(wall) -> str:
    return wall.get_by_test_id("alert-list").locator("tr").first.inner_text()


def test_a_duty_officer_acknowledges_with_one_tap_and_the_wall_follows(
        serve, settings_factory, redis_client, kafka_bootstrap, pages, tmp_path):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    alert_id = raise_smoke(settings, kafka_bootstrap, "smoke-lib-1",
                           at=datetime.now(timezone.utc) - timedelta(seconds=5))
    make_user(settings, "zhangsan", role="duty", name="张三")
    with running_aggregator(settings):
        served = serve(settings)
        wall = pages(authenticated(served.url + "/?school=s1"), 1920, 1080)
        wait_shown(wall, "alerts-critical", 1, timeout=30)
        assert "已确认" not in wall_state(wall)

        console = pages(served.url + "/duty?school=s1", 1024, 768)
        assert "/login" in console.url  # nobody signed in: to the sign-in page, then back
        sign_in(console, "zhangsan")
        row = console.locator(f'tr[data-alert="{alert_id}"]')
        row.wait_for(timeout=15_000)
        assert "烟感报警" in row.inner_text() and "图书馆 · 3F" in row.inner_text()
        assert "张三" in console.locator(".duty-header").inner_text()
        # A tablet in landscape: nothing wider than the screen, buttons big enough for a finger.
        assert console.evaluate("document.documentElement.scrollWidth <= innerWidth")
        box = row.locator("button.ack").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        target = screenshot_dir(tmp_path)
        target.mkdir(parents=True, exist_ok=True)
        console.screenshot(path=str(target / "duty-1024x768.png"), full_page=True)

        tapped = time.monotonic()
        row.locator("button.ack").click()
        wait_until(lambda: "已确认报警" in console.locator("#duty-feedback").inner_text(), "the console to confirm")
        wait_until(lambda: "已确认" in console.locator(f'tr[data-alert="{alert_id}"] td.state').inner_text(),
                   "the console's row to show it acknowledged", timeout=5)
        assert console.locator(f'tr[data-alert="{alert_id}"] button.ack').count() == 0
        # The wall hears it through the stream: the console's event, the consumer, Redis.
        wait_until(lambda: "已确认" in wall_state(wall), "the wall to show the acknowledgement", timeout=15)
        print(f"tap -> wall shows it acknowledged: {time.monotonic() - tapped:.2f} s")

        # Dispatch with a note, then resolve as a false alarm: each step in the history, by name.
        console.locator(f'tr[data-alert="{alert_id}"] button.open').click()
        console.locator("#duty-assignee").wait_for(state="visible")
        console.fill("#duty-assignee", "保卫处一队")
        console.fill("#duty-dispatch-note", XSS)
        console.click("#duty-dispatch")
        wait_until(lambda: "已派警" in console.locator("#duty-feedback").inner_text(), "the dispatch")
        wait_until(lambda: XSS in console.locator("#duty-history").inner_text(), "the note in the history")
        history = console.locator("#duty-history").inner_text()
        assert "zhangsan" in history and "保卫处一队" in history and "确认" in history
        console.click("#duty-resolve")  # no outcome chosen: refused in plain words, nothing sent
        wait_until(lambda: "请选择结论" in console.locator("#duty-feedback").inner_text(), "the missing outcome")
        console.get_by_label("误报").check()
        console.fill("#duty-resolve-note", "厨房油烟误触发")
        console.click("#duty-resolve")
        wait_until(lambda: "已处置完毕" in console.locator("#duty-feedback").inner_text(), "the resolution")
        wait_until(lambda: console.locator(f'tr[data-alert="{alert_id}"]').count() == 0,
                   "the resolved alert to leave the open list", timeout=5)
        wait_shown(wall, "alerts-critical", 0, timeout=15)
        # Typed markup is text on the console and ran nowhere.
        assert console.evaluate("window.__xss") is None and wall.evaluate("window.__xss") is None

        # The handover report of this shift shows the alert handled, and downloads as Excel.
        shift = ShiftPlan.load(settings.shifts_file).current_shift(datetime.now(timezone.utc), settings.tz)
        console.fill("#duty-shift-date", shift.day.isoformat())
        console.press("#duty-shift-date", "Enter")
        console.click("#duty-shift")
        console.get_by_role("option", name=shift.shift.name_zh).click()
        handled = console.locator('#duty-handover table[data-table="handled_alerts"]')
        handled.wait_for(timeout=10_000)
        assert "烟感报警" in handled.inner_text()
        href = console.get_attribute("#duty-download", "href")
        assert f"date={shift.day.isoformat()}" in href and "format=xlsx" in href
        download = console.request.get(served.url + href)
        assert download.status == 200 and download.body()[:2] == b"PK"  # a zip: the .xlsx

        # Signing out ends the session on the server: the console is gone until the next sign-in.
        console.click("#duty-sign-out")
        console.wait_for_url("**/login**")
        assert console.request.get(served.url + "/duty?school=s1", max_redirects=0).status in (302, 303)


def test_a_leader_reads_the_console_without_buttons_and_a_wall_token_cannot_open_it(
        serve, settings_factory, redis_client, kafka_bootstrap, pages):
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    alert_id = raise_smoke(settings, kafka_bootstrap, "smoke-lib-2",
                           at=datetime.now(timezone.utc) - timedelta(minutes=3))
    make_user(settings, "lisi", role="leader", name="李四")
    served = serve(settings)
    kiosk = pages(authenticated(served.url + "/duty?school=s1"))
    assert kiosk.locator(".duty").count() == 0 and "无权" in kiosk.content()
    leader = pages(served.url + "/login?next=/duty%3Fschool%3Ds1")
    sign_in(leader, "lisi")
    row = leader.locator(f'tr[data-alert="{alert_id}"]')
    row.wait_for(timeout=15_000)
    assert row.locator("button.ack").count() == 0  # leadership reads; the server refuses its writes too
    # A critical alert 3 minutes unacknowledged is past its deadline: escalated, on the console too.
    assert "已升级" in row.locator("td.state").inner_text()


COUNT_BEEPS = """
window.__beeps = 0;
const Real = window.AudioContext;
window.AudioContext = function () { const c = new Real(); const make = c.createOscillator.bind(c);
  c.createOscillator = () => { window.__beeps += 1; return make(); }; return c; };
"""  # as the wall's test counts them (tests/dashboard/test_wall_screens.py): three tones an alarm


def card_and_camera(settings) -> None:
    """The library's third floor with a camera, and the response card for a smoke alarm there."""
    from ledger.commands import response_cards
    from ledger.commands.audit import Actor
    from ledger.commands.recording import school_for
    from ledger.models import Building, Device, Zone

    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine)() as db:
            school = school_for(db, "s1")
            library = Building(school_id=school.id, code="lib", name_zh="图书馆")
            db.add(library)
            db.flush()
            zone = Zone(building_id=library.id, code="3F", name_zh="三层")
            db.add(zone)
            db.flush()
            db.add(Device(school_id=school.id, source="cam-lib-3f", name="图书馆三层走廊", system="video",
                          building_id=library.id, zone_id=zone.id, stream_url="https://nvr.campus.cn/live/lib-3f"))
            response_cards.save_card(db, actor=Actor("root", "admin"), scope=None, school="s1",
                                     now=datetime.now(timezone.utc), form=response_cards.CardForm(
                                         title="图书馆烟感报警处置", alert_type="fire.smoke_alarm", building="lib",
                                         steps="查看三层摄像机确认火情\n派保卫处队员携灭火器到场\n确认起火立即拨打 119",
                                         contacts="保卫处值班室 0571-8888 1234\n消防 119",
                                         evacuation="三层读者沿东、西两侧楼梯疏散至图书馆南广场"))
            db.commit()
    finally:
        engine.dispose()


def test_the_console_sounds_once_for_a_new_critical_alert_keeps_its_banner_and_shows_its_card(
        serve, settings_factory, redis_client, kafka_bootstrap, browser, tmp_path):  # noqa: F811
    from ledger.models import ResponseCardUse

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)  # the acknowledgement's event goes out on it
    card_and_camera(settings)
    make_user(settings, "wangwu", role="duty", name="王五")
    served = serve(settings)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(COUNT_BEEPS)
        console = context.new_page()
        console.goto(served.url + "/login?next=/duty%3Fschool%3Ds1")
        sign_in(console, "wangwu")
        sound = console.locator("#duty-sound")
        wait_until(lambda: "声音已关闭" in sound.inner_text(), "the switch to say sound is off")
        sound.click()  # the one tap the browser's autoplay rules ask for
        wait_until(lambda: "声音已开启" in sound.inner_text(), "sound on")
        assert console.evaluate("localStorage.getItem('campus-safety.duty.sound')") == "on"
        assert console.locator("#duty-alarm").is_hidden()

        engine = sql_engine(settings)
        try:
            with sql_sessions(engine)() as db:
                alert_id = raise_alarm(db, event_id="smoke-lib-9", at=datetime.now(timezone.utc), school="s1",
                                       building="lib", zone="3F").id
        finally:
            engine.dispose()
        wait_until(lambda: console.evaluate("window.__beeps") == 3, "one alarm: three tones")
        alarm = console.locator("#duty-alarm")
        wait_until(lambda: alarm.is_visible() and "烟感报警 · 图书馆 · 三层" in alarm.inner_text(), "the banner")
        assert alarm.locator("button").count() == 0  # no close button: it stays until acknowledged
        row = console.locator(f'tr[data-alert="{alert_id}"]')
        row.locator("button.open").click()
        card = console.locator("#duty-card")
        wait_until(lambda: "图书馆烟感报警处置" in card.inner_text(), "the response card")
        assert card.locator("a.tel").first.get_attribute("href") == "tel:057188881234"
        camera = card.locator("a.camera")
        assert camera.inner_text() == "图书馆三层走廊" and camera.get_attribute("href") == \
            "https://nvr.campus.cn/live/lib-3f" and camera.get_attribute("target") == "_blank"
        wait_until(lambda: "已记入交接班" in card.inner_text(), "the card's use recorded")
        time.sleep(1.0)  # two more refreshes: still one alarm for this alert
        assert console.evaluate("window.__beeps") == 3 and alarm.is_visible()
        target = screenshot_dir(tmp_path)
        target.mkdir(parents=True, exist_ok=True)
        console.screenshot(path=str(target / "duty-response-card.png"), full_page=False)

        row.locator("button.ack").click()
        wait_until(lambda: alarm.is_hidden(), "the banner to go once acknowledged", timeout=5)
        assert console.evaluate("window.__beeps") == 3
        console.reload()  # the next visit: the switch remembered (on, or paused where the browser asks a tap)
        wait_until(lambda: "sound-off" not in (sound.get_attribute("class") or "x sound-off"), "the switch remembered")
    finally:
        context.close()
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            uses = [(u.alert_id, u.used_by) for u in db.query(ResponseCardUse)]
    finally:
        engine.dispose()
    assert uses == [(alert_id, "wangwu")]


def test_a_message_link_opens_its_alert_and_the_alarm_repeats_until_acknowledged_with_a_five_minute_mute(
        serve, settings_factory, redis_client, kafka_bootstrap, browser):  # noqa: F811
    """Issue 16: the link a message carries (ledger/notify_text.console_link) opens the alert after
    sign-in, its acknowledge button focused; the alarm repeats (every 30 s; 0.7 s here) while it is
    unacknowledged, a mute holds only for its 5 minutes, and acknowledging stops it. The plays are
    counted in the page (window.dutyAlarm.plays), not heard."""
    from ledger.models import Alert

    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap)
    make_topic(kafka_bootstrap, settings, partitions=1)
    alert_id = raise_smoke(settings, kafka_bootstrap, "smoke-lib-link", at=datetime.now(timezone.utc))
    make_user(settings, "zhaoliu", role="duty", name="赵六", schools=("s1",))
    served = serve(settings)
    link = f"/duty?school=s1&alert={alert_id}"
    context = browser.new_context(viewport={"width": 1280, "height": 700})
    try:  # sound turned on in an earlier visit (the one tap), and a short repeat for the test
        context.add_init_script("window.DUTY_ALARM_REPEAT_MS = 700;"
                                "localStorage.setItem('campus-safety.duty.sound', 'on');")
        console = context.new_page()
        console.goto(served.url + link)
        assert "/login" in console.url
        sign_in(console, "zhaoliu")
        assert console.url == served.url + link  # back to exactly the link
        row = console.locator(f'tr[data-alert="{alert_id}"]')
        row.wait_for(timeout=15_000)
        wait_until(lambda: console.evaluate(
            f"document.activeElement.matches('tr[data-alert=\"{alert_id}\"] button.ack')"), "the ack button focused")
        assert "is-selected" in row.get_attribute("class")
        wait_until(lambda: "烟感报警" in console.locator("#duty-detail").inner_text(), "the alert's details")

        plays = lambda: console.evaluate("window.dutyAlarm.plays")  # noqa: E731
        wait_until(lambda: plays() >= 3, "the alarm to repeat")
        mute = console.locator("#duty-mute")
        assert mute.is_visible() and mute.inner_text() == "静音 5 分钟"
        mute.click()
        wait_until(lambda: "已静音至" in mute.inner_text(), "the mute")
        left = console.evaluate("Number(localStorage.getItem('campus-safety.duty.mute-until')) - Date.now()")
        assert 290_000 < left <= 300_000  # remembered for its 5 minutes, not for good
        muted = plays()
        time.sleep(1.6)
        assert plays() == muted
        console.evaluate("localStorage.setItem('campus-safety.duty.mute-until', String(Date.now() - 1))")
        wait_until(lambda: plays() > muted, "the alarm again once the mute ran out")

        row.locator("button.ack").click()  # the row's own acknowledge: the one callback the ladder listens to
        alarm = console.locator("#duty-alarm")
        wait_until(lambda: alarm.is_hidden() and mute.is_hidden(), "the banner and the mute to go", timeout=5)
        stopped = plays()
        time.sleep(1.6)
        assert plays() == stopped
    finally:
        context.close()
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine)() as db:
            acknowledged = db.get(Alert, alert_id)
            assert (acknowledged.state, acknowledged.acknowledged_by) == ("acknowledged", "zhaoliu")
    finally:
        engine.dispose()
