"""Risk points (风险点), their hazard sources (危险源) and their grading."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.models.base import Base, utcnow

CONTROL_LEVELS: tuple[str, ...] = ("school", "unit", "section", "post")
# The kinds of risk point (风险点类别) a school lists.
CATEGORIES: tuple[str, ...] = ("场所", "设备设施", "作业活动")
# Accident types a school's lists use (可能导致的事故类型): the GB 6441 categories plus the ones
# schools add (踩踏, 食物中毒, 摔伤); import checks against them.
ACCIDENT_TYPES: tuple[str, ...] = (
    "物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌",
    "锅炉爆炸", "容器爆炸", "其他爆炸", "中毒和窒息", "其他伤害", "爆炸", "踩踏", "食物中毒", "摔伤",
)
# The control level that matches a risk level (分级管控: the higher the risk, the higher the level).
CONTROL_LEVEL_OF = {"major": "school", "high": "unit", "moderate": "section", "low": "post"}
CONTROL_LEVEL_ZH = {"school": "校级", "unit": "院（处）级", "section": "科（室）级", "post": "岗位级"}


class RiskPoint(Base):
    __tablename__ = "risk_points"
    __table_args__ = (UniqueConstraint("school_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    category: Mapped[str | None] = mapped_column(String(64))  # 场所 / 设备设施 / 作业活动
    accident_types: Mapped[list] = mapped_column(default=list)  # 可能导致的事故类型
    control_measures: Mapped[str] = mapped_column(Text, default="")
    responsible_person: Mapped[str | None] = mapped_column(String(64))
    control_level: Mapped[str] = mapped_column(String(16), default="unit")
    method: Mapped[str] = mapped_column(String(8))  # LEC or LS
    l_value: Mapped[float] = mapped_column(Float)
    e_value: Mapped[float | None] = mapped_column(Float)
    c_value: Mapped[float | None] = mapped_column(Float)
    s_value: Mapped[float | None] = mapped_column(Float)
    # Computed from the factors by ledger.grading on every save; stored so lists sort and filter.
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(16), index=True)
    colour: Mapped[str] = mapped_column(String(8))
    identified_on: Mapped[date] = mapped_column(Date)
    last_reviewed_on: Mapped[date] = mapped_column(Date)  # annual re-identification (art. 13)
    x: Mapped[float | None] = mapped_column(Float)  # marker on the site plan, metres
    y: Mapped[float | None] = mapped_column(Float)
    # Retired (风险点撤销: the place closed, the activity stopped): kept for the audit trail and the
    # hazards that name it, left off the register and the four-colour map from that day.
    retired_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    hazard_sources: Mapped[list[HazardSource]] = relationship(
        back_populates="risk_point", cascade="all, delete-orphan", order_by="HazardSource.id")


class HazardSource(Base):
    __tablename__ = "hazard_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_point_id: Mapped[int] = mapped_column(ForeignKey("risk_points.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    risk_point: Mapped[RiskPoint] = relationship(back_populates="hazard_sources")
