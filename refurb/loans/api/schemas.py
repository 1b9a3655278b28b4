"""What the loans API reads and writes."""

from marshmallow import Schema, fields, validate

from refurb.api.pagination import PageQuery
from refurb.loans.enums import Criterion, LoanStatus


class HouseholdIn(Schema):
    lender_organisation_id = fields.Integer(required=True, strict=True)
    commune_code = fields.String(required=True, validate=validate.Length(equal=5))
    size = fields.Integer(required=True, strict=True)
    criterion = fields.Enum(Criterion, by_value=True, required=True)
    criterion_note = fields.String(load_default="", validate=validate.Length(max=300))
    verified_on = fields.Date(required=True)
    referring_organisation = fields.String(load_default="", validate=validate.Length(max=160))
    contact_name = fields.String(load_default="", validate=validate.Length(max=120))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=32))
    contact_email = fields.String(
        load_default="", validate=lambda v: v == "" or validate.Email()(v)
    )
    consent_on = fields.Date(load_default=None, allow_none=True)


class ContactOut(Schema):
    contact_name = fields.String()
    contact_phone = fields.String()
    contact_email = fields.String()


class HouseholdOut(Schema):
    """A household as `households.shown()` builds it for one reader."""

    id = fields.Integer()
    reference = fields.String()
    lender_organisation_id = fields.Integer()
    commune_code = fields.String()
    epci = fields.String()
    size = fields.Integer()
    criterion = fields.String()
    anonymised = fields.Boolean()
    contact = fields.Nested(
        ContactOut,
        allow_none=True,
        metadata={"description": "owning lenders only (each display is logged); null otherwise"},
    )


class LoanIn(Schema):
    household_id = fields.Integer(required=True, strict=True)
    tag = fields.String(required=True, validate=validate.Length(max=64))
    request_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    override_reason = fields.String(load_default="", validate=validate.Length(max=300))


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
    deposit_returned = fields.Boolean(allow_none=True)
    version = fields.Integer()


class Versioned(Schema):
    version = fields.Integer(required=True, strict=True)


class CheckoutIn(Versioned):
    accessories = fields.List(fields.String(validate=validate.Length(max=80)), load_default=list)
    deposit_euros = fields.Integer(load_default=0, strict=True, validate=validate.Range(0, 10_000))
    agreement_accepted = fields.Boolean(required=True)
    start_on = fields.Date(load_default=None, allow_none=True)


class ReturnIn(Versioned):
    condition = fields.String(required=True, validate=validate.Length(max=2000))
    missing_accessories = fields.List(fields.String(), load_default=list)
    # Required when the loan had a deposit: given back (true) or kept (false).
    deposit_returned = fields.Boolean(load_default=None, allow_none=True)


class LoanQuery(PageQuery):
    status = fields.Enum(LoanStatus, by_value=True, load_default=None)
