"""The campus plan images: the picture a campus's buildings are drawn over, kept in the ledger.

In the ledger, not on a disk: one backup holds everything, and every web worker (several
processes, several machines) serves the same image. A plan image is checked when it comes in
(ledger/plan_images.py: its type read from its bytes, its size in pixels bounded, an SVG without
scripts or outside references) and stored as it was sent, with the SHA-256 of its bytes, which the
maps put in the image's address so a new upload is never hidden by a cached old one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base


class SitePlanImage(Base):
    __tablename__ = "site_plan_images"
    __table_args__ = (UniqueConstraint("school_id", "campus"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    campus: Mapped[str] = mapped_column(String(64))  # the campus id of the school's site plan
    content_type: Mapped[str] = mapped_column(String(32))  # image/png, image/jpeg, image/svg+xml
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    pixel_width: Mapped[int | None]  # raster images: their size in pixels; None for SVG
    pixel_height: Mapped[int | None]
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(String(64))
