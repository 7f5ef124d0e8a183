"""Importing a school's risk-point list or hazard ledger from a spreadsheet as an administrator:
the all-or-nothing import of ledger/exchange_db.py (every row checked first; one bad row and nothing
is written), for a school within the admin's scope, with one audit entry for the import and its
counts in the same transaction. The school comes from the caller (the signed-in admin's choice among
the schools they manage), never from the file."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ledger import exchange_db
from ledger.commands.audit import Actor, record
from ledger.commands.risk_points import school_in_scope
from ledger.errors import LedgerError
from ledger.grading import GradingRules

KINDS = ("risk_points", "hazards")


def import_list(db: Session, *, actor: Actor, scope: str | None, school: str, kind: str, path: str | Path,
                filename: str, rules: GradingRules, tz: ZoneInfo, now: datetime,
                progress: exchange_db.Progress | None = None) -> exchange_db.ImportResult:
    """Raises OutOfScope, exchange_files.UnreadableFile or exchange.ImportRejected (nothing written)."""
    if kind not in KINDS:
        raise LedgerError("an import is of risk points or hazards", zh="只能导入风险点或隐患")
    found = school_in_scope(db, school, scope)
    kwargs = {"progress": progress} if progress is not None else {}
    if kind == "risk_points":
        result = exchange_db.import_risk_points(db, found.code, path, rules=rules, tz=tz, now=now, **kwargs)
    else:
        result = exchange_db.import_hazards(db, found.code, path, tz=tz, now=now, **kwargs)
    record(db, actor=actor, action=f"import.{kind}", target=f"school:{found.code}", now=now, school=found.code,
           after={"file": filename[:200], "rows": result.created + result.updated, "created": result.created,
                  "updated": result.updated, "cleaned_cells": len(result.cleaned)})
    return result
