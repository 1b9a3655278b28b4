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
    created = create_user(Role.LENDER, name="Nadia Ferreira")
    page = client.get("/journal").get_data(as_text=True)
    assert f'Compte de <a href="/utilisateurs/{created.id}">Nadia Ferreira</a> créé' in page
    assert "Connexion de" in page
    filtered = client.get("/journal?action=user.created").get_data(as_text=True)
    assert "Compte de" in filtered and "Connexion de" not in filtered


def test_the_journal_pages_by_date_without_gaps(client, login_as, in_app):
    """Newest first by the moment it happened (not by id), ties by id, across pages."""
    from datetime import UTC, datetime, timedelta

    from refurb.db_types import clock_at

    login_as(Role.ADMIN)
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    with in_app() as session:
        for n in range(120):  # ids in one order, moments in another, some moments shared
            with clock_at(start + timedelta(minutes=(n * 37) % 50)):
                record("device", n, "device.edited")
        session.commit()
        expected = [
            e.subject_id
            for e in session.scalars(
                select(Event)
                .where(Event.subject_type == "device")
                .order_by(Event.occurred_at.desc(), Event.id.desc())
            )
        ]
    seen, url = [], "/journal?subject_type=device"
    while url:
        page = client.get(url).get_data(as_text=True).replace("\u202f", " ")
        seen += [int(part.split(" ")[0]) for part in page.split("Appareil n° ")[1:]]
        marker = 'href="/journal?before='
        url = "/journal?before=" + page.split(marker)[1].split('"')[0] if marker in page else None
        url = url.replace("&amp;", "&") if url else None
    assert len(seen) == 120
    assert seen == expected


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
