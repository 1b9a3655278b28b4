"""Personal data of households (DESIGN §6): who sees identity (logged), export, erasure on
request, and the purge after the retention delay."""

import calendar
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from refurb import uploads
from refurb.auth.roles import Role
from refurb.db_types import today as clock_today
from refurb.db_types import utcnow
from refurb.errors import Forbidden
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Household, Loan, LoanRequest
from refurb.loans.workflow import LoanRefused

IDENTITY_FIELDS = ("contact_name", "contact_phone", "contact_email")


def can_see_identity(user, household: Household) -> bool:
    """Only the owning organisation's lenders see identity: a membership, not a role that
    passes everywhere (the coordinator sees references only, DESIGN §6)."""
    return getattr(user, "is_authenticated", False) and any(
        m.role == Role.LENDER and m.organisation_id == household.lender_organisation_id
        for m in user.memberships
    )


def identity_for(actor, household: Household) -> dict | None:
    """What `actor` may see of the household's identity, the display logged; None for anyone
    who may not. Every page, PDF and API answer that shows identity goes through here."""
    if not can_see_identity(actor, household):
        return None
    if household.has_identity:
        record(
            "household",
            household.id,
            "household.identity_viewed",
            actor=actor,
            organisation_id=household.lender_organisation_id,
        )
    return {field: getattr(household, field) for field in IDENTITY_FIELDS}


def require_identity(actor, household: Household) -> dict:
    """`identity_for`, or a refusal for whoever may not see it."""
    identity = identity_for(actor, household)
    if identity is None:
        raise _identity_restricted()
    return identity


def _identity_restricted() -> Forbidden:
    return Forbidden(
        "identity_restricted",
        _("Seule l'association qui suit ce foyer voit son identité et ses documents."),
    )


def _day(day: date | None) -> str | None:
    return day.strftime("%d/%m/%Y") if day else None


def export(household: Household, actor) -> dict:
    """Everything kept about a household, for a request under the RGPD (article 15), as the
    household reads it: names, labels and dates in French (the page's language). The JSON
    download and the printable page show this same dictionary."""
    identity = require_identity(actor, household)
    loans = db.session.scalars(
        select(Loan).where(Loan.household_id == household.id).order_by(Loan.id)
    )
    requests = db.session.scalars(
        select(LoanRequest)
        .where(LoanRequest.household_id == household.id)
        .order_by(LoanRequest.requested_on, LoanRequest.id)
    )
    record(
        "household",
        household.id,
        "household.exported",
        actor=actor,
        organisation_id=household.lender_organisation_id,
    )
    return {
        _("Référence du foyer"): household.reference,
        _("Association qui suit le foyer"): household.lender.name,
        _("Commune"): household.commune.name,
        _("Personnes au foyer"): household.size,
        _("Critère d'éligibilité"): household.criterion.label,
        _("Précision sur le critère"): household.criterion_note,
        _("Critère vérifié le"): _day(household.verified_on),
        _("Orienté par"): household.referring_organisation,
        _("Coordonnées"): {
            _("Nom"): identity["contact_name"],
            _("Téléphone"): identity["contact_phone"],
            _("E-mail"): identity["contact_email"],
        },
        _("Consentement donné le"): _day(household.consent_on),
        _("Demandes"): [
            {
                _("Type d'appareil"): r.category.label,
                _("Demandé le"): _day(r.requested_on),
                _("Statut"): r.status.label,
            }
            for r in requests
        ],
        _("Prêts"): [
            {
                _("Référence"): loan.reference,
                _("Appareil"): loan.device.tag,
                _("Type d'appareil"): loan.device.category.label,
                _("Statut"): loan.status.label,
                _("Remis le"): _day(loan.start_on),
                _("À rendre le"): _day(loan.due_on),
                _("Terminé le"): _day(loan.ended_on),
            }
            for loan in loans
        ],
    }


def anonymise(household: Household, actor, reason: str) -> None:
    for field in IDENTITY_FIELDS:
        setattr(household, field, "")
    household.referring_organisation = ""
    household.criterion_note = ""
    household.consent_on = None
    household.anonymised_at = utcnow()
    # The signed agreements carry the household's name and signature: they go too.
    for loan in db.session.scalars(
        select(Loan).where(Loan.household_id == household.id, Loan.signed_agreement_path != "")
    ):
        uploads.remove("agreements", loan.signed_agreement_path)
        loan.signed_agreement_path = ""
    record(
        "household",
        household.id,
        "household.anonymised",
        actor=actor,
        organisation_id=household.lender_organisation_id,
        details={"reason": reason},
    )


def erase_on_request(household: Household, actor) -> None:
    """Erase identity and contact now (the anonymised record stays for statistics)."""
    if not can_see_identity(actor, household):
        raise _identity_restricted()
    open_loans = db.session.scalar(
        select(func.count())
        .select_from(Loan)
        .where(
            Loan.household_id == household.id,
            Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]),
        )
    )
    if open_loans:
        raise LoanRefused(
            "open_loans",
            _("Ce foyer a un prêt en cours : clôturez-le avant d'effacer ses données."),
        )
    anonymise(household, actor, "request")


def _months_before(today: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter: 31 → 30)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def purge(today: date | None = None) -> int:
    """Anonymise households whose last loan ended the retention delay ago or more (or, with no
    loan, whose record is that old): on the day 24 months after, not the day after. Returns
    how many were anonymised."""
    today = today or clock_today()
    months = int(current_app.config["PERSONAL_DATA_RETENTION_MONTHS"])
    limit = _months_before(today, months)
    open_households = select(Loan.household_id).where(
        Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE])
    )
    last_end = (
        select(Loan.household_id, func.max(Loan.ended_on).label("ended"))
        .group_by(Loan.household_id)
        .subquery()
    )
    candidates = db.session.scalars(
        select(Household)
        .outerjoin(last_end, last_end.c.household_id == Household.id)
        .where(Household.anonymised_at.is_(None), Household.id.not_in(open_households))
        .where(func.coalesce(last_end.c.ended, func.date(Household.created_at)) <= limit)
    ).all()
    for household in candidates:
        anonymise(household, None, f"retention {months} months")
    db.session.flush()
    return len(candidates)
