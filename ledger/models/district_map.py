"""A district's map for its wall (issue 17, the district wall): one image per unit above schools
(a district, a city), and where each of its schools sits on it.

Kept in the ledger like the campus plan images (ledger/models/site.py), checked the same way when
they come in (ledger/plan_images.py), but raster only: the wall draws it as a plain <img>. A school's
place is a fraction of the image's width and height (0..1 from the top-left corner), so a new,
larger scan of the same map keeps every school where it was.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base


class DistrictMap(Base):
    __tablename__ = "district_maps"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(32))  # image/png or image/jpeg
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    pixel_width: Mapped[int]
    pixel_height: Mapped[int]
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[str] = mapped_column(String(64))


class DistrictMapPlace(Base):
    __tablename__ = "district_map_places"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True)  # the map's unit
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), primary_key=True, index=True)
    x: Mapped[float] = mapped_column(Float)  # 0 left .. 1 right
    y: Mapped[float] = mapped_column(Float)  # 0 top .. 1 bottom
