"""Writing the audit log (ledger/models/audit.py): one entry per administrative change, in the same
transaction as the change, so an entry exists exactly when the change does.

Every administrative command takes an `Actor` and calls `record`; there is no command that changes
or removes an entry. Values are stored as given, minus anything whose key names a secret.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ledger.models import AuditEntry

# Keys never written to the log, whatever a command passes (a password, a token, a hash of one).
SECRET_KEYS = frozenset({"password", "password_hash", "token", "digest", "secret", "key", "api_key"})
MAX_TEXT = 2000  # a long free-text value is cut: the log says what changed, it is not an archive


@dataclass(frozen=True)
class Actor:
    """Who made a change: the signed-in person (or `cli:<user>` from the command line), their role,
    and the address the request came from (the proxy's, dashboard/proxies.py)."""

    name: str
    role: str
    ip: str | None = None


def _clean(values: dict | None) -> dict | None:
    if values is None:
        return None
    kept = {}
    for key, value in values.items():
        if key.lower() in SECRET_KEYS:
            continue
        if isinstance(value, str) and len(value) > MAX_TEXT:
            value = value[:MAX_TEXT] + "…"
        kept[key] = value
    return kept


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, before and after: what an edit changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(db: Session, *, actor: Actor, action: str, target: str, now: datetime, school: str | None = None,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    entry = AuditEntry(at=now, actor=actor.name[:64], actor_role=actor.role[:16], ip=(actor.ip or "")[:64] or None,
                       action=action[:64], target=target[:200], school=school,
                       before=_clean(before), after=_clean(after))
    db.add(entry)
    return entry
