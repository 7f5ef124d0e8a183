"""What the notice pages read (通报, issue 17): a unit's notices with how many schools have read each,
one notice's receipts school by school, and a school's own notices with its receipt. The caller
passes the scope it resolved on the server (the officer's unit, the person's school)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.models import Notice, NoticeReceipt, OrgUnit


@dataclass(frozen=True)
class NoticeRow:
    id: int
    title: str
    body: str
    published_at: datetime
    published_by: str
    schools: int  # how many it went to
    read: int  # how many have confirmed


@dataclass(frozen=True)
class ReceiptRow:
    school: str
    school_name: str
    read_at: datetime | None
    read_by: str | None


@dataclass(frozen=True)
class SchoolNotice:
    id: int
    title: str
    body: str
    published_at: datetime
    sender: str  # the issuing unit's name
    read_at: datetime | None
    read_by: str | None


def of_unit(db: Session, unit_id: int, limit: int = 100) -> list[NoticeRow]:
    """The notices the unit published, newest first, with their read counts (one GROUP BY)."""
    rows = db.execute(select(Notice, func.count(NoticeReceipt.school_id), func.count(NoticeReceipt.read_at))
                      .outerjoin(NoticeReceipt, NoticeReceipt.notice_id == Notice.id)
                      .where(Notice.unit_id == unit_id).group_by(Notice.id)
                      .order_by(Notice.published_at.desc(), Notice.id.desc()).limit(limit))
    return [NoticeRow(n.id, n.title, n.body, n.published_at, n.published_by, int(total), int(done))
            for n, total, done in rows]


def receipts(db: Session, *, unit_id: int, notice_id: int) -> list[ReceiptRow] | None:
    """One notice of the unit's, school by school (unread first); None when it is not the unit's."""
    if db.scalar(select(Notice.id).where(Notice.id == notice_id, Notice.unit_id == unit_id)) is None:
        return None
    rows = db.execute(select(OrgUnit.code, OrgUnit.name_zh, NoticeReceipt.read_at, NoticeReceipt.read_by)
                      .join(OrgUnit, OrgUnit.id == NoticeReceipt.school_id)
                      .where(NoticeReceipt.notice_id == notice_id)
                      .order_by(NoticeReceipt.read_at.is_not(None), OrgUnit.code))
    return [ReceiptRow(*row) for row in rows]


def of_school(db: Session, school_id: int, limit: int = 100) -> list[SchoolNotice]:
    """The notices addressed to the school, newest first, each with the school's receipt."""
    rows = db.execute(select(Notice, OrgUnit.name_zh, NoticeReceipt.read_at, NoticeReceipt.read_by)
                      .join(NoticeReceipt, NoticeReceipt.notice_id == Notice.id)
                      .join(OrgUnit, OrgUnit.id == Notice.unit_id)
                      .where(NoticeReceipt.school_id == school_id)
                      .order_by(Notice.published_at.desc(), Notice.id.desc()).limit(limit))
    return [SchoolNotice(n.id, n.title, n.body, n.published_at, sender, read_at, read_by)
            for n, sender, read_at, read_by in rows]


def unread_count(db: Session, school_id: int) -> int:
    """How many notices addressed to the school nobody of it has read yet (the phone's "my work")."""
    return int(db.scalar(select(func.count()).select_from(NoticeReceipt).where(
        NoticeReceipt.school_id == school_id, NoticeReceipt.read_at.is_(None))) or 0)
