"""Alert rules and acknowledgement deadlines as every process runs them: the shipped file, unless
an admin saved a version in the ledger (ledger/models/rules.py), then the newest version.

One parser per kind, the processes' own (kernel/alert_rules.py for the rules, ledger/escalation.py
for the deadlines): the admin page checks a text with `parse` before it is stored
(ledger/commands/rules.py), so what is stored is what every process can run.

How a saved version reaches the processes: each keeps a `LiveRules`, which asks the ledger for the
newest version number every few seconds (one indexed query) in a thread of its own and, when it
changed, reads and parses the text and swaps it in whole (`current()` hands out one object, never
half of one). The consumer's loop takes it between batches (streams/consumer.py). When the ledger
cannot be reached the process keeps what it runs and asks again later: rules never fall back to
the file because of an outage.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kernel.alert_rules import AlertRulesError, parse_rules_text
from ledger.errors import LedgerError
from ledger.escalation import DeadlineError, Deadlines
from ledger.models import RULE_KINDS, RuleText

log = logging.getLogger(__name__)

CHECK_EVERY_S = 3.0  # how soon a saved version runs everywhere: within this and a batch
MAX_TEXT = 64_000  # far more than any real rule set; a pasted log file is refused

PARSERS: dict[str, Callable[[str], object]] = {"alert_rules": parse_rules_text, "alert_deadlines": Deadlines.from_text}
assert set(PARSERS) == set(RULE_KINDS)


class RulesRefused(LedgerError):
    """The text is not a usable set of rules; the message says why (the parser's own words)."""


def parse(kind: str, text: str) -> object:
    """The kind's rules from the text, or RulesRefused with the reason: all or nothing."""
    if kind not in PARSERS:
        raise RulesRefused(f"unknown kind of rules {kind!r}", zh=f"没有这类规则 {kind!r}")
    if not isinstance(text, str) or not text.strip():
        raise RulesRefused("the text is empty", zh="内容是空的")
    if len(text) > MAX_TEXT:
        raise RulesRefused(f"the text is longer than {MAX_TEXT} characters", zh=f"内容超过 {MAX_TEXT} 个字")
    if "\x00" in text:
        raise RulesRefused("the text holds a NUL character", zh="内容含有 NUL 字符")
    try:
        return PARSERS[kind](text)
    except (AlertRulesError, DeadlineError) as exc:
        raise RulesRefused(str(exc), zh=exc.zh) from exc


def newest(db: Session, kind: str) -> RuleText | None:
    return db.scalars(select(RuleText).where(RuleText.kind == kind).order_by(RuleText.version.desc())
                      .limit(1)).first()


def newest_version(db: Session, kind: str) -> int:
    """The newest saved version; 0: none saved, the shipped file applies."""
    return db.scalar(select(func.max(RuleText.version)).where(RuleText.kind == kind)) or 0


def file_text(path: str | Path) -> str:
    return Path(path).read_text(encoding="utf-8")


class LiveRules:
    """One kind of rules as this process runs them, kept current from the ledger (see above).

    `sessions` makes a read-only session of the ledger (kernel.connections.sql_sessions); None: the
    file only (a process without a ledger)."""

    def __init__(self, kind: str, path: str | Path, sessions: Callable[[], Session] | None, *,
                 every_s: float = CHECK_EVERY_S):
        self.kind, self.path, self.every_s = kind, path, every_s
        self._sessions = sessions
        self._current = PARSERS[kind](file_text(path))  # the shipped default: refused at start when broken
        self.version = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned = False
        self.check()

    def current(self):
        return self._current

    def check(self) -> bool:
        """Ask the ledger once; True when a new version was taken."""
        if self._sessions is None:
            return False
        try:
            with self._sessions() as db:
                version = newest_version(db, self.kind)
                if version == self.version:
                    return False
                found = newest(db, self.kind) if version else None
                text, version = (found.text, found.version) if found is not None else (file_text(self.path), 0)
        except SQLAlchemyError as exc:
            if not self._warned:  # once: a ledger not there (or not migrated yet) is normal for a while
                log.warning("cannot read the saved %s (%s); keeping version %s", self.kind, type(exc).__name__,
                            self.version)
                self._warned = True
            return False
        self._warned = False
        try:
            rules = PARSERS[self.kind](text)
        except (AlertRulesError, DeadlineError) as exc:  # stored unchecked by hand: keep what runs
            log.error("saved %s version %s is refused (%s); keeping version %s", self.kind, version, exc,
                      self.version)
            return False
        self._current, self.version = rules, version  # one assignment each: readers see old or new
        log.info("%s: now running version %s", self.kind, version)
        return True

    def start(self) -> LiveRules:
        if self._sessions is not None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"live-{self.kind}", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.check()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
