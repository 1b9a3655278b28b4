"""Loan vocabularies with their French labels."""

from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Labelled


class Criterion(Labelled):
    """The eligibility criterion a lender verified (never the document itself)."""

    RSA = "rsa"
    AAH = "aah"
    ASS = "ass"
    ASPA = "aspa"
    CSS = "css"
    QUOTIENT_FAMILIAL = "quotient_familial"
    SOCIAL_WORKER_REFERRAL = "social_worker_referral"
    OTHER = "other"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            Criterion.RSA: _l("RSA"),
            Criterion.AAH: _l("AAH"),
            Criterion.ASS: _l("ASS"),
            Criterion.ASPA: _l("ASPA (minimum vieillesse)"),
            Criterion.CSS: _l("Complémentaire santé solidaire"),
            Criterion.QUOTIENT_FAMILIAL: _l("Quotient familial"),
            Criterion.SOCIAL_WORKER_REFERRAL: _l("Orientation par un travailleur social"),
            Criterion.OTHER: _l("Autre (à préciser)"),
        }


class LoanStatus(Labelled):
    RESERVED = "reserved"
    ACTIVE = "active"
    RETURNED = "returned"
    CONVERTED_TO_GIFT = "converted_to_gift"
    LOST = "lost"
    CANCELLED = "cancelled"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            LoanStatus.RESERVED: _l("Réservé"),
            LoanStatus.ACTIVE: _l("En cours"),
            LoanStatus.RETURNED: _l("Rendu"),
            LoanStatus.CONVERTED_TO_GIFT: _l("Transformé en don"),
            LoanStatus.LOST: _l("Perdu"),
            LoanStatus.CANCELLED: _l("Annulé"),
        }

    @property
    def is_open(self) -> bool:
        return self in (LoanStatus.RESERVED, LoanStatus.ACTIVE)


class RequestStatus(Labelled):
    WAITING = "waiting"
    SERVED = "served"
    CANCELLED = "cancelled"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            RequestStatus.WAITING: _l("En attente"),
            RequestStatus.SERVED: _l("Servie"),
            RequestStatus.CANCELLED: _l("Annulée"),
        }


# A request's priority orders the waiting list (1 is served first): the number and its meaning.
PRIORITY_LABELS = {1: _l("1 — urgente"), 2: _l("2 — normale"), 3: _l("3 — faible")}


def priority_label(priority: int) -> str:
    """The number and its meaning ("1 — urgente"), wherever a priority is shown."""
    return str(PRIORITY_LABELS.get(priority, priority))
