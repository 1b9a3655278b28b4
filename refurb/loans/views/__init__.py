"""Pages of the lending associations: households, waiting list, loans, reminders, settings.

Records are looked up through `refurb.loans.scoping`, which answers 404 for another
organisation's records; identity is shown through `refurb.loans.privacy.identity_for`."""

from flask import Blueprint
from flask_login import current_user
from sqlalchemy import select

from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.loans.scoping import scoped

bp = Blueprint("loans", __name__)
LENDER = (Role.LENDER,)


def lender_choices():
    """The lender organisations the user may act for, as form choices."""
    statement = scoped(
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.LENDER)
        .order_by(Organisation.name),
        Organisation.id,
        current_user,
    )
    return [(r.id, r.name) for r in db.session.execute(statement)]


from refurb.loans.views import dashboard, households, lending  # noqa: E402, F401
