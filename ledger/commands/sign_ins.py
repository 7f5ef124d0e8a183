"""Recording a refused sign-in (ledger/models/sign_ins.py): the username as typed, when, from where.
Never the password; the sign-in route (dashboard/login/views.py) calls this in the same transaction
in which the password was checked."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ledger.control_chars import pictured
from ledger.models import SignInFailure


def record_failure(db: Session, *, username: str, ip: str | None, now: datetime) -> SignInFailure:
    # Pictured: what a stranger typed is shown to admins, and an invisible character should be seen.
    row = SignInFailure(at=now, username=pictured(username)[:64] or "-", ip=(ip or "")[:64] or None)
    db.add(row)
    return row
