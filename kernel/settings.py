"""Settings for every process of the command centre, resolved once from the environment.

Explicit argument > environment variable > default. Every environment variable the product reads
is named here and nowhere else, so operators have one place to look (docs/operations in README).
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ALERT_RULES = PROJECT_ROOT / "streams" / "alert_rules.toml"
DEFAULT_RISK_GRADING = PROJECT_ROOT / "ledger" / "risk_grading.toml"
DEFAULT_ASSESSMENT_RULES = PROJECT_ROOT / "ledger" / "assessment_rules.toml"
DEFAULT_ALERT_DEADLINES = PROJECT_ROOT / "ledger" / "alert_deadlines.toml"
DEFAULT_SHIFTS = PROJECT_ROOT / "ledger" / "shifts.toml"

# Environment variable names, in one place.
ENV = {
    "kafka_bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS",
    "redis_url": "REDIS_URL",
    "database_url": "DATABASE_URL",
    "events_topic": "EVENTS_TOPIC",
    "dead_letter_topic": "DEAD_LETTER_TOPIC",
    "consumer_group": "CONSUMER_GROUP",
    "school_timezone": "SCHOOL_TIMEZONE",
    "term_starts": "TERM_STARTS",
    "alert_rules_file": "ALERT_RULES_FILE",
    "max_event_bytes": "MAX_EVENT_BYTES",
    "max_future_seconds": "MAX_FUTURE_SECONDS",
    "poll_max_records": "POLL_MAX_RECORDS",
    "fetch_max_wait_ms": "KAFKA_FETCH_MAX_WAIT_MS",
    "kafka_session_timeout_ms": "KAFKA_SESSION_TIMEOUT_MS",
    "password_hash_cost": "PASSWORD_HASH_COST",
    "stale_after_seconds": "STALE_AFTER_SECONDS",
    "simulator": "SIMULATOR",
    "simulator_rate": "SIMULATOR_RATE",
    "simulator_schools": "SIMULATOR_SCHOOLS",
    "simulator_bad_rate": "SIMULATOR_BAD_RATE",
    "simulator_seed": "SIMULATOR_SEED",
    "demo_past_rate": "DEMO_PAST_RATE",
    "web_host": "WEB_HOST",
    "web_port": "WEB_PORT",
    "web_workers": "WEB_WORKERS",
    "web_threads": "WEB_THREADS",
    "secret_key": "SECRET_KEY",
    "cookie_secure": "COOKIE_SECURE",
    "session_idle_minutes": "SESSION_IDLE_MINUTES",
    "risk_grading_file": "RISK_GRADING_FILE",
    "assessment_rules_file": "ASSESSMENT_RULES_FILE",
    "hazard_due_soon_days": "HAZARD_DUE_SOON_DAYS",
    "risk_review_days": "RISK_REVIEW_DAYS",
    "alert_group_seconds": "ALERT_GROUP_SECONDS",
    "recorder_group": "RECORDER_GROUP",
    "ledger_refresh_seconds": "LEDGER_REFRESH_SECONDS",
    "demo_data": "DEMO_DATA",
    "alert_deadlines_file": "ALERT_DEADLINES_FILE",
    "wall_refresh_ms": "WALL_REFRESH_MS",
    "wall_push": "WALL_PUSH",
    "shifts_file": "SHIFTS_FILE",
    "escalation_sweep_seconds": "ESCALATION_SWEEP_SECONDS",
    "stall_after_seconds": "STALL_AFTER_SECONDS",
    # Issue 12: alert-handling events prove they come from the duty console (kernel/proof.py).
    "event_signing_key": "EVENT_SIGNING_KEY",
    # Connections and their security (issue 12): docs/operations.md, "Connections and their security".
    "kafka_security_protocol": "KAFKA_SECURITY_PROTOCOL",
    "kafka_sasl_mechanism": "KAFKA_SASL_MECHANISM",
    "kafka_sasl_username": "KAFKA_SASL_USERNAME",
    "kafka_sasl_password": "KAFKA_SASL_PASSWORD",
    "kafka_ssl_cafile": "KAFKA_SSL_CAFILE",
    "kafka_ssl_certfile": "KAFKA_SSL_CERTFILE",
    "kafka_ssl_keyfile": "KAFKA_SSL_KEYFILE",
    "redis_password": "REDIS_PASSWORD",
    "redis_ca_file": "REDIS_CA_FILE",
    "database_password": "DATABASE_PASSWORD",
    "database_sslmode": "DATABASE_SSLMODE",
    "database_sslrootcert": "DATABASE_SSLROOTCERT",
    # POST /api/v1/events (issue 12): campus systems send events over HTTP with a source key.
    "events_api_max_bytes": "EVENTS_API_MAX_BYTES",
    "events_api_rate": "EVENTS_API_RATE",
    "events_api_dedupe_seconds": "EVENTS_API_DEDUPE_SECONDS",
    # The web app's edge (issue 12): security headers, the reverse proxy in front (docs/access.md).
    "frame_ancestors": "FRAME_ANCESTORS",
    "trusted_proxies": "TRUSTED_PROXIES",
    "public_url": "PUBLIC_URL",
    # Health, metrics and logs (issue 12, "IT can see its health"; docs/operations.md).
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "metrics_token": "METRICS_TOKEN",
    "metrics_allow": "METRICS_ALLOW",
    "prometheus_multiproc_dir": "PROMETHEUS_MULTIPROC_DIR",
    "heartbeat_dir": "HEARTBEAT_DIR",
    "heartbeat_stale_seconds": "HEARTBEAT_STALE_SECONDS",
    # Photos of hazards and inspections (issue 15): the directory their files are kept in (ledger/photo_files.py).
    "photo_dir": "PHOTO_DIR",
    "photo_sweep_seconds": "PHOTO_SWEEP_SECONDS",
    # Monthly report documents (issue 17): the directory their PDF and Excel files are kept in.
    "report_dir": "REPORT_DIR",
    # Notification channels (issue 16; docs/notify.md): the key their secrets are encrypted with, the sender.
    "notify_secret_key": "NOTIFY_SECRET_KEY",
    "notify_max_attempts": "NOTIFY_MAX_ATTEMPTS",
    "notify_poll_seconds": "NOTIFY_POLL_SECONDS",
    # The wall's history (issue 18, 事后评估): how many days of minutes the recorder keeps.
    "wall_history_days": "WALL_HISTORY_DAYS",
}


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MIN_METRICS_TOKEN = 16


class SettingsError(ValueError):
    """A setting has a value the product cannot run with."""


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"not a boolean: {text!r} (use on/off)")


_ORIGIN = re.compile(r"(https?)://((?:\*\.)?[a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?/?")


def web_origins(text: str, name: str, *, csp: bool = False) -> tuple[str, ...]:
    """The origins (scheme://host[:port], lower case) a setting lists, separated by spaces or
    commas; for a CSP source list (`csp`) also 'self' and https://*.example.edu.cn. Anything else
    (a path, a quote, a semicolon that would end a header's directive) is refused."""
    found = []
    for item in text.replace(",", " ").split():
        if csp and item.strip("'").lower() == "self":
            found.append("'self'")
            continue
        match = _ORIGIN.fullmatch(item.lower())
        if match is None or (not csp and match[2].startswith("*")):
            raise SettingsError(f"{name}: {item!r} is not an origin like https://portal.example.edu.cn")
        port = match[3] if match[3] not in (None, ":443" if match[1] == "https" else ":80") else ""
        found.append(f"{match[1]}://{match[2]}{port}")  # as browsers write an Origin: no default port
    if not csp and len(found) > 1:
        raise SettingsError(f"{name} names one address")
    return tuple(found)


def _every_year(month: int, day: int) -> bool:
    try:
        return bool(date(2001, month, day))  # not a leap year
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its surroundings. Frozen: resolved once."""

    # Empty means "embedded": the local stack starts its own broker / Redis / SQLite.
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    redis_url: str = "redis://127.0.0.1:6379/0"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'campus.db'}"
    events_topic: str = "campus.events"
    dead_letter_topic: str = "campus.events.dlq"
    consumer_group: str = "campus-aggregator"
    school_timezone: str = "Asia/Shanghai"
    # The days school terms begin on (MM-DD, comma-separated): the autumn term from 1 September, the
    # spring term from 1 February; each runs to the next start (ledger/inspection_schedule.py).
    term_starts: str = "09-01,02-01"
    alert_rules_file: str = str(DEFAULT_ALERT_RULES)
    max_event_bytes: int = 16_384
    max_future_seconds: int = 300
    poll_max_records: int = 5000
    # How long the broker may hold a fetch open when it has nothing new. The local broker (Tansu, in
    # memory) holds a fetch for most of this wait even when data arrives (the wall's produced ->
    # Redis median: 160 ms at 100, 307 at 200), so it bounds the wall's latency on the local stack;
    # Apache Kafka answers at once. At depth Tansu cannot find an old offset within a short wait (50
    # and 100 both stalled a partition a million messages in): a kicked partition's fetches get a
    # longer wait until it is near its end again (streams/stalls.py).
    fetch_max_wait_ms: int = 100
    # How long the group waits for a silent consumer before its partitions move to the others: the
    # pause after a consumer dies (SIGKILL, power cut) before another takes over its schools. Brokers
    # accept 6 s and more by default (group.min.session.timeout.ms); tests that kill consumers on
    # purpose use less, so they wait less.
    kafka_session_timeout_ms: int = 10_000
    stale_after_seconds: float = 10.0
    simulator: bool = True
    simulator_rate: float = 20.0
    simulator_schools: str = "demo-univ,demo-middle,demo-primary"
    simulator_bad_rate: float = 0.01
    simulator_seed: int = 20261124
    # `make run`'s past week (demo/past_week.py): events a second of its event time; 0: none.
    demo_past_rate: float = 0.1
    web_host: str = "127.0.0.1"
    web_port: int = 8050
    web_workers: int = 2
    # Threads per gunicorn worker (gthread, gunicorn.conf.py): each open wall stream holds one.
    web_threads: int = 100
    secret_key: str = field(default="", repr=False)  # a secret: never in a repr or a log
    # Send the session cookie over HTTPS only. Off for `make run` on http://localhost; the
    # production compose file and image turn it on (they sit behind TLS).
    cookie_secure: bool = False
    # A person's session ends after this long without an action of theirs (page refreshes by timer
    # do not count; dashboard/sessions.py).
    session_idle_minutes: float = 30.0
    # What an argon2id password hash costs (ledger/passwords.py): "standard" is RFC 9106's second
    # recommendation (64 MiB, 3 passes, 4 lanes: about a third of a second on this kind of machine),
    # "minimum" OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane: about a tenth) for a small
    # server where many people sign in at once, and for the tests. Nothing weaker can be chosen.
    password_hash_cost: str = "standard"
    # The SQL ledger (issue 3).
    risk_grading_file: str = str(DEFAULT_RISK_GRADING)
    assessment_rules_file: str = str(DEFAULT_ASSESSMENT_RULES)
    hazard_due_soon_days: float = 3.0  # an open hazard this close to its deadline is "due soon"
    risk_review_days: int = 365  # annual re-identification of risk points (seed 001 art. 13)
    alert_group_seconds: int = 600  # repeated alarms of one device and rule within this are one alert
    recorder_group: str = "campus-recorder"
    ledger_refresh_seconds: float = 30.0  # how often overdue / due-soon figures are recomputed
    demo_data: bool = True  # `make run` loads the demo campus into an empty ledger
    # The video wall (issue 4).
    alert_deadlines_file: str = str(DEFAULT_ALERT_DEADLINES)  # acknowledge-within per severity
    # How often a wall asks for changes. Event to screen is this plus the consumer's batch and one
    # round trip, so 500 ms keeps it well under a second; each ask answers only what changed.
    wall_refresh_ms: int = 500
    # School walls get their changes pushed (GET /wall/stream, issue 18); off: every screen polls.
    wall_push: bool = True
    # The duty shifts (issue 5): the shift handover report (交接班) covers one of them.
    shifts_file: str = str(DEFAULT_SHIFTS)
    # How often the recorder records the escalation levels unacknowledged alerts reached (issue 5).
    escalation_sweep_seconds: float = 5.0
    # A partition behind its end that the aggregator has not moved on for this long is stalled:
    # kicked once, then the process exits for a fresh one (streams/stalls.py).
    stall_after_seconds: float = 30.0
    # Signs the duty console's alert-handling events (HMAC-SHA256) and checks them in the consumers;
    # "new,old" while rotating. Empty: handling events are refused (`make run`: a new one each run).
    event_signing_key: str = field(default="", repr=False)
    # Connections and their security (issue 12; docs/operations.md). Kafka: the listener's protocol
    # (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), the SASL mechanism and user, the CA that signed the
    # broker's certificate (empty: the system's CAs) and an optional client certificate. Redis: a
    # password (the URL need not carry it) and, for rediss:// URLs, a CA file. PostgreSQL: libpq's
    # sslmode and sslrootcert, and a password, passed to psycopg as connect arguments.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str = ""
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = field(default="", repr=False)
    kafka_ssl_cafile: str = ""
    kafka_ssl_certfile: str = ""
    kafka_ssl_keyfile: str = ""
    redis_password: str = field(default="", repr=False)
    redis_ca_file: str = ""
    database_password: str = field(default="", repr=False)
    database_sslmode: str = ""
    database_sslrootcert: str = ""

    # POST /api/v1/events (issue 12). The largest body a source may post: 1,000 events of ~5 KiB
    # (typical events are a few hundred bytes; a source with bigger ones sends smaller batches).
    events_api_max_bytes: int = 5 * 1024 * 1024
    # Events a second one source key may send, on average; it may send a burst of max(this, one
    # full batch of 1,000) at once (dashboard/source_limits.py).
    events_api_rate: float = 1000.0
    # How long an accepted event's id is remembered, so a retried POST answers "duplicate" instead
    # of producing it again: ~180 bytes of Redis an event for this long (20 events/s: 13 MB). A
    # sender retries what it did not hear about within minutes; after this, a repeat reaches Kafka
    # again and the consumers' own dedupe (by id, 7 days) still counts and records it once.
    events_api_dedupe_seconds: int = 3600
    # The web app's edge (issue 12; docs/access.md). Other sites that may show the pages in a
    # frame (a school portal): origins separated by spaces, e.g. "https://portal.example.edu.cn";
    # empty: none may (frame-ancestors 'none', X-Frame-Options: DENY).
    frame_ancestors: str = ""
    # How many reverse proxies in front of the web app to believe about the client's address,
    # scheme and host (X-Forwarded-For/-Proto/-Host): 0 for `make run` (nothing in front), 1 in the
    # compose stack (its nginx). More than there really are lets a client forge its address.
    trusted_proxies: int = 0
    # The address people open, e.g. https://anquan.example.edu.cn: a write from a page there passes
    # the same-site check even behind a proxy that does not pass the Host on, and the sign-in
    # page names it when it is opened over plain http with COOKIE_SECURE=on.
    public_url: str = ""
    # Health, metrics and logs (issue 12, "IT can see its health"; docs/operations.md).
    log_level: str = "INFO"
    log_format: str = "text"  # text: one line per record for people; json: one JSON object per line
    # GET /metrics answers a scraper that sends `Authorization: Bearer <METRICS_TOKEN>` or comes
    # from an address in METRICS_ALLOW (comma-separated CIDRs); with neither set it answers nobody.
    metrics_token: str = field(default="", repr=False)
    metrics_allow: str = ""
    # prometheus-client's own variable (it reads it itself, at import): where gunicorn's workers
    # keep their figures for /metrics to add up; gunicorn.conf.py sets it to var/prometheus if empty.
    prometheus_multiproc_dir: str = ""
    # The aggregator and the recorder touch <dir>/<part>.beat every loop (kernel/heartbeat.py);
    # `python -m streams.health <part>` and /healthz call a part down after this long without a beat.
    heartbeat_dir: str = str(PROJECT_ROOT / "var" / "heartbeat")
    heartbeat_stale_seconds: float = 60.0
    # Photos of hazard reports, rectifications and inspections (issue 15; docs/hazards.md, "Photos"): their
    # files, cleaned, under random names; a production deployment mounts a volume here (docker-compose.yml).
    # Served only by the web app, to people whose scope covers them: never inside a folder served as is.
    photo_dir: str = str(PROJECT_ROOT / "var" / "photos")
    # How often the recorder removes photos sent a day ago or more and attached to nothing (the sweep
    # of `python -m ledger photos sweep`); 0: never (then run the command from cron).
    photo_sweep_seconds: float = 3600.0
    # The monthly reports' documents (issue 17; docs/district.md), kept for download: PDF and Excel files
    # under content-derived names, a ledger row each (ledger/commands/report_documents.py). Not PHOTO_DIR:
    # the photo sweep removes every file there that no photo names.
    report_dir: str = str(PROJECT_ROOT / "var" / "reports")
    # Notification channels (issue 16; docs/notify.md, "Channels and delivery"). The key channel secrets
    # are encrypted with (Fernet, derived from this passphrase; "new,old" while rotating); empty: secrets
    # can only be named as environment variables (env:NOTIFY_CHANNEL_NAME). How often a message is tried before it is
    # marked failed, and how often the sender looks for due messages.
    notify_secret_key: str = field(default="", repr=False)
    notify_max_attempts: int = 8
    notify_poll_seconds: float = 1.0
    # The wall's history (issue 18; docs/operations.md, "The wall's history"): every school's summary at
    # each minute, kept this many days in the ledger's SQL by the recorder; 0: none kept.
    wall_history_days: int = 90

    def __post_init__(self) -> None:
        # The web app's edge (issue 12): settings a header or the same-site check could not say safely.
        if not 0 <= self.trusted_proxies <= 5:
            raise SettingsError("TRUSTED_PROXIES must lie between 0 and 5 (the proxies in front)")
        web_origins(self.frame_ancestors, "FRAME_ANCESTORS", csp=True)
        web_origins(self.public_url, "PUBLIC_URL")
        try:
            ZoneInfo(self.school_timezone)
        except Exception as exc:  # zoneinfo raises several types for a bad key
            raise SettingsError(f"unknown time zone {self.school_timezone!r}") from exc
        self.terms  # noqa: B018  (checks TERM_STARTS)
        if self.max_event_bytes < 256:
            raise SettingsError("MAX_EVENT_BYTES must be at least 256")
        if not 0 <= self.simulator_bad_rate <= 1:
            raise SettingsError("SIMULATOR_BAD_RATE must lie between 0 and 1")
        if self.simulator_rate <= 0:
            raise SettingsError("SIMULATOR_RATE must be positive")
        if not 0 <= self.demo_past_rate <= 100:  # 100/s is 60 M events: a start of an hour
            raise SettingsError("DEMO_PAST_RATE must lie between 0 and 100")
        if self.hazard_due_soon_days < 0 or self.risk_review_days < 1 or self.alert_group_seconds < 0:
            raise SettingsError("HAZARD_DUE_SOON_DAYS, RISK_REVIEW_DAYS and ALERT_GROUP_SECONDS must be positive")
        if not 1 <= self.session_idle_minutes <= 24 * 60:
            raise SettingsError("SESSION_IDLE_MINUTES must lie between 1 and 1440")
        if self.password_hash_cost not in ("standard", "minimum"):
            raise SettingsError("PASSWORD_HASH_COST must be standard or minimum")
        if not 16 <= self.web_threads <= 1000:
            raise SettingsError("WEB_THREADS must lie between 16 and 1000")
        if not 100 <= self.wall_refresh_ms <= 60_000:
            raise SettingsError("WALL_REFRESH_MS must lie between 100 and 60000")
        if self.escalation_sweep_seconds <= 0:
            raise SettingsError("ESCALATION_SWEEP_SECONDS must be positive")
        if self.kafka_session_timeout_ms < 1000:
            raise SettingsError("KAFKA_SESSION_TIMEOUT_MS must be at least 1000")
        if self.stall_after_seconds < 1:
            raise SettingsError("STALL_AFTER_SECONDS must be at least 1")
        if any(len(key.strip()) < 16 for key in self.event_signing_key.split(",")) and self.event_signing_key:
            raise SettingsError("EVENT_SIGNING_KEY: each key must be at least 16 characters "
                                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        if self.events_api_max_bytes < self.max_event_bytes:
            raise SettingsError("EVENTS_API_MAX_BYTES must be at least MAX_EVENT_BYTES (one event fits)")
        if self.events_api_rate <= 0 or self.events_api_dedupe_seconds < 60:
            raise SettingsError("EVENTS_API_RATE must be positive and EVENTS_API_DEDUPE_SECONDS at least 60")
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise SettingsError("DATABASE_URL must be sqlite:///… or postgresql+psycopg://…")
        # Health, metrics and logs (issue 12).
        if self.log_level.upper() not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        if self.log_format not in ("text", "json"):
            raise SettingsError("LOG_FORMAT must be text or json")
        if self.metrics_token and len(self.metrics_token) < MIN_METRICS_TOKEN:
            raise SettingsError(f"METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters")
        self.metrics_networks  # noqa: B018 - raises SettingsError for a malformed METRICS_ALLOW
        if self.heartbeat_stale_seconds < 5:
            raise SettingsError("HEARTBEAT_STALE_SECONDS must be at least 5")
        _check_photo_dir(self.photo_dir)
        _check_private_dir(self.report_dir, "REPORT_DIR", "/var/lib/campus/reports")
        if Path(self.report_dir).resolve() == Path(self.photo_dir).resolve():
            raise SettingsError("REPORT_DIR must not be PHOTO_DIR: the photo sweep removes files no photo names")
        if self.photo_sweep_seconds != 0 and not 60 <= self.photo_sweep_seconds <= 7 * 86400:
            raise SettingsError("PHOTO_SWEEP_SECONDS must be 0 (off) or lie between 60 and 604800 (a week)")
        if any(len(key.strip()) < 16 for key in self.notify_secret_key.split(",")) and self.notify_secret_key:
            raise SettingsError("NOTIFY_SECRET_KEY: each key must be at least 16 characters "
                                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
        if not 1 <= self.notify_max_attempts <= 50 or not 0.1 <= self.notify_poll_seconds <= 60:
            raise SettingsError("NOTIFY_MAX_ATTEMPTS must lie between 1 and 50, NOTIFY_POLL_SECONDS between 0.1 and 60")
        if not 0 <= self.wall_history_days <= 3660:
            raise SettingsError("WALL_HISTORY_DAYS must be 0 (none kept) or lie between 1 and 3660 (ten years)")
        _check_connection_security(self)

    def __repr__(self) -> str:
        """The dataclass repr, with any password a URL carries masked (secret fields are left out)."""
        shown = []
        for spec in dataclasses.fields(self):
            if spec.repr:
                value = getattr(self, spec.name)
                if spec.name.endswith("_url"):
                    value = redact_url(value)
                shown.append(f"{spec.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    @property
    def metrics_networks(self) -> tuple:
        """METRICS_ALLOW as ip_network objects (a bare address is a /32 or /128)."""
        found = []
        for part in self.metrics_allow.split(","):
            if part.strip():
                try:
                    found.append(ipaddress.ip_network(part.strip(), strict=False))
                except ValueError as exc:
                    raise SettingsError(f"METRICS_ALLOW: {part.strip()!r} is not an address or CIDR") from exc
        return tuple(found)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.school_timezone)

    @property
    def terms(self) -> tuple[tuple[int, int], ...]:
        """TERM_STARTS as (month, day) pairs, in the order given: every day must come every year."""
        found = []
        for part in self.term_starts.split(","):
            match = re.fullmatch(r"\s*(\d{1,2})-(\d{1,2})\s*", part)
            pair = (int(match[1]), int(match[2])) if match else None
            if pair is None or not _every_year(*pair) or pair in found:
                raise SettingsError(f"TERM_STARTS: {part.strip()!r} is not a day every year (MM-DD, no repeats; "
                                    "29 February is not)")
            found.append(pair)
        return tuple(found)

    @property
    def schools(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.simulator_schools.split(",") if s.strip())

    # The web app's edge (issue 12).
    @property
    def frame_ancestor_origins(self) -> tuple[str, ...]:
        return web_origins(self.frame_ancestors, "FRAME_ANCESTORS", csp=True)

    @property
    def public_origin(self) -> str | None:
        found = web_origins(self.public_url, "PUBLIC_URL")
        return found[0] if found else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings: explicit overrides win, then the environment, then the defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for spec in dataclasses.fields(cls):
            name = spec.name
            if name in overrides:
                values[name] = overrides[name]
                continue
            raw = environ.get(ENV[name])
            if raw is None or raw == "":
                continue
            try:
                if spec.type in ("bool", bool):
                    values[name] = _parse_bool(raw)
                elif spec.type in ("int", int):
                    values[name] = int(raw)
                elif spec.type in ("float", float):
                    values[name] = float(raw)
                else:
                    values[name] = raw
            except ValueError as exc:
                raise SettingsError(f"{ENV[name]}={raw!r}: {exc}") from exc
        return cls(**values)


def _check_photo_dir(path: str) -> None:
    """PHOTO_DIR: absolute (a relative one would move with the working directory) and outside the folder
    the web app serves to anyone (assets/), where a photo would be at a public address."""
    _check_private_dir(path, "PHOTO_DIR", "/var/lib/campus/photos")


def _check_private_dir(path: str, name: str, example: str) -> None:
    if not os.path.isabs(path):
        raise SettingsError(f"{name}={path!r} must be an absolute path (e.g. {example})")
    resolved = Path(path).resolve()
    assets = (PROJECT_ROOT / "assets").resolve()
    if resolved == assets or assets in resolved.parents:
        raise SettingsError(f"{name}={path!r} lies in assets/, which anyone may read: put it elsewhere")


# ---- Connections and their security (issue 12) -----------------------------------------------------
# The combinations a process cannot connect with are refused here, when the settings are read, with
# the variable to change; the options themselves are built in kernel/connections.py.

KAFKA_SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
KAFKA_SASL_MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")
# libpq's sslmode values (PostgreSQL docs, "SSL Support": libpq-ssl-protection).
DATABASE_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def redact_url(url: str) -> str:
    """The URL with its password, if any, replaced by ***: for logs and reprs."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL we can read: show nothing of it rather than a secret
        return "<unreadable URL>"
    if not password:
        return url
    userinfo, _, hostinfo = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostinfo}"))


def _url_password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None


def _need_file(variable: str, path: str) -> None:
    if path and not os.path.isfile(path):
        raise SettingsError(f"{variable}={path}: no such file")


def _check_connection_security(s: Settings) -> None:
    # Kafka: kafka-python's security_protocol / sasl_mechanism / ssl_* options.
    protocol = s.kafka_security_protocol
    if protocol not in KAFKA_SECURITY_PROTOCOLS:
        raise SettingsError(f"KAFKA_SECURITY_PROTOCOL={protocol!r}: use one of {', '.join(KAFKA_SECURITY_PROTOCOLS)}")
    if protocol.startswith("SASL_"):
        if s.kafka_sasl_mechanism not in KAFKA_SASL_MECHANISMS:
            raise SettingsError(f"KAFKA_SASL_MECHANISM={s.kafka_sasl_mechanism!r}: with {protocol} use one of "
                                f"{', '.join(KAFKA_SASL_MECHANISMS)}")
        if not s.kafka_sasl_username or not s.kafka_sasl_password:
            raise SettingsError(f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        if s.kafka_sasl_mechanism == "PLAIN" and protocol != "SASL_SSL":
            # PLAIN sends the password itself: only inside TLS.
            raise SettingsError("KAFKA_SASL_MECHANISM=PLAIN sends the password in the clear: use it with "
                                "KAFKA_SECURITY_PROTOCOL=SASL_SSL only, or use SCRAM-SHA-512")
    elif s.kafka_sasl_mechanism or s.kafka_sasl_username or s.kafka_sasl_password:
        raise SettingsError(f"KAFKA_SASL_* are set but KAFKA_SECURITY_PROTOCOL={protocol} does not use them: "
                            "set it to SASL_SSL (or SASL_PLAINTEXT)")
    tls_files = (("KAFKA_SSL_CAFILE", s.kafka_ssl_cafile), ("KAFKA_SSL_CERTFILE", s.kafka_ssl_certfile),
                 ("KAFKA_SSL_KEYFILE", s.kafka_ssl_keyfile))
    if protocol not in ("SSL", "SASL_SSL") and any(path for _, path in tls_files):
        raise SettingsError(f"KAFKA_SSL_* files are set but KAFKA_SECURITY_PROTOCOL={protocol} uses no TLS: "
                            "set it to SASL_SSL (or SSL)")
    if s.kafka_ssl_keyfile and not s.kafka_ssl_certfile:
        raise SettingsError("KAFKA_SSL_KEYFILE needs KAFKA_SSL_CERTFILE (the client certificate it belongs to)")
    for variable, path in tls_files:
        _need_file(variable, path)

    # Redis: a password, and TLS by the rediss:// scheme.
    scheme = s.redis_url.split("://", 1)[0].lower() if "://" in s.redis_url else ""
    if scheme not in ("redis", "rediss", "unix"):
        raise SettingsError("REDIS_URL must be redis://…, rediss://… (TLS) or unix://…, "
                            f"not {redact_url(s.redis_url)!r}")
    if s.redis_ca_file and scheme != "rediss":
        raise SettingsError("REDIS_CA_FILE is set but REDIS_URL is not rediss://…: TLS needs the rediss:// scheme")
    _need_file("REDIS_CA_FILE", s.redis_ca_file)
    if s.redis_password and _url_password(s.redis_url):
        raise SettingsError("REDIS_URL carries a password and REDIS_PASSWORD is set too: "
                            "keep it in REDIS_PASSWORD only")

    # PostgreSQL: libpq's sslmode / sslrootcert, as settings rather than URL parameters.
    postgres = s.database_url.startswith("postgresql")
    if not postgres and (s.database_sslmode or s.database_sslrootcert or s.database_password):
        raise SettingsError("DATABASE_SSLMODE, DATABASE_SSLROOTCERT and DATABASE_PASSWORD apply to PostgreSQL only, "
                            "and DATABASE_URL is not postgresql+psycopg://…")
    if s.database_sslmode and s.database_sslmode not in DATABASE_SSLMODES:
        raise SettingsError(f"DATABASE_SSLMODE={s.database_sslmode!r}: use one of {', '.join(DATABASE_SSLMODES)}")
    if postgres:
        query = parse_qs(urlsplit(s.database_url).query)
        for key, variable in (("sslmode", "DATABASE_SSLMODE"), ("sslrootcert", "DATABASE_SSLROOTCERT")):
            if key in query and getattr(s, f"database_{key}"):
                raise SettingsError(f"DATABASE_URL has ?{key}= and {variable} is set too: keep one (the setting)")
        if s.database_password and _url_password(s.database_url):
            raise SettingsError("DATABASE_URL carries a password and DATABASE_PASSWORD is set too: keep one")
    if s.database_sslmode in ("verify-ca", "verify-full") and not s.database_sslrootcert:
        raise SettingsError(f"DATABASE_SSLMODE={s.database_sslmode} needs DATABASE_SSLROOTCERT: the CA file that "
                            "signed the server's certificate (or 'system' for the system's CAs)")
    if s.database_sslrootcert and not s.database_sslmode:
        raise SettingsError("DATABASE_SSLROOTCERT is set without DATABASE_SSLMODE: set DATABASE_SSLMODE=verify-full")
    if s.database_sslrootcert != "system":
        _need_file("DATABASE_SSLROOTCERT", s.database_sslrootcert)
