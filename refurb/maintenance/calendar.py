"""A maintainer's round as an iCalendar feed (RFC 5545, written by the icalendar library):
one all-day event per site and plan on its due date, subscribed to by a secret address that
the maintainer can renew (the old address then stops working)."""

import secrets
from datetime import timedelta

from icalendar import Calendar, Event

from refurb.db_types import utcnow
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.maintenance.models import CalendarFeed
from refurb.security import digest


def renew_feed(user) -> str:
    """A new secret for the user's feed; returns it (shown once, in the address)."""
    token = secrets.token_urlsafe(24)
    feed = db.session.get(CalendarFeed, user.id) or CalendarFeed(user_id=user.id)
    feed.token_digest, feed.created_at = digest(token), utcnow()
    db.session.add(feed)
    db.session.flush()
    return token


def user_for_feed(token: str):
    from refurb.auth.models import User

    feed = db.session.query(CalendarFeed).filter_by(token_digest=digest(token)).one_or_none()
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.is_active else None


def round_calendar(dues, site_url) -> bytes:
    """The feed of `dues` (maintenance.services.visits.Due); `site_url(site)` links each event."""
    calendar = Calendar()
    calendar.add("prodid", "-//refurb//tournée de maintenance//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Tournée de maintenance refurb"))
    stamp = utcnow()
    for due in dues:
        event = Event()
        event.add("uid", f"refurb-site-{due.site.id}-plan-{due.plan.id}@refurb")
        event.add("dtstamp", stamp)
        event.add("dtstart", due.due_on)
        event.add("dtend", due.due_on + timedelta(days=1))
        event.add("summary", f"{due.plan.name} — {due.site.name}")
        lines = [due.site.commune.name]
        if due.site.opening_hours:
            lines.append(_("Horaires : %(h)s", h=due.site.opening_hours))
        event.add("description", "\n".join(lines))
        event.add("location", f"{due.site.name}, {due.site.commune.name}")
        event.add("url", site_url(due.site))
        calendar.add_component(event)
    return calendar.to_ical()
