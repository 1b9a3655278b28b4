"""JSON API for households and loans (DESIGN §7). Same services, same organisation boundary:
a household or loan of another association is a 404."""

from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from refurb.api import BEARER, Blueprint
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.auth.models import Organisation
from refurb.auth.roles import Role
from refurb.errors import InvalidInput, NotFound
from refurb.extensions import db
from refurb.inventory import tags
from refurb.inventory.models import Device
from refurb.loans import privacy, services
from refurb.loans.enums import Criterion, LoanStatus
from refurb.loans.models import Household, Loan, LoanRequest

blp = Blueprint("api_loans", __name__, url_prefix="/api/v1", description="Foyers et prêts")
DOC = {"security": [BEARER]}


def _mine(organisation_id: int) -> bool:
    user = current_actor()
    return user.is_admin or organisation_id in user.organisation_ids(Role.LENDER)


def _household(household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    if household is None or not _mine(household.lender_organisation_id):
        raise NotFound("not_found", _("Foyer introuvable."))
    return household


def _loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    if loan is None or not _mine(loan.lender_organisation_id):
        raise NotFound("not_found", _("Prêt introuvable."))
    return loan


class HouseholdIn(Schema):
    lender_organisation_id = fields.Integer(required=True)
    commune_code = fields.String(required=True, validate=validate.Length(equal=5))
    size = fields.Integer(required=True)
    criterion = fields.Enum(Criterion, by_value=True, required=True)
    criterion_note = fields.String(load_default="")
    verified_on = fields.Date(required=True)
    referring_organisation = fields.String(load_default="")
    contact_name = fields.String(load_default="")
    contact_phone = fields.String(load_default="")
    contact_email = fields.String(
        load_default="", validate=lambda v: v == "" or validate.Email()(v)
    )
    consent_on = fields.Date(load_default=None, allow_none=True)


class HouseholdOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    lender_organisation_id = fields.Integer()
    commune_code = fields.String()
    epci = fields.Function(lambda h: h.commune.epci.name)
    size = fields.Integer()
    criterion = fields.Function(lambda h: h.criterion.value)
    anonymised = fields.Function(lambda h: h.anonymised_at is not None)
    contact = fields.Method("contact_for_owner", metadata={"description": "owning lenders only"})

    def contact_for_owner(self, household):
        if not privacy.can_see_identity(current_actor(), household):
            return None
        privacy.log_identity_view(household, current_actor())
        return {k: getattr(household, k) for k in privacy.IDENTITY_FIELDS}


class LoanIn(Schema):
    household_id = fields.Integer(required=True)
    tag = fields.String(required=True)
    request_id = fields.Integer(load_default=None, allow_none=True)
    override_reason = fields.String(load_default="")


class LoanOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    household_id = fields.Integer()
    tag = fields.Function(lambda loan: loan.device.tag)
    status = fields.Function(lambda loan: loan.status.value)
    start_on = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    renewals = fields.Integer()
    accessories = fields.List(fields.String())
    deposit_euros = fields.Integer()
    version = fields.Integer()


class Versioned(Schema):
    version = fields.Integer(required=True)


class CheckoutIn(Versioned):
    accessories = fields.List(fields.String(), load_default=list)
    deposit_euros = fields.Integer(load_default=0)
    agreement_accepted = fields.Boolean(required=True)
    start_on = fields.Date(load_default=None, allow_none=True)


class ReturnIn(Versioned):
    condition = fields.String(required=True)
    missing_accessories = fields.List(fields.String(), load_default=list)


class LoanQuery(Schema):
    status = fields.Enum(LoanStatus, by_value=True, load_default=None)


@blp.route("/households", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(HouseholdIn)
@blp.response(201, HouseholdOut)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_household(payload):
    """Record a household for one's own lender organisation."""
    organisation = db.session.get(Organisation, payload.pop("lender_organisation_id"))
    if organisation is None:
        raise InvalidInput(
            "unknown_organisation",
            _("Association inconnue."),
            details={"lender_organisation_id": "unknown"},
        )
    household = services.create_household(current_actor(), organisation, **payload)
    db.session.commit()
    return household


@blp.route("/households")
@allow(Role.LENDER)
@blp.response(200, HouseholdOut(many=True))
@blp.doc(**DOC)
def list_households():
    """The households of one's own organisations."""
    user = current_actor()
    statement = select(Household).order_by(Household.id)
    if not user.is_admin:
        statement = statement.where(
            Household.lender_organisation_id.in_(user.organisation_ids(Role.LENDER))
        )
    households = db.session.scalars(statement).all()
    return households


@blp.route("/households/<int:household_id>")
@allow(Role.LENDER)
@blp.response(200, HouseholdOut)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(**DOC)
def get_household(household_id):
    """One household; contact details only for the owning organisation's lenders (logged)."""
    household = _household(household_id)
    result = HouseholdOut().dump(household)
    db.session.commit()
    return result


@blp.route("/loans", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(LoanIn)
@blp.response(201, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def create_loan(payload):
    """Reserve a ready device (by tag) for a household."""
    household = _household(payload["household_id"])
    device = db.session.scalar(select(Device).where(Device.tag == tags.parse_tag(payload["tag"])))
    if device is None:
        raise NotFound("unknown_device", _("Aucun appareil ne porte cette étiquette."))
    request = db.session.get(LoanRequest, payload["request_id"]) if payload["request_id"] else None
    loan = services.reserve(current_actor(), household, device, request, payload["override_reason"])
    db.session.commit()
    return loan


@blp.route("/loans")
@allow(Role.LENDER)
@blp.arguments(LoanQuery, location="query")
@blp.response(200, LoanOut(many=True))
@blp.doc(**DOC)
def list_loans(args):
    """Loans of one's own organisations, by status."""
    user = current_actor()
    statement = select(Loan).order_by(Loan.id)
    if not user.is_admin:
        statement = statement.where(
            Loan.lender_organisation_id.in_(user.organisation_ids(Role.LENDER))
        )
    if args["status"] is not None:
        statement = statement.where(Loan.status == args["status"])
    return db.session.scalars(statement).all()


def _act(loan_id, do):
    loan = _loan(loan_id)
    do(loan)
    db.session.commit()
    return loan


@blp.route("/loans/<int:loan_id>/checkout", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(CheckoutIn)
@blp.response(200, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def checkout(payload, loan_id):
    """Hand the device over (the agreement must be accepted)."""
    return _act(
        loan_id,
        lambda loan: services.checkout(
            current_actor(),
            loan,
            payload["version"],
            payload["accessories"],
            payload["deposit_euros"],
            payload["agreement_accepted"],
            payload["start_on"],
        ),
    )


@blp.route("/loans/<int:loan_id>/return", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(ReturnIn)
@blp.response(200, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def take_back(payload, loan_id):
    """Take the device back: to diagnosis, to be erased again."""
    return _act(
        loan_id,
        lambda loan: services.take_back(
            current_actor(),
            loan,
            payload["version"],
            payload["condition"],
            payload["missing_accessories"],
        ),
    )


@blp.route("/loans/<int:loan_id>/renew", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(Versioned)
@blp.response(200, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def renew(payload, loan_id):
    """Renew within the organisation's cap."""
    return _act(loan_id, lambda loan: services.renew(current_actor(), loan, payload["version"]))


@blp.route("/loans/<int:loan_id>/convert-to-gift", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(Versioned)
@blp.response(200, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def convert_to_gift(payload, loan_id):
    """Turn the loan into a gift."""
    return _act(
        loan_id, lambda loan: services.convert_to_gift(current_actor(), loan, payload["version"])
    )
