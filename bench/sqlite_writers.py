"""Writers on the embedded SQLite ledger under load: people sign in, officers act, while events pour in.

    python bench/sqlite_writers.py [--rate 500] [--sign-ins 50] [--actions 200] [--accounts 5]

Issue 12, defect 5: with `make run` and the simulator on, sign-ins with the right password got 503
"database is locked" (1 of 12 on a quiet machine, 16 of 16 under load), `ledger user create` failed
with a traceback, and an acknowledgement answered 503 although it had been saved.

Runs the product exactly as `make run` does (`python -m devstack.local_stack`: embedded Redis and
broker, the aggregator, the recorder writing the same SQLite file, the simulator, gunicorn with two
workers), with the simulator at --rate events/s and a ledger of its own in a scratch folder. Once
the recorder is writing, at the same time: --sign-ins sign-ins with the right password (5 at once),
--actions alert-handling steps through the API (acknowledge, dispatch, resolve on alerts that are
open, 4 at once), and --accounts `python -m ledger user create` runs. An error is any answer that is
not what a correct server says: a 5xx, a refused connection, a sign-in that is not a 303 to the
console, a step that is neither done (200) nor "someone acted first" (409), a CLI that fails.
Prints the count of each and the latency of each kind (median, p95).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devstack import local_services  # noqa: E402

PASSWORD = "bench-password-2026"
PEOPLE = 5


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, username: str) -> tuple[bool, float, str]:
    """GET /login for its CSRF token, POST the form: (a 303 to the console?, seconds, what came back)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    started = time.perf_counter()
    try:
        page = opener.open(f"{base}/login", timeout=60).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf": csrf, "username": username, "password": PASSWORD}).encode()
        try:
            opener.open(urllib.request.Request(f"{base}/login", data=form), timeout=60)
            return False, time.perf_counter() - started, "200 (no redirect)"
        except urllib.error.HTTPError as answer:
            ok = answer.code == 303 and answer.headers.get("Location", "").startswith("/duty")
            return ok, time.perf_counter() - started, str(answer.code)
    except Exception as exc:  # noqa: BLE001 - a refused connection is an error like any other
        return False, time.perf_counter() - started, type(exc).__name__


def act(base: str, token: str, alert_id: int, action: str) -> tuple[bool, float, str]:
    body = {"acknowledge": {}, "dispatch": {"assignee": "保卫处一组"},
            "resolve": {"outcome": "false_alarm", "note": "核实为误报"}}[action]
    request = urllib.request.Request(f"{base}/api/v1/alerts/{alert_id}/{action}", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status == 200, time.perf_counter() - started, str(answer.status)
    except urllib.error.HTTPError as answer:
        return answer.code == 409, time.perf_counter() - started, str(answer.code)
    except Exception as exc:  # noqa: BLE001
        return False, time.perf_counter() - started, type(exc).__name__


def ledger_cli(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ledger", *args], cwd=ROOT, env=env, input=stdin, text=True,
                          capture_output=True, timeout=300)


def open_alerts(db: Path, limit: int) -> list[int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        return [row[0] for row in connection.execute(
            "SELECT id FROM alerts WHERE state = 'new' ORDER BY id DESC LIMIT ?", (limit,))]


def summary(name: str, results: list[tuple[bool, float, str]]) -> str:
    times = sorted(r[1] for r in results)
    wrong = [r[2] for r in results if not r[0]]
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0
    answers: dict[str, int] = {}
    for r in results:
        answers[r[2]] = answers.get(r[2], 0) + 1
    return (f"{name}: {len(results)}, errors {len(wrong)} {sorted(set(wrong)) if wrong else ''}; answers {answers}; "
            f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=500.0, help="simulated events per second")
    parser.add_argument("--sign-ins", type=int, default=50)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=5)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    db = scratch / "campus.db"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", SIMULATOR_RATE=str(args.rate),
               WEB_PORT=str(local_services.free_port()), PYTHONUNBUFFERED="1")
    for name in ("REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        env.pop(name, None)  # the stack's own embedded Redis and broker, as `make run`
    out = open(scratch / "stack.log", "w")
    stack = subprocess.Popen([sys.executable, "-m", "devstack.local_stack"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=out, text=True, start_new_session=True)
    try:
        base = None
        deadline = time.monotonic() + 180
        while base is None and time.monotonic() < deadline:
            line = stack.stdout.readline()
            out.write(line)
            found = re.search(r"(http://[0-9.]+:[0-9]+)/", line)
            base = found.group(1) if found else None
            if stack.poll() is not None:
                raise SystemExit(f"the stack stopped; see {scratch / 'stack.log'}")
        if base is None:
            raise SystemExit(f"the stack did not come up; see {scratch / 'stack.log'}")
        threading.Thread(target=lambda: [out.write(line) for line in stack.stdout], daemon=True).start()
        for n in range(PEOPLE):
            made = ledger_cli(env, "user", "create", "--username", f"bench{n}", "--name", f"值班员{n}",
                              "--role", "duty", "--password-stdin", stdin=PASSWORD + "\n")
            if made.returncode != 0:
                raise SystemExit(f"could not make the bench's users: {made.stderr}")
        token = _duty_token(env, db)
        needed = -(-args.actions // 3)
        deadline = time.monotonic() + 240
        while len(open_alerts(db, needed)) < needed and time.monotonic() < deadline:
            time.sleep(2)
        alerts = open_alerts(db, needed)
        print(f"stack up at {base}; simulator {args.rate:.0f} events/s; {len(alerts)} open alerts to handle",
              flush=True)
        steps = [(a, action) for action in ("acknowledge", "dispatch", "resolve") for a in alerts][:args.actions]

        with ThreadPoolExecutor(5) as signers, ThreadPoolExecutor(4) as officers, ThreadPoolExecutor(2) as admins:
            signed = signers.map(lambda n: sign_in(base, f"bench{n % PEOPLE}"), range(args.sign_ins))
            done = officers.map(lambda step: act(base, token, *step), steps)
            accounts = admins.map(lambda n: _account(env, n), range(args.accounts))
            signed, done, accounts = list(signed), list(done), list(accounts)
        print(summary("sign-ins", signed))
        print(summary("alert steps", done))
        print(summary("ledger user create", accounts))
        errors = sum(not r[0] for r in signed + done + accounts)
        print(f"errors in all: {errors}")
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            stack.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
        out.close()


def _account(env: dict, n: int) -> tuple[bool, float, str]:
    started = time.perf_counter()
    made = ledger_cli(env, "user", "create", "--username", f"new{n}-{time.time_ns()}", "--name", f"新同事{n}",
                      "--role", "duty", "--password-stdin", stdin=PASSWORD + "\n")
    what = "ok" if made.returncode == 0 else (made.stderr.strip().splitlines() or ["?"])[-1][:80]
    return made.returncode == 0 and "Traceback" not in made.stderr, time.perf_counter() - started, what


def _duty_token(env: dict, db: Path) -> str:
    """A duty officer's bearer token, issued in the ledger as the tests do (the CLI issues wall tokens)."""
    code = ("import sys; from datetime import datetime, timezone; from kernel.connections import sql_engine, "
            "sql_sessions; from ledger.commands.access import issue_token; from kernel.settings import Settings; "
            "e = sql_engine(Settings.from_env());\n"
            "with sql_sessions(e).begin() as s: print(issue_token(s, role='duty', label='bench', "
            "now=datetime.now(timezone.utc)).token)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise SystemExit(f"no duty token: {done.stderr}")
    return done.stdout.strip()


if __name__ == "__main__":
    main()
