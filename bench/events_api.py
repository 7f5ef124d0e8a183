"""Events/s through POST /api/v1/events, and the wall's figures exact afterwards.

    python bench/events_api.py [--events 60000] [--runs 3] [--clients 4] [--batch 1000] [--small-batch 100]

Starts its own Tansu broker and redis-server on free ports, a SQLite ledger with one source key
(`python -m ledger source create --all-schools`, through the same function), and the web app
under gunicorn exactly as `make run` does (devstack.local_stack.children: WEB_WORKERS workers,
2 by default). The events are the simulator's realistic campus mix (no malformed ones; its 0.2 %
repeated deliveries and the odd alert-handling event included, answered `duplicate` and
`refused`), their ids made unique per run. Each run, alternately:
  ceiling - one kafka-python producer in this process sends the run's events straight to a topic
            of the same broker (the API producer's options) and waits for every acknowledgement;
  api     - --clients threads POST the same number of events in batches of --batch (then of
            --small-batch), each waiting for its answer and, after a 503, sending the batch
            again after its Retry-After, as campus systems do (the time waited counts).
Reports the medians (events/s, API / ceiling) and the CPU each process spent an event (web
workers, broker, Redis, this process: all on the same two cores). Then the real aggregator
reads the events topic and each school's summary is compared with the independent reference
(tests/streams/reference.py) over exactly the events the API answered `accepted`.

EVENTS_API_RATE is raised for the run: it measures the route, not one key's limit.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import os
import queue
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import redis  # noqa: E402
from kafka import KafkaConsumer, TopicPartition  # noqa: E402

from dashboard.services import EVENTS_KAFKA_BATCH_BYTES  # noqa: E402
from demo.campus_stream import simulate  # noqa: E402
from devstack import local_services, local_stack  # noqa: E402
from kernel import connections  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from ledger.commands import event_sources  # noqa: E402
from ledger.db import migrate  # noqa: E402
from queries.summary import school_summary  # noqa: E402
from streams.alert_rules import load_rules  # noqa: E402
from tests.streams.harness import running_aggregator, wait_consumed  # noqa: E402
from tests.streams.reference import comparable, expected_summary  # noqa: E402

PATH = "/api/v1/events"
RATE = 2000.0  # events a second of event time in the simulated stream
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes, from /proc (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def make_runs(count: int, runs: int, sizes: tuple[int, ...]) -> dict[tuple[int, int], list[tuple[str, bytes]]]:
    """(batch size, run) -> that run's events as (school, payload), ids unique over all runs."""
    total = count * runs * len(sizes)
    start_ms = int(time.time() * 1000) - int(total / RATE * 1000) - 60_000  # all in the past
    stream = simulate(seed=20261206, start_ms=start_ms, rate=RATE, bad_rate=0.0)
    found: dict[tuple[int, int], list[tuple[str, bytes]]] = {}
    for run in range(runs):
        for size in sizes:
            events = []
            for school, payload in itertools.islice(stream, count):
                doc = orjson.loads(payload)
                doc["id"] = f"b{size}-r{run}-{doc['id']}"
                events.append((school, orjson.dumps(doc)))
            found[(size, run)] = events
    return found


def ceiling(settings: Settings, topic: str, events: list[tuple[str, bytes]]) -> float:
    """Events/s of one kafka-python producer sending them and waiting for every acknowledgement."""
    producer = connections.kafka_producer(settings, linger_ms=5, batch_size=EVENTS_KAFKA_BATCH_BYTES)
    producer.send(topic, key=b"warm", value=b"{}").get(30)  # metadata and connection first
    started = time.perf_counter()
    futures = [producer.send(topic, key=school.encode(), value=payload) for school, payload in events]
    producer.flush()
    elapsed = time.perf_counter() - started
    assert all(f.succeeded() for f in futures)
    producer.close()
    return len(events) / elapsed


def post_all(port: int, key: str, bodies: list[tuple[int, bytes]], clients: int) -> tuple[float, list[dict], int]:
    """POST every body from `clients` threads (one request each at a time), as a campus system
    does: a 503 is sent again after its Retry-After (what was accepted then answers `duplicate`).
    Events/s, each body's verdicts (an event accepted at any try counts as accepted), and how
    many 503s there were."""
    work: queue.Queue = queue.Queue()
    for item in bodies:
        work.put(item)
    answers: dict[int, list[dict]] = {}
    errors: list[str] = []
    again = [0]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client() -> None:
        while True:
            try:
                number, body = work.get_nowait()
            except queue.Empty:
                return
            while True:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                try:
                    connection.request("POST", PATH, body=body, headers=headers)
                    response = connection.getresponse()
                    text = response.read()
                finally:
                    connection.close()
                if response.status == 200:
                    answers.setdefault(number, []).append(orjson.loads(text)["events"])
                    break
                if response.status == 503 and text.startswith(b'{"accepted"'):
                    answers.setdefault(number, []).append(orjson.loads(text)["events"])
                    again[0] += 1
                    time.sleep(int(response.getheader("Retry-After", "1")))
                    continue
                errors.append(f"{response.status}: {text[:300]!r}")
                return

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[0]}")
    final = []
    for number in sorted(answers):
        tries = answers[number]
        merged = tries[-1]
        for index, verdict in enumerate(merged):
            if any(t[index]["verdict"] == "accepted" for t in tries):
                merged[index] = {**verdict, "verdict": "accepted"}
        final.append({"events": merged})
    events = sum(len(answer["events"]) for answer in final)
    return events / elapsed, final, again[0]


def batches(events: list[tuple[str, bytes]], size: int) -> list[tuple[int, bytes]]:
    return [(n, b"[" + b",".join(payload for _, payload in events[start:start + size]) + b"]")
            for n, start in enumerate(range(0, len(events), size))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=60_000, help="events a run, each batch size")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--small-batch", type=int, default=100)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: WEB_WORKERS, 2)")
    args = parser.parse_args()
    sizes = (args.batch, args.small_batch)

    scratch = Path(tempfile.mkdtemp(prefix="bench-events-api-"))
    broker_port, redis_port = local_services.free_port(), local_services.free_port()
    with open(scratch / "broker.log", "wb") as out:
        broker = local_services.start_broker(broker_port, log_file=out)
    redis_server = local_services.start_redis(redis_port, scratch / "redis")
    web, done = None, False
    try:
        bootstrap = f"127.0.0.1:{broker_port}"
        changes = dict(kafka_bootstrap_servers=bootstrap, redis_url=f"redis://127.0.0.1:{redis_port}/0",
                       database_url=f"sqlite:///{scratch / 'ledger.db'}", web_host="127.0.0.1",
                       web_port=local_services.free_port(), secret_key=secrets.token_hex(24), simulator=False,
                       demo_data=False, events_api_rate=1e9)
        if args.workers:
            changes["web_workers"] = args.workers
        settings = Settings.from_env(**changes)
        local_services.create_topic(bootstrap, settings.events_topic, local_stack.EVENT_PARTITIONS)
        local_services.create_topic(bootstrap, settings.dead_letter_topic, 1)
        local_services.create_topic(bootstrap, "ceiling", local_stack.EVENT_PARTITIONS)
        engine = connections.sql_engine(settings)
        migrate(engine)
        with connections.sql_sessions(engine).begin() as db:
            key = event_sources.issue_source(db, name="bench", all_schools=True, now=datetime.now(timezone.utc)).key
        engine.dispose()

        command = next(list(c.command) for c in local_stack.children(settings) if c.name == "web")
        command[command.index("--access-logfile") + 1] = str(scratch / "access.log")
        with open(scratch / "web.log", "wb") as out:
            web = subprocess.Popen(command, cwd=ROOT, env=local_stack.child_environment(settings, os.environ),
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        local_services.wait_for_port(settings.web_port, web, "gunicorn", timeout=90)
        deadline = time.monotonic() + 60
        while len(workers := children_of(web.pid)) < settings.web_workers and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"web app: gunicorn, {len(workers)} workers; broker Tansu, Redis {local_services.redis_server_binary()}; "
              f"{os.cpu_count()} cores; scratch {scratch}", flush=True)

        print(f"making {args.events * args.runs * len(sizes):,} simulated events ...", flush=True)
        runs = make_runs(args.events, args.runs, sizes)
        # Warm up: each worker makes its Kafka producer and SQL engine on its first request.
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        warm = [(n, orjson.dumps({"id": f"warm-up-{n}", "ts": now, "school": "bench-warm-up",
                                  "domain": "environment", "type": "sensor.temperature", "data": {"value": 20}}))
                for n in range(8)]
        _, answers, _ = post_all(settings.web_port, key, warm, args.clients)
        accepted: list[bytes] = [body for (_, body), answer in zip(warm, answers)
                                 if answer["events"][0]["verdict"] == "accepted"]

        rates: dict[str, list[float]] = {"ceiling": [], **{f"api {size}": [] for size in sizes}}
        cpu: dict[str, list[tuple[float, ...]]] = {f"api {size}": [] for size in sizes}
        counts = dict.fromkeys(("accepted", "duplicate", "refused", "retry"), 0)
        reasons: dict[str, int] = {}
        resent = 0
        processes = [workers + [web.pid], [broker.pid], [redis_server.pid], [os.getpid()]]
        for run in range(args.runs):
            rates["ceiling"].append(ceiling(settings, "ceiling", runs[(args.batch, run)]))
            line = [f"run {run + 1}: ceiling {rates['ceiling'][-1]:,.0f}/s"]
            for size in sizes:
                events = runs[(size, run)]
                before = [cpu_seconds(group) for group in processes]
                rate, answers, retried = post_all(settings.web_port, key, batches(events, size), args.clients)
                resent += retried
                spent = [cpu_seconds(group) - b for group, b in zip(processes, before)]
                rates[f"api {size}"].append(rate)
                cpu[f"api {size}"].append(tuple(s / len(events) * 1e6 for s in spent))
                for body, answer in zip(batches(events, size), answers):
                    payloads = [payload for _, payload in events[body[0] * size:(body[0] + 1) * size]]
                    for verdict in answer["events"]:
                        counts[verdict["verdict"]] += 1
                        if "reason" in verdict:
                            reasons[verdict["reason"]] = reasons.get(verdict["reason"], 0) + 1
                        if verdict["verdict"] == "accepted":
                            accepted.append(payloads[verdict["index"]])
                line.append(f"batches of {size}: {rate:,.0f} events/s (CPU µs an event: web "
                            f"{cpu[f'api {size}'][-1][0]:.0f}, broker {cpu[f'api {size}'][-1][1]:.0f}, "
                            f"redis {cpu[f'api {size}'][-1][2]:.0f}, clients {cpu[f'api {size}'][-1][3]:.0f})")
            print("; ".join(line), flush=True)

        ceiling_median = statistics.median(rates["ceiling"])
        print(f"\nevents a run: {args.events:,}, runs: {args.runs}, clients: {args.clients}, "
              f"gunicorn workers: {len(workers)}")
        print(f"ceiling (one producer straight to Kafka), median: {ceiling_median:,.0f} events/s")
        for size in sizes:
            median = statistics.median(rates[f"api {size}"])
            shares = [statistics.median(c[i] for c in cpu[f"api {size}"]) for i in range(4)]
            print(f"POST /api/v1/events, batches of {size:>4}, median: {median:,.0f} events/s "
                  f"(min {min(rates[f'api {size}']):,.0f}; {median / ceiling_median:.2f} of the ceiling); "
                  f"CPU µs an event: web {shares[0]:.0f}, broker {shares[1]:.0f}, redis {shares[2]:.0f}, "
                  f"clients {shares[3]:.0f}")
        print(f"verdicts: {counts}, reasons: {reasons}; batches sent again after a 503: {resent}")

        # The wall's figures: the real aggregator over the events topic, against the reference
        # over exactly the accepted events.
        # Read back whole (the local broker's end offsets can trail its last batch), so the
        # aggregator is waited for up to the last record, and each event is seen in Kafka once.
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000)
        consumer.assign([TopicPartition(settings.events_topic, p) for p in range(local_stack.EVENT_PARTITIONS)])
        consumer.seek_to_beginning()
        ends: dict[int, int] = {}
        in_kafka: set[bytes] = set()
        records = 0
        for record in consumer:
            ends[record.partition] = max(ends.get(record.partition, 0), record.offset + 1)
            in_kafka.add(record.value)
            records += 1
        consumer.close()
        print(f"in Kafka: {records:,} events, {len(in_kafka):,} distinct "
              f"({'=' if records == len(in_kafka) == len(accepted) else '!='} {len(accepted):,} accepted)", flush=True)
        client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        started = time.perf_counter()
        with running_aggregator(settings):
            wait_consumed(client, settings, ends, timeout=600)
        print(f"aggregated in {time.perf_counter() - started:.1f} s", flush=True)
        now_ms = int(time.time() * 1000)
        docs: dict[str, list[dict]] = {}
        for payload in accepted:
            doc = orjson.loads(payload)
            docs.setdefault(doc["school"], []).append(doc)
        rules = load_rules(settings.alert_rules_file)
        exact = records == len(in_kafka) == len(accepted) and in_kafka == set(accepted)
        for school in sorted(docs):
            summary = school_summary(client, school, now_ms=now_ms, tz=settings.tz, group=settings.consumer_group,
                                     stale_after_s=settings.stale_after_seconds)
            same = comparable(summary) == expected_summary(docs[school], now_ms=now_ms, tz=settings.tz, rules=rules)
            exact &= same
            print(f"{school}: {len(docs[school]):,} accepted events; figures {'exact' if same else 'DIFFER'}")
        print("the wall's figures equal the reference: " + ("yes" if exact else "NO"))
        if not exact:
            raise SystemExit(f"logs in {scratch}")
        done = True
    finally:
        if web is not None and web.poll() is None:
            os.killpg(web.pid, signal.SIGTERM)
            try:
                web.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(web.pid, signal.SIGKILL)
        local_services.stop(redis_server)
        local_services.stop(broker)
    if done:
        shutil.rmtree(scratch, ignore_errors=True)  # kept, with the processes' logs, when something failed


if __name__ == "__main__":
    main()
