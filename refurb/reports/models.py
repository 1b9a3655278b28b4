"""Indicator targets: each edit is a new row, so a past report shows the target of its day."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from refurb.db_types import UTCDateTime, utcnow
from refurb.extensions import db


class IndicatorTarget(db.Model):
    """A target of the roadmap for an indicator key, as set at `set_at`."""

    __tablename__ = "indicator_targets"
    __table_args__ = (Index("ix_indicator_targets_key_set_at", "key", "set_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32))
    target: Mapped[float]
    deadline: Mapped[date | None]  # None: a yearly target (each calendar year)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
