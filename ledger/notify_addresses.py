"""People's notification addresses as others may see them (issue 16), pure: an admin's list and the
audit log show a phone as 138****8000 and an e-mail as w***@school.edu.cn — enough to tell whether it
is set and which one, not enough to copy. The full value stays in notify_addresses for the notifier."""
from __future__ import annotations


def masked(kind: str, value: str | None) -> str:
    """The shown form of an address ('' for none)."""
    value = (value or "").strip()
    if not value:
        return ""
    if kind == "email":
        name, _at, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    digits = value.lstrip("+")
    if len(digits) <= 7:  # too short to keep both ends: the last two only
        return "*" * (len(value) - 2) + value[-2:]
    return value[: len(value) - len(digits) + 3] + "****" + value[-4:]
