"""`make run`: the whole product on one machine, on embedded defaults.

Starts Redis and the Tansu Kafka-protocol broker (unless REDIS_URL / KAFKA_BOOTSTRAP_SERVERS point
at real ones), creates the topics, then runs the aggregator, the simulator (unless SIMULATOR=off)
and the web app under gunicorn, restarting any child that dies. Ctrl-C or SIGTERM stops all of it.
Each child's output goes to var/log/<name>.log.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from queries.settings import ENV, PROJECT_ROOT, Settings
from streams import local_services

log = logging.getLogger("local_stack")
VAR = PROJECT_ROOT / "var"
EVENT_PARTITIONS = 6


@dataclass(frozen=True)
class Child:
    name: str
    command: tuple[str, ...]


def children(settings: Settings, python: str = sys.executable) -> list[Child]:
    """The product's processes, with the same entry points as production (Dockerfile)."""
    found = [Child("consumer", (python, "-m", "streams.consumer"))]
    if settings.simulator:
        found.append(Child("simulator", (python, "-m", "streams.simulator")))
    found.append(Child("web", (
        python, "-m", "gunicorn", "--workers", str(settings.web_workers),
        "--bind", f"{settings.web_host}:{settings.web_port}", "--access-logfile", "-",
        "dashboard.app:create_server()",
    )))
    return found


def child_environment(settings: Settings, base: dict[str, str]) -> dict[str, str]:
    """The environment children see: every setting resolved here, so all agree on it."""
    env = dict(base)
    for name, variable in ENV.items():
        value = getattr(settings, name)
        env[variable] = ("on" if value else "off") if isinstance(value, bool) else str(value)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class Stack:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.services: list[subprocess.Popen] = []
        self.running: dict[str, subprocess.Popen] = {}
        self.stop = threading.Event()

    def start_services(self) -> Settings:
        """Embedded Redis and broker where no external one is configured; returns the settings
        the children must use (a busy default port moves to a free one)."""
        changes: dict[str, object] = {}
        (VAR / "log").mkdir(parents=True, exist_ok=True)
        if not os.environ.get(ENV["redis_url"]):
            port = 6379 if _port_free(6379) else local_services.free_port()
            with open(VAR / "log" / "redis.log", "ab") as out:
                self.services.append(local_services.start_redis(port, VAR / "redis", log_file=out))
            changes["redis_url"] = f"redis://127.0.0.1:{port}/0"
            log.info("Redis (embedded) on 127.0.0.1:%d", port)
        if not os.environ.get(ENV["kafka_bootstrap_servers"]):
            port = 9092 if _port_free(9092) else local_services.free_port()
            with open(VAR / "log" / "broker.log", "ab") as out:
                self.services.append(local_services.start_broker(port, log_file=out))
            changes["kafka_bootstrap_servers"] = f"127.0.0.1:{port}"
            log.info("Kafka-protocol broker (embedded Tansu) on 127.0.0.1:%d", port)
        settings = Settings.from_env(**changes)
        local_services.create_topic(settings.kafka_bootstrap_servers, settings.events_topic, EVENT_PARTITIONS)
        local_services.create_topic(settings.kafka_bootstrap_servers, settings.dead_letter_topic, 1)
        return settings

    def spawn(self, child: Child, env: dict[str, str]) -> None:
        out = open(VAR / "log" / f"{child.name}.log", "ab")
        # Its own process group, so stopping it also stops gunicorn's workers.
        self.running[child.name] = subprocess.Popen(
            child.command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        log.info("started %s (pid %d), log var/log/%s.log", child.name, self.running[child.name].pid, child.name)

    def wait_for_web(self, settings: Settings, timeout: float = 60) -> bool:
        url = f"http://{settings.web_host}:{settings.web_port}/healthz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stop.is_set():
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return True
            except OSError:
                time.sleep(0.3)
        return False

    def run(self) -> int:
        settings = self.start_services()
        env = child_environment(settings, dict(os.environ))
        plan = children(settings)
        for child in plan:
            self.spawn(child, env)
        if self.wait_for_web(settings):
            print(f"\n  校园安全指挥中心 / campus command centre: http://{settings.web_host}:{settings.web_port}\n"
                  "  Ctrl-C stops everything.\n", flush=True)
        backoff = {child.name: 1.0 for child in plan}
        while not self.stop.wait(1.0):
            for child in plan:
                code = self.running[child.name].poll()
                if code is not None:
                    log.warning("%s exited with code %s; restarting in %.0f s", child.name, code, backoff[child.name])
                    if self.stop.wait(backoff[child.name]):
                        break
                    backoff[child.name] = min(backoff[child.name] * 2, 30.0)
                    self.spawn(child, env)
        return 0

    def shutdown(self) -> None:
        for name, process in self.running.items():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in self.running.items():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.info("stopped %s", name)
        for service in reversed(self.services):
            local_services.stop(service)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stack = Stack(Settings.from_env())
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stack.stop.set())
    try:
        return stack.run()
    finally:
        stack.shutdown()


if __name__ == "__main__":
    sys.exit(main())
