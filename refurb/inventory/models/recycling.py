"""Recycling batches handed over to a recycler (DEEE)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.db_types import UTCDateTime, utcnow
from refurb.extensions import db


class RecyclingBatch(db.Model):
    """Devices handed to a recycler organisation on one day, with a handover slip."""

    __tablename__ = "recycling_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    recycler_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    handed_over_on: Mapped[date] = mapped_column(index=True)
    total_weight_kg: Mapped[float]
    handover_reference: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    recycler = relationship("Organisation", lazy="joined")
