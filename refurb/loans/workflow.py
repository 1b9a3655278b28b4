"""The loan workflow of DESIGN §4: statuses, actions, guards, in one place.

`refusal(loan, action, actor)` says why an action cannot happen now (a LoanRefused with a machine
code and a French message) or returns None; `available_actions(loan, actor)` is what the loan
page offers; the services call `require()` before acting and `move()` to change the status.
Same shape as the device lifecycle (`refurb.inventory.lifecycle`).
"""

from dataclasses import dataclass
from enum import StrEnum

from refurb.auth.roles import Role
from refurb.errors import DomainError
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Loan
from refurb.loans.scoping import require_lender

L = LoanStatus


class LoanRefused(DomainError):
    """A rule of the loans refused the operation (409)."""


class LoanAction(StrEnum):
    CHECKOUT = "checkout"
    RENEW = "renew"
    RETURN = "return"
    CONVERT_TO_GIFT = "convert_to_gift"
    DECLARE_LOST = "declare_lost"
    CANCEL = "cancel"


@dataclass(frozen=True)
class LoanTransition:
    sources: frozenset[LoanStatus]
    target: LoanStatus
    label: object
    irreversible: bool = False  # asks for confirmation on the page


TRANSITIONS: dict[LoanAction, LoanTransition] = {
    LoanAction.CHECKOUT: LoanTransition(frozenset({L.RESERVED}), L.ACTIVE, _l("Remettre au foyer")),
    LoanAction.RENEW: LoanTransition(frozenset({L.ACTIVE}), L.ACTIVE, _l("Renouveler")),
    LoanAction.RETURN: LoanTransition(
        frozenset({L.ACTIVE}), L.RETURNED, _l("Enregistrer le retour")
    ),
    LoanAction.CONVERT_TO_GIFT: LoanTransition(
        frozenset({L.ACTIVE}), L.CONVERTED_TO_GIFT, _l("Transformer en don"), irreversible=True
    ),
    LoanAction.DECLARE_LOST: LoanTransition(
        frozenset({L.ACTIVE}), L.LOST, _l("Déclarer perdu"), irreversible=True
    ),
    LoanAction.CANCEL: LoanTransition(
        frozenset({L.RESERVED}), L.CANCELLED, _l("Annuler la réservation"), irreversible=True
    ),
}


def _guard_renew(loan: Loan) -> LoanRefused | None:
    from refurb.loans.services.settings import settings_for

    cap = settings_for(loan.lender_organisation_id).renewal_cap
    if loan.renewals >= cap:
        return LoanRefused(
            "renewal_cap",
            _("Plafond de renouvellements atteint (%(n)d) : le matériel doit être rendu.", n=cap),
            details={"renewals": loan.renewals, "cap": cap},
        )
    return None


GUARDS = {LoanAction.RENEW: _guard_renew}


def refusal(loan: Loan, action: LoanAction) -> LoanRefused | None:
    """Why `action` cannot be done on `loan` now (status, then the action's own rule), or None."""
    transition = TRANSITIONS[action]
    if loan.status not in transition.sources:
        return LoanRefused(
            "invalid_loan_state",
            _(
                "Action impossible : « %(action)s » ne s'applique pas à un prêt « %(status)s ».",
                action=transition.label,
                status=loan.status.label,
            ),
            details={"status": loan.status.value},
        )
    guard = GUARDS.get(action)
    return guard(loan) if guard else None


def require(loan: Loan, action: LoanAction, actor) -> None:
    """Refuse (raise) unless `actor` lends for the loan's association and the rules allow it."""
    require_lender(actor, loan.lender_organisation_id)
    blocked = refusal(loan, action)
    if blocked is not None:
        raise blocked


def move(loan: Loan, action: LoanAction) -> None:
    loan.status = TRANSITIONS[action].target


def available_actions(loan: Loan, actor) -> list[LoanAction]:
    """The actions `actor` can do on the loan now: what the loan page offers, nothing refused."""
    if not actor.has_role(Role.LENDER, organisation_id=loan.lender_organisation_id):
        return []
    return [action for action in TRANSITIONS if refusal(loan, action) is None]
