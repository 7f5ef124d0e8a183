"""The wall's history (issue 18, 事后评估): each school's summary minute by minute, an hour per row.

`frames` is ledger/wall_history.py's packed hour: the keyframe of the hour's first recorded minute
and a delta for each later one, zlib-compressed JSON. `minutes` is the mask of the minutes recorded
(bit m: minute m of the hour), so a gap is known without opening the frames. The school is its code,
as events name it: a school sends events, and so has a wall, before the ledger knows it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.models.base import Base, utcnow


class WallHistory(Base):
    __tablename__ = "wall_history"
    # Retention removes by hour across schools: its own index (the key leads with the school).
    __table_args__ = (Index("ix_wall_history_hour_start", "hour_start"),)

    school: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour_start: Mapped[datetime] = mapped_column(primary_key=True)  # UTC, on the hour
    frames: Mapped[bytes] = mapped_column(LargeBinary)
    minutes: Mapped[int] = mapped_column(BigInteger)  # bit m set: minute m of the hour recorded
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
