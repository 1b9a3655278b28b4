"""Loan fixtures: a lender organisation with its lender, households, ready devices."""

from datetime import date
from types import SimpleNamespace

import pytest

from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.loans.enums import Criterion
from refurb.loans.services import create_household


@pytest.fixture
def lender_org(create_organisation):
    return create_organisation("Gers Solidaire", OrganisationKind.LENDER)


@pytest.fixture
def lender(create_user, lender_org):
    return create_user(Role.LENDER, lender_org, name="Sophie Martin")


@pytest.fixture
def make_household(in_app, lender, lender_org):
    def make(organisation=None, **fields):
        organisation = organisation or lender_org
        values = {
            "commune_code": "32013",
            "size": 3,
            "criterion": Criterion.RSA,
            "verified_on": date(2026, 10, 1),
            "contact_name": "Mme Durand",
            "contact_email": "durand@exemple.fr",
            "contact_phone": "06 12 34 56 78",
            "consent_on": date(2026, 10, 1),
        }
        values.update(fields)
        with in_app():
            household = create_household(
                None, db.session.get(Organisation, organisation.id), **values
            )
            db.session.commit()
            return SimpleNamespace(id=household.id, reference=household.reference)

    return make


@pytest.fixture
def session_as(in_app):
    """`with session_as(user) as (session, actor):` an app context and the acting user."""
    from contextlib import contextmanager

    @contextmanager
    def context(user):
        with in_app() as session:
            yield session, session.get(User, user.id)

    return context
