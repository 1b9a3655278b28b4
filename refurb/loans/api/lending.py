"""Loans over JSON: reserve, list, and each step of the loan workflow."""

from sqlalchemy import select

from refurb.api import BEARER
from refurb.api.pagination import page_of, paginate
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.auth.roles import Role
from refurb.inventory.services.lookup import device_by_tag
from refurb.loans.api import blp
from refurb.loans.api.schemas import CheckoutIn, LoanIn, LoanOut, LoanQuery, ReturnIn, Versioned
from refurb.loans.models import Loan
from refurb.loans.scoping import household_for, loan_for, request_for, scoped
from refurb.loans.services import lending

DOC = {"security": [BEARER]}


@blp.route("/loans", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(LoanIn)
@blp.response(201, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def create_loan(payload):
    """Reserve a ready device (by tag) for a household."""
    actor = current_actor()
    household = household_for(actor, payload["household_id"])
    device = device_by_tag(payload["tag"])
    request = request_for(actor, payload["request_id"])
    return lending.reserve(actor, household, device, request, payload["override_reason"])


@blp.route("/loans")
@allow(Role.LENDER)
@blp.arguments(LoanQuery, location="query")
@blp.response(200, page_of(LoanOut))
@blp.doc(**DOC)
def list_loans(args):
    """Loans of one's own organisations, by status."""
    statement = scoped(select(Loan).order_by(Loan.id), Loan.lender_organisation_id, current_actor())
    if args["status"] is not None:
        statement = statement.where(Loan.status == args["status"])
    return paginate(statement, args)


def _act(loan_id, do):
    actor = current_actor()
    loan = loan_for(actor, loan_id)
    do(actor, loan)
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
        lambda actor, loan: lending.checkout(
            actor,
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
        lambda actor, loan: lending.take_back(
            actor,
            loan,
            payload["version"],
            payload["condition"],
            payload["missing_accessories"],
            payload["deposit_returned"],
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
    return _act(loan_id, lambda actor, loan: lending.renew(actor, loan, payload["version"]))


@blp.route("/loans/<int:loan_id>/convert-to-gift", methods=["POST"])
@allow(Role.LENDER)
@blp.arguments(Versioned)
@blp.response(200, LoanOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def convert_to_gift(payload, loan_id):
    """Turn the loan into a gift."""
    return _act(
        loan_id, lambda actor, loan: lending.convert_to_gift(actor, loan, payload["version"])
    )
