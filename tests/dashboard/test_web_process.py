"""The web app as production runs it: gunicorn with gunicorn.conf.py and two workers, on the real
Redis. What IT sees of it: /metrics adds up both workers (a killed one's counts too), the log is
one JSON record a line, holds no password, token or cookie after a person signs in and a wall
opens with ?token=, and has no line for a wall screen's refreshes."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dashboard.app import create_app
from dashboard.pages.wall import ids
from devstack import local_services
from tests.dashboard.conftest import PASSWORD, issue_token, make_user, now_ms
from tests.dashboard.test_access import _callback_body, _callback_key
from tests.streams import events as ev

ROOT = Path(__file__).resolve().parent.parent.parent
METRICS_TOKEN = "scrape-Token-5a7c9e1b3d"
SECRET_KEY = "flask-Secret-Key-8d6f4b2a0c9e"
WRONG_PASSWORD = "not my password 42"
REFRESHES = 24


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _opener(jar, follow=True):
    handlers = [urllib.request.HTTPCookieProcessor(jar)] + ([] if follow else [_NoRedirect()])
    return urllib.request.build_opener(*handlers)


def _call(opener, url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def _scrape(base) -> dict:
    status, text, _ = _call(urllib.request.build_opener(), base + "/metrics",
                            headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200, text
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _workers(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return found


@pytest.fixture
def web_process(settings_factory, redis_client, apply_events, tmp_path):
    settings = settings_factory(secret_key=SECRET_KEY, metrics_token=METRICS_TOKEN)
    apply_events([ev.smoke(now_ms() - 1000, school="s1")])
    wall_token = issue_token(settings)
    make_user(settings, "duty.officer", role="duty")
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"an earlier run's figures")
    port = local_services.free_port()
    env = dict(os.environ, REDIS_URL=settings.redis_url, DATABASE_URL=settings.database_url,
               EVENTS_TOPIC=settings.events_topic, CONSUMER_GROUP=settings.consumer_group,
               SECRET_KEY=SECRET_KEY, METRICS_TOKEN=METRICS_TOKEN, LOG_FORMAT="json",
               PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), COOKIE_SECURE="off")
    env.pop("METRICS_ALLOW", None)
    log_path = tmp_path / "web.log"
    with open(log_path, "wb") as log:
        master = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", "2",
             "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "dashboard.app:create_server()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert master.poll() is None, log_path.read_text()
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.2)
    yield settings, base, wall_token, master, metrics_dir, log_path
    if master.poll() is None:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(30)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait()


def test_gunicorn_workers_add_up_in_metrics_and_the_log_keeps_no_secret(web_process):
    settings, base, wall_token, master, metrics_dir, log_path = web_process
    assert not (metrics_dir / "counter_999999.db").exists()  # emptied when gunicorn started

    # A person signs in: once with a wrong password, then rightly.
    person = http.cookiejar.CookieJar()
    browser = _opener(person, follow=False)
    status, page, _ = _call(browser, base + "/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    for password, expected in ((WRONG_PASSWORD, 401), (PASSWORD, 303)):
        form = urllib.parse.urlencode({"csrf": csrf, "username": "duty.officer", "password": password}).encode()
        status, _, _ = _call(browser, base + "/login", data=form, headers={"Origin": base})
        assert status == expected
    assert _call(browser, base + "/duty")[0] == 200

    # A wall opens its address with the token, and refreshes, from many requests at once so both
    # workers answer some.
    wall = http.cookiejar.CookieJar()
    screen = _opener(wall, follow=False)
    status, _, headers = _call(screen, f"{base}/?school=s1&token={urllib.parse.quote(wall_token)}")
    assert status == 302 and "token" not in headers["Location"]
    assert _call(screen, base + "/?school=s1")[0] == 200
    assert _call(screen, base + "/assets/wall.css")[0] == 200
    app = create_app(settings)
    key = _callback_key(app, ids.HEARTBEAT)

    def refresh(n):
        body = _callback_body(app, key, {ids.POLL: {"n": n}, ids.VIEW: {"school": "s1", "lang": "zh"},
                                         ids.SYNC: {"screen": f"screen-{n % 3}"}})
        return _call(screen, base + "/_dash-update-component", data=json.dumps(body).encode(),
                     headers={"Content-Type": "application/json", "Origin": base})[0]

    workers = _workers(master.pid)
    assert len(workers) == 2

    def answered() -> set[int]:
        return {int(path.stem.rsplit("_", 1)[1]) for path in metrics_dir.glob("histogram_*.db")}

    # Batches until both workers have answered some: the kernel hands each connection to whichever
    # worker accepts first, and on a busy machine one of them can take a whole batch (seen in CI).
    sent = 0
    with ThreadPoolExecutor(6) as pool:
        while sent < 10 * REFRESHES and (sent == 0 or answered() != set(workers)):
            assert list(pool.map(refresh, range(sent, sent + REFRESHES))) == [200] * REFRESHES
            sent += REFRESHES
    assert answered() == set(workers), (answered(), workers)
    api = urllib.request.build_opener()
    assert _call(api, base + "/api/v1/schools", headers={"Authorization": f"Bearer {wall_token}"})[0] == 200
    assert _call(api, base + "/metrics", headers={"Authorization": "Bearer wrong-token-12345678"})[0] == 401

    def wall_figures(found):
        return [value for (name, labels), value in found.items() if name == "campus_web_request_seconds_count"
                and dict(labels)["route"] == "/_dash-update-component [wall]"]

    for _ in range(6):  # whichever worker answers, the figures are all of them
        found = _scrape(base)
        assert wall_figures(found) == [float(sent)]
        assert found[("campus_signin_failures_total", (("reason", "bad_credentials"),))] == 1.0
        assert found[("campus_wall_screens_open", ())] == 3.0

    # A worker killed: gunicorn starts another; what the dead one counted stays counted.
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while set(_workers(master.pid)) & {workers[0]} or len(_workers(master.pid)) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1)
    for _ in range(4):
        found = _scrape(base)
        assert wall_figures(found) == [float(sent)]
        assert found[("campus_signin_failures_total", (("reason", "bad_credentials"),))] == 1.0

    person_cookie = next(c.value for c in person if c.name == "campus_session")
    wall_cookie = next(c.value for c in wall if c.name == "campus_session")
    master.send_signal(signal.SIGTERM)
    master.wait(30)

    lines = log_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON record
    assert records and all({"time", "level", "process", "pid", "logger", "message"} <= set(r) for r in records)
    assert {r["process"] for r in records} == {"web"}
    text = "\n".join(lines)
    for secret in (PASSWORD, WRONG_PASSWORD, wall_token, METRICS_TOKEN, SECRET_KEY, person_cookie, wall_cookie):
        assert secret not in text
    access = [r["message"] for r in records if r["logger"] == "gunicorn.access"]
    assert any('"POST /login HTTP/1.1" 401' in line for line in access)
    assert any('"POST /login HTTP/1.1" 303' in line for line in access)
    assert any('"GET / HTTP/1.1" 302' in line for line in access)  # the wall's first request, no query
    assert any('"GET /metrics HTTP/1.1" 401' in line for line in access)  # a refusal is written
    assert not any("_dash-update-component" in line for line in access)  # 24 refreshes: no line
    assert not any("GET /metrics HTTP/1.1\" 200" in line or "/healthz" in line for line in access)
    assert not any("/assets/" in line for line in access)
