"""`make run`'s process manager: what it starts and with which settings, that it serves live data,
restarts a child that dies, and that Ctrl-C leaves no process behind."""
from __future__ import annotations

import http.cookiejar
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from devstack import local_services
from devstack.local_stack import (
    FIRST_BACKOFF_S,
    MAX_BACKOFF_S,
    STABLE_AFTER_S,
    child_environment,
    children,
    choose_port,
    embedded_services,
    local_wall_token,
    next_backoff,
    public_url,
)
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import ENV, Settings
from ledger.commands import access
from ledger.db import migrate

ROOT = Path(__file__).resolve().parent.parent


# ---- pure parts ----------------------------------------------------------------------------------

def test_children_use_the_production_entry_points_and_the_simulator_switch():
    names = [c.name for c in children(Settings.from_env(environ={}), python="py")]
    assert names == ["consumer", "recorder", "notifier", "simulator", "web"]
    off = children(Settings.from_env(environ={"SIMULATOR": "off"}), python="py")
    assert [c.name for c in off] == ["consumer", "recorder", "notifier", "web"]
    assert off[0].command == ("py", "-m", "streams.consumer")


def test_the_web_app_runs_under_gunicorn_with_the_configured_workers_and_address():
    settings = Settings.from_env(environ={"WEB_HOST": "0.0.0.0", "WEB_PORT": "9000", "WEB_WORKERS": "5"})
    web = children(settings, python="py")[-1].command
    assert web[:3] == ("py", "-m", "gunicorn") and web[-1] == "dashboard.app:create_server()"
    assert web[web.index("--workers") + 1] == "5" and web[web.index("--bind") + 1] == "0.0.0.0:9000"
    assert public_url(settings) == "http://127.0.0.1:9000"
    assert public_url(Settings.from_env(environ={})) == "http://127.0.0.1:8050"


def test_children_see_every_setting_resolved_once():
    settings = Settings.from_env(environ={}, redis_url="redis://127.0.0.1:7000/0", simulator=False)
    env = child_environment(settings, {"PATH": "/bin", "REDIS_URL": "redis://elsewhere:6379/0"})
    assert env["REDIS_URL"] == "redis://127.0.0.1:7000/0" and env["SIMULATOR"] == "off"
    assert env["PATH"] == "/bin" and set(ENV.values()) <= set(env)
    assert Settings.from_env(environ=env) == settings


def test_each_run_issues_a_wall_token_and_revokes_the_last_runs(tmp_path):
    settings = Settings.from_env(environ={}, database_url=f"sqlite:///{tmp_path / 'campus.db'}")
    engine = sql_engine(settings)
    try:
        migrate(engine)
        first, second = local_wall_token(settings), local_wall_token(settings)
        with sql_sessions(engine)() as session:
            assert access.active_token(session, token=first) is None
            assert access.active_token(session, token=second).role == "wall"
    finally:
        engine.dispose()


def test_embedded_services_start_only_where_none_is_configured():
    assert embedded_services({}) == (True, True)
    assert embedded_services({"REDIS_URL": "", "KAFKA_BOOTSTRAP_SERVERS": ""}) == (True, True)
    assert embedded_services({"REDIS_URL": "redis://r:6379/0"}) == (False, True)
    assert embedded_services({"KAFKA_BOOTSTRAP_SERVERS": "k:9092"}) == (True, False)


def test_a_busy_default_port_moves_to_a_free_one():
    assert choose_port(6379, lambda port: True, lambda: 41000) == 6379
    assert choose_port(6379, lambda port: port != 6379, lambda: 41000) == 41000


def test_restarts_back_off_and_start_over_after_a_stable_run():
    delays, delay = [], FIRST_BACKOFF_S / 2
    for _ in range(8):
        delay = next_backoff(delay, ran_for=0.5)
        delays.append(delay)
    assert delays[0] == FIRST_BACKOFF_S and delays[1] == 2 * FIRST_BACKOFF_S
    assert delays == sorted(delays) and delays[-1] == MAX_BACKOFF_S
    assert next_backoff(MAX_BACKOFF_S, ran_for=STABLE_AFTER_S) == FIRST_BACKOFF_S


def test_the_readme_documents_every_environment_variable():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [v for v in ENV.values() if f"`{v}`" not in readme] == []
    head = readme[:600]
    assert "make run" in head and "make test" in head


# ---- the whole stack -----------------------------------------------------------------------------

def _processes_with(marker: str) -> list[int]:
    """Every process whose environment carries the marker: all that the stack started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _get_json(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=2) as response:
        return json.loads(response.read())


def _status(opener, url: str) -> int:
    try:
        with opener.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait(condition, timeout: float, stack: subprocess.Popen, lines: list[str], what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert stack.poll() is None, f"the stack exited with {stack.returncode}:\n" + "".join(lines)
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s; stack output:\n" + "".join(lines))


@pytest.mark.services  # runs processes of its own: not in `make check`
def test_the_stack_serves_live_data_restarts_a_dead_child_and_stops_everything_on_ctrl_c(tmp_path):
    web_port = local_services.free_port()
    marker = f"CAMPUS_STACK_TEST={web_port}"
    env = dict(os.environ, WEB_HOST="127.0.0.1", WEB_PORT=str(web_port), SIMULATOR="on",
               SIMULATOR_RATE="50", DEMO_PAST_RATE="0.02", DATABASE_URL=f"sqlite:///{tmp_path / 'campus.db'}",
               CAMPUS_STACK_TEST=str(web_port))
    for name in ("REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS", "SIMULATOR_SCHOOLS"):
        env.pop(name, None)
    command = [sys.executable, "-m", "devstack.local_stack",
               "--redis-port", str(local_services.free_port()),
               "--broker-port", str(local_services.free_port())]
    started = time.monotonic()
    stack = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    url_lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stack.stdout:
            lines.append(line)
            if re.search(r"http://127\.0\.0\.1:\d+", line):
                url_lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{web_port}"
    schools = Settings.from_env(environ={}).schools
    try:
        def url_printed():
            try:
                return url_lines.get_nowait()
            except queue.Empty:
                return None

        printed = _wait(url_printed, 60, stack, lines, "no URL printed")
        assert base + "/?token=" in printed
        token = re.search(r"\?token=([\w-]+)", printed).group(1)
        print(f"stack up in {time.monotonic() - started:.1f} s")
        anonymous = urllib.request.build_opener()
        assert _status(anonymous, base + "/") == 401 and _status(anonymous, base + "/api/v1/schools") == 401
        assert _status(anonymous, base + "/healthz") == 200
        # The printed address signs a browser in; its cookie is good on every gunicorn worker,
        # since the stack gave them all one SECRET_KEY.
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        assert _status(browser, printed.split()[-1]) == 200
        assert [_status(browser, base + "/_dash-layout") for _ in range(12)] == [200] * 12

        def summaries():
            try:
                if not set(schools) <= set(_get_json(base + "/api/v1/schools", token)["schools"]):
                    return None
                found = {s: _get_json(f"{base}/api/v1/schools/{s}/summary", token) for s in schools}
            except (OSError, urllib.error.HTTPError, ValueError):
                return None
            return found if all(f["events_total"] > 0 for f in found.values()) else None

        found = _wait(summaries, 90, stack, lines, "no live summary of every simulated school")
        assert all(f["school"] == s for s, f in found.items())
        print(f"live summaries of {', '.join(schools)} after {time.monotonic() - started:.1f} s")

        def ledger_figures():  # the demo campus loaded, and the recorder keeps its figures in Redis
            try:
                ledger = _get_json(f"{base}/api/v1/schools/demo-univ/summary", token).get("ledger")
            except (OSError, urllib.error.HTTPError, ValueError):
                return None
            return ledger if ledger and ledger["hazards"]["open"] > 0 else None

        ledger = _wait(ledger_figures, 60, stack, lines, "no ledger figures of the demo campus")
        assert sum(ledger["risk"]["by_colour"].values()) >= 90

        processes = {pid: _command_line(pid) for pid in _processes_with(marker)}
        # Redis, broker, consumer, recorder, simulator, gunicorn's master and its workers.
        assert len(processes) >= 7, processes
        consumer = [pid for pid, cmd in processes.items() if "streams.consumer" in cmd]
        assert len(consumer) == 1, processes

        os.kill(consumer[0], signal.SIGKILL)  # the consumer is designed to be killed and restarted

        def restarted():
            return [pid for pid in _processes_with(marker)
                    if "streams.consumer" in _command_line(pid) and pid != consumer[0]]

        _wait(restarted, 30, stack, lines, "the killed consumer was not restarted")
        assert any("consumer exited" in line for line in lines)
    finally:
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(timeout=60)
        finally:
            if stack.poll() is None:
                stack.kill()
            reader.join(timeout=5)
    output = "".join(lines)
    assert stack.returncode == 0, output
    assert "stopped Redis" in output and "stopped broker" in output, output
    deadline = time.monotonic() + 5
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert {pid: _command_line(pid) for pid in _processes_with(marker)} == {}
