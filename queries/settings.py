"""Settings for every process of the command centre, resolved once from the environment.

Explicit argument > environment variable > default. Every environment variable the product reads
is named here and nowhere else, so operators have one place to look (docs/operations in README).
"""
from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
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
    "alert_rules_file": "ALERT_RULES_FILE",
    "max_event_bytes": "MAX_EVENT_BYTES",
    "max_future_seconds": "MAX_FUTURE_SECONDS",
    "poll_max_records": "POLL_MAX_RECORDS",
    "fetch_max_wait_ms": "KAFKA_FETCH_MAX_WAIT_MS",
    "stale_after_seconds": "STALE_AFTER_SECONDS",
    "simulator": "SIMULATOR",
    "simulator_rate": "SIMULATOR_RATE",
    "simulator_schools": "SIMULATOR_SCHOOLS",
    "simulator_bad_rate": "SIMULATOR_BAD_RATE",
    "simulator_seed": "SIMULATOR_SEED",
    "web_host": "WEB_HOST",
    "web_port": "WEB_PORT",
    "web_workers": "WEB_WORKERS",
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
    "shifts_file": "SHIFTS_FILE",
    "escalation_sweep_seconds": "ESCALATION_SWEEP_SECONDS",
    "stall_after_seconds": "STALL_AFTER_SECONDS",
    # Health, metrics and logs (issue 12, "IT can see its health"; docs/operations.md).
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "metrics_token": "METRICS_TOKEN",
    "metrics_allow": "METRICS_ALLOW",
    "prometheus_multiproc_dir": "PROMETHEUS_MULTIPROC_DIR",
    "heartbeat_dir": "HEARTBEAT_DIR",
    "heartbeat_stale_seconds": "HEARTBEAT_STALE_SECONDS",
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
    alert_rules_file: str = str(DEFAULT_ALERT_RULES)
    max_event_bytes: int = 16_384
    max_future_seconds: int = 300
    poll_max_records: int = 5000
    # How long the broker may hold a fetch open when it has nothing new. 50 ms starved the local
    # broker (Tansu, in memory) at depth: every fetch expired before it found the offset, and the
    # consumer silently stopped reading. Tansu also holds a fetch for most of this wait even when
    # data arrives (the wall's produced -> Redis median: 140 ms at 50, 334 at 200, 790 at 500), so
    # 200 is the compromise for the local stack; Apache Kafka answers at once and is not bound by it.
    fetch_max_wait_ms: int = 200
    stale_after_seconds: float = 10.0
    simulator: bool = True
    simulator_rate: float = 20.0
    simulator_schools: str = "demo-univ,demo-middle,demo-primary"
    simulator_bad_rate: float = 0.01
    simulator_seed: int = 20261124
    web_host: str = "127.0.0.1"
    web_port: int = 8050
    web_workers: int = 2
    secret_key: str = ""
    # Send the session cookie over HTTPS only. Off for `make run` on http://localhost; the
    # production compose file and image turn it on (they sit behind TLS).
    cookie_secure: bool = False
    # A person's session ends after this long without an action of theirs (page refreshes by timer
    # do not count; dashboard/sessions.py).
    session_idle_minutes: float = 30.0
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
    # The duty shifts (issue 5): the shift handover report (交接班) covers one of them.
    shifts_file: str = str(DEFAULT_SHIFTS)
    # How often the recorder records the escalation levels unacknowledged alerts reached (issue 5).
    escalation_sweep_seconds: float = 5.0
    # A partition behind its end that the aggregator has not moved on for this long is stalled:
    # kicked once, then the process exits for a fresh one (streams/stalls.py).
    stall_after_seconds: float = 30.0
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
    # The aggregator and the recorder touch <dir>/<part>.beat every loop (streams/heartbeat.py);
    # `python -m streams.health <part>` and /healthz call a part down after this long without a beat.
    heartbeat_dir: str = str(PROJECT_ROOT / "var" / "heartbeat")
    heartbeat_stale_seconds: float = 60.0

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.school_timezone)
        except Exception as exc:  # zoneinfo raises several types for a bad key
            raise SettingsError(f"unknown time zone {self.school_timezone!r}") from exc
        if self.max_event_bytes < 256:
            raise SettingsError("MAX_EVENT_BYTES must be at least 256")
        if not 0 <= self.simulator_bad_rate <= 1:
            raise SettingsError("SIMULATOR_BAD_RATE must lie between 0 and 1")
        if self.simulator_rate <= 0:
            raise SettingsError("SIMULATOR_RATE must be positive")
        if self.hazard_due_soon_days < 0 or self.risk_review_days < 1 or self.alert_group_seconds < 0:
            raise SettingsError("HAZARD_DUE_SOON_DAYS, RISK_REVIEW_DAYS and ALERT_GROUP_SECONDS must be positive")
        if not 1 <= self.session_idle_minutes <= 24 * 60:
            raise SettingsError("SESSION_IDLE_MINUTES must lie between 1 and 1440")
        if not 100 <= self.wall_refresh_ms <= 60_000:
            raise SettingsError("WALL_REFRESH_MS must lie between 100 and 60000")
        if self.escalation_sweep_seconds <= 0:
            raise SettingsError("ESCALATION_SWEEP_SECONDS must be positive")
        if self.stall_after_seconds < 1:
            raise SettingsError("STALL_AFTER_SECONDS must be at least 1")
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
    def schools(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.simulator_schools.split(",") if s.strip())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings: explicit overrides win, then the environment, then the defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            name = field.name
            if name in overrides:
                values[name] = overrides[name]
                continue
            raw = environ.get(ENV[name])
            if raw is None or raw == "":
                continue
            try:
                if field.type in ("bool", bool):
                    values[name] = _parse_bool(raw)
                elif field.type in ("int", int):
                    values[name] = int(raw)
                elif field.type in ("float", float):
                    values[name] = float(raw)
                else:
                    values[name] = raw
            except ValueError as exc:
                raise SettingsError(f"{ENV[name]}={raw!r}: {exc}") from exc
        return cls(**values)
