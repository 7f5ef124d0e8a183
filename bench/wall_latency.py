"""The video wall under load: event produced -> value changed in the wall's DOM, bytes and server
time per update, and the page's JS heap over time.

    python bench/wall_latency.py [--load 2000] [--probes 150] [--interval 2]
    python bench/wall_latency.py --heap-minutes 60          # heap at 5 min vs 60 min, sampled every 5

Starts its own Tansu broker and redis-server on free ports (or uses KAFKA_BOOTSTRAP_SERVERS and
REDIS_URL), a throw-away SQLite ledger (`python -m demo seed`), then the product's own
processes with the commands and environment `make run` gives them (devstack.local_stack):
`python -m streams.consumer`, the web app under gunicorn, and `python -m demo.simulator` at
--load events/s for the --load-schools. Headless Chromium (1920x1080) shows the wall of
--probe-school, which gets no background traffic.

Every --interval s (jittered +-25 %, so probes fall on every phase of the wall's refresh) one
`visitor.check_in` of a new visitor is produced for the probe school: `visitors-today` must go up
by one. Latency = time.time() just before send+flush -> Date.now() of the MutationObserver callback
that first sees the element's text show that count (same machine clock). Probes sent before the
page shows data are warm-up and not counted.

Per update (every POST /_dash-update-component the page makes): request and response bytes as
Chromium counted them (playwright request.sizes()), the Server-Timing header when the app sends
one, else the browser's request-sent -> first-byte time, and gunicorn's own time for the request
(access log %(D)s). With --heap-minutes: the JS heap after a forced GC (CDP
HeapProfiler.collectGarbage, Runtime.getHeapUsage) every 5 minutes of the page's life.

If `python -m ledger token create --role wall --label bench` works, its token goes on the wall URL.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import secrets
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import redis  # noqa: E402

from devstack import local_services, local_stack  # noqa: E402
from kernel import connections, figures, keys  # noqa: E402
from kernel.clock import local_day  # noqa: E402
from kernel.settings import Settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
EXIT_STALLED = 75  # streams.consumer.EXIT_STALLED, written out: the bench also runs older checkouts
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PROBE_TESTID = "visitors-today"  # the wall's figure a visitor check-in moves (stable data-testid)
UPDATE_PATH = "/_dash-update-component"
PROBE_TIMEOUT_S = 30.0  # a probe not on the wall by then is reported as lost
HEAP_EVERY_S = 300.0
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(B)s %(D)s"  # method path status body-bytes microseconds

# Installed in the page: one entry [count, Date.now()] per distinct text of the probed figure.
# It watches the whole body, so a figure element that Dash replaces is found again.
OBSERVE = """testid => {
  const bench = window.__wallBench = {seen: [], last: null};
  const read = () => {
    const el = document.querySelector('[data-testid="' + testid + '"]');
    const text = el ? el.textContent : null;
    if (text === bench.last) return;
    bench.last = text;
    const digits = (text || "").replace(/[^0-9]/g, "");
    bench.seen.push([digits === "" ? null : parseInt(digits, 10), Date.now()]);
  };
  bench.observer = new MutationObserver(read);
  bench.observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  read();
}"""
DRAIN = "() => window.__wallBench ? window.__wallBench.seen.splice(0) : null"


class Stopper:
    """Ctrl-C and SIGTERM. Inside playwright's blocking calls a KeyboardInterrupt is lost, so there
    the signal only sets a flag that the waiting loops check (`wait`); elsewhere it raises at once."""

    def __init__(self):
        self.requested = threading.Event()
        self.in_browser = False

    def request(self, signum, _frame) -> None:
        self.requested.set()
        if not self.in_browser:
            raise KeyboardInterrupt(signal.Signals(signum).name)

    def wait(self, page, ms: int) -> None:
        """Sleep inside the page (playwright delivers its events meanwhile), or stop if asked."""
        if self.requested.is_set():
            raise KeyboardInterrupt("stop requested")
        page.wait_for_timeout(ms)


STOP = Stopper()


# ---- numbers ------------------------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def spread(values: list[float], fmt: str = "{:,.0f}") -> str:
    if not values:
        return "no samples"
    return (f"median {fmt.format(statistics.median(values))}, p95 {fmt.format(pct(values, 95))}, "
            f"p99 {fmt.format(pct(values, 99))}, max {fmt.format(max(values))} (n={len(values)})")


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---- the processes ------------------------------------------------------------------------------

class Stack:
    """Broker, Redis, ledger, consumer, web app and background simulator; stop() ends them all."""

    def __init__(self, scratch: Path, load: float, load_schools: str, workers: int | None):
        self.scratch = scratch
        self.services: list[tuple[str, subprocess.Popen]] = []
        self.children: dict[str, subprocess.Popen] = {}
        self.consumer_restarts = 0
        self.load, self.load_schools, self.workers = load, load_schools, workers
        self.access_log = scratch / "access.log"

    def start(self) -> None:
        changes: dict[str, object] = {}
        if not os.environ.get("REDIS_URL"):
            port = local_services.free_port()
            with open(self.scratch / "redis.log", "wb") as out:
                self.services.append(("redis", local_services.start_redis(port, self.scratch / "redis",
                                                                           log_file=out)))
            changes["redis_url"] = f"redis://127.0.0.1:{port}/0"
        if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            port = local_services.free_port()
            with open(self.scratch / "broker.log", "wb") as out:
                self.services.append(("broker", local_services.start_broker(port, log_file=out)))
            changes["kafka_bootstrap_servers"] = f"127.0.0.1:{port}"
        changes.update(database_url=f"sqlite:///{self.scratch / 'ledger.db'}", web_host="127.0.0.1",
                       web_port=local_services.free_port(), simulator=True, simulator_rate=self.load,
                       simulator_schools=self.load_schools)
        if self.workers:
            changes["web_workers"] = self.workers
        if not os.environ.get("SECRET_KEY"):  # one key for all workers: a session cookie must verify in each
            changes["secret_key"] = secrets.token_hex(24)
        self.settings = Settings.from_env(**changes)
        for topic, partitions in ((self.settings.events_topic, local_stack.EVENT_PARTITIONS),
                                  (self.settings.dead_letter_topic, local_stack.DEAD_LETTER_PARTITIONS)):
            local_services.create_topic(self.settings.kafka_bootstrap_servers, topic, partitions)
        self.env = local_stack.child_environment(self.settings, os.environ)
        self.run_once([sys.executable, "-m", "demo", "seed"], "demo seed")
        self.token = self.wall_token()
        commands = {child.name: list(child.command) for child in local_stack.children(self.settings)}
        web = commands["web"]
        log_at = web.index("--access-logfile")
        web[log_at + 1:log_at + 2] = [str(self.access_log), "--access-logformat", ACCESS_FORMAT]
        self.consumer_command = commands["consumer"]
        for name in ("consumer", "web"):
            self.spawn(name, commands[name])
        local_services.wait_for_port(self.settings.web_port, self.children["web"], "gunicorn", timeout=60)
        self.simulator_command = commands["simulator"]

    def start_load(self) -> None:
        self.spawn("simulator", self.simulator_command)

    def run_once(self, command: list[str], name: str) -> subprocess.CompletedProcess:
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300)
        (self.scratch / f"{name}.log").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise SystemExit(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}")
        return done

    def wall_token(self) -> str | None:
        """A kiosk token when the ledger can make one (`ledger token create`), else None."""
        command = [sys.executable, "-m", "ledger", "token", "create", "--role", "wall", "--label", "bench"]
        done = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            if "invalid choice" in done.stderr or "No module named" in done.stderr:
                return None  # this version has no kiosk tokens
            raise SystemExit(f"{shlex.join(command)} failed:\n{done.stdout}{done.stderr}")
        for pattern in (r"Bearer\s+(\S+)", r"[?&]token=([^&\s]+)", r"^\s*([A-Za-z0-9_.~-]{16,})\s*$"):
            found = re.search(pattern, done.stdout, re.MULTILINE)
            if found:
                return found.group(1)
        raise SystemExit(f"cannot find the token in the output of {shlex.join(command)}:\n{done.stdout}")

    def spawn(self, name: str, command: list[str]) -> None:
        with open(self.scratch / f"{name}.log", "ab") as out:
            self.children[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)  # own group: gunicorn's workers too

    def check_alive(self) -> None:
        for name, process in list(self.children.items()):
            if process.poll() is None:
                continue
            if name == "consumer" and process.returncode == EXIT_STALLED:
                # The consumer's stall watchdog asks for a fresh process, as make run and compose
                # give it (streams/stalls.py): do the same, and count it.
                self.consumer_restarts += 1
                print(f"  consumer exited {EXIT_STALLED} (a stalled partition); restarting it "
                      f"({self.consumer_restarts} so far)", flush=True)
                self.spawn(name, self.consumer_command)
                continue
            raise SystemExit(f"{name} exited with code {process.returncode}; see {self.scratch}/{name}.log")

    def stop_child(self, name: str) -> None:
        process = self.children.pop(name, None)
        if process is None:
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of its group
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()

    def stop(self) -> None:
        for name in ("simulator", "web", "consumer"):
            self.stop_child(name)
        for _name, process in reversed(self.services):
            local_services.stop(process)

    def simulator_report(self) -> str:
        """The simulator's own last words: what it sent and at which rate."""
        text = (self.scratch / "simulator.log").read_text(errors="replace")
        found = re.findall(r"stopped: sent .*", text)
        behind = re.findall(r"behind (\d+) ms", text)
        worst = max((int(b) for b in behind), default=0)
        return (found[-1] if found else "no report") + f"; most behind the clock at a progress line: {worst} ms"

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds so far per part: each child's whole process group, and this script's other
        descendants (the playwright driver and Chromium) as "browser"."""
        def tree(pid: int) -> tuple[float, set[int]]:
            try:
                root = psutil.Process(pid)
                procs = [root] + root.children(recursive=True)
            except psutil.NoSuchProcess:
                return 0.0, set()
            total, pids = 0.0, set()
            for proc in procs:
                try:
                    times = proc.cpu_times()
                    total += times.user + times.system
                    pids.add(proc.pid)
                except psutil.NoSuchProcess:
                    pass
            return total, pids

        result, accounted = {}, set()
        for name, process in list(self.children.items()) + self.services:
            result[name], pids = tree(process.pid)
            accounted |= pids
        own = psutil.Process()
        browser = 0.0
        for proc in own.children(recursive=True):
            if proc.pid not in accounted:
                try:
                    times = proc.cpu_times()
                    browser += times.user + times.system
                except psutil.NoSuchProcess:
                    pass
        result["browser"] = browser
        times = own.cpu_times()
        result["this script"] = times.user + times.system
        return result


# ---- the probes ---------------------------------------------------------------------------------

class Prober:
    """Produces the probe events and matches them with what the page saw."""

    def __init__(self, settings: Settings, school: str):
        self.settings, self.school = settings, school
        self.producer = connections.kafka_producer(settings, linger_ms=0)
        self.run = f"{int(time.time())}-{os.getpid()}"
        self.sent = 0
        self.seen: list[tuple[int | None, float]] = []  # (count shown, epoch s) in page order
        self.store = StoreWatch(settings, school)

    def send(self) -> float:
        self.sent += 1
        now = datetime.now(self.settings.tz)
        event = {"id": f"wall-probe-{self.run}-{self.sent}", "ts": now.isoformat(timespec="milliseconds"),
                 "school": self.school, "domain": "personal_safety", "type": "visitor.check_in",
                 "source": "bench-wall-latency",
                 "data": {"visitor": f"bench-visitor-{self.run}-{self.sent}", "gate": "bench-gate"}}
        payload = json.dumps(event).encode()
        produced = time.time()
        self.producer.send(self.settings.events_topic, key=self.school.encode(), value=payload)
        self.producer.flush()
        return produced

    def record(self, entries: list | None) -> None:
        for count, at_ms in entries or ():
            self.seen.append((count, at_ms / 1000))

    def shown(self) -> int | None:
        return self.seen[-1][0] if self.seen else None

    def first_at_least(self, count: int, since: float) -> float | None:
        for shown, at in self.seen:
            if at >= since and shown is not None and shown >= count:
                return at
        return None

    def close(self) -> None:
        self.store.stop()
        self.producer.close(timeout=5)


class StoreWatch:
    """When each probe reached Redis: the probe school's check-in count, read every 5 ms in a
    thread, so a probe's latency splits into consumer (event -> Redis) and wall (Redis -> DOM)."""

    def __init__(self, settings: Settings, school: str):
        self.client = connections.redis_client(settings)
        self.settings, self.school = settings, school
        self.seen: list[tuple[int, float]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        last = None
        while not self.stopping.wait(0.005):
            day = local_day(int(time.time() * 1000), self.settings.tz)
            try:
                counts = keys.day_counts(self.school, day)
                value = int(self.client.hget(counts, figures.VISITORS_TODAY.field) or 0)
            except redis.RedisError:  # a slow answer on a busy machine: the next read will do
                continue
            if value != last:
                self.seen.append((value, time.time()))
                last = value

    def first_at_least(self, count: int) -> float | None:
        return next((at for value, at in list(self.seen) if value >= count), None)

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        self.client.close()


class Lag:
    """How far the aggregator trails the topic: end offsets against its checkpoints in Redis. A
    wall can only be as current as this, so an hour's run shows it with every heap sample."""

    def __init__(self, settings: Settings):
        from kafka import TopicPartition

        self.settings = settings
        self.kafka = connections.kafka_consumer(settings, group_id=None)
        self.parts = [TopicPartition(settings.events_topic, p)
                      for p in sorted(self.kafka.partitions_for_topic(settings.events_topic) or ())]
        self.client = connections.redis_client(settings)

    def now(self) -> str:
        try:
            ends = self.kafka.end_offsets(self.parts)
            done = self.client.hgetall(keys.checkpoints(self.settings.consumer_group, self.settings.events_topic))
        except Exception as exc:  # a slow broker on a busy machine: say so, do not stop the run
            return f"unknown ({type(exc).__name__})"
        behind = {tp.partition: ends[tp] - int(done.get(str(tp.partition), 0)) for tp in self.parts}
        return f"{sum(behind.values()):,} messages (per partition {list(behind.values())})"

    def close(self) -> None:
        self.kafka.close()
        self.client.close()


class Updates:
    """Every finished POST to Dash's update endpoint while recording: sizes and timings."""

    def __init__(self):
        self.recording = False
        self.rows: list[dict] = []
        self.failed = 0

    def on_finished(self, request) -> None:
        if not self.recording or request.method != "POST" or UPDATE_PATH not in request.url:
            return
        try:
            sizes = request.sizes()
            timing = request.timing
            response = request.response()
            headers = response.headers_array() if response else []
            output = (json.loads(request.post_data or "{}").get("output") or "")[:60]
        except Exception:  # the page went away under us; not an update we can measure
            return
        server_ms = None
        for header in headers:
            if header["name"].lower() == "server-timing":
                durations = [float(d) for d in re.findall(r"dur=([0-9.]+)", header["value"])]
                if durations:
                    server_ms = max(durations + [server_ms or 0.0])
        self.rows.append({
            "response_bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
            "response_body": sizes["responseBodySize"],
            "request_bytes": sizes["requestBodySize"] + sizes["requestHeadersSize"],
            "ttfb_ms": timing["responseStart"] - timing["requestStart"],
            "total_ms": timing["responseEnd"],
            "server_timing_ms": server_ms,
            "status": response.status if response else None,
            "output": output,
            "post_data": request.post_data if not self.rows else None,  # one sample, to see what is sent
            "at": timing["startTime"] / 1000,
        })

    def on_failed(self, request) -> None:
        if self.recording and UPDATE_PATH in request.url:
            self.failed += 1


def gunicorn_updates(access_log: Path, start_at: int) -> list[tuple[float, int]]:
    """(milliseconds, body bytes) as gunicorn logged each POST to the update endpoint after byte
    `start_at` of its access log."""
    found = []
    with open(access_log, "rb") as log:
        log.seek(start_at)
        for line in log.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) == 5 and parts[0] == "POST" and parts[1].endswith(UPDATE_PATH):
                found.append((int(parts[4]) / 1000, int(parts[3]) if parts[3].isdigit() else 0))
    return found


def heap_sample(cdp) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"used_mb": usage["usedSize"] / 1e6, "total_mb": usage["totalSize"] / 1e6,
            "nodes": int(metrics.get("Nodes", 0)), "listeners": int(metrics.get("JSEventListeners", 0))}


# ---- the run ------------------------------------------------------------------------------------

def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    wall = ("dashboard", "layouts", "assets")
    dirty = git("status", "--porcelain", "--", *wall)
    last = git("log", "-1", "--format=%h %cI %s", "--", *wall)
    return (f"HEAD {git('rev-parse', '--short', 'HEAD')}; last commit touching the wall: {last[:100]}; "
            + (f"{len(dirty.splitlines())} uncommitted wall files in the work tree" if dirty
               else "wall files clean"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", type=float, default=2000.0, help="background events/s (simulator)")
    parser.add_argument("--load-schools", default="demo-middle,demo-primary",
                        help="schools of the background load (demo schools the simulator knows)")
    parser.add_argument("--probe-school", default="demo-univ",
                        help="the wall shown; gets only probes (default: the demo school with a site plan)")
    parser.add_argument("--probes", type=int, default=150, help="probes to count (latency run)")
    parser.add_argument("--interval", type=float, default=2.0, help="mean seconds between probes")
    parser.add_argument("--heap-minutes", type=float, default=0.0,
                        help="run this long after the page opens, heap every 5 min (probes go on throughout)")
    parser.add_argument("--heap-every", type=float, default=HEAP_EVERY_S / 60, help="minutes between heap samples")
    parser.add_argument("--heap-at", type=float, default=5.0,
                        help="the early heap sample the last one is compared with (minute of the page)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: WEB_WORKERS, i.e. make run's)")
    parser.add_argument("--json", type=Path, help="also write every sample here")
    args = parser.parse_args()
    if args.probe_school in args.load_schools.split(","):
        parser.error("the probe school must get no background traffic")

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, STOP.request)
    started_wall = datetime.now().astimezone()
    print(f"command: {shlex.join([sys.executable] + sys.argv)}")
    machine = (f"{os.cpu_count()} cores ({cpu_model()}), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
               f"Python {platform.python_version()}")
    load_start, wall = loadavg(), git_state()
    print(f"machine: {machine}; load average at start {load_start}")
    print(f"wall: {wall}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-wall-"))
    print(f"logs: {scratch}", flush=True)
    stack = Stack(scratch, args.load, args.load_schools, args.workers)
    results: dict = {"command": shlex.join([sys.executable] + sys.argv), "started": started_wall.isoformat(),
                     "machine": machine, "wall": wall, "load_start": load_start}
    try:
        stack.start()
        results.update(measure(args, stack))
    except Exception as failure:
        if not STOP.requested.is_set():
            raise
        # Ctrl-C at a terminal also stops Chromium and the playwright driver: their errors follow.
        print(f"interrupted ({type(failure).__name__}); stopping everything", file=sys.stderr)
        raise SystemExit(130)
    except KeyboardInterrupt as stop:
        print(f"interrupted ({stop}); stopping everything", file=sys.stderr)
        raise SystemExit(130)
    finally:
        stack.stop()
    print(f"background load: {stack.simulator_report()}")
    results["load_end"] = loadavg()
    print(f"load average at end {results['load_end']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)  # var/ is not in a fresh clone
        args.json.write_text(json.dumps(results, indent=1))


def measure(args, stack: Stack) -> dict:
    from playwright.sync_api import sync_playwright

    settings = stack.settings
    base = f"http://127.0.0.1:{settings.web_port}"
    url = f"{base}/?school={quote(args.probe_school)}" + (f"&token={quote(stack.token)}" if stack.token else "")
    print(f"wall: {url.replace(stack.token, '<token>') if stack.token else url} "
          f"({'kiosk token from ledger token create' if stack.token else 'no kiosk tokens in this version'}); "
          f"{settings.web_workers} gunicorn workers", flush=True)
    updates = Updates()
    with urllib.request.urlopen(base + "/healthz", timeout=30) as answer:
        assert answer.status == 200
    stack.start_load()
    time.sleep(3)  # let the load and the consumer's group join settle
    prober = Prober(settings, args.probe_school)
    STOP.in_browser = True
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.on("requestfinished", updates.on_finished)
                page.on("requestfailed", updates.on_failed)
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                page.goto(url)
                opened = time.monotonic()
                figure = page.locator(f'[data-testid="{PROBE_TESTID}"]')
                while not figure.count():
                    if time.monotonic() - opened > 60:
                        raise SystemExit(f"the wall shows no {PROBE_TESTID} figure after 60 s; see {stack.scratch}")
                    STOP.wait(page, 250)
                page.evaluate(OBSERVE, PROBE_TESTID)
                warm_up(page, prober, stack)
                return run_probes(args, stack, page, cdp, prober, updates, opened, browser.version)
            finally:
                try:
                    browser.close()
                except Exception:  # Ctrl-C at a terminal reaches Chromium too: it may be gone already
                    pass
    finally:
        STOP.in_browser = False
        prober.close()


def warm_up(page, prober: Prober, stack: Stack) -> None:
    """Probes until the page shows a number (the consumer has joined, the school has data), then
    5 s more for any warm-up probe still on its way: none of these is counted."""
    deadline = time.monotonic() + 120
    while prober.shown() is None:
        if time.monotonic() > deadline:
            raise SystemExit(f"the wall never showed the warm-up probes; see {stack.scratch}")
        prober.send()
        wait_until = time.monotonic() + 2
        while time.monotonic() < wait_until and prober.shown() is None:
            STOP.wait(page, 200)
            prober.record(page.evaluate(DRAIN))
        stack.check_alive()
    settle = time.monotonic() + 5
    while time.monotonic() < settle:
        STOP.wait(page, 250)
        prober.record(page.evaluate(DRAIN))
    print(f"warm-up: the page showed data after {prober.sent} probe(s); it shows {prober.shown()}", flush=True)


def run_probes(args, stack: Stack, page, cdp, prober: Prober, updates: Updates, opened: float,
               browser_version: str) -> dict:
    base_count, base_sent = prober.shown(), prober.sent
    probes: list[tuple[int, float]] = []  # (expected count, produced at)
    heap: list[dict] = []
    heap_mode = args.heap_minutes > 0
    end = opened + args.heap_minutes * 60 if heap_mode else None
    next_heap = opened + args.heap_every * 60
    access_from = stack.access_log.stat().st_size
    cpu_before, window_start = stack.cpu_seconds(), time.monotonic()
    lag = Lag(stack.settings)

    def snapshot() -> dict:
        return {"minute": (time.monotonic() - opened) / 60, **heap_sample(cdp), "load": loadavg(), "lag": lag.now()}

    heap.append(snapshot())
    updates.recording = True
    next_probe = time.monotonic()
    last_drain = 0.0
    print(f"measuring: {'until minute %g of the page' % args.heap_minutes if heap_mode else f'{args.probes} probes'}"
          f", one every ~{args.interval:g} s", flush=True)
    while True:
        now = time.monotonic()
        if (end is not None and now >= end) or (end is None and len(probes) >= args.probes):
            break
        if now >= next_probe:
            produced = prober.send()
            probes.append((base_count + prober.sent - base_sent, produced))
            next_probe = now + args.interval * random.uniform(0.75, 1.25)
        if now - last_drain >= 1.0:
            entries = page.evaluate(DRAIN)
            if entries is None:
                raise SystemExit("the page was reloaded: the observer is gone (and the heap series with it)")
            prober.record(entries)
            last_drain = now
            stack.check_alive()
        if heap_mode and now >= next_heap:
            sample = snapshot()
            heap.append(sample)
            print(f"  minute {sample['minute']:5.1f}: JS heap {sample['used_mb']:.2f} MB used "
                  f"(of {sample['total_mb']:.2f}), {sample['nodes']} nodes, {sample['listeners']} listeners; "
                  f"{len(probes)} probes so far; load average {sample['load']}; consumer lag {sample['lag']}",
                  flush=True)
            next_heap += args.heap_every * 60
        STOP.wait(page, 100)
    # The last probes get their time to arrive.
    finish = time.monotonic() + PROBE_TIMEOUT_S
    while time.monotonic() < finish:
        STOP.wait(page, 250)
        prober.record(page.evaluate(DRAIN))
        if probes and prober.first_at_least(probes[-1][0], probes[-1][1]) is not None:
            break
    updates.recording = False
    window_s = time.monotonic() - window_start
    cpu_after = stack.cpu_seconds()
    heap.append(snapshot())
    lag.close()
    return report(args, stack, prober, probes, updates, heap, window_s, cpu_before, cpu_after,
                  access_from, browser_version)


def report(args, stack, prober, probes, updates, heap, window_s, cpu_before, cpu_after, access_from,
           browser_version) -> dict:
    latencies, lost = [], 0
    parts: dict[str, list[float]] = {"consumer": [], "tick": [], "request": [], "render": []}
    answered = sorted((r["at"] + r["total_ms"] / 1000, r["at"]) for r in updates.rows)  # (end, start)
    for expected, produced in probes:
        shown_at = prober.first_at_least(expected, produced - 1.0)
        if shown_at is None or shown_at - produced > PROBE_TIMEOUT_S:
            lost += 1
            continue
        latencies.append((shown_at - produced) * 1000)
        stored_at = prober.store.first_at_least(expected)
        # The answer that brought it: the last one to end before the DOM changed.
        before = [a for a in answered if a[0] <= shown_at + 0.001]
        if stored_at is not None and before:
            end, start = before[-1]
            parts["consumer"].append((stored_at - produced) * 1000)
            parts["tick"].append((start - stored_at) * 1000)
            parts["request"].append((end - start) * 1000)
            parts["render"].append((shown_at - end) * 1000)
    print(f"\nChromium {browser_version}, 1920x1080, wall of {args.probe_school}; background "
          f"{args.load:,.0f} events/s over {args.load_schools}; measured for {window_s / 60:.1f} min")
    if latencies:
        print(f"event produced -> wall DOM shows it, {len(latencies)} probes: p50 {pct(latencies, 50):,.0f} ms, "
              f"p95 {pct(latencies, 95):,.0f} ms, p99 {pct(latencies, 99):,.0f} ms, max {max(latencies):,.0f} ms, "
              f"mean {statistics.mean(latencies):,.0f} ms; {lost} of {len(probes)} not seen within "
              f"{PROBE_TIMEOUT_S:.0f} s")
    labels = {"consumer": "produced -> in Redis (broker + consumer)",
              "tick": "in Redis -> the update request that brought it starts (negative: already in flight)",
              "request": "that request, start -> response end",
              "render": "response end -> DOM shows it (Dash renderer)"}
    for name, label in labels.items():
        print(f"  {label}: {spread(parts[name], '{:,.0f} ms')}")
    rows = updates.rows
    per_output: dict[str, int] = {}
    for row in rows:
        per_output[row["output"]] = per_output.get(row["output"], 0) + 1
    print(f"updates: {len(rows)} POST {UPDATE_PATH} ({len(rows) / window_s:.2f}/s), "
          f"{updates.failed} failed, statuses {sorted({r['status'] for r in rows})}; by callback: "
          + ", ".join(f"{n} x {o[:40]!r}" for o, n in per_output.items()))
    print(f"  response bytes (body + headers): {spread([r['response_bytes'] for r in rows], '{:,.0f} B')}")
    print(f"  response body bytes:             {spread([r['response_body'] for r in rows], '{:,.0f} B')}")
    print(f"  request bytes (body + headers):  {spread([r['request_bytes'] for r in rows], '{:,.0f} B')}")
    total = sum(r["response_bytes"] + r["request_bytes"] for r in rows)
    print(f"  both ways: {total / window_s / 1000:,.1f} kB/s")
    server_timing = [r["server_timing_ms"] for r in rows if r["server_timing_ms"] is not None]
    if server_timing:
        print(f"  server time (Server-Timing header): {spread(server_timing, '{:,.1f} ms')}")
    else:
        print("  server time: the app sends no Server-Timing header")
    logged = gunicorn_updates(stack.access_log, access_from)
    gunicorn = [ms for ms, _ in logged]
    print(f"  gunicorn's time per update (access log %(D)s): {spread(gunicorn, '{:,.1f} ms')}; "
          f"body bytes it logged: median {statistics.median([b for _, b in logged] or [0]):,.0f} B")
    print(f"  browser, request sent -> first response byte: {spread([r['ttfb_ms'] for r in rows], '{:,.1f} ms')}")
    print(f"  browser, request start -> response end:       {spread([r['total_ms'] for r in rows], '{:,.1f} ms')}")
    cpu = {name: (cpu_after.get(name, 0.0) - cpu_before.get(name, 0.0)) / window_s * 100 for name in cpu_after}
    print("CPU over the measurement, % of one core: " + ", ".join(f"{n} {v:.0f}" for n, v in cpu.items())
          + f" (machine: {os.cpu_count()} cores)")
    print("JS heap after a forced GC (MB = 10^6 bytes):")
    for sample in heap:
        print(f"  minute {sample['minute']:5.1f}: {sample['used_mb']:7.2f} MB used of {sample['total_mb']:.2f}, "
              f"{sample['nodes']} nodes, {sample['listeners']} listeners; load average {sample['load']}; "
              f"consumer lag {sample['lag']}")
    heap_growth = None
    if args.heap_minutes > 0:
        at5 = min(heap, key=lambda s: abs(s["minute"] - args.heap_at))
        last = heap[-1]
        heap_growth = last["used_mb"] - at5["used_mb"]
        print(f"heap growth from minute {at5['minute']:.1f} to minute {last['minute']:.1f}: "
              f"{heap_growth:+.2f} MB (target <= 10 MB: {'met' if heap_growth <= 10 else 'NOT met'})")
    if latencies:
        print(f"latency target p95 <= 1,000 ms: {'met' if pct(latencies, 95) <= 1000 else 'NOT met'}")
    return {"latencies_ms": latencies, "parts_ms": parts, "lost": lost, "sent": probes,
            "page_seen": prober.seen, "store_seen": prober.store.seen, "probes": len(probes), "updates": rows,
            "gunicorn_ms": gunicorn, "heap": heap, "cpu_percent": cpu, "heap_growth_mb": heap_growth,
            "window_s": window_s, "chromium": browser_version}


if __name__ == "__main__":
    main()
