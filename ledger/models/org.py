"""The organisation tree and the school's site plan.

province → city → district → school → campus and unit (college, department, office); a school's
buildings (each on a campus) and their zones carry polygons in local metres (x east, y north from
the site plan's origin), so the four-colour map is drawn from the school's own data, with no map tiles.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base

ORG_KINDS: tuple[str, ...] = ("province", "city", "district", "school", "campus", "unit")
ORG_KIND_ZH = {"province": "省", "city": "市", "district": "区县", "school": "学校", "campus": "校区",
               "unit": "校内单位"}
# The kinds a node of each kind may have under it. Above the school the levels may be skipped (a
# city's own schools, a province's directly run universities); a school holds campuses and units.
ORG_CHILDREN: dict[str, tuple[str, ...]] = {
    "province": ("city", "district", "school"), "city": ("district", "school"), "district": ("school",),
    "school": ("campus", "unit"), "campus": (), "unit": ("unit",),
}
# What kind of school: the special campaigns apply by type (seeds 003 and 004).
SCHOOL_TYPES: tuple[str, ...] = ("university", "vocational", "middle", "primary", "kindergarten", "special")
SCHOOL_TYPE_ZH = {"university": "高校", "vocational": "职业院校", "middle": "中学", "primary": "小学",
                  "kindergarten": "幼儿园", "special": "特殊教育学校"}
# What a building is used for (`Building.kind`). "lab" as the demo and the campaign checklists have it
# (demo/checklists.py: items that apply to a building kind).
BUILDING_USES: tuple[str, ...] = ("teaching", "lab", "canteen", "dormitory", "office", "library", "gym",
                                  "other")
BUILDING_USE_ZH = {"teaching": "教学楼", "lab": "实验楼", "canteen": "食堂", "dormitory": "宿舍", "office": "办公楼",
                   "library": "图书馆", "gym": "体育馆", "other": "其他"}


class OrgUnit(Base):
    """A node of the organisation tree. `code` is the id the outside world uses: a school's code
    is the `school` of the event contract."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    school_type: Mapped[str | None] = mapped_column(String(16))  # a school's: SCHOOL_TYPES
    # A school's site plan extent in metres, {"width": .., "height": ..}; campuses as labelled boxes.
    site_plan: Mapped[dict | None]

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent")


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("school_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # the `building` of the event contract
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str | None] = mapped_column(String(32))  # BUILDING_USES (older rows may hold other words)
    floors: Mapped[int | None]
    campus: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))  # responsible unit
    polygon: Mapped[list | None]  # [[x, y], ...] in metres
    # Retired, not deleted: its risk points, hazards and history keep pointing at it; the map leaves it out.
    retired_at: Mapped[datetime | None]

    school: Mapped[OrgUnit] = relationship(foreign_keys=[school_id])
    unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[unit_id])
    zones: Mapped[list[Zone]] = relationship(back_populates="building", order_by="Zone.id")


class Zone(Base):
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("building_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # the `zone` of the event contract
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str | None] = mapped_column(String(128))
    polygon: Mapped[list | None]
    retired_at: Mapped[datetime | None]

    building: Mapped[Building] = relationship(back_populates="zones")
