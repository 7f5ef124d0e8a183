"""Pushed walls (issue 18): the framing and the sequence rules (pure), then the stream itself on
the real Redis and the app's threaded server: a school's screens get its changes and only its
own, a revoked token's screens stop within 10 s, and in Chromium an event reaches the DOM through
the push path and a screen whose connection is cut recovers without a reload."""
from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from datetime import datetime, timezone

import pytest
import redis

from dashboard import wall_push
from dashboard.pages.wall import callbacks, ids
from dashboard.pages.wall.model import changes, wall_model
from dashboard.wall_publisher import Publisher
from devstack import local_services
from devstack.wall_screens import Screens, read_events
from kernel import keys
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger.commands import access as tokens
from tests.conftest import settings_for
from tests.dashboard.conftest import ServedApp, event_applier, issue_token, now_ms
from tests.streams import events as ev

# ---- pure ----------------------------------------------------------------------------------------


def test_a_publication_addresses_every_output_the_callback_sends_but_the_screens_own():
    model = wall_model("zh", school=None, summary=None, plan=None, now=datetime.now(timezone.utc))
    sent = wall_push.updates(changes(None, model, lang="zh", plan=None))
    addressed = {(json.dumps(component, sort_keys=True), prop) for component, props in sent for prop in props}
    per_screen = {"picker_options", "picker_value", "heartbeat", "sync"}  # the poll's, not the school's
    expected = set()
    for name, output in callbacks.OUTPUTS.items():
        if name in per_screen:
            continue
        for one in output.values() if isinstance(output, dict) else [output]:
            if isinstance(one.component_id, dict):  # every figure of the pattern
                for dom_id in model["fig"]:
                    expected.add((json.dumps(ids.figure(dom_id), sort_keys=True), one.component_property))
            else:
                expected.add((json.dumps(one.component_id, sort_keys=True), one.component_property))
    assert addressed == expected
    assert json.loads(wall_push.publication(7, {"banner": None}, full=False, as_of=None))["set"] == [
        ["wall-stale", {"children": "", "hidden": True}]]


@pytest.mark.parametrize("last, seq, full, action", [
    (None, 5, True, "send"), (9, 5, True, "send"),  # a whole wall always: a new publisher numbers anew
    (4, 5, False, "send"), (5, 5, False, "skip"), (3, 2, False, "skip"),  # in order; already shown
    (3, 5, False, "resync"), (None, 5, False, "resync"),  # a gap, or nothing shown yet: the whole wall
])
def test_a_screen_applies_publications_in_sequence_and_is_sent_the_whole_wall_after_a_gap(last, seq, full, action):
    assert wall_push.what_to_do(last, seq, full) == action


def test_a_school_s_model_is_built_again_when_its_data_moved_or_a_second_passed():
    seven, eight, nine = "[('events/0', '7')]", "[('events/0', '8')]", "[('events/0', '9')]"
    assert wall_push.due(None, "[]", 0)
    quiet = wall_push.looked(None, seven, 1000)
    assert not wall_push.due(quiet, seven, 1999)
    assert wall_push.due(quiet, seven, 2000)  # texts that age by themselves
    aged = wall_push.looked(quiet, seven, 3000)  # built again for the time, not for data
    assert aged == (seven, 3000, 1000) and wall_push.due(aged, eight, 3001)  # a quiet school: at once
    busy = wall_push.looked(aged, eight, 3001)
    assert not wall_push.due(busy, nine, 3100) and wall_push.due(busy, nine, 3251)  # moving all the time: 4/s


def test_events_read_back_as_they_were_framed_whatever_the_chunks():
    text = ("retry: 1000\n\n" + wall_push.sse("wall", '{"seq":1,"set":[]}')
            + wall_push.beat(1234, "2026-12-06T20:00:00+08:00", "a") + wall_push.end("refused"))
    found, rest, retry = read_events(text[:40])
    assert found == [] and retry == 1000
    found, rest, _ = read_events(rest + text[40:])
    assert [name for name, _ in found] == ["wall", "beat", "end"] and rest == ""
    assert json.loads(found[1][1]) == {"at": 1234, "as_of": "2026-12-06T20:00:00+08:00", "school": "a"}
    assert wall_push.parse_watch_member(wall_push.watch_member("a.b-1", "en")) == ("a.b-1", "en")
    assert wall_push.parse_watch_member(b"a|fr") is None


# ---- on the real Redis and the app's server ------------------------------------------------------

@pytest.fixture(scope="module")
def served(redis_url, tmp_path_factory):
    settings = settings_for(redis_url, tmp_path_factory.mktemp("push"), stale_after_seconds=300)
    app = ServedApp(settings)
    yield app
    app.stop()  # its streams and the hub's threads end too


@pytest.fixture(scope="module")
def screens():
    found = Screens()
    yield found
    found.stop()


@pytest.fixture(scope="module")
def apply(served):
    client = redis.Redis.from_url(served.app.server.extensions["campus"].settings.redis_url)
    yield event_applier(client, served.app.server.extensions["campus"].settings)
    client.close()


def wait_until(check, what: str, timeout: float = 8.0):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s: {what}")
        time.sleep(0.05)
    return found


def figure_values(screen, name: str) -> list[str]:
    """Every value the screen was sent for one figure, in order."""
    wanted = ids.figure(name)
    return [props["children"] for _, data in screen.named("wall") for component, props in json.loads(data)["set"]
            if component == wanted and "children" in props]


def checked_in(school: str, n: int, start: int = 0) -> list[dict]:
    t = now_ms()
    return [ev.visitor("check_in", f"v-{school}-{i}", t - 1000 + i, school=school) for i in range(start, start + n)]


def test_one_publisher_leads_a_school_and_the_next_continues_its_sequence(served, apply):
    """Before any stream of this module: no publisher thread of the served app competes here."""
    live = served.app.server.extensions["campus"]
    client = live.redis
    apply(checked_in("push-e", 1))
    client.zadd(keys.WALL_WATCHED, {wall_push.watch_member("push-e", "zh"): now_ms() + 60_000})
    first, second = Publisher(live, busy=lambda: True), Publisher(live, busy=lambda: True)
    with served.app.server.app_context():
        assert first.cycle() == 1 and second.cycle() == 0  # the first holds the lease: the second waits
        seq, model, _ = wall_push.read_state(client.get(keys.wall_state("push-e", "zh")))
        assert model["fig"]["visitors-today"] == "1"
        client.delete(keys.wall_lease("push-e", "zh"))  # the first one's worker died: its lease lapses
        heard = client.pubsub(ignore_subscribe_messages=True)
        heard.subscribe(keys.wall_channel("push-e", "zh"))
        apply(checked_in("push-e", 1, start=1))
        assert second.cycle() == 1 and first.cycle() == 0
        message = wait_until(lambda: heard.get_message(timeout=0.2), "the second one's publication")
        heard.close()
    published = json.loads(message["data"])
    assert published["seq"] == seq + 1 and not published["full"]  # from the kept model: screens go on
    assert [ids.figure("visitors-today"), {"children": "2"}] in published["set"]


def test_a_school_whose_data_moved_is_published_at_once_not_at_the_next_look(served, apply, monkeypatch):
    """Also before any stream of this module: this publisher is the only one."""
    live = served.app.server.extensions["campus"]
    client = live.redis
    apply(checked_in("push-m", 1))
    client.zadd(keys.WALL_WATCHED, {wall_push.watch_member("push-m", "zh"): now_ms() + 60_000})
    monkeypatch.setattr(wall_push, "PUBLISH_EVERY_S", 60.0)  # the regular look: long after this test
    heard = client.pubsub(ignore_subscribe_messages=True)
    heard.subscribe(keys.wall_channel("push-m", "zh"))
    publisher, stop = Publisher(live, busy=lambda: True), threading.Event()

    def run():
        with served.app.server.app_context():
            publisher.run(stop)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: heard.get_message(timeout=0.2), "the first look's publication")
        time.sleep(0.3)  # past the gap between two builds of a school (wall_push.BUSY_GAP_MS)
        applied = time.monotonic()
        apply(checked_in("push-m", 1, start=1))  # the batch's transaction says the school moved
        message = wait_until(lambda: heard.get_message(timeout=0.05), "the change's publication", timeout=10)
        took = time.monotonic() - applied
    finally:
        stop.set()
        thread.join(5)
        heard.close()
    assert not thread.is_alive()  # it heard `stop` between looks, not a minute later
    assert [ids.figure("visitors-today"), {"children": "2"}] in json.loads(message["data"])["set"]
    assert took < 5, took  # not at the next look, a minute away


def test_each_school_s_screens_get_its_changes_and_never_another_school_s(served, screens, apply):
    apply(checked_in("push-a", 2) + checked_in("push-b", 37))
    token_a = issue_token(served.app.server.extensions["campus"].settings, school="push-a", label="a")
    a = screens.add(f"{served.url}/wall/stream?school=push-a&lang=zh", token=token_a)
    b = screens.add(f"{served.url}/wall/stream?school=push-b&lang=en", token=served.token)
    sneaking = screens.add(f"{served.url}/wall/stream?school=push-b", token=token_a)
    wait_until(lambda: "2" in figure_values(a, "visitors-today"), "A's screen shows its 2 visitors")
    wait_until(lambda: "37" in figure_values(b, "visitors-today"), "B's screen shows its 37 visitors")
    apply(checked_in("push-a", 1, start=2) + checked_in("push-b", 1, start=37))
    wait_until(lambda: figure_values(a, "visitors-today")[-1:] == ["3"], "A's screen gets the third visitor")
    wait_until(lambda: figure_values(b, "visitors-today")[-1:] == ["38"], "B's screen gets the 38th")
    # A's screen: only A's values, in sequence after the whole wall; its heartbeats name A.
    assert set(figure_values(a, "visitors-today")) <= {"—", "0", "2", "3"}
    seqs = [json.loads(data)["seq"] for _, data in a.named("wall")]
    assert json.loads(a.named("wall")[0][1])["full"] and seqs == sorted(seqs)
    assert {json.loads(data)["school"] for _, data in a.named("beat")} == {"push-a"}
    assert sneaking.status == 403 and not sneaking.events  # a token of A asking for B: refused
    # What Redis keeps for a (re)connecting screen is the last publication A's screen got.
    client = served.app.server.extensions["campus"].redis
    state = json.loads(client.get(keys.wall_state("push-a", "zh")))
    assert state["seq"] == seqs[-1]
    assert client.zcard(keys.WALL_SCREENS) >= 2  # streaming screens count as open in /metrics too
    for screen in (a, b, sneaking):
        screens.drop(screen)


def test_a_revoked_token_s_screens_stop_receiving_within_10_s(served, screens, apply):
    settings: Settings = served.app.server.extensions["campus"].settings
    apply(checked_in("push-c", 1))
    token = issue_token(settings, school="push-c", label="to revoke")
    screen = screens.add(f"{served.url}/wall/stream?school=push-c", token=token)
    wait_until(lambda: screen.named("beat"), "the screen streams")
    engine = sql_engine(settings)
    with sql_sessions(engine).begin() as db:
        tokens.revoke_token(db, token_id=tokens.active_token(db, token=token).id, now=datetime.now(timezone.utc))
    engine.dispose()
    revoked = time.monotonic()
    wait_until(lambda: screen.named("end"), "the stream ends", timeout=12)
    took = time.monotonic() - revoked
    assert took < 10, took
    assert json.loads(screen.named("end")[0][1])["reason"] == "refused"
    # It reconnects, as a browser's EventSource would not (it falls back to polling): refused.
    wait_until(lambda: screen.status == 401, "a new stream is refused")
    before = len(screen.events)
    time.sleep(0.5)
    assert len(screen.events) == before  # nothing more reaches it
    screens.drop(screen)


class Link:
    """A TCP link between the browser and the app that the test can cut: every connection through
    it is closed at once, and new ones are refused until it is mended."""

    def __init__(self, port: int):
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", local_services.free_port()))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.up = True
        self.pairs: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target))
            self.pairs += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):  # the other side closed, or the link was cut: the copy ends
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        for end in (source, sink):
            with contextlib.suppress(OSError):  # already shut
                end.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        for sock in self.pairs:
            with contextlib.suppress(OSError):  # already shut
                sock.shutdown(socket.SHUT_RDWR)
        self.pairs = []

    def mend(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


@pytest.mark.browser
def test_in_chromium_events_arrive_by_push_and_a_cut_link_recovers_without_a_reload(served, chromium, apply):
    apply(checked_in("push-d", 4))
    link = Link(served.port)
    page = chromium.new_page(viewport={"width": 1920, "height": 1080})
    polls = []
    page.on("request", lambda r: polls.append(r) if "_dash-update-component" in r.url
            and "wall-poll" in (r.post_data or "") else None)
    try:
        page.goto(f"{link.url}/?school=push-d&token={served.token}")
        shown = page.get_by_test_id("visitors-today")
        wait_until(lambda: shown.inner_text() == "4", "the wall shows 4 visitors")
        streaming = "window.campusWallPush.source !== null && window.campusWallPush.source.readyState === 1"
        wait_until(lambda: page.evaluate(streaming), "the stream is open")
        time.sleep(0.6)  # a poll sent just before the stream opened has its answer by now
        polled = len(polls)
        apply(checked_in("push-d", 1, start=4))
        wait_until(lambda: shown.inner_text() == "5", "the pushed fifth visitor shows")
        assert len(polls) == polled  # by the stream: no poll was sent meanwhile
        load_count = page.evaluate("performance.getEntriesByType('navigation').length")
        link.cut()
        time.sleep(1.5)
        link.mend()  # EventSource reconnects by itself (retry: 1 s) and is sent the whole wall
        apply(checked_in("push-d", 1, start=5))
        wait_until(lambda: shown.inner_text() == "6", "the sixth visitor shows after the cut", timeout=10)
        assert page.evaluate("window.campusWallPush.source.readyState") == 1
        assert len(polls) == polled and page.evaluate("performance.getEntriesByType('navigation').length") == load_count
        assert page.get_by_test_id("link-banner").is_hidden()
    finally:
        page.close()
        link.close()
