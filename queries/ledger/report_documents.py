"""The monthly reports' documents kept for download (issue 17): which exist for a unit, and one by its
unit, kind, period, format and language. The caller checks the reader's scope over the unit first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import ReportDocument


@dataclass(frozen=True)
class Kept:
    unit_id: int
    kind: str
    period: str
    fmt: str
    lang: str
    file: str
    size: int
    generated_at: datetime
    generated_by: str


def _kept(row: ReportDocument) -> Kept:
    return Kept(row.unit_id, row.kind, row.period, row.fmt, row.lang, row.file, row.size, row.generated_at,
                row.generated_by)


def kept_for(db: Session, unit_id: int, *, limit: int = 60) -> list[Kept]:
    """A unit's documents, newest period first."""
    rows = db.scalars(select(ReportDocument).where(ReportDocument.unit_id == unit_id)
                      .order_by(ReportDocument.period.desc(), ReportDocument.fmt, ReportDocument.lang).limit(limit))
    return [_kept(r) for r in rows]


def find(db: Session, unit_id: int, kind: str, period: str, fmt: str, lang: str) -> Kept | None:
    row = db.scalar(select(ReportDocument).where(
        ReportDocument.unit_id == unit_id, ReportDocument.kind == kind, ReportDocument.period == period,
        ReportDocument.fmt == fmt, ReportDocument.lang == lang))
    return None if row is None else _kept(row)
