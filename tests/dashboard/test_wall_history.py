"""The wall at time T (issue 18, 事后评估) on real services: events applied through the consumer's own
write path across minute boundaries, the history writer taking chosen minutes on a controlled clock into
the SQLite ledger, then GET /api/v1/schools/<school>/summary?at= answering exactly the summary the live
endpoint computed at those minutes; gaps named, not filled; another school's token and a kiosk's wall
token refused; the past view in Chromium. One module set-up: the history is written once."""
from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import redis

from dashboard.app import create_app
from dashboard.pages.wall import ids
from kernel.clock import MINUTE_MS
from kernel.connections import sql_engine, sql_sessions
from ledger import wall_history as wh
from streams.recorder import Recorder
from streams.wall_history import HistoryWriter
from tests.conftest import settings_for
from tests.dashboard.conftest import client_with, event_applier, issue_token, now_ms
from tests.dashboard.test_access import _callback_body, _callback_key, _router
from tests.dashboard.test_wall_browser import screenshot_dir
from tests.streams import events as ev

SCHOOL = "hist-school"
TZ = ZoneInfo("Asia/Shanghai")
MARKERS = ("past", "at", "minute", "taken_at")


def local_iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, TZ).isoformat(timespec="milliseconds")


@pytest.fixture(scope="module")
def history(redis_url, tmp_path_factory):
    """Minutes B, B+1, B+3 taken by one writer and B+4 by a second (a restarted recorder: no memory);
    B+2 is never taken (the recorder was down). `shown[m]` is what the live endpoint computed at m."""
    settings = settings_for(redis_url, tmp_path_factory.mktemp("wall-history"))
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushall()
    tokens = {"leader": issue_token(settings, role="leader"), "wall": issue_token(settings),
              "other": issue_token(settings, role="leader", school="other-school")}
    app = create_app(settings)
    live = app.server.extensions["campus"]
    engine = sql_engine(settings)

    def writer() -> HistoryWriter:
        return HistoryWriter(sessions=sql_sessions(engine), client=client, retention_days=90,
                             summary=lambda school, ms: live.summary(school, now_ms=ms))

    apply = event_applier(client, settings)
    base = now_ms() // MINUTE_MS - 30
    ms = lambda minute, second=0.0: int((base + minute) * MINUTE_MS + second * 1000)  # noqa: E731
    steps = {
        0: [ev.attendance("in", "p1", "staff", ms(0, 5), school=SCHOOL),
            ev.attendance("in", "p2", "student", ms(0, 30), school=SCHOOL),
            ev.smoke(ms(0, 59.999), school=SCHOOL, source="smoke-1")],  # the minute's last millisecond
        1: [ev.smoke(ms(1), school=SCHOOL, source="smoke-2"),  # the next minute's first
            ev.attendance("out", "p1", "staff", ms(1, 10), school=SCHOOL),
            ev.visitor("check_in", "v1", ms(1, 20), school=SCHOOL)],
        2: [ev.attendance("in", "p3", "staff", ms(2, 10), school=SCHOOL)],
        3: [ev.smoke(ms(3, 40), school=SCHOOL, source="smoke-3")],
        4: [],
    }
    first, shown, saved = writer(), {}, {}
    for minute, events in steps.items():
        if events:
            apply(events)
        if minute == 2:
            continue  # a gap
        taking = first if minute < 4 else writer()
        saved[minute] = taking.record(base + minute)
        shown[minute] = json.loads(json.dumps(live.summary(SCHOOL, now_ms=wh.taken_ms(base + minute))))
    again = first.record(base + 1)  # a minute taken twice is kept once
    # The recorder's summary for the history is the web app's, to the byte.
    recorder = SimpleNamespace(sessions=sql_sessions(engine), settings=settings, redis=client,
                               deadlines=live.deadlines)
    same = json.dumps(Recorder.summary_for_history(recorder, SCHOOL, wh.taken_ms(base + 4))) == json.dumps(
        live.summary(SCHOOL, now_ms=wh.taken_ms(base + 4)))
    yield {"app": app, "tokens": tokens, "shown": shown, "saved": saved, "again": again, "ms": ms, "base": base,
           "settings": settings, "same": same}
    live.close()
    engine.dispose()
    client.close()


def past(history, token: str, at: str):
    return client_with(history["app"], history["tokens"][token]).get(
        f"/api/v1/schools/{SCHOOL}/summary", query_string={"at": at})


def test_the_summary_at_a_past_minute_is_exactly_what_the_live_endpoint_showed_then(history):
    ms, shown = history["ms"], history["shown"]
    assert history["saved"] == {0: 1, 1: 1, 3: 1, 4: 1} and history["again"] == 0 and history["same"]
    # 5-minute counts by event time: the smoke stamped in minute 0's last millisecond counts in minute 0,
    # the one stamped at minute 1's first in minute 1; p3 (minute 2) counts from minute 3 on.
    people = {0: 2, 1: 4, 3: 5, 4: 5}
    smoke = {0: 1, 1: 2, 3: 3, 4: 3}
    for minute, at in ((0, ms(0, 30)), (0, ms(0, 59.999)), (1, ms(1)), (1, ms(1, 45)), (3, ms(3, 59)),
                       (4, ms(4, 1))):
        answer = past(history, "leader", local_iso(at))
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        assert body["past"] is True and body["school"] == SCHOOL
        assert body["at"] == local_iso(at) and body["minute"] == local_iso(ms(minute))
        assert body["taken_at"] == local_iso(wh.taken_ms(history["base"] + minute))
        kept = {k: v for k, v in body.items() if k not in MARKERS}
        assert kept == shown[minute] and list(kept) == list(shown[minute])  # the same document, in order
        assert body["domains"]["personal_safety"]["events"]["5m"] == people[minute]
        assert body["domains"]["environment"]["events"]["5m"] == smoke[minute]


def test_a_minute_nobody_recorded_is_a_gap_named_with_the_minutes_either_side(history):
    ms = history["ms"]
    answer = past(history, "leader", local_iso(ms(2, 30)))
    body = answer.get_json()
    assert answer.status_code == 404 and body["gap"] is True and "不做插补" in body["error_zh"]
    assert body["previous"] == local_iso(ms(1)) and body["next"] == local_iso(ms(3))
    before = past(history, "leader", local_iso(ms(-5))).get_json()
    assert before["gap"] is True and before["previous"] is None and before["next"] == local_iso(ms(0))


def test_another_schools_token_is_refused_as_for_the_live_summary(history):
    other = client_with(history["app"], history["tokens"]["other"])
    today = other.get(f"/api/v1/schools/{SCHOOL}/summary")
    answer = past(history, "other", local_iso(history["ms"](1, 30)))
    assert today.status_code == answer.status_code == 403
    assert answer.get_json() == today.get_json()


def test_a_kiosks_wall_token_never_sees_the_past(history):
    app, at = history["app"], local_iso(history["ms"](1, 30))
    refused = past(history, "wall", at)
    assert refused.status_code == 403 and "大屏令牌" in refused.get_json()["error_zh"]
    search = f"?school={SCHOOL}&at={at[:16]}"
    wall, leader = (client_with(app, history["tokens"][who]) for who in ("wall", "leader"))
    kiosk_page, leader_page = (json.dumps(_router(c, search).get_json(), ensure_ascii=False) for c in (wall, leader))
    assert "past-banner" not in kiosk_page and "history-bar" not in kiosk_page
    assert "past-banner" in leader_page and "历史回看" in leader_page
    live_page, refused_page = (json.dumps(_router(leader, f"?school={SCHOOL}{q}").get_json(), ensure_ascii=False)
                               for q in ("", "&at=yesterday"))
    assert "history-bar" in live_page and "past-banner" not in live_page  # the time control, on the live wall
    assert "history-refusal" in refused_page and "ISO 8601" in refused_page and "past-banner" not in refused_page
    key = _callback_key(app, ids.HEARTBEAT)
    view = {"school": SCHOOL, "lang": "zh", "at": at}  # a kiosk's store edited to ask for the past
    answers = {who: c.post("/_dash-update-component", json=_callback_body(app, key, {ids.TICK: 1, ids.VIEW: view}))
               for who, c in (("wall", wall), ("leader", leader))}
    classes = {who: a.get_json()["response"][ids.WALL]["className"] for who, a in answers.items()}
    assert classes["leader"].startswith("wall is-past") and "is-past" not in classes["wall"]


@pytest.mark.parametrize(("at", "zh"), [
    ("03:14", "ISO 8601"), ("2026-12-06T03:14:00", "须带时区偏移"), ("2999-01-01T00:00:00+08:00", "尚未结束"),
    ("2020-01-01T00:00:00+08:00", "保存期限"),
    # Past what a datetime holds once moved to UTC: refused as any other moment out of range, never a 500.
    ("9999-12-31T23:59:00-23:59", "尚未结束"), ("0001-01-01T00:00:00+23:59", "保存期限"),
])
def test_a_bad_at_is_a_400_in_both_languages(history, at, zh):
    answer = past(history, "leader", at)
    assert answer.status_code == 400 and zh in answer.get_json()["error_zh"] and answer.get_json()["error"]


def test_a_moment_no_datetime_holds_in_utc_leaves_the_wall_live_not_broken(history):
    """0001-01-01 ahead of UTC is before any datetime: the page says the `at` is refused beside the time
    control, and a store edited to hold it gets the live wall, as for any other refused `at`."""
    app = history["app"]
    leader = client_with(app, history["tokens"]["leader"])
    page = _router(leader, f"?school={SCHOOL}&at=0001-01-01T00%3A00")
    assert page.status_code == 200
    shown = json.dumps(page.get_json(), ensure_ascii=False)
    assert "history-refusal" in shown and "保存期限" in shown and "past-banner" not in shown
    view = {"school": SCHOOL, "lang": "zh", "at": "9999-12-31T23:59:00-23:59"}
    answer = leader.post("/_dash-update-component", json=_callback_body(
        app, _callback_key(app, ids.HEARTBEAT), {ids.TICK: 1, ids.VIEW: view}))
    assert answer.status_code == 200 and "is-past" not in answer.get_json()["response"][ids.WALL]["className"]


@pytest.mark.browser
def test_the_past_view_in_chromium_says_so_and_steps_a_minute(history, chromium, serve, tmp_path):
    served = serve(history["settings"])
    ms, shown = history["ms"], history["shown"]
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    try:
        minute = datetime.fromtimestamp(ms(1) / 1000, TZ)
        page.goto(f"{served.url}/?school={SCHOOL}&at={minute:%Y-%m-%dT%H:%M}&token={history['tokens']['leader']}")
        banner = page.get_by_test_id("past-title")
        banner.wait_for()
        assert banner.inner_text() == f"历史回看 · {minute:%Y-%m-%d %H:%M}（非实时）"
        one_hour = f"{shown[1]['domains']['personal_safety']['events']['1h']:,}"
        page.wait_for_function("([id, text]) => document.querySelector(`[data-testid='${id}']`)?.innerText === text",
                               arg=["personal_safety-1h", one_hour], timeout=8000)
        page.screenshot(path=str(screenshot_dir(tmp_path) / "wall-past-1080p.png"))
        page.get_by_test_id("history-plus1").click()  # minute 2: nobody recorded it
        page.get_by_text("无记录").first.wait_for(timeout=8000)
        assert page.get_by_test_id("personal_safety-1h").inner_text() == "—"
    finally:
        page.close()
