"""A school's notification policy as it applies (issue 16): its own row, else the nearest unit above
it with one, else ledger.notify_policy.DEFAULT. What the escalation ladder (quiet hours), the reminder
sweep and the digest ask; the admin page shows which unit's policy holds. The walk itself is in
ledger/notify_policy_rows.py, shared with the ladder's command (which may not import queries)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ledger import notify_policy
from ledger.notify_policy_rows import holding

__all__ = ["holding", "policy_for"]


def policy_for(db: Session, school: int | str) -> notify_policy.Policy:
    """The policy that holds for a school (by id or code)."""
    return holding(db, school)[0]
