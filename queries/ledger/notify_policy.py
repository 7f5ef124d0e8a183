"""A school's notification policy as it applies (issue 16): its own row, else the nearest unit above
it with one, else ledger.notify_policy.DEFAULT. What the escalation ladder (quiet hours), the reminder
sweep and the digest ask; the admin page shows which unit's policy holds. The walk itself is in
ledger/notify_policy_rows.py, shared with the ladder's command (which may not import queries)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import notify_policy
from ledger.models import OrgUnit
from ledger.notify_policy_rows import holding

__all__ = ["Shown", "holding", "policy_for", "shown"]


def policy_for(db: Session, school: int | str) -> notify_policy.Policy:
    """The policy that holds for a school (by id or code)."""
    return holding(db, school)[0]


@dataclass(frozen=True)
class Shown:
    """What the admin page shows for a unit: the policy that holds (as the form's fields), and whose it
    is — `own` (the unit's row), inherited from `holder` (name and code), or the defaults (holder None)."""
    form: dict
    own: bool
    holder: str | None


def shown(db: Session, unit_id: int) -> Shown:
    policy, code = holding(db, unit_id)
    unit = db.get(OrgUnit, unit_id)
    own = unit is not None and code == unit.code
    holder = None
    if code is not None:
        name = db.scalar(select(OrgUnit.name_zh).where(OrgUnit.code == code))
        holder = f"{name} ({code})"
    return Shown(policy.as_form(), own, holder)
