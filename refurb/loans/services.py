"""Households, waiting list and loans. Every device change goes through the inventory
lifecycle (`perform` with `Via.LOAN`), so a loan obeys the same rules as the workshop:
only a ready device can be reserved or lent, and a returned one must be erased again."""

from datetime import date, timedelta
from importlib.resources import files

from flask_babel import gettext as _
from sqlalchemy import func, select

from refurb.auth.access import require_organisation
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind, Role
from refurb.errors import DomainError, InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.inventory.lifecycle import Action, Context, Via, perform
from refurb.inventory.models import Device
from refurb.loans.enums import Criterion, LoanStatus, RequestStatus
from refurb.loans.models import AgreementTerms, Household, LenderSettings, Loan, LoanRequest
from refurb.numbering import next_reference
from refurb.territory.models import Commune


def default_terms() -> str:
    """The starting text of a lender's terms, until the lender writes its own."""
    return files("refurb.loans").joinpath("data", "default_terms.txt").read_text(encoding="utf-8")


class LoanRefused(DomainError):
    """A rule of the loans refused the operation (409)."""


def _lender_check(actor, organisation_id: int) -> None:
    if actor is not None:
        require_organisation(actor, organisation_id, Role.LENDER)


# --- Lender settings and terms ------------------------------------------------------------------


def settings_for(organisation_id: int) -> LenderSettings:
    settings = db.session.get(LenderSettings, organisation_id)
    if settings is None:
        settings = LenderSettings(organisation_id=organisation_id)
        db.session.add(settings)
        db.session.flush()
    return settings


def current_terms(organisation_id: int) -> AgreementTerms:
    terms = db.session.scalar(
        select(AgreementTerms)
        .where(AgreementTerms.organisation_id == organisation_id)
        .order_by(AgreementTerms.version_number.desc())
        .limit(1)
    )
    if terms is None:
        terms = AgreementTerms(
            organisation_id=organisation_id, version_number=1, text=default_terms()
        )
        db.session.add(terms)
        db.session.flush()
    return terms


def update_settings(
    actor,
    organisation_id: int,
    version,
    loan_days: int,
    renewal_days: int,
    renewal_cap: int,
    terms_text: str,
) -> None:
    _lender_check(actor, organisation_id)
    settings = settings_for(organisation_id)
    check_version(settings, version)
    if not (7 <= loan_days <= 730 and 7 <= renewal_days <= 365 and 0 <= renewal_cap <= 10):
        raise InvalidInput(
            "settings_out_of_range",
            _("Durées ou plafond hors des limites."),
            details={"loan_days": "out_of_range"},
        )
    settings.loan_days, settings.renewal_days, settings.renewal_cap = (
        loan_days,
        renewal_days,
        renewal_cap,
    )
    terms = current_terms(organisation_id)
    if terms_text.strip() and terms_text.strip() != terms.text.strip():
        db.session.add(
            AgreementTerms(
                organisation_id=organisation_id,
                version_number=terms.version_number + 1,
                text=terms_text.strip(),
                created_by_id=getattr(actor, "id", None),
            )
        )
    record(
        "organisation",
        organisation_id,
        "loans.settings_updated",
        actor=actor,
        organisation_id=organisation_id,
    )
    db.session.flush()


# --- Households ---------------------------------------------------------------------------------


def _check_household_fields(fields: dict) -> None:
    if fields.get("commune_code") and db.session.get(Commune, fields["commune_code"]) is None:
        raise InvalidInput(
            "unknown_commune", _("Commune inconnue dans le Gers."), details={"commune": "unknown"}
        )
    if "size" in fields and not 1 <= fields["size"] <= 20:
        raise InvalidInput(
            "size_out_of_range",
            _("Taille du foyer entre 1 et 20 personnes."),
            details={"size": "out_of_range"},
        )
    if fields.get("criterion") == Criterion.OTHER and not fields.get("criterion_note", "").strip():
        raise InvalidInput(
            "criterion_note_required",
            _("Précisez le critère d'éligibilité (sans joindre de justificatif)."),
            details={"criterion_note": "required"},
        )
    if fields.get("verified_on") and fields["verified_on"] > date.today():
        raise InvalidInput(
            "date_in_future", _("La date est dans le futur."), details={"verified_on": "future"}
        )
    if any(
        fields.get(k) for k in ("contact_name", "contact_phone", "contact_email")
    ) and not fields.get("consent_on"):
        raise InvalidInput(
            "consent_required",
            _("Des coordonnées ne s'enregistrent qu'avec la date du consentement du foyer."),
            details={"consent_on": "required"},
        )


def create_household(actor, organisation: Organisation, **fields) -> Household:
    if organisation.kind != OrganisationKind.LENDER:
        raise InvalidInput("not_a_lender", _("Seule une association de prêt suit des foyers."))
    _lender_check(actor, organisation.id)
    _check_household_fields(fields)
    household = Household(
        reference=next_reference("F"),
        lender_organisation_id=organisation.id,
        verified_by_id=getattr(actor, "id", None),
        **fields,
    )
    db.session.add(household)
    db.session.flush()
    record(
        "household",
        household.id,
        "household.created",
        actor=actor,
        organisation_id=organisation.id,
        details={"criterion": household.criterion.value},
    )
    return household


def update_household(household: Household, actor, version, **fields) -> None:
    _lender_check(actor, household.lender_organisation_id)
    check_version(household, version)
    if household.anonymised_at is not None:
        raise LoanRefused(
            "household_anonymised", _("Ce foyer a été anonymisé : sa fiche ne se modifie plus.")
        )
    merged = {
        "criterion": household.criterion,
        "criterion_note": household.criterion_note,
        "consent_on": household.consent_on,
        **fields,
    }
    _check_household_fields(merged)
    for key, value in fields.items():
        setattr(household, key, value)
    record(
        "household",
        household.id,
        "household.updated",
        actor=actor,
        organisation_id=household.lender_organisation_id,
        details={"changed": sorted(fields)},
    )
    db.session.flush()


def add_request(
    household: Household, actor, category, priority: int = 2, note: str = ""
) -> LoanRequest:
    _lender_check(actor, household.lender_organisation_id)
    if priority not in (1, 2, 3):
        raise InvalidInput("priority", _("Priorité 1, 2 ou 3."), details={"priority": "invalid"})
    request = LoanRequest(
        household=household,
        category=category,
        priority=priority,
        requested_on=date.today(),
        note=note.strip(),
    )
    db.session.add(request)
    db.session.flush()
    record(
        "household",
        household.id,
        "household.request_added",
        actor=actor,
        organisation_id=household.lender_organisation_id,
        details={"category": category.value},
    )
    return request


# --- Loans ----------------------------------------------------------------------------------------


def _open_loans_same_category(household: Household, device: Device) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Loan)
        .join(Device, Device.id == Loan.device_id)
        .where(
            Loan.household_id == household.id,
            Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]),
            Device.category == device.category,
        )
    )


def reserve(
    actor,
    household: Household,
    device: Device,
    request: LoanRequest | None = None,
    override_reason: str = "",
) -> Loan:
    """Reserve a ready device for a household (from the waiting list or a scanned label)."""
    _lender_check(actor, household.lender_organisation_id)
    if household.anonymised_at is not None:
        raise LoanRefused("household_anonymised", _("Ce foyer a été anonymisé."))
    if _open_loans_same_category(household, device) and not override_reason.strip():
        raise LoanRefused(
            "second_loan",
            _(
                "Ce foyer a déjà un prêt en cours pour un appareil de cette catégorie. "
                "Pour en prêter un deuxième, indiquez la raison de cette exception."
            ),
            details={"override_reason": "required"},
        )
    loan = Loan(
        reference=next_reference("PRET"),
        household=household,
        device=device,
        lender_organisation_id=household.lender_organisation_id,
        override_reason=override_reason.strip(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(loan)
    db.session.flush()
    perform(
        device,
        Action.RESERVE,
        Context(actor=actor, via=Via.LOAN, details={"purpose": "loan", "loan": loan.reference}),
    )
    if request is not None:
        if request.household_id != household.id or request.status != RequestStatus.WAITING:
            raise LoanRefused(
                "request_mismatch", _("Cette demande n'est pas en attente pour ce foyer.")
            )
        request.status, request.loan_id = RequestStatus.SERVED, loan.id
    _record(loan, "loan.reserved", actor)
    return loan


def _record(loan: Loan, action: str, actor, **details) -> None:
    record(
        "loan",
        loan.id,
        action,
        actor=actor,
        organisation_id=loan.lender_organisation_id,
        to_state=loan.status.value,
        details={"device": loan.device.tag, **details},
    )


def _require(loan: Loan, *statuses: LoanStatus) -> None:
    if loan.status not in statuses:
        raise LoanRefused(
            "invalid_loan_state",
            _("Action impossible : ce prêt est « %(status)s ».", status=loan.status.label),
            details={"status": loan.status.value},
        )


def checkout(
    actor,
    loan: Loan,
    version,
    accessories: list[str],
    deposit_euros: int,
    agreement_accepted: bool,
    start_on: date | None = None,
) -> None:
    """Hand the device over: accessories ticked, deposit, agreement accepted."""
    _lender_check(actor, loan.lender_organisation_id)
    check_version(loan, version)
    _require(loan, LoanStatus.RESERVED)
    if not agreement_accepted:
        raise LoanRefused(
            "agreement_required",
            _("La convention de prêt doit être acceptée par le foyer avant la remise."),
            details={"agreement_accepted": "required"},
        )
    if deposit_euros < 0:
        raise InvalidInput("deposit", _("Caution négative."), details={"deposit_euros": "negative"})
    start_on = start_on or date.today()
    settings = settings_for(loan.lender_organisation_id)
    perform(
        loan.device,
        Action.LEND,
        Context(actor=actor, via=Via.LOAN, details={"loan": loan.reference}),
    )
    loan.status = LoanStatus.ACTIVE
    loan.start_on, loan.due_on = start_on, start_on + timedelta(days=settings.loan_days)
    loan.accessories = [a for a in accessories if a.strip()]
    loan.deposit_euros = deposit_euros
    loan.agreement_terms_id = current_terms(loan.lender_organisation_id).id
    _record(loan, "loan.checked_out", actor, due_on=loan.due_on.isoformat())


def renew(actor, loan: Loan, version) -> None:
    _lender_check(actor, loan.lender_organisation_id)
    check_version(loan, version)
    _require(loan, LoanStatus.ACTIVE)
    settings = settings_for(loan.lender_organisation_id)
    if loan.renewals >= settings.renewal_cap:
        raise LoanRefused(
            "renewal_cap",
            _(
                "Plafond de renouvellements atteint (%(n)d) : le matériel doit être rendu.",
                n=settings.renewal_cap,
            ),
        )
    base = max(loan.due_on, date.today())
    loan.due_on = base + timedelta(days=settings.renewal_days)
    loan.renewals += 1
    _record(loan, "loan.renewed", actor, due_on=loan.due_on.isoformat(), renewals=loan.renewals)


def take_back(actor, loan: Loan, version, condition: str, missing_accessories: list[str]) -> None:
    """The device comes back: inspected, then to diagnosis (it must be erased again)."""
    _lender_check(actor, loan.lender_organisation_id)
    check_version(loan, version)
    _require(loan, LoanStatus.ACTIVE)
    if not condition.strip():
        raise InvalidInput(
            "condition_required",
            _("Décrivez l'état de l'appareil au retour."),
            details={"return_condition": "required"},
        )
    perform(
        loan.device,
        Action.RETURN,
        Context(actor=actor, via=Via.LOAN, note=condition, details={"loan": loan.reference}),
    )
    loan.status, loan.ended_on = LoanStatus.RETURNED, date.today()
    loan.return_condition = condition.strip()
    loan.missing_accessories = [a for a in missing_accessories if a in loan.accessories]
    _record(loan, "loan.returned", actor, missing=loan.missing_accessories)


def convert_to_gift(actor, loan: Loan, version) -> None:
    _lender_check(actor, loan.lender_organisation_id)
    check_version(loan, version)
    _require(loan, LoanStatus.ACTIVE)
    perform(
        loan.device,
        Action.GIVE,
        Context(actor=actor, via=Via.LOAN, details={"loan": loan.reference}),
    )
    loan.status, loan.ended_on = LoanStatus.CONVERTED_TO_GIFT, date.today()
    _record(loan, "loan.converted_to_gift", actor)


def declare_lost(actor, loan: Loan, version, note: str) -> None:
    _lender_check(actor, loan.lender_organisation_id)
    check_version(loan, version)
    _require(loan, LoanStatus.ACTIVE)
    perform(
        loan.device,
        Action.DECLARE_LOST,
        Context(actor=actor, via=Via.LOAN, note=note, details={"loan": loan.reference}),
    )
    loan.status, loan.ended_on = LoanStatus.LOST, date.today()
    _record(loan, "loan.lost", actor)


def cancel(actor, loan: Loan, version) -> None:
    _lender_check(actor, loan.lender_organisation_id)
    check_version(loan, version)
    _require(loan, LoanStatus.RESERVED)
    perform(
        loan.device,
        Action.RELEASE,
        Context(actor=actor, via=Via.LOAN, details={"loan": loan.reference}),
    )
    loan.status, loan.ended_on = LoanStatus.CANCELLED, date.today()
    request = db.session.scalar(select(LoanRequest).where(LoanRequest.loan_id == loan.id))
    if request is not None:  # the household goes back to the waiting list
        request.status, request.loan_id = RequestStatus.WAITING, None
    _record(loan, "loan.cancelled", actor)


def attach_signed_agreement(actor, loan: Loan, path: str) -> None:
    _lender_check(actor, loan.lender_organisation_id)
    loan.signed_agreement_path = path
    _record(loan, "loan.signed_agreement_attached", actor)
