"""When an unacknowledged alert is escalated, and when a new critical one flashes the wall. Pure.

An alert is escalated (升级) once it has waited longer than its severity's acknowledgement deadline
(ledger/alert_deadlines.toml) in state `new`; acknowledging it stops that. The wall shows it; the
duty console records it: level k is due at raised + k × deadline, up to `escalation.max_level`
(each level a further step up the chain of command). Times are epoch milliseconds, so the rules are tested with
any clock.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ledger.errors import LedgerError

UNACKNOWLEDGED = "new"
SEVERITIES = ("critical", "high", "medium", "low")
DEFAULT_MAX_LEVEL = 3


class DeadlineError(LedgerError):
    """The deadlines file (or an admin's edited version) is not usable."""


@dataclass(frozen=True)
class Deadlines:
    acknowledge_within_ms: dict[str, int]
    flash_ms: int
    max_level: int = DEFAULT_MAX_LEVEL

    @classmethod
    def load(cls, path: str | Path) -> Deadlines:
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
        return cls.from_mapping(raw)

    @classmethod
    def from_text(cls, text: str) -> Deadlines:
        """Deadlines from TOML text (an admin's edited version, ledger/live_rules.py): all or refused."""
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise DeadlineError(f"not valid TOML: {exc}", zh=f"不是有效的 TOML：{exc}") from exc
        unknown = sorted(set(raw) - {"acknowledge_within_seconds", "wall", "escalation"})
        if unknown:
            raise DeadlineError(f"unknown section {unknown[0]!r}", zh=f"未知的节 {unknown[0]!r}")
        return cls.from_mapping(raw)

    @classmethod
    def from_mapping(cls, raw: dict) -> Deadlines:
        for section in ("acknowledge_within_seconds", "wall", "escalation"):
            if not isinstance(raw.get(section, {}), dict):
                raise DeadlineError(f"[{section}] must be a table", zh=f"[{section}] 须是表")
        within = raw.get("acknowledge_within_seconds", {})
        missing = [s for s in SEVERITIES if s not in within]
        if missing:
            raise DeadlineError(f"acknowledge_within_seconds lacks {', '.join(missing)}",
                                zh=f"acknowledge_within_seconds 缺少 {'、'.join(missing)}")
        bad = [s for s in SEVERITIES if not isinstance(within[s], (int, float)) or isinstance(within[s], bool)
               or not 0 < within[s] <= 7 * 86_400]
        if bad:
            raise DeadlineError("acknowledge_within_seconds must be positive numbers of seconds, at most a week: "
                                f"{', '.join(bad)}",
                                zh=f"acknowledge_within_seconds 须是正的秒数，至多一周：{'、'.join(bad)}")
        flash = raw.get("wall", {}).get("flash_seconds", 120)
        if not isinstance(flash, (int, float)) or isinstance(flash, bool) or not 0 <= flash <= 86_400:
            raise DeadlineError("wall.flash_seconds must be a number of seconds, 0 to 86400",
                                zh="wall.flash_seconds 须是 0 至 86400 的秒数")
        max_level = raw.get("escalation", {}).get("max_level", DEFAULT_MAX_LEVEL)
        if not isinstance(max_level, int) or isinstance(max_level, bool) or not 1 <= max_level <= 10:
            raise DeadlineError("escalation.max_level must be a whole number from 1 to 10",
                                zh="escalation.max_level 须是 1 至 10 的整数")
        return cls({s: int(within[s] * 1000) for s in SEVERITIES}, int(flash * 1000), max_level)

    def due_ms(self, severity: str, raised_ms: int) -> int | None:
        """When the alert must be acknowledged by; None for a severity without a deadline (info)."""
        within = self.acknowledge_within_ms.get(severity)
        return None if within is None else raised_ms + within

    def is_escalated(self, *, severity: str, state: str, raised_ms: int, now_ms: int) -> bool:
        due = self.due_ms(severity, raised_ms)
        return state == UNACKNOWLEDGED and due is not None and now_ms > due

    def due_levels(self, severity: str, raised_ms: int, now_ms: int) -> list[int]:
        """The escalation levels an alert still `new` at `now_ms` has reached: level k once
        raised + k × deadline has passed (strictly, as `is_escalated`), at most `max_level`."""
        within = self.acknowledge_within_ms.get(severity)
        if within is None or now_ms <= raised_ms + within:
            return []
        reached = min((now_ms - raised_ms - 1) // within, self.max_level)
        return list(range(1, reached + 1))

    def level_due_ms(self, severity: str, raised_ms: int, level: int) -> int:
        return raised_ms + level * self.acknowledge_within_ms[severity]

    def flashes(self, *, severity: str, state: str, raised_ms: int, now_ms: int) -> bool:
        """A critical alert nobody has acknowledged yet, raised within the flash period."""
        return (severity == "critical" and state == UNACKNOWLEDGED
                and 0 <= now_ms - raised_ms <= self.flash_ms)
