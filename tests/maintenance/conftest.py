"""Maintenance fixtures: a site with its maintainer, its staff and a park of PCs in service."""

from types import SimpleNamespace

import pytest

from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.inventory.services import intake


def put_in_service(session, site_id, count=2, category=Category.DESKTOP):
    """PCs in service at the site (set up directly: the lifecycle is tested elsewhere)."""
    tags = []
    for _ in range(count):
        device = intake.receive_device(None, category=category, brand="Dell", model="OptiPlex 7050")
        device.state, device.site_id = State.DEPLOYED, site_id
        tags.append(device.tag)
    session.flush()
    return tags


@pytest.fixture
def park(in_app, create_user, create_organisation, make_site):
    """Site A (maintained by `maintainer`, hosted by `host` whose staff is `staff`) with two PCs,
    and site B with its own maintainer and one PC."""
    host = create_organisation("Médiathèque d'Auch", OrganisationKind.SITE_HOST)
    other_host = create_organisation("Mairie de Marciac", OrganisationKind.SITE_HOST)
    maintainer = create_user(Role.MAINTAINER)
    other_maintainer = create_user(Role.MAINTAINER)
    staff = create_user(Role.SITE_STAFF, host)
    other_staff = create_user(Role.SITE_STAFF, other_host)
    site = make_site("Médiathèque d'Auch", maintainers=[maintainer], host=host)
    other = make_site("Mairie de Marciac", maintainers=[other_maintainer], host=other_host)
    with in_app() as session:
        tags = put_in_service(session, site.id)
        other_tags = put_in_service(session, other.id, count=1)
        session.commit()
    return SimpleNamespace(
        site=site,
        other=other,
        tags=tags,
        other_tags=other_tags,
        maintainer=maintainer,
        other_maintainer=other_maintainer,
        staff=staff,
        other_staff=other_staff,
        host=host,
    )


def user(session, person) -> User:
    return session.get(User, person.id)


def device(session, tag) -> Device:
    return session.query(Device).filter_by(tag=tag).one()


__all__ = ["db", "device", "put_in_service", "user"]
