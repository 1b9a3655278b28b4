"""The organisation boundary of the loans, written once: which households, loans and reminders
a user may see. A record of another association is a NotFound (guessed ids reveal nothing).
Pages and API both look records up here."""

from refurb.auth.access import require_organisation
from refurb.auth.roles import Role
from refurb.errors import NotFound
from refurb.i18n import gettext as _
from refurb.loans.models import Household, Loan, LoanRequest, Reminder
from refurb.lookups import get_or_none


def lender_organisations(actor) -> set[int] | None:
    """The lender organisations `actor` works for; None for the coordinator (all of them)."""
    return None if actor.is_admin else actor.organisation_ids(Role.LENDER)


def scoped(statement, organisation_column, actor):
    """`statement` restricted to the rows of `actor`'s lender organisations."""
    mine = lender_organisations(actor)
    return statement if mine is None else statement.where(organisation_column.in_(mine))


def _visible(actor, organisation_id: int) -> bool:
    mine = lender_organisations(actor)
    return mine is None or organisation_id in mine


def household_for(actor, household_id) -> Household:
    household = get_or_none(Household, household_id)
    if household is None or not _visible(actor, household.lender_organisation_id):
        raise NotFound("not_found", _("Foyer introuvable."))
    return household


def loan_for(actor, loan_id) -> Loan:
    loan = get_or_none(Loan, loan_id)
    if loan is None or not _visible(actor, loan.lender_organisation_id):
        raise NotFound("not_found", _("Prêt introuvable."))
    return loan


def reminder_for(actor, reminder_id) -> Reminder:
    reminder = get_or_none(Reminder, reminder_id)
    if reminder is None or not _visible(actor, reminder.loan.lender_organisation_id):
        raise NotFound("not_found", _("Rappel introuvable."))
    return reminder


def request_for(actor, request_id) -> LoanRequest | None:
    """A waiting-list request of `actor`'s associations (None when no id is given)."""
    if request_id is None:
        return None
    request = get_or_none(LoanRequest, request_id)
    if request is None or not _visible(actor, request.household.lender_organisation_id):
        raise NotFound("not_found", _("Demande introuvable."))
    return request


def require_lender(actor, organisation_id: int) -> None:
    """For services: refuse unless `actor` lends for that association (None: a command)."""
    if actor is not None:
        require_organisation(actor, organisation_id, Role.LENDER)
