"""The coordinator's audit page: every event, newest first, filtered, paged by id."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from sqlalchemy import select

from refurb.auth.access import allow
from refurb.auth.models import Organisation, User
from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.history.models import Event

bp = Blueprint("history", __name__)

PAGE_SIZE = 50
PARIS = ZoneInfo("Europe/Paris")


def _day_start(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.min, PARIS).astimezone(UTC)


@bp.route("/journal")
@allow(Role.ADMIN)
def journal():
    args = request.args
    statement = (
        select(Event, User.name, Organisation.name)
        .outerjoin(User, User.id == Event.actor_id)
        .outerjoin(Organisation, Organisation.id == Event.organisation_id)
        .order_by(Event.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if action := args.get("action", "").strip():
        statement = statement.where(Event.action.startswith(action))
    if subject_type := args.get("subject_type", "").strip():
        statement = statement.where(Event.subject_type == subject_type)
        if (subject_id := args.get("subject_id", type=int)) is not None:
            statement = statement.where(Event.subject_id == subject_id)
    if (actor_id := args.get("actor", type=int)) is not None:
        statement = statement.where(Event.actor_id == actor_id)
    if since := _day_start(args.get("from", "")):
        statement = statement.where(Event.occurred_at >= since)
    if until := _day_start(args.get("to", "")):
        statement = statement.where(Event.occurred_at < until + timedelta(days=1))
    if (before := args.get("before", type=int)) is not None:
        statement = statement.where(Event.id < before)
    rows = db.session.execute(statement).all()
    next_before = rows[PAGE_SIZE - 1][0].id if len(rows) > PAGE_SIZE else None
    filters = {k: v for k, v in args.items() if k != "before" and v}
    return render_template(
        "history/journal.html", rows=rows[:PAGE_SIZE], next_before=next_before, filters=filters
    )
