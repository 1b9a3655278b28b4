"""The append-only history and the coordinator's audit page."""

import pytest
from sqlalchemy import select

from refurb.auth.roles import Role
from refurb.history.models import AppendOnlyViolation, Event
from refurb.history.services import record


def test_an_event_cannot_be_changed(in_app):
    with in_app() as session:
        event = record("device", 1, "device.received", to_state="received")
        session.commit()
        event.note = "réécriture de l'histoire"
        with pytest.raises(AppendOnlyViolation):
            session.flush()
        session.rollback()


def test_an_event_cannot_be_deleted(in_app):
    with in_app() as session:
        event = record("device", 1, "device.received")
        session.commit()
        session.delete(event)
        with pytest.raises(AppendOnlyViolation):
            session.flush()
        session.rollback()
        assert session.scalar(select(Event.action)) == "device.received"


def test_the_journal_lists_events_with_who_did_them(client, login_as, create_user):
    login_as(Role.ADMIN)
    create_user(Role.LENDER, name="Nadia Ferreira")
    page = client.get("/journal").get_data(as_text=True)
    assert "user.created" in page
    assert "user.signed_in" in page
    filtered = client.get("/journal?action=user.created").get_data(as_text=True)
    assert "user.signed_in" not in filtered


def test_the_journal_pages_by_id_without_gaps(client, login_as, in_app):
    login_as(Role.ADMIN)
    with in_app() as session:
        for n in range(120):
            record("device", n, "device.edited")
        session.commit()
        expected = list(session.scalars(select(Event.id).order_by(Event.id.desc())))
    seen, url = [], "/journal"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += [int(part.split("<")[0]) for part in page.split("device #")[1:]]
        marker = 'href="/journal?before='
        url = "/journal?before=" + page.split(marker)[1].split('"')[0] if marker in page else None
    assert len(seen) == 120
    with in_app() as session:
        events = {
            e.id: e.subject_id
            for e in session.scalars(select(Event).where(Event.subject_type == "device"))
        }
    assert seen == [events[i] for i in expected if i in events]


def test_an_event_is_dated_when_recorded_not_when_flushed(in_app):
    from datetime import UTC, datetime

    from refurb.db_types import clock_at

    with in_app() as session:
        with clock_at(datetime(2025, 1, 1, 9, 30, tzinfo=UTC)):
            event = record("device", 1, "device.edited")
        with clock_at(datetime(2026, 6, 1, tzinfo=UTC)):
            session.flush()
        session.commit()
        assert event.occurred_at == datetime(2025, 1, 1, 9, 30, tzinfo=UTC)
