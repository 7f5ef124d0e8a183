"""`make run`'s process manager: what it starts, and that Ctrl-C leaves nothing behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from queries.settings import Settings
from streams import local_services
from streams.local_stack import child_environment, children

ROOT = Path(__file__).resolve().parent.parent


def test_children_use_the_production_entry_points_and_the_simulator_switch():
    names = [c.name for c in children(Settings.from_env(environ={}), python="py")]
    assert names == ["consumer", "simulator", "web"]
    off = children(Settings.from_env(environ={"SIMULATOR": "off"}), python="py")
    assert [c.name for c in off] == ["consumer", "web"]
    web = off[-1].command
    assert web[-1] == "dashboard.app:create_server()" and "127.0.0.1:8050" in web


def test_children_see_every_setting_resolved_once():
    settings = Settings.from_env(environ={}, redis_url="redis://127.0.0.1:7000/0", simulator=False)
    env = child_environment(settings, {"PATH": "/bin"})
    assert env["REDIS_URL"] == "redis://127.0.0.1:7000/0" and env["SIMULATOR"] == "off"
    assert Settings.from_env(environ=env) == settings


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_the_stack_serves_live_data_and_stops_every_process_on_ctrl_c(tmp_path):
    web_port = local_services.free_port()
    marker = f"CAMPUS_STACK_TEST={web_port}"
    env = dict(os.environ, WEB_PORT=str(web_port), SIMULATOR_RATE="50", CAMPUS_STACK_TEST=str(web_port))
    for name in ("REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        env.pop(name, None)
    stack = subprocess.Popen([sys.executable, "-m", "streams.local_stack"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{web_port}"
    try:
        deadline = time.monotonic() + 120
        summary = None
        while time.monotonic() < deadline and summary is None:
            time.sleep(1)
            assert stack.poll() is None, stack.stdout.read()
            try:
                with urllib.request.urlopen(base + "/api/v1/schools", timeout=2) as response:
                    schools = json.loads(response.read())["schools"]
                if schools:
                    with urllib.request.urlopen(f"{base}/api/v1/schools/{schools[0]}/summary", timeout=2) as r:
                        summary = json.loads(r.read())
            except OSError:
                continue
        assert summary is not None, "no live summary within two minutes"
        assert summary["events_total"] > 0 and summary["lag_seconds"] < 30
        assert len(_processes_with(marker)) >= 4  # consumer, simulator, gunicorn master + workers
    finally:
        stack.send_signal(signal.SIGINT)
        output, _ = stack.communicate(timeout=60)
    assert stack.returncode == 0, output
    assert f"http://127.0.0.1:{web_port}" in output
    time.sleep(0.5)
    assert _processes_with(marker) == []
