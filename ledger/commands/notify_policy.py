"""Admins set a unit's notification policy (issue 16): quiet hours, hazard reminder points, the digest's
time (ledger/notify_policy.py has the rules and defaults). Held to the admin's unit like the channels
(ledger/commands/notify_channels.py); every change goes to the audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ledger import notify_policy, org_scope
from ledger.commands import audit
from ledger.commands.org import scope_of
from ledger.errors import LedgerError
from ledger.models import NotifyPolicy, OrgUnit
from ledger.models.notify import UNIT_KINDS_WITH_POLICY


def set_policy(db: Session, *, actor: audit.Actor, scope: str | None, unit_id: object, form: dict,
               now: datetime) -> notify_policy.Policy:
    """Save a unit's policy from the admin form's fields (quiet_start, quiet_end, reminder_days,
    reminder_at, digest_at); all or refused. The caller commits. Returns the policy as saved (the
    unit's own row already so: nothing written, nothing audited)."""
    unit = db.get(OrgUnit, unit_id) if isinstance(unit_id, int) and not isinstance(unit_id, bool) else None
    if unit is None or unit.kind not in UNIT_KINDS_WITH_POLICY:
        raise LedgerError("a policy belongs to a school or a unit above schools",
                          zh="通知策略只能属于学校或学校以上的单位")
    org_scope.require_within(db, unit, scope_of(db, scope), what="单位")
    policy = notify_policy.from_form(*(form.get(k) for k in
                                       ("quiet_start", "quiet_end", "reminder_days", "reminder_at", "digest_at")))
    shown = policy.as_form()
    stored = {k: v or None if k in ("quiet_start", "quiet_end", "digest_at") else v for k, v in shown.items()}
    row = db.get(NotifyPolicy, unit.id)
    before = None if row is None else {k: getattr(row, k) for k in shown}
    if before == stored:  # the same form sent again (a double click): nothing to write or audit
        return policy
    if row is None:
        row = NotifyPolicy(unit_id=unit.id)
        db.add(row)
    for key, value in stored.items():
        setattr(row, key, value)
    row.updated_at, row.updated_by = now, actor.name[:64]
    audit.record(db, actor=actor, action="notify_policy.set", target=f"unit:{unit.code}", now=now,
                 school=unit.code if unit.kind == "school" else None, before=before, after=shown)
    db.flush()
    return policy


def clear_policy(db: Session, *, actor: audit.Actor, scope: str | None, unit_id: object, now: datetime) -> bool:
    """Remove a unit's own policy (it follows the unit above again). True when one was removed."""
    unit = db.get(OrgUnit, unit_id) if isinstance(unit_id, int) and not isinstance(unit_id, bool) else None
    if unit is None:
        raise LedgerError("no such unit", zh="没有这个单位")
    org_scope.require_within(db, unit, scope_of(db, scope), what="单位")
    row = db.get(NotifyPolicy, unit.id)
    if row is None:
        return False
    db.delete(row)
    audit.record(db, actor=actor, action="notify_policy.clear", target=f"unit:{unit.code}", now=now,
                 school=unit.code if unit.kind == "school" else None)
    return True
