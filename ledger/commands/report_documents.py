"""Keeping the monthly reports' documents for download (issue 17): the file under REPORT_DIR, named by
its content's SHA-256, and the ledger row that says which unit, period, format and language it is.

`keep` writes the file first (to a temporary name, then renamed: a reader never sees half a file),
then points the row at it in the caller's transaction; a document generated again for the same unit,
period, format and language replaces the row, and the file it pointed at is removed once no row names
it (`forget_unused`, after the caller's commit). A crash between the two leaves at most a stray file,
never a row without its file."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import reporting
from ledger.errors import LedgerError
from ledger.models import OrgUnit, ReportDocument
from ledger.models.report_document import DOCUMENT_FORMATS, DOCUMENT_KINDS

FILE = re.compile(r"^[0-9a-f]{64}\.(pdf|xlsx)$")
MAX_BYTES = 50 * 1024 * 1024  # far above any month's report; a larger one is a fault, not kept


def check_period(period: object) -> str:
    """A month, 'YYYY-MM' (ledger.reporting's rule), or LedgerError."""
    reporting.parse_period(period)
    return period


def path_of(report_dir: str | Path, file: str) -> Path:
    """The file a row names, refusing any name this module did not make (a row edited by hand)."""
    if not FILE.fullmatch(file):
        raise LedgerError(f"not a report file name: {file[:80]!r}", zh="不是报告文件名")
    return Path(report_dir) / file


def keep(db: Session, *, report_dir: str | Path, unit: OrgUnit, kind: str, period: str, fmt: str, lang: str,
         content: bytes, by: str, now: datetime) -> tuple[ReportDocument, str | None]:
    """Write the document and point its row at it (the caller commits). Returns (row, the file the row
    named before, if another: the caller passes it to `forget_unused` after committing)."""
    if kind not in DOCUMENT_KINDS or fmt not in DOCUMENT_FORMATS or lang not in ("zh", "en"):
        raise LedgerError(f"unknown document {kind}/{fmt}/{lang}", zh="未知的报告文件类型")
    check_period(period)
    if not content or len(content) > MAX_BYTES:
        raise LedgerError("the document is empty or too large to keep", zh="报告文件为空或过大，未保存")
    file = f"{hashlib.sha256(content).hexdigest()}.{fmt}"
    folder = Path(report_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = path_of(folder, file)
    if not target.exists():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    row = _row(db, unit, kind, period, fmt, lang)
    if row is None:
        row = ReportDocument(unit_id=unit.id, kind=kind, period=period, fmt=fmt, lang=lang, file=file,
                             size=len(content), generated_at=now, generated_by=by[:64])
        try:
            with db.begin_nested():  # a savepoint: the caller's transaction outlives a collision
                db.add(row)
            return row, None
        except IntegrityError:  # made at once by another request (two first downloads): this one replaces it
            row = _row(db, unit, kind, period, fmt, lang)
            if row is None:
                raise
    before = row.file if row.file != file else None
    row.file, row.size, row.generated_at, row.generated_by = file, len(content), now, by[:64]
    db.flush()
    return row, before


def _row(db: Session, unit: OrgUnit, kind: str, period: str, fmt: str, lang: str) -> ReportDocument | None:
    return db.scalar(select(ReportDocument).where(
        ReportDocument.unit_id == unit.id, ReportDocument.kind == kind, ReportDocument.period == period,
        ReportDocument.fmt == fmt, ReportDocument.lang == lang))


def forget_unused(db: Session, report_dir: str | Path, file: str | None) -> bool:
    """Remove a file no row names any more (after the commit that moved its row on)."""
    if not file or db.scalar(select(func.count()).select_from(ReportDocument).where(ReportDocument.file == file)):
        return False
    path_of(report_dir, file).unlink(missing_ok=True)
    return True
