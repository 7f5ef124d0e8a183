"""Alert rules, as the consumers name them: the parser lives in kernel/alert_rules.py, shared with
the web app, which checks an admin's edited rules with it before they are stored."""
from __future__ import annotations

from kernel.alert_rules import AlertRule, AlertRules, AlertRulesError, load_rules, parse_rules, parse_rules_text

__all__ = ["AlertRule", "AlertRules", "AlertRulesError", "load_rules", "parse_rules", "parse_rules_text"]
