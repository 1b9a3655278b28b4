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
    done: object  # what happened, for the history and the page's message
    # What cannot be undone: an action with one asks for confirmation on its own page first.
    irreversible: object = None


TRANSITIONS: dict[LoanAction, LoanTransition] = {
    LoanAction.CHECKOUT: LoanTransition(
        frozenset({L.RESERVED}),
        L.ACTIVE,
        _l("Remettre au foyer"),
        _l("Appareil remis : le prêt est en cours. Imprimez la convention pour la signature."),
    ),
    LoanAction.RENEW: LoanTransition(
        frozenset({L.ACTIVE}), L.ACTIVE, _l("Renouveler"), _l("Prêt renouvelé.")
    ),
    LoanAction.RETURN: LoanTransition(
        frozenset({L.ACTIVE}),
        L.RETURNED,
        _l("Enregistrer le retour"),
        _l("Retour enregistré : l'appareil part au diagnostic et sera effacé."),
    ),
    LoanAction.CONVERT_TO_GIFT: LoanTransition(
        frozenset({L.ACTIVE}),
        L.CONVERTED_TO_GIFT,
        _l("Transformer en don"),
        _l("Le prêt est transformé en don : imprimez l'attestation de don pour le foyer."),
        irreversible=_l(
            "L'appareil devient la propriété du foyer : il ne reviendra pas à l'association et "
            "sort du stock du programme. Ce don ne pourra pas être annulé."
        ),
    ),
    LoanAction.DECLARE_LOST: LoanTransition(
        frozenset({L.ACTIVE}),
        L.LOST,
        _l("Déclarer perdu"),
        _l("Appareil déclaré perdu."),
        irreversible=_l(
            "Le prêt est clos et l'appareil est déclaré perdu : il sort du stock du programme. "
            "Cette déclaration ne pourra pas être annulée."
        ),
    ),
    LoanAction.CANCEL: LoanTransition(
        frozenset({L.RESERVED}),
        L.CANCELLED,
        _l("Annuler la réservation"),
        _l("Réservation annulée : l'appareil est de nouveau disponible."),
        irreversible=_l(
            "La réservation est annulée : l'appareil redevient disponible pour tous les foyers "
            "et la demande revient sur la liste d'attente. Pour ce foyer, il faudra réserver de "
            "nouveau."
        ),
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
