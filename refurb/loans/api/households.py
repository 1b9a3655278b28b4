"""Households over JSON: record, list, read. Identity is shown through `privacy.identity_for`
(owning lenders only, every display logged), exactly as on the pages."""

from sqlalchemy import select

from refurb.api import BEARER
from refurb.api.pagination import PageQuery, page_of, paginate
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.auth.models import Organisation
from refurb.auth.roles import Role
from refurb.errors import InvalidInput
from refurb.i18n import gettext as _
from refurb.loans import privacy
from refurb.loans.api import blp
from refurb.loans.api.schemas import HouseholdIn, HouseholdOut
from refurb.loans.models import Household
from refurb.loans.scoping import household_for, scoped
from refurb.loans.services.households import create_household
from refurb.lookups import get_or_none

DOC = {"security": [BEARER]}


def shown(actor, household: Household) -> dict:
    """A household as the API shows it to `actor`."""
    return {
        "id": household.id,
        "reference": household.reference,
        "lender_organisation_id": household.lender_organisation_id,
        "commune_code": household.commune_code,
        "epci": household.commune.epci.name,
        "size": household.size,
        "criterion": household.criterion.value,
        "anonymised": household.anonymised_at is not None,
        "contact": privacy.identity_for(actor, household),
    }


@blp.route("/households", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(HouseholdIn)
@blp.response(201, HouseholdOut)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create(payload):
    """Record a household for one's own lender organisation."""
    organisation = get_or_none(Organisation, payload.pop("lender_organisation_id"))
    if organisation is None:
        raise InvalidInput(
            "unknown_organisation",
            _("Association inconnue."),
            details={"lender_organisation_id": "unknown"},
        )
    actor = current_actor()
    return shown(actor, create_household(actor, organisation, **payload))


@blp.route("/households")
@allow(Role.LENDER)
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(HouseholdOut))
@blp.doc(**DOC)
def list_households(args):
    """The households of one's own organisations."""
    actor = current_actor()
    found = paginate(
        scoped(select(Household).order_by(Household.id), Household.lender_organisation_id, actor),
        args,
    )
    return {**found, "items": [shown(actor, household) for household in found["items"]]}


@blp.route("/households/<int:household_id>")
@allow(Role.LENDER)
@blp.response(200, HouseholdOut)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(**DOC)
def get(household_id):
    """One household; contact details only for the owning organisation's lenders (logged)."""
    actor = current_actor()
    return shown(actor, household_for(actor, household_id))
