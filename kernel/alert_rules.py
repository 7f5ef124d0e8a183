"""Alert rules: which events open an alert and at which severity, read from configuration data.

In the kernel because every process reads them with this one parser: the consumers
(streams/consumer.py, streams/recorder.py) to raise alerts, and the web app to check an admin's
edited rules before the ledger stores them (ledger/live_rules.py), so a rule the page accepts is a
rule the consumer runs, and one it refuses is refused for the consumer's own reason."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kernel.catalogue import ALERT_SEVERITIES, CATALOGUE, SEVERITY_RANK
from kernel.contract import Event


class AlertRulesError(ValueError):
    """The alert rules file is malformed; the message names the rule. `zh`: the same in Simplified
    Chinese, for the admin's rules page (the ledger's LedgerError does the same; the kernel imports
    nothing of the ledger)."""

    def __init__(self, message: str, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh


@dataclass(frozen=True)
class AlertRule:
    type: str
    severity: str
    field: str | None = None
    at_least: float | None = None
    one_of: frozenset[str] | None = None

    def matches(self, data: dict) -> bool:
        if self.field is None:
            return True
        value = data.get(self.field)
        if self.at_least is not None:
            return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= self.at_least
        return value in self.one_of  # type: ignore[operator]


class AlertRules:
    """The rules grouped by event type, for a dictionary look-up per event."""

    def __init__(self, rules: list[AlertRule]):
        by_type: dict[str, list[AlertRule]] = {}
        for rule in rules:
            by_type.setdefault(rule.type, []).append(rule)
        self._by_type = {event_type: tuple(found) for event_type, found in by_type.items()}

    @property
    def types(self) -> frozenset[str]:
        """The event types some rule names."""
        return frozenset(self._by_type)

    def rules_for(self, event_type: str) -> tuple[AlertRule, ...]:
        """The rules of one event type, none when no rule names it: enough for a consumer to
        build a cheaper test that lets through every event a rule could match."""
        return self._by_type.get(event_type, ())

    def severity_for(self, event: Event) -> str | None:
        """The alert severity this event raises, or None when it raises no alert."""
        rules = self._by_type.get(event.type)
        if not rules:
            return None
        best = -1
        for rule in rules:
            if rule.matches(event.data):
                best = max(best, SEVERITY_RANK[rule.severity])
        if best < 0:
            return None
        best = max(best, SEVERITY_RANK[event.severity])
        return next(name for name, rank in SEVERITY_RANK.items() if rank == best)


def parse_rules(doc: dict) -> AlertRules:
    rules = []
    for index, item in enumerate(doc.get("rule", []), start=1):
        where, at = f"rule {index}", f"第 {index} 条规则"
        if not isinstance(item, dict):
            raise AlertRulesError(f"{where}: a [[rule]] table is expected", zh=f"{at}：应为 [[rule]] 表")
        unknown = sorted(set(item) - {"type", "severity", "field", "at_least", "in"})
        if unknown:  # a misspelt key would otherwise be ignored, and the rule match more than meant
            raise AlertRulesError(f"{where}: unknown key {unknown[0]!r}", zh=f"{at}：未知的键 {unknown[0]!r}")
        event_type = item.get("type")
        if not isinstance(event_type, str) or event_type not in CATALOGUE:
            raise AlertRulesError(f"{where}: unknown event type {event_type!r}",
                                  zh=f"{at}：未知的事件类型 {event_type!r}")
        severity = item.get("severity")
        if severity not in ALERT_SEVERITIES:
            raise AlertRulesError(f"{where}: severity must be one of {', '.join(ALERT_SEVERITIES)}",
                                  zh=f"{at}：severity 应为 {'、'.join(ALERT_SEVERITIES)} 之一")
        field = item.get("field")
        at_least, one_of = item.get("at_least"), item.get("in")
        if field is not None and not isinstance(field, str):
            raise AlertRulesError(f"{where}: field must be a name", zh=f"{at}：field 须是字段名")
        if at_least is not None and (not isinstance(at_least, (int, float)) or isinstance(at_least, bool)):
            raise AlertRulesError(f"{where}: at_least must be a number", zh=f"{at}：at_least 须是数字")
        if one_of is not None and (not isinstance(one_of, list) or not one_of
                                   or not all(isinstance(v, str) for v in one_of)):
            raise AlertRulesError(f"{where}: in must be a list of words", zh=f"{at}：in 须是一组词")
        if field is not None:
            if field not in CATALOGUE[event_type][1]:
                raise AlertRulesError(f"{where}: {event_type} has no data field {field!r}",
                                      zh=f"{at}：{event_type} 没有数据字段 {field!r}")
            if (at_least is None) == (one_of is None):
                raise AlertRulesError(f"{where}: a rule with a field needs exactly one of at_least, in",
                                      zh=f"{at}：有 field 的规则须且只须有 at_least 或 in 之一")
        elif at_least is not None or one_of is not None:
            raise AlertRulesError(f"{where}: at_least / in need a field", zh=f"{at}：at_least 或 in 须配合 field")
        rules.append(AlertRule(
            event_type, severity, field,
            float(at_least) if at_least is not None else None,
            frozenset(one_of) if one_of is not None else None,
        ))
    return AlertRules(rules)


def parse_rules_text(text: str) -> AlertRules:
    """Rules from TOML text (an admin's edited version): refused whole, with the reason, or all taken."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AlertRulesError(f"not valid TOML: {exc}", zh=f"不是有效的 TOML：{exc}") from exc
    rules = doc.get("rule", [])
    if not isinstance(rules, list) or not all(isinstance(item, dict) for item in rules):
        raise AlertRulesError("[[rule]] tables are expected", zh="应为 [[rule]] 表")
    unknown = sorted(set(doc) - {"rule"})
    if unknown:
        raise AlertRulesError(f"unknown section {unknown[0]!r}: only [[rule]] tables",
                              zh=f"未知的节 {unknown[0]!r}：只能有 [[rule]] 表")
    return parse_rules(doc)


def load_rules(path: str | Path) -> AlertRules:
    try:
        with open(path, "rb") as handle:
            doc = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AlertRulesError(f"cannot read alert rules {path}: {exc}", zh=f"无法读取告警规则 {path}：{exc}") from exc
    return parse_rules(doc)
