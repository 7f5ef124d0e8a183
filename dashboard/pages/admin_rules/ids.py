"""The component ids of the rules page (/admin/rules), named once; one set per kind of rules."""
from __future__ import annotations

KINDS = ("alert_rules", "alert_deadlines")
VIEW = "admin-rules-view"  # store: {"lang"} of the page as loaded (nothing in it is trusted for scope)


def editor(kind: str) -> str:
    return f"admin-rules-{kind}-text"


def check(kind: str) -> str:
    return f"admin-rules-{kind}-check"


def save(kind: str) -> str:
    return f"admin-rules-{kind}-save"


def message(kind: str) -> str:
    return f"admin-rules-{kind}-message"


def version(kind: str) -> str:
    return f"admin-rules-{kind}-version"
