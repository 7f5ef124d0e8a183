"""The parts of the compose stack's Kafka security that run without a Docker engine: the certificate
job (deploy/kafka/certs.sh, run here with Debian's openssl as in its image) and the agreement between
the users the services log in as, the users and ACLs the kafka-users job makes, and .env.example.
The broker configuration itself is checked by reading (docs/operations.md)."""
from __future__ import annotations

import os
import re
import ssl
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CERTS = ROOT / "deploy" / "kafka" / "certs.sh"
HOST = "kafka.school.example"

pytestmark = pytest.mark.services  # deploy/kafka/certs.sh runs openssl: not in `make check`


def run_certs(folder: Path, host: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CERTS_DIR=str(folder), KAFKA_EXTERNAL_HOST=host, KAFKA_UID=str(os.getuid()),
               KAFKA_KEY_BITS="2048")
    return subprocess.run(["sh", str(CERTS)], env=env, capture_output=True, text=True, timeout=120, check=True)


def handshake(broker_pem: Path, ca_pem: Path, server_name: str) -> None:
    """A TLS handshake in memory: the broker serving broker.pem (key and chain in one file, as
    Kafka's PEM key store reads it), a client trusting ca.pem and checking `server_name`."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(str(broker_pem))
    client = ssl.create_default_context(cafile=str(ca_pem))
    to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    server_side = server.wrap_bio(to_server, to_client, server_side=True)
    client_side = client.wrap_bio(to_client, to_server, server_hostname=server_name)
    for _ in range(10):
        done = 0
        for side in (client_side, server_side):
            try:
                side.do_handshake()
                done += 1
            except ssl.SSLWantReadError:
                pass
        if done == 2:
            return
    raise AssertionError("the handshake did not finish")


def test_the_trial_certificate_serves_tls_for_the_external_host_only(tmp_path):
    folder = tmp_path / "certs"
    made = run_certs(folder, HOST)
    assert "made a trial CA" in made.stdout and f"made the broker certificate for {HOST}" in made.stdout
    broker, ca = folder / "broker.pem", folder / "ca.pem"
    assert broker.read_text().startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8, as Kafka's PEM store wants
    handshake(broker, ca, HOST)
    handshake(broker, ca, "kafka")  # the name inside the stack, should the internal listener use TLS
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        handshake(broker, ca, "kafka.other-school.example")
    assert stat.S_IMODE(broker.stat().st_mode) == 0o400 and broker.stat().st_uid == os.getuid()
    assert stat.S_IMODE((folder / "ca.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(ca.stat().st_mode) == 0o644 and stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_the_certificate_is_kept_and_made_again_when_the_host_changes(tmp_path):
    folder = tmp_path / "certs"
    run_certs(folder, HOST)
    first, ca = (folder / "broker.pem").read_bytes(), (folder / "ca.pem").read_bytes()
    again = run_certs(folder, HOST)
    assert "made" not in again.stdout and (folder / "broker.pem").read_bytes() == first
    moved = run_certs(folder, "10.20.30.40")
    assert "made the broker certificate for 10.20.30.40" in moved.stdout
    assert (folder / "ca.pem").read_bytes() == ca  # the campus systems keep trusting the same CA
    handshake(folder / "broker.pem", folder / "ca.pem", "10.20.30.40")


def test_a_certificate_the_school_provides_is_used_as_it_is(tmp_path):
    theirs = tmp_path / "theirs"
    run_certs(theirs, "kafka.school.example")
    (theirs / "ca.key").unlink()  # what a school hands over: its certificate, never its CA's key
    before = (theirs / "broker.pem").read_bytes()
    used = subprocess.run(["sh", str(CERTS)], capture_output=True, text=True, timeout=60, check=True,
                          env=dict(os.environ, CERTS_DIR=str(theirs), KAFKA_EXTERNAL_HOST="kafka.elsewhere.example",
                                   KAFKA_UID=str(os.getuid()), KAFKA_KEY_BITS="2048"))
    assert "using the provided broker certificate" in used.stdout
    assert "does not name kafka.elsewhere.example" in used.stderr
    assert (theirs / "broker.pem").read_bytes() == before


def test_every_kafka_login_of_the_stack_is_a_user_with_acls_and_every_secret_is_in_env_example():
    compose = (ROOT / "docker-compose.yml").read_text()
    users = (ROOT / "deploy" / "kafka" / "users.sh").read_text()
    logins = set(re.findall(r"KAFKA_SASL_USERNAME: (\w+)", compose))
    assert logins == {"web", "aggregator", "recorder", "campus"}
    made = set(re.findall(r"^user (\w+) ", users, flags=re.M))
    allowed = set(re.findall(r"^allow (\w+) ", users, flags=re.M))
    assert logins <= made and logins <= allowed
    # Least privilege: nobody but the aggregator and the recorder reads; the campus systems and the
    # web app only write the events topic.
    assert set(re.findall(r"^allow (\w+) Read", users, flags=re.M)) == {"aggregator", "recorder"}
    assert re.findall(r"^allow (?:campus|web) (\w+) (.+)$", users, flags=re.M) == [
        ("Write", '--topic "$EVENTS"'), ("Write", '--topic "$EVENTS"')]
    example = (ROOT / ".env.example").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", compose))
    assert required and all(f"\n{name}=" in example for name in required), required


def test_the_stacks_redis_keeps_the_dedupe_sets_compact():
    from streams.dedupe import INTSET_ENTRIES

    redis_command = next(line for line in (ROOT / "docker-compose.yml").read_text().splitlines()
                         if "redis-server" in line and "command" in line)
    assert f"--set-max-intset-entries {INTSET_ENTRIES}" in redis_command

