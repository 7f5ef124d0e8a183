"""Reading a unit's notification policy row (ledger/models/notify.NotifyPolicy) as it applies: shared
by the escalation ladder (ledger/commands/ladder.py, quiet hours) and the reads
(queries/ledger/notify_policy.py), which may not import each other."""
from __future__ import annotations

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
