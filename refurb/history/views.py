"""The coordinator's audit page: every event as a French sentence, newest first (by date, then
id), filtered by kind of action and of record, paged by the last event shown."""

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import select, tuple_

from refurb.auth.access import allow
from refurb.auth.models import Organisation, User
from refurb.auth.roles import Role
from refurb.db_types import PARIS
from refurb.extensions import db
from refurb.history import details, naming, sentences
from refurb.history.models import Event
from refurb.i18n import gettext as _
from refurb.lookups import MAX_ID
from refurb.web import day_arg

bp = Blueprint("history", __name__)

PAGE_SIZE = 50


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
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:  # not "²"
        errors[name] = _("Numéro invalide.")
        return None
    return int(value)


def _choice(args, name: str, known, errors: dict) -> str:
    value = args.get(name, "").strip()
    if value and value not in known:
        errors[name] = _("Choisissez dans la liste.")
        return ""
    return value


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's actions, grouped by kind of record, in French."""
    groups = []
    for kind, kind_label in sentences.SUBJECTS.items():
        actions = [(a, str(w.label)) for a, w in sentences.ACTIONS.items() if w.subject == kind]
        if actions:
            groups.append((str(kind_label), sorted(actions, key=lambda choice: choice[1])))
    return groups


def _lines(rows) -> list[tuple]:
    """(event, actor, organisation, sentence, details) per row; the records the events name
    are named in one query per kind of record."""
    wanted: dict[str, set] = {}
    for event, *_names in rows:
        wanted.setdefault(event.subject_type, set()).add(event.subject_id)
        for kind, ids in details.wanted(event).items():
            wanted.setdefault(kind, set()).update(ids)
    named = naming.name_records(wanted)
    return [
        (
            event,
            actor_name,
            organisation_name,
            sentences.sentence(event, naming.subject_of(event, named)),
            details.readable(event, named),
        )
        for event, actor_name, organisation_name in rows
    ]


@bp.route("/journal")
@allow(Role.ADMIN)
def journal():
    args, errors = request.args, {}
    statement = (
        select(Event, User.name, Organisation.name)
        .outerjoin(User, User.id == Event.actor_id)
        .outerjoin(Organisation, Organisation.id == Event.organisation_id)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if action := _choice(args, "action", sentences.ACTIONS, errors):
        statement = statement.where(Event.action == action)
    if subject_type := _choice(args, "subject_type", sentences.SUBJECTS, errors):
        statement = statement.where(Event.subject_type == subject_type)
        if (subject_id := _id(args, "subject_id", errors)) is not None:
            statement = statement.where(Event.subject_id == subject_id)
    if (actor_id := _id(args, "actor", errors)) is not None:
        statement = statement.where(Event.actor_id == actor_id)
    since, until = _day_start(args, "from", errors), _day_start(args, "to", errors)
    if since and until and since > until:
        errors["from"] = _("La date de début (« Du ») est après la date de fin (« Au »).")
    if since:
        statement = statement.where(Event.occurred_at >= since)
    if until:
        statement = statement.where(Event.occurred_at < until + timedelta(days=1))
    if (before := _id(args, "before", errors)) is not None:
        # The page after the event `before`: older, or as old with a smaller id.
        moment = db.session.scalar(select(Event.occurred_at).where(Event.id == before))
        if moment is not None:
            statement = statement.where(tuple_(Event.occurred_at, Event.id) < (moment, before))
    rows = [] if errors else db.session.execute(statement).all()
    next_before = rows[PAGE_SIZE - 1][0].id if len(rows) > PAGE_SIZE else None
    filters = {k: v for k, v in args.items() if k != "before" and v}
    return render_template(
        "history/journal.html",
        lines=_lines(rows[:PAGE_SIZE]),
        next_before=next_before,
        filters=filters,
        errors=errors,
        action_choices=action_choices(),
        subject_choices=sorted(
            ((k, str(v)) for k, v in sentences.SUBJECTS.items()), key=lambda c: c[1]
        ),
    ), (400 if errors else 200)
