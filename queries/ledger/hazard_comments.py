"""Comments on hazards (值班意见): a hazard's, oldest first. Adding one is a ledger command
(ledger/commands/hazard_comments.py); comments are never edited."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models.hazard import HazardComment


def list_comments(session: Session, *, hazard_id: int) -> list[HazardComment]:
    """A hazard's comments, oldest first."""
    return list(session.scalars(select(HazardComment).where(HazardComment.hazard_id == hazard_id)
                                .order_by(HazardComment.at, HazardComment.id)))
