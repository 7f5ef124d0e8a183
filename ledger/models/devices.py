"""The device register (设备登记): which campus device an event's `source` is, and where it stands.

An event names its `source` (kernel/contract.py) but often no building: a fire panel's detector, a
camera's analytics box. Registering the source with its school, building, zone and system lets the
wall place the event on the map anyway (queries/summary.py `placements`, read at read time), and
gives a camera's stream or snapshot address to whoever handles its alerts.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow
from ledger.models.org import Building, OrgUnit, Zone


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("school_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    source: Mapped[str] = mapped_column(String(128))  # the events' `source`, exactly as sent
    name: Mapped[str] = mapped_column(String(128))  # e.g. 化学楼三层烟感 3F-07
    system: Mapped[str] = mapped_column(String(16))  # kernel/device_systems.py DEVICE_SYSTEMS
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    stream_url: Mapped[str | None] = mapped_column(String(500))  # a camera's stream or snapshot
    retired_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school: Mapped[OrgUnit] = relationship(foreign_keys=[school_id])
    building: Mapped[Building | None] = relationship()
    zone: Mapped[Zone | None] = relationship()
