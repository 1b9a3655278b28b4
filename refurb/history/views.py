"""The coordinator's audit page: every event, newest first, filtered, paged by id."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from sqlalchemy import select

from refurb.auth.access import allow
from refurb.auth.models import Organisation, User
from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.history.models import Event
from refurb.i18n import gettext as _
from refurb.lookups import MAX_ID
from refurb.web import day_arg

bp = Blueprint("history", __name__)

PAGE_SIZE = 50
PARIS = ZoneInfo("Europe/Paris")


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _day_start(args, name: str, errors: dict) -> datetime | None:
    """The start of the day typed in `name` (Paris time), or None; a bad date is reported."""
    day = day_arg(
        args, name, errors, EARLIEST, LATEST, _("Date hors de la période du journal (2000 à 2100).")
    )
    if day is None:
        return None
    return datetime.combine(day, time.min, PARIS).astimezone(UTC)


def _id(args, name: str, errors: dict) -> int | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        errors[name] = _("Numéro invalide.")
        return None
    return int(value)


@bp.route("/journal")
@allow(Role.ADMIN)
def journal():
    args, errors = request.args, {}
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
        if (subject_id := _id(args, "subject_id", errors)) is not None:
            statement = statement.where(Event.subject_id == subject_id)
    if (actor_id := _id(args, "actor", errors)) is not None:
        statement = statement.where(Event.actor_id == actor_id)
    if since := _day_start(args, "from", errors):
        statement = statement.where(Event.occurred_at >= since)
    if until := _day_start(args, "to", errors):
        statement = statement.where(Event.occurred_at < until + timedelta(days=1))
    if (before := _id(args, "before", errors)) is not None:
        statement = statement.where(Event.id < before)
    rows = [] if errors else db.session.execute(statement).all()
    next_before = rows[PAGE_SIZE - 1][0].id if len(rows) > PAGE_SIZE else None
    filters = {k: v for k, v in args.items() if k != "before" and v}
    return render_template(
        "history/journal.html",
        rows=rows[:PAGE_SIZE],
        next_before=next_before,
        filters=filters,
        errors=errors,
    ), (400 if errors else 200)
