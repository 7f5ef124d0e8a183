"""The alert rules and acknowledgement deadlines in use, as the rules page shows them: the newest
version an admin saved, or the shipped file when none was."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from ledger import live_rules


@dataclass(frozen=True)
class RulesInUse:
    kind: str
    version: int  # 0: the shipped file
    text: str
    saved_by: str | None = None
    saved_at: datetime | None = None


def rules_in_use(db: Session, kind: str, path: str | Path) -> RulesInUse:
    found = live_rules.newest(db, kind)
    if found is None:
        return RulesInUse(kind, 0, live_rules.file_text(path))
    return RulesInUse(kind, found.version, found.text, found.saved_by, found.saved_at)
