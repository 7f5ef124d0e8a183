"""A district at scale: 500 schools on two consumer processes (issue 18).

    python bench/district_scale.py [--schools 500] [--rate 5000] [--minutes 10] [--consumers 2]
                                   [--scaling-events 1000000] [--runs 2] [--skip-scaling] [--skip-sustained]

Starts its own Tansu broker and redis-server on free ports (or uses KAFKA_BOOTSTRAP_SERVERS and
REDIS_URL), a throw-away SQLite ledger, and the consumers as production runs them:
`python -m streams.consumer` processes of one group, with the environment `make run` gives them.
The schools are copies of the demo's three under new ids, so the simulator's realistic mix (its
0.2 % repeated deliveries and late events included) covers --schools schools.

1. The group scales. A topic of the product's 6 partitions is filled with --scaling-events events
   of the 09:00 mix; then, alternately, one consumer process and --consumers processes of a new
   group read it whole into a flushed Redis. Rate = events between the moment every partition has
   a checkpoint and the moment all are at the end, over that time (the group join and the start of
   the processes are left out; a rebalance after it counts). The ceiling, in the same run: as many
   bare kafka-python consumers (same fetch settings, doing nothing with the records) in a group.
   CPU of the consumers, the broker and Redis an event shows what the two cores allow.
2. The district sustained. --rate events/s produced in real time (a producer process) for
   --minutes, into a fresh topic read by --consumers processes. Every second one probe
   (`visitor.check_in` of a new visitor) goes to each partition, and the time from its send to the
   visitor being in Redis is the lag; the consumers' own lag figures (events behind) are sampled
   too. Afterwards every school's summary is compared with the independent reference
   (tests/streams/reference.py) over exactly the events produced; Redis memory per school (what
   each key family holds) and the summary read time of every school are reported.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import itertools
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import psutil  # noqa: E402
import redis  # noqa: E402
from consumer_throughput import broker_and_redis, stream_start  # noqa: E402
from kafka import KafkaConsumer, TopicPartition  # noqa: E402
from kafka.partitioner.default import murmur2  # noqa: E402
from redis_memory import family  # noqa: E402

from demo.campus_stream import simulate  # noqa: E402
from demo.sites import SCHOOLS  # noqa: E402
from devstack import local_services, local_stack  # noqa: E402
from kernel import connections, keys, proof  # noqa: E402
from kernel.clock import local_day  # noqa: E402
from kernel.settings import Settings  # noqa: E402
from queries.summary import school_summary  # noqa: E402
from streams.alert_rules import load_rules  # noqa: E402
from tests.streams.reference import comparable, expected_summary  # noqa: E402

PARTITIONS = local_stack.EVENT_PARTITIONS
SEED = 18
PROBE = "bench-probe"


def district(count: int) -> list:
    """`count` schools: the demo's three, again and again, under ids bench-000 .. ."""
    return [dataclasses.replace(SCHOOLS[n % len(SCHOOLS)], id=f"bench-{n:03d}") for n in range(count)]


def probe_schools() -> list[str]:
    """One probe school per partition (kafka-python's default partitioner: murmur2 of the key)."""
    found: dict[int, str] = {}
    for n in itertools.count():
        school = f"{PROBE}-{n}"
        found.setdefault((murmur2(school.encode()) & 0x7FFFFFFF) % PARTITIONS, school)
        if len(found) == PARTITIONS:
            return [found[p] for p in range(PARTITIONS)]


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def services() -> dict[str, list[psutil.Process]]:
    """The broker and redis-server this script started (none when they were given)."""
    found: dict[str, list[psutil.Process]] = {"broker": [], "redis": []}
    for child in psutil.Process().children():
        name = " ".join(child.cmdline())
        if "redis-server" in name:
            found["redis"].append(child)
        elif "broker" in name:
            found["broker"].append(child)
    return found


# ---- the processes ---------------------------------------------------------------------------

def start(settings: Settings, command: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=local_stack.child_environment(settings, os.environ),
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def consumers(settings: Settings, count: int, scratch: Path, bare: bool = False) -> list[subprocess.Popen]:
    command = ([sys.executable, __file__, "--bare-consumer"] if bare
               else [sys.executable, "-m", "streams.consumer"])
    return [start(settings, command, scratch / f"{'bare' if bare else 'consumer'}-{n}.log") for n in range(count)]


def bare_consumer() -> None:
    """A group member doing nothing with its records: writes how far it got to Redis after each poll."""
    settings = Settings.from_env()
    client = redis.Redis.from_url(settings.redis_url)
    consumer = connections.kafka_consumer(settings, max_poll_records=settings.poll_max_records,
                                          fetch_max_wait_ms=settings.fetch_max_wait_ms)
    consumer.subscribe([settings.events_topic])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    progress = keys.checkpoints(settings.consumer_group, settings.events_topic)
    while not stop.is_set():
        batch = consumer.poll(timeout_ms=100)
        if batch:
            client.hset(progress, mapping={str(tp.partition): records[-1].offset + 1
                                           for tp, records in batch.items()})
    consumer.close(autocommit=False)


def producer(settings: Settings, schools: int, rate: float, seconds: float, start_ms: int) -> None:
    """Sends the district's stream in real time: event n at start + n / rate. Prints how many it
    sent and a digest of them, so the caller can make the same events again for the reference."""
    signing = proof.keys_from(settings.event_signing_key)
    kafka = connections.kafka_producer(settings, linger_ms=5)
    stream = simulate(district(schools), seed=SEED, start_ms=start_ms, rate=rate)
    digest, sent, began = hashlib.sha256(), 0, time.monotonic()
    total = int(rate * seconds)
    late = 0.0
    while sent < total:
        due = min(total, int((time.monotonic() - began) * rate) + 1)
        for school, payload in itertools.islice(stream, due - sent):
            kafka.send(settings.events_topic, key=school.encode(), value=payload,
                       headers=proof.sign_if_needed(payload, signing))
            digest.update(payload)
        late = max(late, time.monotonic() - began - sent / rate)
        sent = due
        time.sleep(0.005)
    kafka.flush()
    kafka.close()
    print(json.dumps({"sent": sent, "sha256": digest.hexdigest(), "seconds": time.monotonic() - began,
                      "most_behind_s": late}), flush=True)


# ---- 1. the group scales ---------------------------------------------------------------------

def fill(settings: Settings, schools: int, count: int) -> dict[int, int]:
    local_services.create_topic(settings, settings.events_topic, PARTITIONS)
    signing = proof.keys_from(settings.event_signing_key)
    kafka = connections.kafka_producer(settings, linger_ms=20, batch_size=256 * 1024)
    stream = simulate(district(schools), seed=SEED, start_ms=stream_start(count, 9), rate=5000.0)
    for school, payload in itertools.islice(stream, count):
        kafka.send(settings.events_topic, key=school.encode(), value=payload,
                   headers=proof.sign_if_needed(payload, signing))
    kafka.flush()
    kafka.close()
    ends = ends_of(settings)
    if sum(ends.values()) != count:
        raise SystemExit(f"{count:,} events sent, {sum(ends.values()):,} in the topic")
    return ends


def ends_of(settings: Settings) -> dict[int, int]:
    """Each partition's end, read whole: the local broker's ListOffsets can trail its last batch."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False,
                             consumer_timeout_ms=3000, max_poll_records=5000)
    consumer.assign([TopicPartition(settings.events_topic, p) for p in range(PARTITIONS)])
    consumer.seek_to_beginning()
    ends = dict.fromkeys(range(PARTITIONS), 0)
    for record in consumer:
        ends[record.partition] = record.offset + 1
    consumer.close()
    return ends


def drain(settings: Settings, client: redis.Redis, ends: dict[int, int], count: int, bare: bool,
          scratch: Path, run: int) -> dict:
    client.flushall()
    group = f"scale-{'bare' if bare else 'agg'}-{count}-{run}-{time.time_ns()}"
    settings = dataclasses.replace(settings, consumer_group=group)
    progress = keys.checkpoints(group, settings.events_topic)
    total = sum(ends.values())
    watched = services()
    processes = consumers(settings, count, scratch, bare)
    members = [psutil.Process(p.pid) for p in processes]
    began = None
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            stored = {int(p): int(o) for p, o in client.hgetall(progress).items()}
            now = time.perf_counter()
            if began is None and len(stored) == len(ends) and sum(stored.values()) < total:
                began = (now, sum(stored.values()), cpu_seconds(members),
                         {name: cpu_seconds(group_) for name, group_ in watched.items()})
            if all(stored.get(p, -1) >= end for p, end in ends.items()):
                break
            if any(p.poll() is not None for p in processes):
                raise SystemExit(f"a consumer exited; see {scratch}")
            time.sleep(0.02)
        else:
            raise SystemExit(f"not read in 600 s; see {scratch}")
        if began is None:
            raise SystemExit("read before every partition had a checkpoint: raise --scaling-events")
        events = total - began[1]
        seconds = now - began[0]
        cpu = {"consumers": (cpu_seconds(members) - began[2]) / events * 1e6,
               **{name: (cpu_seconds(group_) - began[3][name]) / events * 1e6 for name, group_ in watched.items()}}
        return {"rate": events / seconds, "events": events, "seconds": seconds, "cpu_us": cpu,
                "cores": sum(cpu.values()) * events / 1e6 / seconds}
    finally:
        stop_all(processes)


def scaling(settings: Settings, client: redis.Redis, args, scratch: Path) -> dict:
    started = time.perf_counter()
    ends = fill(settings, args.schools, args.scaling_events)
    print(f"scaling: {sum(ends.values()):,} events of {args.schools} schools (09:00 mix) in {PARTITIONS} "
          f"partitions, filled in {time.perf_counter() - started:.0f} s", flush=True)
    results: dict[str, list[dict]] = {}
    for run in range(args.runs):
        for bare, count in ((True, 1), (True, args.consumers), (False, 1), (False, args.consumers)):
            name = f"{'bare' if bare else 'consumer'} x{count}"
            result = drain(settings, client, ends, count, bare, scratch, run)
            results.setdefault(name, []).append(result)
            print(f"  run {run + 1}, {name}: {result['rate']:,.0f} events/s over {result['seconds']:.1f} s; "
                  f"CPU µs an event " + ", ".join(f"{k} {v:.1f}" for k, v in result["cpu_us"].items())
                  + f"; {result['cores']:.2f} cores busy", flush=True)
    median = {name: statistics.median(r["rate"] for r in runs) for name, runs in results.items()}
    ratio = median[f"consumer x{args.consumers}"] / median["consumer x1"]
    ceiling = median[f"bare x{args.consumers}"] / median["bare x1"]
    print(f"scaling, medians: one consumer {median['consumer x1']:,.0f} events/s, {args.consumers} consumers "
          f"{median[f'consumer x{args.consumers}']:,.0f} -> {ratio:.2f}x (target >= 1.7); the ceiling, bare "
          f"kafka-python consumers: {median['bare x1']:,.0f} -> {median[f'bare x{args.consumers}']:,.0f} = "
          f"{ceiling:.2f}x", flush=True)
    return {"runs": results, "median": median, "ratio": ratio, "ceiling_ratio": ceiling}


# ---- 2. the district sustained ---------------------------------------------------------------

class Probes(threading.Thread):
    """Every second one new visitor checks in at each partition's probe school; the lag is the time
    from the send to the visitor being in Redis."""

    def __init__(self, settings: Settings, client: redis.Redis):
        super().__init__(daemon=True)
        self.settings, self.client = settings, client
        self.kafka = connections.kafka_producer(settings, linger_ms=0)
        self.schools = probe_schools()
        self.sent: list[bytes] = []
        self.lags: list[tuple[float, float]] = []  # (time.monotonic() of the send, lag s)
        self.lost = 0
        self.stop = threading.Event()

    def run(self) -> None:
        began, n = time.monotonic(), 0
        while not self.stop.wait(max(0.0, began + n - time.monotonic())):
            waiting = []
            for school in self.schools:
                visitor = f"probe-visitor-{n}"
                ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "+00:00"
                payload = orjson.dumps({"id": f"probe-{school}-{n}", "ts": ts, "school": school,
                                        "domain": "personal_safety", "type": "visitor.check_in",
                                        "data": {"visitor": visitor, "gate": "probe-gate"}})
                self.kafka.send(self.settings.events_topic, key=school.encode(), value=payload)
                self.sent.append(payload)
                waiting.append((keys.visitors(school, local_day(int(time.time() * 1000), self.settings.tz)),
                                visitor, time.monotonic()))
            self.kafka.flush()
            deadline = time.monotonic() + 30
            while waiting and time.monotonic() < deadline:
                pipe = self.client.pipeline(transaction=False)
                for key, visitor, _ in waiting:
                    pipe.hexists(key, visitor)
                found = pipe.execute()
                now = time.monotonic()
                for hit, (_, _, sent) in zip(found, waiting):
                    if hit:
                        self.lags.append((sent, now - sent))
                waiting = [w for w, hit in zip(waiting, found) if not hit]
                if waiting:
                    time.sleep(0.005)
            self.lost += len(waiting)
            n += 1
        self.kafka.close()


def consumers_lag(client: redis.Redis, settings: Settings) -> int:
    """Events behind, summed over the partitions, as the consumers last reported (once a second)."""
    return sum(int(value.split(b"|")[0]) for value in
               client.hgetall(keys.stream_lag(settings.consumer_group, settings.events_topic)).values())


def sustained(settings: Settings, client: redis.Redis, args, scratch: Path) -> dict:
    run = f"district-{time.time_ns()}"
    settings = dataclasses.replace(settings, events_topic=run, consumer_group=run)
    client.flushall()
    local_services.create_topic(settings, settings.events_topic, PARTITIONS)
    baseline = client.info("memory")["used_memory"]
    watched = services()
    processes = consumers(settings, args.consumers, scratch)
    members = [psutil.Process(p.pid) for p in processes]
    probes = Probes(settings, client)
    probes.start()
    deadline = time.monotonic() + 60
    while not probes.lags and time.monotonic() < deadline:  # the group has joined: a probe got through
        time.sleep(0.1)
    if not probes.lags:
        raise SystemExit(f"no probe reached Redis in 60 s; see {scratch}")
    start_ms = int(time.time() * 1000)
    seconds = args.minutes * 60
    cpu_before = (cpu_seconds(members), {name: cpu_seconds(group) for name, group in watched.items()})
    began, producing_from = time.perf_counter(), time.monotonic()
    with open(scratch / "producer.log", "wb") as log:
        production = subprocess.Popen(
            [sys.executable, __file__, "--produce", "--schools", str(args.schools), "--rate", str(args.rate),
             "--seconds", str(seconds), "--start-ms", str(start_ms)],
            cwd=ROOT, env=local_stack.child_environment(settings, os.environ), stdout=subprocess.PIPE,
            stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    producing = psutil.Process(production.pid)
    behind: list[tuple[float, int]] = []
    produced_cpu, next_report = 0.0, 60.0
    try:
        while production.poll() is None:
            time.sleep(1)
            behind.append((time.perf_counter() - began, consumers_lag(client, settings)))
            produced_cpu = cpu_seconds([producing]) or produced_cpu
            if behind[-1][0] >= next_report:
                next_report += 60
                recent = [lag for sent, lag in probes.lags if sent > time.monotonic() - 60]
                print(f"  minute {behind[-1][0] / 60:.0f}: probe lag p95 "
                      f"{percentile(recent, 95) * 1000 if recent else float('nan'):.0f} ms, "
                      f"consumers {behind[-1][1]:,} events behind", flush=True)
        answer = json.loads(production.stdout.read().decode().strip().splitlines()[-1])
        produced_at = time.perf_counter() - began
        probes.stop.set()
        probes.join(40)
        total = answer["sent"] + len(probes.sent)
        waited = time.perf_counter()
        progress = keys.checkpoints(settings.consumer_group, settings.events_topic)
        # Offsets are dense from 0 here (no transactions), so the checkpoints' sum is the records read.
        while sum(int(o) for o in client.hgetall(progress).values()) < total:
            if time.perf_counter() - waited > 120:
                raise SystemExit(f"the consumers did not reach the end in 120 s; see {scratch}")
            time.sleep(0.05)
        caught_up = time.perf_counter() - waited
        cpu = {"consumers": cpu_seconds(members) - cpu_before[0],
               **{name: cpu_seconds(group) - cpu_before[1][name] for name, group in watched.items()},
               "producer": produced_cpu}
    finally:
        stop_all(processes + [production])
    lags = [lag for sent, lag in probes.lags if sent >= producing_from]  # the group's join left out
    print(f"sustained: {answer['sent']:,} events of {args.schools} schools in {answer['seconds']:.0f} s "
          f"({answer['sent'] / answer['seconds']:,.0f}/s; the producer at most {answer['most_behind_s']:.2f} s "
          f"behind its schedule) + {len(probes.sent):,} probes; {total:,} in the topic", flush=True)
    print(f"lag, produced -> in Redis ({len(lags):,} probes, one a second on each of {PARTITIONS} partitions): "
          f"p50 {percentile(lags, 50) * 1000:.0f} ms, p95 {percentile(lags, 95) * 1000:.0f} ms, "
          f"p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms (target < 2 s); "
          f"lost {probes.lost}; consumers' own figure: at most {max(b for _, b in behind):,} events behind "
          f"(median {statistics.median(b for _, b in behind):,.0f}); caught up {caught_up:.1f} s after the "
          f"producer's last send", flush=True)
    print("CPU over the run, cores: " + ", ".join(f"{name} {spent / produced_at:.2f}" for name, spent in cpu.items()),
          flush=True)
    return {"produced": answer, "start_ms": start_ms, "probes": probes.sent, "lags": lags,
            "lost": probes.lost, "behind": behind, "cpu_cores": {k: v / produced_at for k, v in cpu.items()},
            "baseline_memory": baseline, "settings": settings}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def exact(client: redis.Redis, settings: Settings, args, result: dict) -> dict:
    """Every school's summary against the reference over exactly the events produced."""
    stream = simulate(district(args.schools), seed=SEED, start_ms=result["start_ms"], rate=args.rate)
    digest, docs = hashlib.sha256(), {}
    for _, payload in itertools.islice(stream, result["produced"]["sent"]):
        digest.update(payload)
        doc = orjson.loads(payload)
        docs.setdefault(doc["school"], []).append(doc)
    if digest.hexdigest() != result["produced"]["sha256"]:
        raise SystemExit("the events made again differ from those produced: the simulator is not deterministic")
    for payload in result["probes"]:
        doc = orjson.loads(payload)
        docs.setdefault(doc["school"], []).append(doc)
    rules = load_rules(settings.alert_rules_file)
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    now_ms = int(time.time() * 1000)
    differ, reads = [], []
    for school in sorted(docs):
        started = time.perf_counter()
        summary = school_summary(client, school, now_ms=now_ms, tz=settings.tz, group=settings.consumer_group,
                                 stale_after_s=settings.stale_after_seconds)
        reads.append(time.perf_counter() - started)
        if comparable(summary) != expected_summary(docs[school], now_ms=now_ms, tz=settings.tz, rules=rules):
            differ.append(school)
    print(f"figures: {len(docs) - len(differ)} of {len(docs)} schools exact against the reference"
          + (f"; DIFFER: {', '.join(differ[:10])}" if differ else ""), flush=True)
    print(f"summary read per school (queries.summary.school_summary, in this process): median "
          f"{statistics.median(reads) * 1000:.1f} ms, p95 {percentile(reads, 95) * 1000:.1f} ms, "
          f"max {max(reads) * 1000:.1f} ms", flush=True)
    return {"schools": len(docs), "differ": differ, "read_ms": [r * 1000 for r in reads],
            "events": {school: len(d) for school, d in docs.items()}}


def memory(client: redis.Redis, args, result: dict, figures: dict) -> dict:
    used = client.info("memory")["used_memory"] - result["baseline_memory"]
    families: Counter = Counter()
    scanned = client.scan_iter(count=5000)
    while batch := list(itertools.islice(scanned, 1000)):
        pipe = client.pipeline(transaction=False)
        for key in batch:
            pipe.memory_usage(key, samples=0)
        for key, size in zip(batch, pipe.execute()):
            families[family(key.decode())] += size or 0
    events = sum(figures["events"].values())
    per_school = used / figures["schools"]
    day = per_school * 1440 / args.minutes
    print(f"Redis: {used / 1e6:.1f} MB used for {events:,} events of {figures['schools']} schools = "
          f"{used / events:.1f} B/event, {per_school / 1e3:.0f} kB a school for {args.minutes:g} minutes at "
          f"{events / figures['schools'] / (args.minutes * 60):.1f} events/s a school; a day at that rate, "
          f"counted as if it grew in step (an upper bound: registers hold each person once a day): "
          f"{day / 1e6:.1f} MB a school", flush=True)
    total = sum(families.values())
    print("  by family (MEMORY USAGE): " + ", ".join(f"{name} {size / total:.0%}" for name, size in
                                                     families.most_common()), flush=True)
    return {"used": used, "per_event": used / events, "per_school": per_school, "per_school_day_bound": day,
            "families": dict(families)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--rate", type=float, default=5000.0, help="events/s produced in the sustained part")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--scaling-events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2, help="runs of each of the four reads in the scaling part")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-sustained", action="store_true")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--bare-consumer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--produce", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--start-ms", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_consumer:
        return bare_consumer()
    if args.produce:
        return producer(Settings.from_env(), args.schools, args.rate, args.seconds, args.start_ms)

    print(f"machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python "
          f"{platform.python_version()}; load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
          flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-district-"))
    figures: dict = {}
    with broker_and_redis(scratch) as (bootstrap, redis_url):
        settings = Settings.from_env(
            kafka_bootstrap_servers=bootstrap, redis_url=redis_url, database_url=f"sqlite:///{scratch / 'ledger.db'}",
            events_topic=f"scale-{time.time_ns()}", event_signing_key=os.urandom(24).hex(), simulator=False)
        made = subprocess.run([sys.executable, "-m", "ledger", "init-db"], cwd=ROOT, capture_output=True,
                              env=local_stack.child_environment(settings, os.environ))
        if made.returncode:
            raise SystemExit(made.stderr.decode()[-2000:])
        client = redis.Redis.from_url(redis_url)
        print(f"{args.schools} schools; {PARTITIONS} partitions; fetch wait {settings.fetch_max_wait_ms} ms; "
              f"logs in {scratch}", flush=True)
        if not args.skip_scaling:
            figures["scaling"] = scaling(settings, client, args, scratch)
        if not args.skip_sustained:
            result = sustained(settings, client, args, scratch)
            checked = exact(client, result["settings"], args, result)
            figures["sustained"] = {k: v for k, v in result.items() if k not in ("probes", "settings")}
            figures["exact"] = checked
            figures["memory"] = memory(client, args, result, checked)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1, default=str))
    if figures.get("exact", {}).get("differ"):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
