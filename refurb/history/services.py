"""Writing events. Every domain operation calls record() in the same transaction."""

from typing import Any

from refurb.db_types import utcnow
from refurb.extensions import db
from refurb.history.models import Event


def record(
    subject_type: str,
    subject_id: int,
    action: str,
    *,
    actor=None,
    organisation_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> Event:
    """Append an event about a subject (flushed with the caller's changes, never alone)."""
    event = Event(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        actor_id=getattr(actor, "id", None),
        organisation_id=organisation_id,
        from_state=from_state,
        to_state=to_state,
        note=note,
        details=details or {},
        occurred_at=utcnow(),  # when it happened, not when the session flushes
    )
    db.session.add(event)
    return event
