"""A school's notification policy as it applies (issue 16): its own row, else the nearest unit above
it with one, else ledger.notify_policy.DEFAULT. What the escalation ladder (quiet hours), the reminder
sweep and the digest ask; the admin page shows which unit's policy holds."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import notify_policy
from ledger.models import NotifyPolicy, OrgUnit


def _policy(row: NotifyPolicy) -> notify_policy.Policy:
    return notify_policy.from_row(row.quiet_start, row.quiet_end, row.reminder_days, row.reminder_at, row.digest_at)


def holding(db: Session, unit: int | str) -> tuple[notify_policy.Policy, str | None]:
    """(the policy that holds for a unit — by id or code —, the code of the unit whose row it is; None:
    the defaults). An unknown unit gets the defaults."""
    where = OrgUnit.id == unit if isinstance(unit, int) else OrgUnit.code == unit
    found = db.execute(select(OrgUnit.id, OrgUnit.parent_id).where(where)).first()
    seen: list[int] = []
    while found is not None and found[0] not in seen:  # a cycle in a hand-edited tree ends the walk
        seen.append(found[0])
        row = db.get(NotifyPolicy, found[0])
        if row is not None:
            return _policy(row), db.scalar(select(OrgUnit.code).where(OrgUnit.id == found[0]))
        if found[1] is None:
            break
        found = db.execute(select(OrgUnit.id, OrgUnit.parent_id).where(OrgUnit.id == found[1])).first()
    return notify_policy.DEFAULT, None


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
