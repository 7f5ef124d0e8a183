"""Pushed walls under load (issue 18): event -> wall DOM with the stream, with a few Chromium
screens alone and then with hundreds of lightweight screens beside them; the web app's CPU and the
bytes each screen receives.

    python bench/wall_push.py [--load 2000] [--screens 300] [--browsers 3] [--probes 60] [--workers 2] [--threads 250]

Starts the stack as bench/wall_latency.py does (its own broker, redis-server, SQLite ledger, the
consumer, the web app under gunicorn with gunicorn.conf.py's gthread workers, and the demo
simulator at --load events/s over --load-schools), then:
1. `alone`: --browsers headless Chromium pages on the wall of --probe-school (which gets only the
   probes); --probes visitor check-ins, one every ~--interval s; latency = time.time() just before
   the probe is produced -> Date.now() when the first page's DOM shows it (same clock).
2. `with screens`: --screens lightweight screens (devstack/wall_screens.py: the stream's protocol
   on one thread, no browser) open GET /wall/stream, a third on the probe school and the rest
   spread over the load schools, in zh and en; the same probes again, timed in the DOM and, on
   every lightweight screen of the probe school, to the arrival of the `wall` event carrying it.
For each phase: the web app's CPU (gunicorn's whole process group, % of one core) and, with the
screens, the bytes each screen received per second (median and p95 over screens).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/: its sibling wall_latency.py

import wall_latency as base  # noqa: E402

from devstack.wall_screens import Screens  # noqa: E402
from kernel.settings import ENV  # noqa: E402

PROBE_ID = {"type": "wall-figure", "name": base.PROBE_TESTID}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", type=float, default=2000.0, help="background events/s (simulator)")
    parser.add_argument("--load-schools", default="demo-middle,demo-primary")
    parser.add_argument("--probe-school", default="demo-univ")
    parser.add_argument("--screens", type=int, default=300, help="lightweight screens in the second phase")
    parser.add_argument("--browsers", type=int, default=3, help="Chromium screens of the probe school")
    parser.add_argument("--probes", type=int, default=60, help="probes per phase")
    parser.add_argument("--interval", type=float, default=2.0, help="mean seconds between probes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=250,
                        help="threads per worker (WEB_THREADS): workers take connections unevenly, leave room")
    parser.add_argument("--json", type=Path, help="also write every sample here")
    args = parser.parse_args()
    os.environ[ENV["web_threads"]] = str(args.threads)  # Stack reads the settings from the environment
    print(f"command: {shlex.join([sys.executable] + sys.argv)}")
    print(f"machine: {os.cpu_count()} cores ({base.cpu_model()}); load average at start {base.loadavg()}")
    print(f"wall: {base.git_state()}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-push-"))
    print(f"logs: {scratch}", flush=True)
    stack = base.Stack(scratch, args.load, args.load_schools, args.workers)
    results: dict = {"command": shlex.join([sys.executable] + sys.argv), "started": datetime.now().isoformat()}
    try:
        stack.start()
        results.update(measure(args, stack))
    finally:
        stack.stop()
    print(f"background load: {stack.simulator_report()}; load average at end {base.loadavg()}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


def measure(args, stack) -> dict:
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{stack.settings.web_port}"
    stack.start_load()
    time.sleep(3)
    prober = base.Prober(stack.settings, args.probe_school)
    found: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=base.CHROMIUM, args=base.CHROMIUM_ARGS)
        try:
            pages = [browser.new_page(viewport={"width": 1920, "height": 1080}) for _ in range(max(1, args.browsers))]
            for page in pages:
                page.goto(f"{url}/?school={quote(args.probe_school)}&token={quote(stack.token)}")
            page = pages[0]
            page.locator(f'[data-testid="{base.PROBE_TESTID}"]').wait_for(timeout=60_000)
            page.evaluate(base.OBSERVE, base.PROBE_TESTID)
            base.warm_up(page, prober, stack)
            streaming = page.evaluate("window.campusWallPush && window.campusWallPush.source !== null")
            print(f"the first page streams: {streaming}", flush=True)
            found["alone"] = phase("alone", args, stack, page, prober, None)
            screens = Screens()
            schools = args.load_schools.split(",")
            for i in range(args.screens):
                school = args.probe_school if i % 3 == 0 else schools[i % len(schools)]
                lang = "en" if i % 2 else "zh"
                screens.add(f"{url}/wall/stream?school={quote(school)}&lang={lang}", token=stack.token)
                if i % 10 == 9:  # screens come on over a few seconds, not in one burst one worker would take
                    base.STOP.wait(page, 100)
            deadline = time.monotonic() + 60
            while sum(1 for s in screens.screens if s.named("wall")) < args.screens and time.monotonic() < deadline:
                base.STOP.wait(page, 250)
            opened = sum(1 for s in screens.screens if s.named("wall"))
            refused = sorted({s.status for s in screens.screens if s.status not in (200, None)})
            print(f"{opened} of {args.screens} lightweight screens got the whole wall (refused: {refused})", flush=True)
            found["with_screens"] = phase("with screens", args, stack, page, prober, screens)
            screens.stop()
        finally:
            browser.close()
    prober.close()
    return found


def phase(name: str, args, stack, page, prober, screens: Screens | None) -> dict:
    base_count, base_sent = prober.shown(), prober.sent
    probes: list[tuple[int, float]] = []
    bytes_before = {id(s): s.bytes for s in screens.screens} if screens else {}
    cpu_before, started = stack.cpu_seconds(), time.monotonic()
    next_probe = started
    while len(probes) < args.probes:
        if time.monotonic() >= next_probe:
            produced = prober.send()
            probes.append((base_count + prober.sent - base_sent, produced))
            next_probe = time.monotonic() + args.interval * random.uniform(0.75, 1.25)
        base.STOP.wait(page, 100)
        prober.record(page.evaluate(base.DRAIN))
        stack.check_alive()
    finish = time.monotonic() + 5
    while time.monotonic() < finish:
        base.STOP.wait(page, 250)
        prober.record(page.evaluate(base.DRAIN))
    window = time.monotonic() - started
    cpu_after = stack.cpu_seconds()
    dom = [(prober.first_at_least(c, p - 1.0) - p) * 1000 for c, p in probes
           if prober.first_at_least(c, p - 1.0) is not None]
    web_cpu = (cpu_after["web"] - cpu_before["web"]) / window * 100
    print(f"\n{name}: {len(probes)} probes over {window:.0f} s; event -> wall DOM (Chromium): "
          f"{base.spread(dom, '{:,.0f} ms')}; lost {len(probes) - len(dom)}")
    print(f"  web app CPU: {web_cpu:.0f} % of one core ({web_cpu / os.cpu_count():.0f} % of the machine); "
          + ", ".join(f"{n} {(cpu_after[n] - cpu_before.get(n, 0)) / window * 100:.0f} %" for n in cpu_after
                      if n != "web"), flush=True)
    rss = web_memory(stack)
    print(f"  web app memory (RSS of gunicorn's master and workers): {rss / 2**20:,.0f} MiB; "
          f"threads: {web_threads(stack)}", flush=True)
    result = {"dom_ms": dom, "web_cpu_percent": web_cpu, "window_s": window, "probes": len(probes),
              "web_rss_bytes": rss}
    if screens:
        pushed, per_screen, after_store = [], [], []
        for screen in screens.screens:
            per_screen.append((screen.bytes - bytes_before.get(id(screen), 0)) / window)
            if args.probe_school not in screen.url:
                continue
            shown = []  # (arrival, count) of the probe figure
            for at, data in screen.named("wall"):
                for component, props in json.loads(data)["set"]:
                    text = props.get("children") if component == PROBE_ID else None
                    if isinstance(text, str) and text.replace(",", "").isdigit():
                        shown.append((at, int(text.replace(",", ""))))
            for count, produced in probes:
                first = next((at for at, n in shown if at >= produced - 1.0 and n >= count), None)
                if first is not None:
                    pushed.append((first - produced) * 1000)
                    stored = prober.store.first_at_least(count)
                    if stored is not None:  # our part: in Redis -> publisher -> hub -> stream -> screen
                        after_store.append((first - stored) * 1000)
        print(f"  event -> `wall` event at the lightweight screens of {args.probe_school}: "
              f"{base.spread(pushed, '{:,.0f} ms')}")
        stored = [(prober.store.first_at_least(c) - p) * 1000 for c, p in probes
                  if prober.store.first_at_least(c) is not None]
        print(f"    of which produced -> in Redis (broker + consumer): {base.spread(stored, '{:,.0f} ms')}")
        print(f"    and in Redis -> `wall` event at the screen (publisher, hub, stream): "
              f"{base.spread(after_store, '{:,.0f} ms')}")
        print(f"  bytes per screen per second: {base.spread(per_screen, '{:,.0f} B/s')}")
        by_school: dict[str, list[float]] = {}
        for screen, rate in zip(screens.screens, per_screen):
            school = screen.url.split("school=", 1)[1].split("&", 1)[0]
            by_school.setdefault(school, []).append(rate)
        for school, rates in sorted(by_school.items()):
            print(f"    {school}: {base.spread(rates, '{:,.0f} B/s')}")
        result.update(pushed_ms=pushed, bytes_per_screen_s=per_screen, stored_ms=stored, after_store_ms=after_store)
    return result


def _web_processes(stack) -> list:
    root = base.psutil.Process(stack.children["web"].pid)
    return [root] + root.children(recursive=True)


def web_memory(stack) -> int:
    return sum(p.memory_info().rss for p in _web_processes(stack))


def web_threads(stack) -> int:
    return sum(p.num_threads() for p in _web_processes(stack))


if __name__ == "__main__":
    main()
