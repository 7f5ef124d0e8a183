"""Photos of hazard reports, rectifications and inspections (issue 15): the ledger's row of each; the
files are on the photo volume (ledger/photo_files.py), cleaned of their metadata (ledger/photos.py).

A photo is uploaded first, by a person for one school, and is then attached by the step it belongs to
(ledger/commands/photos.py `attach`): the hazard it shows, the step of the loop (a rectification's
after-photo) and, from inspections, the checklist result. Until then only its uploader sees it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name="content_type"),
        Index("ix_photos_school_id_created_at", "school_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, 32 hex digits: names the files and the address (/photos/<key>); never guessable.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_type: Mapped[str] = mapped_column(String(32))  # image/jpeg, image/png, image/webp, image/heic
    sent_bytes: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(32))  # of the kept original: image/jpeg or image/png
    stored_bytes: Mapped[int]  # of the kept original
    width: Mapped[int]
    height: Mapped[int]
    thumb_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))  # of the kept original: its ETag, and a check of the file
    # While unattached, "<uploader>:<school>:<sha256 of the bytes sent>": unique, so the same photo sent
    # again by the same person (a retry over a weak connection) is the same photo, even two sends at
    # once; NULL once attached (NULLs are never equal), so the same picture may go with another report.
    pending: Mapped[str | None] = mapped_column(String(100), unique=True)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"), index=True)
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("hazard_transitions.id"), index=True)
    inspection_result_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_results.id"), index=True)
    attached_at: Mapped[datetime | None]

    @property
    def attached(self) -> bool:
        return self.hazard_id is not None or self.transition_id is not None or self.inspection_result_id is not None
