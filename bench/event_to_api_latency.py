"""Latency from an event produced to its effect visible in the summary API, under load.

    python bench/event_to_api_latency.py [--load 2000] [--probes 300] [--seconds 90]

Starts its own Tansu broker, redis-server, one aggregator process (`python -m streams.consumer`)
and the web app under gunicorn, all on free ports. A background producer sends the simulator's
campus stream at --load events/s. Meanwhile probes run one after another: each sends one event
for the school `bench-probe`, then polls GET /api/v1/schools/bench-probe/summary every 5 ms until
`events_total` counts it; the probe's latency is produce-call -> first API answer showing it.
Reports p50/p95/p99 and the background rate actually achieved.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.campus_stream import simulate  # noqa: E402
from devstack import local_services  # noqa: E402
from kernel import connections, proof  # noqa: E402
from kernel.settings import Settings  # noqa: E402

PROBE_SCHOOL = "bench-probe"
SIGNING_KEY = secrets.token_urlsafe(32)  # this run's EVENT_SIGNING_KEY, given to the consumer too
AUTH: dict[str, str] = {}  # the API needs a token (docs/access.md): set once the ledger has made one


def api_token(env: dict, scratch: Path) -> str:
    """A read token from `python -m ledger token create`, in a ledger of the bench's own."""
    subprocess.run([sys.executable, "-m", "ledger", "init-db"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    done = subprocess.run([sys.executable, "-m", "ledger", "token", "create", "--role", "wall", "--label", "bench"],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=120)
    found = re.search(r"Bearer\s+(\S+)", done.stdout)
    if found is None:
        raise SystemExit(f"no token in the output of ledger token create:\n{done.stdout}")
    return found.group(1)


def background_load(bootstrap: str, topic: str, rate: float, stop: threading.Event, sent: list[int]) -> None:
    producer = connections.kafka_producer(Settings.from_env(environ={}, kafka_bootstrap_servers=bootstrap), linger_ms=5)
    keys = proof.keys_from(SIGNING_KEY)  # the simulated duty console's steps, signed as the web app does
    stream = simulate(seed=9, start_ms=int(time.time() * 1000), rate=rate, bad_rate=0.0)
    started = time.monotonic()
    count = 0
    for school, payload in stream:
        if stop.is_set():
            break
        producer.send(topic, key=school.encode(), value=payload, headers=proof.sign_if_needed(payload, keys))
        count += 1
        ahead = count / rate - (time.monotonic() - started)
        if ahead > 0.005:
            time.sleep(ahead)
    producer.flush()
    producer.close()
    sent.append(count)
    sent.append(time.monotonic() - started)


def summary_total(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=AUTH), timeout=2) as response:
            return json.loads(response.read())["events_total"]
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return 0
        raise


def warm_total(url: str) -> int:
    """summary_total while the web app warms up: its first answers may time out."""
    try:
        return summary_total(url)
    except urllib.error.HTTPError:
        raise  # refused (401, 403) is no warm-up: say so
    except (TimeoutError, urllib.error.URLError):
        return 0


def probe_event(n: int) -> bytes:
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "+00:00"
    return json.dumps({"id": f"probe-{n}-{time.time_ns()}", "ts": ts, "school": PROBE_SCHOOL,
                       "domain": "personal_safety", "type": "alarm.one_key", "data": {}}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", type=float, default=2000.0)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    kafka_port, redis_port, web_port = (local_services.free_port() for _ in range(3))
    broker = local_services.start_broker(kafka_port)
    redis_server = local_services.start_redis(redis_port, scratch)
    bootstrap = f"127.0.0.1:{kafka_port}"
    topic = "campus.events"
    local_services.create_topic(bootstrap, topic, 6)
    local_services.create_topic(bootstrap, topic + ".dlq", 1)
    env = dict(os.environ, KAFKA_BOOTSTRAP_SERVERS=bootstrap, REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
               EVENTS_TOPIC=topic, DEAD_LETTER_TOPIC=topic + ".dlq", WEB_PORT=str(web_port),
               DATABASE_URL=f"sqlite:///{scratch / 'ledger.db'}", EVENT_SIGNING_KEY=SIGNING_KEY)
    AUTH["Authorization"] = f"Bearer {api_token(env, scratch)}"
    log = open(scratch / "children.log", "wb")
    children = [
        subprocess.Popen([sys.executable, "-m", "streams.consumer"], cwd=ROOT, env=env, stdout=log, stderr=log),
        subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{web_port}",
                          "dashboard.app:create_server()"], cwd=ROOT, env=env, stdout=log, stderr=log),
    ]
    stop = threading.Event()
    sent: list = []
    loader = threading.Thread(target=background_load, args=(bootstrap, topic, args.load, stop, sent))
    producer = connections.kafka_producer(Settings.from_env(environ={}, kafka_bootstrap_servers=bootstrap), linger_ms=0)
    url = f"http://127.0.0.1:{web_port}/api/v1/schools/{PROBE_SCHOOL}/summary"
    latencies: list[float] = []
    try:
        local_services.wait_for_port(web_port, children[1], "gunicorn", timeout=60)
        # Warm up: the consumer's group join takes a few seconds; wait for a first probe.
        producer.send(topic, key=PROBE_SCHOOL.encode(), value=probe_event(0)).get(30)
        deadline = time.monotonic() + 90
        while warm_total(url) < 1:
            if time.monotonic() > deadline:
                raise SystemExit("the first probe never reached the API; see " + str(scratch))
            time.sleep(0.1)
        loader.start()
        time.sleep(3)  # let the background load settle
        expected = 1
        finish = time.monotonic() + args.seconds
        for n in itertools.count(1):
            if n > args.probes or time.monotonic() > finish:
                break
            produced = time.perf_counter()
            producer.send(topic, key=PROBE_SCHOOL.encode(), value=probe_event(n))
            producer.flush()
            expected += 1
            while summary_total(url) < expected:
                time.sleep(0.005)
            latencies.append(time.perf_counter() - produced)
            time.sleep(0.05)
    finally:
        stop.set()
        if loader.is_alive():
            loader.join()
        producer.close()
        for child in children:
            local_services.stop(child)
        local_services.stop(redis_server)
        local_services.stop(broker)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    achieved = sent[0] / sent[1] if sent else 0
    print(f"probes: {len(latencies)}, background load asked {args.load:.0f}/s, achieved {achieved:,.0f}/s")
    print(f"event -> API latency: p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms, mean {statistics.mean(latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
