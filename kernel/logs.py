"""How every process of the command centre logs: one set-up, one line per record, no secrets.

Each entry point calls `setup(process, settings)` first: streams.consumer, streams.recorder and
demo.simulator (through streams/runtime.py or their main), `python -m ledger`, the local stack,
and gunicorn, which takes the same configuration as its `logconfig_dict` (gunicorn.conf.py). A
record is one line on stderr with its time (UTC, ISO 8601, milliseconds), level, process (name and
pid), logger and message; LOG_FORMAT=json makes each line a JSON object with those fields, for a
log shipper. A traceback stays inside its record's line (as `\\n` in text, a field in JSON), so one
line is always one record.

Whatever a record holds passes through `redact` last, in the formatter, so no handler of ours can
write a wall token, a bearer or API key, a password or a cookie, whichever library logged it and
however (message, arguments, traceback): see SECRET_SHAPES.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import logging.config
import re
import time

from kernel.settings import Settings

REDACTED = "[redacted]"

# Secret shapes, each (pattern, replacement). Order matters: whole headers first, then parameters.
_NAMED = (r"(?:token|passw(?:or)?d|passphrase|secret(?:[_-]?key)?|(?:api|signing|private)[_-]?key|proof"
          r"|credentials?)")
_VALUE = r"""(?:"[^"]*"|'[^']*'|(?!\[redacted\])[^\s&'",;}\])]+)"""
SECRET_SHAPES: tuple[tuple[re.Pattern, str], ...] = (
    # Authorization / Proxy-Authorization headers, any scheme (Bearer, Basic, ...), as a header
    # line, in a dict's repr or in JSON: the credentials go, the scheme stays for the reader.
    (re.compile(r"""(?i)(\b(?:proxy-)?authorization['"]?\s*[:=]\s*['"]?\s*)"""
                r"""(?!(?:bearer|basic|digest|token)\s+\[redacted\])(?:(bearer|basic|digest|token)\s+)?"""
                r"""(?!\[redacted\])[^\s'",;}\]]+"""),
     lambda m: f"{m.group(1)}{m.group(2) + ' ' if m.group(2) else ''}{REDACTED}"),
    # A bearer credential on its own ("Bearer eyJ..."), wherever it was copied to.
    (re.compile(r"(\bBearer\s+)(?!\[redacted\])[A-Za-z0-9._~+/-]{8,}=*"), rf"\g<1>{REDACTED}"),
    # Cookie and Set-Cookie headers: everything in them.
    (re.compile(r"""(?i)(\b(?:set-)?cookie['"]?\s*[:=]\s*['"]?)(?!\s*\[redacted\])[^\s'"][^'"\r\n]*"""),
     rf"\g<1>{REDACTED}"),
    # The session cookie by its name, wherever it appears on its own.
    (re.compile(r"(?i)(\bcampus_session=)(?!\[redacted\])[^\s;,&'\"]+"), rf"\g<1>{REDACTED}"),
    # API keys in a header (X-API-Key: ..., X-Api-Token: ...).
    (re.compile(r"""(?i)(\bx-api-(?:key|token)['"]?\s*[:=]\s*['"]?)(?!\[redacted\])[^\s'",;}]+"""),
     rf"\g<1>{REDACTED}"),
    # name=value and "name": "value" for every name that holds a secret: ?token=, &password=,
    # secret_key=..., {'password': 'two words'}, sasl_plain_password='...', api_key=..., proof=...
    (re.compile(rf"""(?i)(\b[\w.-]*{_NAMED}['"]?\s*[:=]\s*){_VALUE}"""), rf"\g<1>{REDACTED}"),
    # A password in a connection URL: scheme://user:PASSWORD@host.
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+(@)"), rf"\g<1>{REDACTED}\g<2>"),
)


def redact(text: str) -> str:
    """The text with every secret of a known shape replaced by [redacted]."""
    for pattern, replacement in SECRET_SHAPES:
        text = pattern.sub(replacement, text)
    return text


def _utc(created: float) -> str:
    seconds = int(created)
    milliseconds = int((created - seconds) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{milliseconds:03d}Z"


class TextFormatter(logging.Formatter):
    """`2026-12-06T01:33:00.123Z INFO consumer[4711] streams.consumer: message` — one line."""

    def __init__(self, process: str = "-"):
        super().__init__()
        self.process_name = process

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_utc(record.created)} {record.levelname} {self.process_name}[{record.process}] " \
               f"{record.name}: {redact(record.getMessage())}"
        if record.exc_info:
            line += " | " + redact(self.formatException(record.exc_info))
        if record.stack_info:
            line += " | " + redact(self.formatStack(record.stack_info))
        return line.replace("\r", "\\r").replace("\n", "\\n")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, process, pid, logger, message (and exception)."""

    def __init__(self, process: str = "-"):
        super().__init__()
        self.process_name = process

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": _utc(record.created), "level": record.levelname, "process": self.process_name,
                 "pid": record.process, "logger": record.name, "message": redact(record.getMessage())}
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)


def config(process: str, settings: Settings) -> dict:
    """The logging configuration of a process named `process` (dictConfig schema): one handler on
    stderr, formatted (and redacted) as LOG_FORMAT says, for every logger. gunicorn takes it as
    `logconfig_dict`; its own two loggers are named so they pass to the same handler."""
    formatter = JsonFormatter if settings.log_format == "json" else TextFormatter
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"campus": {"()": formatter, "process": process}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "campus",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's: no handlers of their own (those gunicorn adds are replaced), to the root's.
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            # kafka-python's INFO is a line per connection and rebalance step: warnings only.
            "kafka": {"level": "WARNING" if level == "INFO" else level},
        },
    }


def setup(process: str, settings: Settings, *, level: str | None = None) -> None:
    """Configure logging for this process: call once, first thing in an entry point."""
    if level is not None:
        settings = dataclasses.replace(settings, log_level=level)
    logging.config.dictConfig(config(process, settings))
    logging.captureWarnings(True)
