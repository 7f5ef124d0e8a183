"""The one-way architecture (issue 13): the import contracts hold, and the web app, built, has not
loaded the consumers.

Both run in a fresh interpreter: the test process has imported half the project by now, so its
sys.modules says nothing about what building the web app needs.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Builds the web app as gunicorn's workers do, with settings that point at no service, and reports
# what it loaded. Every socket connect is refused and counted: building the app must not connect.
BUILD_THE_WEB_APP = """
import json, socket, sys, threading

tried = []
def refuse(self, address, *args):
    tried.append(repr(address))
    raise OSError("tests/test_architecture.py: no connection while the app is built")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse

from kernel.settings import Settings
from dashboard.app import create_app

folder = sys.argv[1]
settings = Settings.from_env(environ={}, redis_url="redis://127.0.0.1:9/0",
                             database_url=f"sqlite:///{folder}/campus.db",
                             heartbeat_dir=f"{folder}/heartbeat", secret_key="k" * 32)
create_app(settings)
print(json.dumps({"modules": sorted(sys.modules), "connects": tried,
                  "threads": [t.name for t in threading.enumerate() if t is not threading.main_thread()]}))
"""

# The consumers (streams/: consumer, aggregation, store, registers, swipes, dedupe, recorder, ...), the
# demo and make run's stack; and the consumer's hot-path array library. Not xxhash: the web app hashes
# the event ids of POST /api/v1/events with it too (dashboard/event_claims.py).
NEVER_IN_THE_WEB_APP = ("streams", "demo", "devstack", "numpy")


def test_building_the_web_app_loads_no_consumer_module_and_connects_nowhere(tmp_path):
    done = subprocess.run([sys.executable, "-c", BUILD_THE_WEB_APP, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    built = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = [m for m in built["modules"] if m.split(".")[0] in NEVER_IN_THE_WEB_APP]
    assert loaded == [], f"building the web app imported {loaded}"
    assert "dashboard.app" in built["modules"] and "kernel.settings" in built["modules"]  # it did build
    assert built["connects"] == []
    assert built["threads"] == []
    assert list(tmp_path.iterdir()) == []  # no ledger file: the first request that reads it creates it


def test_the_import_contracts_hold():
    """pyproject.toml [tool.importlinter]: the layers, the kernel, layouts, the web app, the reads.
    import-linter is pinned in requirements-dev.txt (make test installs it)."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]



def test_ruff_finds_nothing():
    """`ruff check` (the rules and the limit in pyproject.toml [tool.ruff]) over the whole repository,
    so `make test`, which CI runs, fails on a finding as `make check` does. ruff is pinned in
    requirements-dev.txt and installed beside this interpreter."""
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]

# Every process the production image runs (Dockerfile: the web app's gunicorn config and factory, the
# aggregator, the recorder, their health check, the ledger's command line), imported as the image has it.
IMAGE_ENTRY_POINTS = ("dashboard.app", "streams.consumer", "streams.recorder", "streams.health",
                      "ledger.cli")


def _production_stage_copies() -> list[str]:
    """The paths the Dockerfile's `product` stage copies into /app (its COPY lines, up to the next FROM)."""
    stage = (ROOT / "Dockerfile").read_text().split(" AS product", 1)[1].split("\nFROM ", 1)[0]
    copies = []
    for line in stage.splitlines():
        if line.startswith("COPY ") and "requirements" not in line:
            copies += line.split()[1:-1]
    return copies


def test_the_production_image_runs_without_the_demo_or_make_runs_stack(tmp_path):
    """The image's file set, copied from the Dockerfile's own COPY lines into an empty folder, imports
    every process it runs with neither demo/ nor devstack/ present (issue 13: the demo is out of the
    product)."""
    copies = _production_stage_copies()
    assert "demo/" not in copies and "devstack/" not in copies, copies
    app = tmp_path / "app"
    app.mkdir()
    for name in copies:
        source = ROOT / name
        if source.is_dir():
            subprocess.run(["cp", "-r", str(source), str(app / name.rstrip("/"))], check=True)
        else:
            subprocess.run(["cp", str(source), str(app / name)], check=True)
    script = ("import importlib, runpy, sys\n"
              "runpy.run_path('gunicorn.conf.py')\n"  # as gunicorn reads it: a file, not a module
              f"for name in {IMAGE_ENTRY_POINTS!r}:\n"
              "    importlib.import_module(name)\n"
              "assert not [m for m in sys.modules if m.split('.')[0] in ('demo', 'devstack')]\n"
              "print('ok')\n")
    # -I: isolated, so neither PYTHONPATH nor the repository is on the path; only the image's /app.
    ran = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '{app}')\n" + script],
                         cwd=app, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0 and ran.stdout.strip() == "ok", ran.stderr[-2000:]
