"""Saving an admin's edited alert rules or acknowledgement deadlines (ledger/models/rules.py): checked
by the processes' own parser first (ledger/live_rules.py), so a bad rule is refused whole with the
parser's reason and nothing is stored; a good one becomes the next version, with its audit entry,
in the caller's transaction. Rules are global: only an admin over the whole tree may save them.
"""
from __future__ import annotations

import difflib
from datetime import datetime

from sqlalchemy.orm import Session

from ledger import live_rules
from ledger.commands import audit
from ledger.commands.audit import Actor
from ledger.errors import LedgerError
from ledger.models import RuleText
from ledger.org_scope import OutOfScope


class Unchanged(LedgerError):
    """The text is the version already running: nothing to save."""


def changed_lines(old: str, new: str) -> tuple[str, str]:
    """The lines the edit removed and the lines it added, for the audit log's before and after (the
    whole texts are in rule_texts; the log says what changed)."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return "\n".join(removed), "\n".join(added)


def check(kind: str, text: str) -> object:
    """Parse only (the page's "check" button): the rules, or RulesRefused with the reason."""
    return live_rules.parse(kind, text)


def save(db: Session, *, actor: Actor, whole_tree: bool, kind: str, text: str, current_text: str,
         now: datetime) -> RuleText:
    """Store `text` as the next version of `kind`. `whole_tree`: the caller administers every school
    (no unit, no list of schools). `current_text` is what runs now (the newest version or the shipped
    file), for the audit entry."""
    if not whole_tree:
        raise OutOfScope("alert rules and deadlines apply to every school: only an admin over the whole tree "
                         "may change them", zh="告警规则和确认时限适用于全部学校：只有全局管理员可以修改")
    text = text.replace("\r\n", "\n")
    live_rules.parse(kind, text)  # raises RulesRefused: nothing is stored
    if text.strip() == current_text.replace("\r\n", "\n").strip():
        raise Unchanged("the text is the version already in use", zh="内容与正在使用的版本相同")
    version = live_rules.newest_version(db, kind) + 1
    saved = RuleText(kind=kind, version=version, text=text, saved_by=actor.name[:64], saved_at=now)
    db.add(saved)
    removed, added = changed_lines(current_text, text)
    audit.record(db, actor=actor, action="rules.update", target=f"rules:{kind}", now=now,
                 before={"version": version - 1, "lines": removed}, after={"version": version, "lines": added})
    db.flush()  # a second save of the same version at once fails here on the unique (kind, version)
    return saved
