"""Comments on hazards (值班意见): add one. Comments are never edited.

Listing a hazard's comments is a read (queries/ledger/hazard_comments.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ledger.control_chars import clean_free_text
from ledger.errors import LedgerError
from ledger.models import Hazard
from ledger.models.hazard import MAX_COMMENT_CHARS, HazardComment


def check_text(text: object) -> str:
    """The comment as it will be kept, or LedgerError saying what is wrong with it. Kept as typed
    (no trimming inside, no markup removed): screens show it as text, never as HTML. Free text, so
    control characters go as in an imported description (ledger/control_chars.py): line breaks
    kept as LF, TAB kept, the others (invisible, and NUL is refused by PostgreSQL) removed."""
    if not isinstance(text, str):
        raise LedgerError("the comment must be text", zh="评论须是文字")
    text = clean_free_text(text)
    if not text.strip():
        raise LedgerError("the comment is empty", zh="评论是空的")
    if len(text) > MAX_COMMENT_CHARS:
        raise LedgerError(f"the comment has {len(text)} characters; at most {MAX_COMMENT_CHARS} are kept",
                          zh=f"评论有 {len(text)} 个字，至多保存 {MAX_COMMENT_CHARS} 个字")
    return text


def add_comment(session: Session, *, hazard: Hazard, by: str, at: datetime, text: str) -> HazardComment:
    comment = HazardComment(hazard_id=hazard.id, by=by, at=at, text=check_text(text))
    session.add(comment)
    session.flush()
    return comment
