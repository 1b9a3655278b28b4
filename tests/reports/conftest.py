"""Hand-made histories for the report: devices received, made ready, lent and deployed on
chosen days (the injectable clock dates every event)."""

from datetime import UTC, date, datetime

import pytest

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.db_types import clock_at
from refurb.inventory.enums import Category, State
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.inventory.models import Device
from refurb.inventory.services import intake
from refurb.maintenance.enums import SiteKind
from tests.inventory.conftest import make_ready_able


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def receive(actor, day: date, simplified=False, category=Category.LAPTOP, **fields) -> Device:
    with clock_at(at(day)):
        device = intake.receive_device(actor, category=category, **fields)
        device.simplified = simplified
        return device


def make_ready(device, actor, day: date) -> None:
    with clock_at(at(day)):
        if device.state == State.RECEIVED:
            perform(device, Action.START_DIAGNOSIS, Context(actor=actor))
        make_ready_able(device, actor)
        perform(device, Action.MARK_READY, Context(actor=actor))


def pool_id(session) -> int:
    from refurb.maintenance.models import Site
    from refurb.maintenance.services.sites import create_site

    found = session.query(Site).filter_by(kind=SiteKind.ROTATION_POOL).first()
    if found:
        return found.id
    return create_site(
        None, name="Parc tournant", kind=SiteKind.ROTATION_POOL, commune_code="32013"
    ).id


@pytest.fixture
def admin(in_app, create_user):
    """The coordinator, acting inside an app context (a module may define its own `admin`)."""
    user = create_user(Role.ADMIN)
    with in_app() as session:
        yield session.get(User, user.id)
