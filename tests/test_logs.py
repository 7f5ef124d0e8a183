"""The one logging set-up (kernel/logs.py): a line per record with time, level and process, JSON by
a setting, and no secret of a known shape in any line, whichever way it reached the record; and
what gunicorn's access log leaves out (dashboard/access_log.py)."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.access_log import quiet
from kernel import logs
from kernel.settings import Settings, SettingsError

TOKEN = "Zq3-wall_TOKEN-value-9f8e7d"
PASSWORD = "correct horse battery"
COOKIE = "eyJhY2Nlc3MiOnsiaWQiOjF9fQ.Z2x5.abc-DEF_123"
URL_PASSWORD = "Pg-S3cret%20pw"  # in a URL, percent-encoded

# (line as some library or our code could log it, the secret it carries)
SECRET_LINES = [
    (f'127.0.0.1 - - [06/Dec/2026 09:00:00] "GET /?school=s1&token={TOKEN} HTTP/1.1" 302 -', TOKEN),
    (f"GET /wall?token={TOKEN}&lang=en", TOKEN),
    (f"redirect to /duty?lang=en&token={TOKEN}", TOKEN),
    (f"Authorization: Bearer {TOKEN}", TOKEN),
    (f"headers {{'Authorization': 'Bearer {TOKEN}', 'Accept': '*/*'}}", TOKEN),
    (f'{{"authorization": "Bearer {TOKEN}"}}', TOKEN),
    ("Authorization: Basic dXNlcjpzM2NyZXQ=", "dXNlcjpzM2NyZXQ="),
    (f"calling the API with Bearer {TOKEN}", TOKEN),
    (f"Cookie: campus_session={COOKIE}; theme=dark", COOKIE),
    (f"Set-Cookie: campus_session={COOKIE}; Expires=Thu, 05 Jan 2027; HttpOnly; Path=/", COOKIE),
    (f"{{'Cookie': 'campus_session={COOKIE}'}}", COOKIE),
    (f"session cookie campus_session={COOKIE} refused", COOKIE),
    (f"form {{'csrf': 'x', 'username': 'zhang.wei', 'password': '{PASSWORD}'}}", PASSWORD),
    (f'{{"username": "zhang.wei", "password": "{PASSWORD}"}}', PASSWORD),
    ("password=hunter2&username=zhang", "hunter2"),
    ("sasl_plain_password='Kafka-SCRAM-pw' security_protocol='SASL_SSL'", "Kafka-SCRAM-pw"),
    ("postgresql+psycopg://campus:Pg-S3cret@postgres:5432/campus", "Pg-S3cret"),
    ("redis://:Redis-pw-1@redis:6379/0 unreachable", "Redis-pw-1"),
    ("SECRET_KEY=Flask-secret-key-0123456789", "Flask-secret-key-0123456789"),
    ("X-API-Key: src_live_0123456789abcdef", "src_live_0123456789abcdef"),
    ("api_key=src_live_0123456789abcdef", "src_live_0123456789abcdef"),
    (f"METRICS_TOKEN={TOKEN}", TOKEN),
]


@pytest.mark.parametrize("line, secret", SECRET_LINES)
def test_every_known_secret_shape_is_redacted(line, secret):
    cleaned = logs.redact(line)
    assert secret not in cleaned and logs.REDACTED in cleaned
    assert logs.redact(cleaned) == cleaned  # redacting twice changes nothing


@pytest.mark.parametrize("line", [
    "partitions assigned: [0, 1, 2]",
    "access token 7 revoked by admin",
    "token_id=5 role=wall school=s1",
    "GET /api/v1/schools/s1/summary 200",
    "http://127.0.0.1:8050/healthz answered in 3 ms",
    'WWW-Authenticate: Bearer realm="campus"',
])
def test_ordinary_lines_are_left_as_they_are(line):
    assert logs.redact(line) == line


def _emit(settings: Settings, process: str, emit) -> list[str]:
    """Configure logging as `process` would, log through it and return the lines written."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logs.setup(process, settings)
        for handler in root.handlers:
            handler.setStream(stream)
        emit()
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    return stream.getvalue().splitlines()


def _secrets_logged():
    log = logging.getLogger("streams.consumer")
    log.info("a wall opened %s", f"/?token={TOKEN}")  # in the arguments
    log.warning(f"sign-in form {{'password': '{PASSWORD}'}}")  # in the message itself
    try:
        raise ValueError(f"cannot connect to postgresql://campus:{URL_PASSWORD}@db/campus\nsecond line")
    except ValueError:
        log.exception("ledger unreachable with Cookie: campus_session=%s", COOKIE)  # and in a traceback


def test_text_lines_carry_time_level_and_process_one_line_a_record_secrets_redacted():
    lines = _emit(Settings.from_env(environ={}), "aggregator", _secrets_logged)
    assert len(lines) == 3
    pattern = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARNING|ERROR) "
                         r"aggregator\[\d+\] streams\.consumer: ")
    assert all(pattern.match(line) for line in lines), lines
    assert "Traceback" in lines[2] and "\\nsecond line" in lines[2]  # the traceback stays in its line
    for secret in (TOKEN, PASSWORD, COOKIE, URL_PASSWORD):
        assert not any(secret in line for line in lines)


def test_json_lines_by_the_setting():
    lines = _emit(Settings.from_env(environ={"LOG_FORMAT": "json"}), "recorder", _secrets_logged)
    records = [json.loads(line) for line in lines]
    assert [r["level"] for r in records] == ["INFO", "WARNING", "ERROR"]
    assert all(r["process"] == "recorder" and isinstance(r["pid"], int) and r["logger"] == "streams.consumer"
               and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]) for r in records)
    assert records[0]["message"] == f"a wall opened /?token={logs.REDACTED}"
    assert "ValueError" in records[2]["exception"]
    for secret in (TOKEN, PASSWORD, COOKIE, URL_PASSWORD):
        assert secret not in "\n".join(lines)


def test_the_level_comes_from_the_setting_and_kafka_says_only_warnings_at_info():
    def emit():
        logging.getLogger("streams.consumer").debug("not shown")
        logging.getLogger("kafka.conn").info("connecting to broker")  # one a connection: left out
        logging.getLogger("kafka.conn").warning("broker unreachable")

    lines = _emit(Settings.from_env(environ={}), "x", emit)
    assert [line.split(": ", 1)[1] for line in lines] == ["broker unreachable"]
    debug = _emit(Settings.from_env(environ={"LOG_LEVEL": "debug"}), "x", emit)
    assert len(debug) == 3


@pytest.mark.parametrize("environ", [{"LOG_FORMAT": "xml"}, {"LOG_LEVEL": "loud"}])
def test_a_bad_log_setting_is_refused(environ):
    with pytest.raises(SettingsError):
        Settings.from_env(environ=environ)


def test_gunicorns_loggers_pass_to_the_same_handler():
    config = logs.config("web", Settings.from_env(environ={"LOG_FORMAT": "json"}))
    for name in ("gunicorn.error", "gunicorn.access"):
        assert config["loggers"][name]["handlers"] == [] and config["loggers"][name]["propagate"]
    assert config["root"]["handlers"] == ["stderr"]


@pytest.mark.parametrize("method, path, status, left_out", [
    ("POST", "/_dash-update-component", 200, True),  # a wall's refresh, every 500 ms
    ("POST", "/_dash-update-component", 204, True),
    ("POST", "/_dash-update-component", 403, False),  # a refusal is always written
    ("POST", "/_dash-update-component", 500, False),
    ("GET", "/assets/wall.css", 200, True),
    ("GET", "/assets/wall.css", 304, True),
    ("GET", "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js", 200, True),
    ("GET", "/healthz", 200, True),
    ("GET", "/metrics", 200, True),
    ("GET", "/metrics", 401, False),
    ("GET", "/", 200, False),  # a page load: once per screen
    ("GET", "/_dash-layout", 200, False),
    ("POST", "/login", 303, False),
    ("GET", "/api/v1/schools", 200, False),
    ("POST", "/assets/wall.css", 200, False),
])
def test_the_access_log_leaves_out_successful_refreshes_files_and_probes(method, path, status, left_out):
    assert quiet(method, path, status) is left_out


@pytest.mark.services  # runs processes of its own: not in `make check`
def test_the_ledger_command_logs_json_lines_as_the_ledger_process(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'campus.db'}", LOG_FORMAT="json")
    done = subprocess.run([sys.executable, "-m", "ledger", "init-db"], cwd=Path(__file__).resolve().parent.parent,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("schema: empty -> ")  # what the command answers stays on stdout
    records = [json.loads(line) for line in done.stderr.splitlines()]  # Alembic's lines, one record each
    assert records and {r["process"] for r in records} == {"ledger"}
    assert any(r["logger"].startswith("alembic") and "Running upgrade" in r["message"] for r in records)
    bad = subprocess.run([sys.executable, "-m", "ledger", "token", "list"], env={**env, "LOG_FORMAT": "xml"},
                         cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "LOG_FORMAT must be text or json" in bad.stderr
