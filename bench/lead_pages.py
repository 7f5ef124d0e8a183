"""The leadership pages' server time on the demo data ×10 (issue 6: p95 ≤ 200 ms per page).

    python bench/lead_pages.py [--requests 200] [--scale 10] [--copy-factor 1]
    python bench/lead_pages.py --postgres                 # a throw-away PostgreSQL (tests/postgres.py)
    python bench/lead_pages.py --database-url postgresql+psycopg://…   # an empty database of yours

Builds a ledger in a scratch directory (SQLite unless told otherwise) with `load_demo(scale=10)`:
each demo school with ten times its rows (risk points, hazards, deductions, alerts) and nine copies
of each demo school (30 schools), so a one-school page sees ten times the demo's rows and the
district page ten times its schools (docs/ledger.md, "Demo ×10"). Starts redis-server and the web
app under gunicorn exactly as `make run` does (devstack.local_stack), with a signed-in leader who
reads every school.

What is timed is what a tablet's browser asks the server for. Each page's address is opened once
in headless Chromium and every POST /_dash-update-component it sends is recorded (the page
router's call that draws the page, and any callback that runs on load); those bodies are then
replayed. On top, each page's interactions (filters, the drill-down tap, range=month, a row's
record, the Excel export) are built from the app's own callback list (/_dash-dependencies) with
realistic values. All requests are sent round-robin in a shuffled order, one at a time, --requests
times each; the time counted is the server's own (gunicorn's access log, %(D)s µs), matched to
each request by a `?b=<n>` tag. The ceiling, measured in the same run: /healthz and the Dash
shell (GET /_dash-layout) on the same server, so the machine's noise shows beside the pages.
"""
from __future__ import annotations

import argparse
import json
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
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from demo.seed import load_demo  # noqa: E402
from demo.sites import SCHOOLS_BY_ID  # noqa: E402
from devstack import local_services, local_stack  # noqa: E402
from kernel import connections  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from ledger.db import migrate  # noqa: E402
from ledger.grading import GradingRules  # noqa: E402
from ledger.models import (  # noqa: E402
    Alert,
    AlertTransition,
    Campaign,
    ChecklistItem,
    ChecklistResult,
    DailyDomainEvents,
    Hazard,
    OrgUnit,
    RiskPoint,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
UPDATE_PATH = "/_dash-update-component"
ACCESS_FORMAT = "%(m)s %(U)s %(q)s %(s)s %(B)s %(D)s"  # method path query status bytes microseconds
TARGET_MS = 200.0
LEADER, PASSWORD = "bench-leader", "bench-" + secrets.token_hex(8)
SCHOOL = "demo-univ"  # the biggest demo school: ten times its ~100 risk points, ~800 alerts a month …
VIEW = {"school": SCHOOL, "lang": "zh"}


@dataclass
class Probe:
    """One request to time: a page's load call, an interaction, an export or a ceiling."""

    page: str
    label: str
    method: str
    path: str
    body: dict | None = None
    times_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bytes: list[int] = field(default_factory=list)


# ---- the pages: their addresses and interactions --------------------------------------------------

PAGES: dict[str, list[str]] = {
    "lead_overview": [f"/lead?school={SCHOOL}"],
    # No callbacks: its tabs and ranges are links, each tap a page load. The biggest domain by events
    # (personal safety's swipes) and the one with the most alerts (environment's smoke detectors),
    # each over the last 24 hours (Redis's hourly counts) and 7 and 30 local days (daily_domain_events).
    "lead_domain": [f"/lead/domain?school={SCHOOL}&domain={d}&range={r}"
                    for d in ("personal_safety", "environment") for r in ("day", "week", "month")],
    "lead_hazards": [f"/lead/hazards?school={SCHOOL}", f"/lead/hazards?school={SCHOOL}&overdue=1"],
    "lead_risks": [f"/lead/risks?school={SCHOOL}"],
    "lead_campaigns": [f"/lead/campaigns?school={SCHOOL}"],
    "lead_assessment": [f"/lead/assessment?school={SCHOOL}"],
    "lead_district": ["/lead/district"],
}


def interactions(deps: list[dict], db_facts: dict) -> list[Probe]:
    """The taps a leader makes on each page, as Dash's renderer would post them. A callback is found
    by the ids of its inputs (the pages' ids modules name them); one that is not there yet
    (a page still being built) is skipped and reported."""
    found: list[Probe] = []
    missing: list[str] = []

    def add(page: str, label: str, output_has: str, values: dict[str, object]) -> None:
        dep = next((d for d in deps if output_has in d["output"]), None)
        if dep is None:
            missing.append(f"{page}:{label}")
            return
        found.append(Probe(page, label, "POST", UPDATE_PATH, body_for(dep, values)))

    try:
        from dashboard.pages.lead_hazards import ids as hz

        def hazard_filter(stage="", grade="", unit="", overdue="", building="") -> dict:
            chosen = dict(zip(hz.FILTERS, (stage, grade, unit, overdue, building)))
            return {**{f"{i}.value": v for i, v in chosen.items()}, f"{hz.VIEW}.data": VIEW}

        add("lead_hazards", "filter: rectifying, ordinary, overdue", f"{hz.GRID}.rowData",
            hazard_filter(stage="rectifying", grade="ordinary", overdue="1"))
        add("lead_hazards", "filter: building chem-north", f"{hz.GRID}.rowData",
            hazard_filter(building=db_facts["building"]))
        add("lead_hazards", "filter: all (cleared)", f"{hz.GRID}.rowData", hazard_filter())
        add("lead_hazards", "tap a row: the hazard's history", f"{hz.RECORD}.children",
            {f"{hz.GRID}.cellClicked": {"rowId": db_facts["hazard_code"], "colId": "title", "rowIndex": 3},
             f"{hz.VIEW}.data": VIEW})
    except (ImportError, AttributeError, IndexError) as missing_ids:
        missing.append(f"lead_hazards ({missing_ids})")
    for extra in page_interactions(deps, db_facts):
        found.append(extra)
    if missing:
        print("interactions not found (page not there yet?): " + ", ".join(missing))
    return found


def page_interactions(deps: list[dict], db_facts: dict) -> list[Probe]:
    """The risk register's filters, a campaign and a unit's deductions opened (pattern-matching
    callbacks), the overview's taps."""
    found: list[Probe] = []
    try:
        from dashboard.pages.lead_risks import ids as rk
        dep = next(d for d in deps if f"{rk.GRID}.rowData" in d["output"])
        for label, colour, unit in (("filter: red", "red", ""), ("filter: orange, a unit", "orange",
                                                                 db_facts["unit"]), ("filter: all", "", "")):
            found.append(Probe("lead_risks", label, "POST", UPDATE_PATH, body_for(dep, {
                f"{rk.F_COLOUR}.value": colour, f"{rk.F_UNIT}.value": unit, f"{rk.VIEW}.data": VIEW})))
    except (ImportError, AttributeError, StopIteration) as missing:
        print(f"risk register interactions not found: {missing!r}")
    try:
        from dashboard.pages.lead_campaigns import ids as cp
        dep = next(d for d in deps if f'"{cp.ITEMS}"' in d["output"])
        code = db_facts["campaign"]
        concrete = {_wild(dep["output"].rsplit(".", 1)[0]): cp.items_id(code),
                    _wild(dep["inputs"][0]["id"]): cp.open_id(code)}
        found.append(Probe("lead_campaigns", f"open a campaign ({code})", "POST", UPDATE_PATH, body_for(dep, {
            f"{dep['inputs'][0]['id']}.n_clicks": 1, f"{cp.VIEW}.data": VIEW}, concrete)))
    except (ImportError, AttributeError, StopIteration) as missing:
        print(f"campaign interactions not found: {missing!r}")
    try:
        from dashboard.pages.lead_assessment import ids as la
        dep = next(d for d in deps if f'"{la.LINES}"' in d["output"])
        code = db_facts["unit"]
        concrete = {_wild(dep["output"].rsplit(".", 1)[0]): la.lines_id(code),
                    _wild(dep["inputs"][0]["id"]): la.open_id(code)}
        found.append(Probe("lead_assessment", f"open a unit's deductions ({code})", "POST", UPDATE_PATH,
                           body_for(dep, {f"{dep['inputs'][0]['id']}.n_clicks": 1, f"{la.VIEW}.data": VIEW},
                                    concrete)))
    except (ImportError, AttributeError, StopIteration) as missing:
        print(f"assessment interactions not found: {missing!r}")
    try:
        from dashboard.pages.lead_overview import ids as ov
        drill = next(d for d in deps if f"{ov.DRILL}.children" in d["output"])
        # The building buttons beside the map (one per building), untapped, as the page drew them.
        buttons = [{"code": b.id, "type": ov.BUILDING} for b in SCHOOLS_BY_ID[SCHOOL].buildings]
        specs = [i for i in drill["inputs"] + drill.get("state", []) if '"ALL"' in i["id"]]
        untapped = {f"{i['id']}.{i['property']}": (0 if i["property"] == "n_clicks" else "lead-overview-building")
                    for i in specs}
        for code in ("chem-north", "xueyuan-canteen"):
            tap = {"points": [{"curveNumber": 1, "pointNumber": 0, "pointIndex": 0, "x": 100, "y": 100,
                               "customdata": code}]}
            found.append(Probe("lead_overview", f"tap a building on the map ({code})", "POST", UPDATE_PATH,
                               body_for(drill, {f"{ov.MAP}.clickData": tap, f"{ov.VIEW}.data": VIEW, **untapped},
                                        expand={_wild(i["id"]): buttons for i in specs})))
        live = next(d for d in deps if f"{ov.STATUS}." in d["output"])
        found.append(Probe("lead_overview", "live figures' refresh (timer)", "POST", UPDATE_PATH,
                           body_for(live, {f"{ov.TICK}.n_intervals": 1, f"{ov.VIEW}.data": VIEW})))
    except (ImportError, AttributeError, StopIteration) as missing:
        print(f"overview interactions not found: {missing!r}")
    return found


def _wild(spec: str) -> str:
    return json.dumps(json.loads(spec), sort_keys=True) if spec.startswith("{") else spec


def exports(db_facts: dict) -> list[Probe]:
    query = urlencode({"school": SCHOOL, "overdue": "1"})
    everything = urlencode({"school": SCHOOL})
    return [Probe("lead_hazards", "export: overdue (xlsx)", "GET", f"/lead/hazards.xlsx?{query}"),
            Probe("lead_hazards", "export: every hazard (xlsx)", "GET", f"/lead/hazards.xlsx?{everything}")]


def body_for(dep: dict, values: dict[str, object], concrete: dict[str, dict] | None = None,
             expand: dict[str, list[dict]] | None = None) -> dict:
    """The body Dash's renderer posts for a callback of /_dash-dependencies, inputs from `values`
    ("id.property" as the dependency names it -> value, None when absent); the first input given a
    value is the one that changed. `concrete` gives a MATCH pattern (as the dependency writes it)
    the component's own id; `expand` gives an ALL pattern its components (each with the value
    `values` gives the pattern's property)."""
    concrete, expand = concrete or {}, expand or {}

    def real(spec_id: str):
        return concrete.get(_wild(spec_id), spec_id)

    def items(specs):
        out = []
        for s in specs:
            if '"ALL"' in s["id"]:  # the list of the pattern's components
                value = values.get(f"{s['id']}.{s['property']}")
                out.append([{"id": i, "property": s["property"], "value": value}
                            for i in expand.get(_wild(s["id"]), [])])
            else:
                out.append({"id": real(s["id"]), "property": s["property"],
                            "value": values.get(f"{s['id']}.{s['property']}")})
        return out

    def named(part: str):
        spec_id, prop = part.rsplit(".", 1)
        if '"ALL"' in spec_id:
            return [{"id": i, "property": prop} for i in expand.get(_wild(spec_id), [])]
        return {"id": real(spec_id), "property": prop}

    output = dep["output"]
    outs = [named(p) for p in output.strip(".").split("...")] if output.startswith("..") else named(output)
    first = next((i for i in dep["inputs"] if f"{i['id']}.{i['property']}" in values), dep["inputs"][0])
    first_id = real(first["id"])
    shown = json.dumps(first_id, sort_keys=True, separators=(",", ":")) if isinstance(first_id, dict) else first_id
    return {"output": output, "outputs": outs, "inputs": items(dep["inputs"]), "state": items(dep.get("state", [])),
            "changedPropIds": [f"{shown}.{first['property']}"]}


# ---- the stack ----------------------------------------------------------------------------------

class Stack:
    def __init__(self, scratch: Path, database_url: str | None, workers: int | None):
        self.scratch = scratch
        self.database_url = database_url or f"sqlite:///{scratch / 'ledger.db'}"
        self.workers = workers
        self.redis = None
        self.web: subprocess.Popen | None = None
        self.access_log = scratch / "access.log"

    def settings(self) -> Settings:
        port = local_services.free_port()
        with open(self.scratch / "redis.log", "wb") as out:
            self.redis = local_services.start_redis(port, self.scratch / "redis", log_file=out)
        changes = dict(database_url=self.database_url, redis_url=f"redis://127.0.0.1:{port}/0",
                       web_host="127.0.0.1", web_port=local_services.free_port(), simulator=False,
                       secret_key=secrets.token_hex(24), demo_data=False)
        if self.workers:
            changes["web_workers"] = self.workers
        return Settings.from_env(**changes)

    def start_web(self, settings: Settings) -> None:
        web = next(list(c.command) for c in local_stack.children(settings) if c.name == "web")
        at = web.index("--access-logfile")
        web[at + 1:at + 2] = [str(self.access_log), "--access-logformat", ACCESS_FORMAT]
        env = local_stack.child_environment(settings, os.environ)
        with open(self.scratch / "web.log", "ab") as out:
            self.web = subprocess.Popen(web, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        local_services.wait_for_port(settings.web_port, self.web, "gunicorn", timeout=90)

    def stop(self) -> None:
        if self.web is not None and self.web.poll() is None:
            os.killpg(self.web.pid, signal.SIGTERM)
            try:
                self.web.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.web.pid, signal.SIGKILL)
                self.web.wait()
        if self.redis is not None:
            local_services.stop(self.redis)


def build_ledger(settings: Settings, *, scale: int, copy_factor: int, today) -> dict:
    """Migrate, load the demo ×scale and a leader over every school; the figures into Redis."""
    from ledger.commands.users import create_user
    from streams import ledger_figures

    engine = connections.sql_engine(settings)
    try:
        migrate(engine)
        started = time.perf_counter()
        with connections.sql_sessions(engine).begin() as db:
            loaded = load_demo(db, today=today, rules=GradingRules.load(settings.risk_grading_file), tz=settings.tz,
                               scale=scale, copy_factor=copy_factor)
            if not loaded.loaded:
                raise SystemExit("the ledger already holds the demo: give an empty database")
        seconds = time.perf_counter() - started
        now = datetime.now(timezone.utc)
        with connections.sql_sessions(engine).begin() as db:
            create_user(db, username=LEADER, display_name="基准测试领导", role="leader", password=PASSWORD, now=now)
        if engine.dialect.name == "postgresql":
            # autovacuum analyzes a freshly loaded table within a minute; do it now, not mid-run.
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        with connections.sql_sessions(engine)() as db:
            facts = {"load_seconds": round(seconds, 1), "counts": loaded.counts,
                     "schools": db.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.kind == "school")),
                     "rows": {t.__tablename__: db.scalar(select(func.count()).select_from(t))
                              for t in (RiskPoint, Hazard, Alert, AlertTransition, DailyDomainEvents)}}
            school_id = db.scalar(select(OrgUnit.id).where(OrgUnit.code == SCHOOL))
            facts["hazard_code"] = db.scalar(select(Hazard.code).where(Hazard.school_id == school_id,
                                                                        Hazard.stage != "accepted")
                                             .order_by(Hazard.code).limit(1))
            facts["building"] = "chem-north"
            facts["unit"] = db.scalar(select(OrgUnit.code).where(OrgUnit.parent_id == school_id,
                                                                 OrgUnit.kind == "unit").order_by(OrgUnit.code))
            facts["campaign"] = db.scalar(
                select(Campaign.code).join(ChecklistItem).join(ChecklistResult)
                .where(ChecklistResult.school_id == school_id).group_by(Campaign.code)
                .order_by(func.count().desc(), Campaign.code).limit(1))
            import redis as redis_lib
            client = redis_lib.Redis.from_url(settings.redis_url, decode_responses=True)
            ledger_figures.refresh(db, client, now=now, due_soon_days=settings.hazard_due_soon_days)
            client.close()
        return facts
    finally:
        engine.dispose()


def sign_in(base: str) -> requests.Session:
    http = requests.Session()
    form = http.get(f"{base}/login", timeout=30)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if not csrf:
        raise SystemExit(f"no CSRF token on the sign-in form ({form.status_code})")
    done = http.post(f"{base}/login", data={"username": LEADER, "password": PASSWORD, "csrf": csrf.group(1),
                                            "next": "/lead"}, headers={"Origin": base}, allow_redirects=False,
                     timeout=30)
    if done.status_code not in (302, 303):
        raise SystemExit(f"sign-in refused: {done.status_code} {done.text[:300]}")
    return http


def discover(base: str, http: requests.Session, pages: dict[str, list[str]]) -> list[Probe]:
    """Every update request a browser sends while opening each page's address."""
    from playwright.sync_api import sync_playwright

    found: list[Probe] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
            context.add_cookies([{"name": c.name, "value": c.value, "url": base} for c in http.cookies])
            page = context.new_page()
            for name, addresses in pages.items():
                for address in addresses:
                    seen: list[dict] = []

                    def record(request, seen=seen):
                        if request.method == "POST" and UPDATE_PATH in request.url:
                            seen.append(request.post_data_json)

                    page.on("request", record)
                    page.goto(base + address, wait_until="networkidle", timeout=60_000)
                    page.wait_for_timeout(500)
                    page.remove_listener("request", record)
                    if not seen:
                        print(f"  {address}: no update requests (the page is not there?), at {page.url}")
                    for body in seen:
                        what = "layout (page router)" if "_pages_content" in body["output"] else \
                            "on load: " + body["output"].strip(".").split("...")[0][:40]
                        query = address.split("?", 1)[1] if "?" in address else ""
                        found.append(Probe(name, f"{what} {query}".strip(), "POST", UPDATE_PATH, body))
        finally:
            browser.close()
    return found


# ---- the run ------------------------------------------------------------------------------------

def measure(base: str, http: requests.Session, probes: list[Probe], rounds: int, access_log: Path,
            seed: int = 6) -> None:
    order = list(range(len(probes)))
    rng = random.Random(seed)
    start_at = access_log.stat().st_size if access_log.exists() else 0
    headers = {"Origin": base, "Content-Type": "application/json"}
    for _ in range(rounds):
        rng.shuffle(order)
        for index in order:
            probe = probes[index]
            url = f"{base}{probe.path}{'&' if '?' in probe.path else '?'}b={index}"
            if probe.method == "GET":
                http.get(url, timeout=60)
            else:
                http.post(url, data=json.dumps(probe.body), headers=headers, timeout=60)
    time.sleep(1.0)  # gunicorn writes its access log after the answer
    with open(access_log, "rb") as log:
        log.seek(start_at)
        for line in log.read().decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) != 6:
                continue
            tag = re.search(r"(?:^|&)b=(\d+)$", parts[2])
            if not tag:
                continue
            probe = probes[int(tag.group(1))]
            probe.times_ms.append(int(parts[5]) / 1000)
            probe.statuses[int(parts[3])] = probe.statuses.get(int(parts[3]), 0) + 1
            probe.bytes.append(int(parts[4]) if parts[4].isdigit() else 0)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else float("nan")


def report(probes: list[Probe]) -> tuple[list[str], dict]:
    lines = [f"{'page':<16} {'request':<76} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'kB':>6}  status"]
    verdicts: dict[str, float] = {}
    for probe in probes:
        t = probe.times_ms
        if not t:
            lines.append(f"{probe.page:<16} {probe.label[:76]:<76}  (no log lines)")
            continue
        p95 = pct(t, 95)
        if probe.page != "ceiling":
            verdicts[probe.page] = max(verdicts.get(probe.page, 0.0), p95)
        kb = statistics.mean(probe.bytes) / 1000 if probe.bytes else 0
        status = ",".join(f"{k}x{v}" for k, v in sorted(probe.statuses.items()))
        lines.append(f"{probe.page:<16} {probe.label[:76]:<76} {len(t):>4} {pct(t, 50):>7.1f} {p95:>7.1f} "
                     f"{pct(t, 99):>7.1f} {max(t):>7.1f} {kb:>6.1f}  {status}")
    lines.append("")
    for page, worst in verdicts.items():
        lines.append(f"{page:<16} worst p95 {worst:7.1f} ms  {'meets' if worst <= TARGET_MS else 'MISSES'} "
                     f"p95 <= {TARGET_MS:.0f} ms")
    return lines, verdicts


def git_state() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "dashboard", "layouts", "queries", "ledger", "migrations")
    return f"HEAD {git('rev-parse', '--short', 'HEAD')}" + (
        f"; {len(dirty.splitlines())} uncommitted files under dashboard/layouts/queries/ledger/migrations"
        if dirty else "; clean")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="times each request is sent")
    parser.add_argument("--scale", type=int, default=10, help="the demo ×scale (load_demo(scale=))")
    parser.add_argument("--copy-factor", type=int, default=1, help="rows of each copied school, × the demo's")
    parser.add_argument("--database-url", help="an EMPTY database to load (default: SQLite in a scratch dir)")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL (tests/postgres.py)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: WEB_WORKERS, i.e. make run's)")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--json", type=Path, help="also write every sample here")
    args = parser.parse_args()
    pages = {k: v for k, v in PAGES.items() if not args.pages or k in args.pages.split(",")}
    absent = [name for name in pages if not (ROOT / "dashboard" / "pages" / f"{name}.py").exists()]
    if absent:  # their addresses would time the "page not found" answer
        print(f"not in this checkout, left out: {', '.join(absent)}")
        pages = {k: v for k, v in pages.items() if k not in absent}

    command = shlex.join([sys.executable] + sys.argv)
    machine = (f"{os.cpu_count()} cores ({cpu_model()}), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
               f"Python {platform.python_version()}")
    print(f"command: {command}\nmachine: {machine}; load average at start {os.getloadavg()}\ncode: {git_state()}")
    scratch = Path(tempfile.mkdtemp(prefix="bench-lead-"))
    print(f"logs: {scratch}", flush=True)
    postgres = None
    database_url = args.database_url
    if args.postgres:
        from tests.postgres import PostgresServer
        postgres = PostgresServer(local_services.free_port()).start()
        database_url = postgres.url()
    stack = Stack(scratch, database_url, args.workers)
    results: dict = {"command": command, "machine": machine, "code": git_state(),
                     "started": datetime.now().astimezone().isoformat()}
    try:
        settings = stack.settings()
        today = datetime.now(settings.tz).date()
        facts = build_ledger(settings, scale=args.scale, copy_factor=args.copy_factor, today=today)
        backend = settings.database_url.split(":", 1)[0]
        print(f"ledger: {backend}, demo ×{args.scale} (copies ×{args.copy_factor}) loaded in "
              f"{facts['load_seconds']} s: {facts['schools']} schools, {facts['rows']}", flush=True)
        results.update(backend=backend, ledger=facts)
        stack.start_web(settings)
        base = f"http://{settings.web_host}:{settings.web_port}"
        http = sign_in(base)
        deps = http.get(f"{base}/_dash-dependencies", timeout=30).json()
        probes = [Probe("ceiling", "GET /healthz", "GET", "/healthz"),
                  Probe("ceiling", "GET /_dash-layout (the app shell)", "GET", "/_dash-layout")]
        probes += discover(base, http, pages)
        probes += [p for p in interactions(deps, facts) + exports(facts) if p.page in pages]
        print(f"{len(probes)} requests × {args.requests}, workers {settings.web_workers}", flush=True)
        started = time.perf_counter()
        measure(base, http, probes, args.requests, stack.access_log)
        print(f"measured in {time.perf_counter() - started:.0f} s; load average at end {os.getloadavg()}")
        lines, verdicts = report(probes)
        print("\n".join(lines))
        results.update(verdicts=verdicts, probes=[{"page": p.page, "label": p.label, "times_ms": p.times_ms,
                                                   "statuses": p.statuses} for p in probes])
    finally:
        stack.stop()
        if postgres is not None:
            postgres.stop()
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)  # var/ is not in a fresh clone
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
