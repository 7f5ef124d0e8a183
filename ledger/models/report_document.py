"""The monthly reports' documents kept for download (issue 17): one row per unit, kind, period, format
and language, naming a file under REPORT_DIR (ledger/commands/report_documents.py writes both). The
file's name is its content's SHA-256: a regenerated document is a new file, and a row never points at
half a file."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base

DOCUMENT_KINDS: tuple[str, ...] = ("monthly",)
DOCUMENT_FORMATS: tuple[str, ...] = ("pdf", "xlsx")


class ReportDocument(Base):
    __tablename__ = "report_documents"
    __table_args__ = (
        UniqueConstraint("unit_id", "kind", "period", "fmt", "lang"),
        CheckConstraint("kind IN ('monthly')", name="kind"),
        CheckConstraint("fmt IN ('pdf', 'xlsx')", name="fmt"),
        CheckConstraint("lang IN ('zh', 'en')", name="lang"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    fmt: Mapped[str] = mapped_column(String(8))
    lang: Mapped[str] = mapped_column(String(2))
    file: Mapped[str] = mapped_column(String(80))  # <sha256>.<fmt>, under REPORT_DIR
    size: Mapped[int]
    generated_at: Mapped[datetime]
    generated_by: Mapped[str] = mapped_column(String(64))  # a person's name, or "schedule"
