"""One append-only table of events: what happened to which subject, by whom, when."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from refurb.db_types import BigId, UTCDateTime, utcnow
from refurb.extensions import db


class Event(db.Model):
    """Something that happened. Rows are never updated or deleted once written."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_subject", "subject_type", "subject_id", "occurred_at"),
        Index("ix_events_occurred_at", "occurred_at"),
        # The indicators as of a date count actions up to a moment (covering index).
        Index("ix_events_action_occurred_at", "action", "occurred_at", "subject_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(64), index=True)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor = relationship("User", lazy="raise")
    organisation = relationship("Organisation", lazy="raise")


class AppendOnlyViolation(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_event_changes(session, flush_context, instances):
    for obj in session.dirty:
        if isinstance(obj, Event) and session.is_modified(obj):
            raise AppendOnlyViolation("events are append-only: an event cannot be modified")
    for obj in session.deleted:
        if isinstance(obj, Event):
            raise AppendOnlyViolation("events are append-only: an event cannot be deleted")
