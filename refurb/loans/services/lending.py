"""Lending: reserve a device for a household, hand it over, renew, take back, give, lose,
cancel. Each step is a transition of `refurb.loans.workflow` and moves the device through the
inventory lifecycle (`Via.LOAN`)."""

from datetime import date, timedelta

from sqlalchemy import func, select, update

from refurb import uploads
from refurb.bounds import check_fields, field_problems, refuse_together
from refurb.db_types import today, utcnow
from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import format_date, local
from refurb.i18n import gettext as _
from refurb.inventory.lifecycle import Action, Context, Via, perform
from refurb.inventory.models import Device
from refurb.loans import workflow
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.models import Household, Loan, LoanRequest, Reminder
from refurb.loans.scoping import require_lender
from refurb.loans.services.settings import settings_for, terms_for_signing
from refurb.loans.workflow import LoanAction, LoanRefused
from refurb.numbering import next_reference


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
    """Reserve a ready device for a household (from the waiting list or a scanned label). A
    reservation made without naming a request serves the household's waiting request for that
    category, if it has one: the household leaves the waiting list either way."""
    require_lender(actor, household.lender_organisation_id)
    check_fields(Loan, {"override_reason": override_reason})
    if request is None:
        request = waiting_request(household, device.category)
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
    _record(loan, "loan.reserved", actor, request_id=request.id if request is not None else None)
    return loan


def waiting_request(household: Household, category) -> LoanRequest | None:
    """The household's oldest waiting request for that category, or None."""
    return db.session.scalar(
        select(LoanRequest)
        .where(
            LoanRequest.household_id == household.id,
            LoanRequest.status == RequestStatus.WAITING,
            LoanRequest.category == category,
        )
        .order_by(LoanRequest.requested_on, LoanRequest.id)
        .limit(1)
    )


def _record(loan: Loan, action: str, actor, note: str = "", **details) -> None:
    record(
        "loan",
        loan.id,
        action,
        actor=actor,
        organisation_id=loan.lender_organisation_id,
        to_state=loan.status.value,
        note=note.strip() or None,
        details={"device": loan.device.tag, **details},
    )
    db.session.flush()  # the answer shows the loan's new version


def _close(loan: Loan) -> None:
    """A loan that ended leaves the reminders: nobody is called about it any more."""
    loan.ended_on = today()
    db.session.execute(
        update(Reminder)
        .where(Reminder.loan_id == loan.id, Reminder.done_at.is_(None))
        .values(done_at=utcnow())
    )


def _begin(actor, loan: Loan, version, action: LoanAction) -> None:
    """The checks every step of a loan starts with: who, which version, which rule."""
    check_version(loan, version)
    workflow.require(loan, action, actor)


def checkout(
    actor,
    loan: Loan,
    version,
    accessories: list[str],
    deposit_euros: int,
    agreement_accepted: bool,
    start_on: date | None = None,
) -> None:
    """Hand the device over: accessories ticked, deposit, agreement accepted; every problem is
    said at once."""
    _begin(actor, loan, version, LoanAction.CHECKOUT)
    start_on = start_on or today()
    problems = field_problems(Loan, {"deposit_euros": deposit_euros, "start_on": start_on})
    problems |= field_problems(Device, {"accessories": ", ".join(accessories)})
    arrived = local(loan.device.cycle_started_at).date()
    if "start_on" not in problems and start_on < arrived:
        problems["start_on"] = _(
            "L'appareil n'est arrivé (ou revenu) à l'atelier que le %(d)s : la remise ne peut "
            "pas être datée d'avant ce jour.",
            d=format_date(arrived, "short"),
        )
    if not agreement_accepted:
        problems["agreement_accepted"] = LoanRefused(
            "agreement_required",
            _("La convention de prêt doit être acceptée par le foyer avant la remise."),
            details={"agreement_accepted": "required"},
        )
    refuse_together(problems)
    settings = settings_for(loan.lender_organisation_id)
    perform(
        loan.device,
        Action.LEND,
        Context(actor=actor, via=Via.LOAN, details={"loan": loan.reference}),
    )
    workflow.move(loan, LoanAction.CHECKOUT)
    loan.start_on, loan.due_on = start_on, start_on + timedelta(days=settings.loan_days)
    loan.accessories = [a for a in accessories if a.strip()]
    loan.deposit_euros = deposit_euros
    loan.agreement_terms_id = terms_for_signing(loan.lender_organisation_id).id
    _record(loan, "loan.checked_out", actor, due_on=loan.due_on.isoformat())


def renew(actor, loan: Loan, version) -> None:
    _begin(actor, loan, version, LoanAction.RENEW)
    settings = settings_for(loan.lender_organisation_id)
    base = max(loan.due_on, today())
    loan.due_on = base + timedelta(days=settings.renewal_days)
    loan.renewals += 1
    _record(loan, "loan.renewed", actor, due_on=loan.due_on.isoformat(), renewals=loan.renewals)


def take_back(
    actor,
    loan: Loan,
    version,
    condition: str,
    missing_accessories: list[str],
    deposit_returned: bool | None = None,
) -> None:
    """The device comes back: inspected, then to diagnosis (it must be erased again). What is
    said to be missing is kept as said, handed-over accessories and anything else alike."""
    _begin(actor, loan, version, LoanAction.RETURN)
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
    if loan.deposit_euros and deposit_returned is None:
        raise InvalidInput(
            "deposit_outcome_required",
            _(
                "Le foyer avait versé une caution de %(n)d € : dites si elle lui est rendue ou "
                "si l'association la conserve.",
                n=loan.deposit_euros,
            ),
            details={"deposit_returned": "required"},
        )
    missing = list(dict.fromkeys(a.strip() for a in missing_accessories if a.strip()))
    check_fields(Loan, {"return_condition": condition})
    check_fields(Device, {"accessories": ", ".join(missing)})
    workflow.move(loan, LoanAction.RETURN)
    _close(loan)
    loan.return_condition = condition.strip()
    loan.missing_accessories = missing
    loan.deposit_returned = deposit_returned if loan.deposit_euros else None
    _record(
        loan,
        "loan.returned",
        actor,
        missing=loan.missing_accessories,
        deposit_returned=loan.deposit_returned,
    )


def convert_to_gift(actor, loan: Loan, version, note: str = "") -> None:
    _begin(actor, loan, version, LoanAction.CONVERT_TO_GIFT)
    perform(
        loan.device,
        Action.GIVE,
        Context(actor=actor, via=Via.LOAN, details={"loan": loan.reference}),
    )
    workflow.move(loan, LoanAction.CONVERT_TO_GIFT)
    _close(loan)
    _record(loan, "loan.converted_to_gift", actor, note)


def declare_lost(actor, loan: Loan, version, note: str) -> None:
    _begin(actor, loan, version, LoanAction.DECLARE_LOST)
    perform(
        loan.device,
        Action.DECLARE_LOST,
        Context(actor=actor, via=Via.LOAN, note=note, details={"loan": loan.reference}),
    )
    workflow.move(loan, LoanAction.DECLARE_LOST)
    _close(loan)
    _record(loan, "loan.lost", actor, note)


def cancel(actor, loan: Loan, version, note: str = "") -> None:
    _begin(actor, loan, version, LoanAction.CANCEL)
    perform(
        loan.device,
        Action.RELEASE,
        Context(actor=actor, via=Via.LOAN, details={"loan": loan.reference}),
    )
    workflow.move(loan, LoanAction.CANCEL)
    _close(loan)
    request = db.session.scalar(select(LoanRequest).where(LoanRequest.loan_id == loan.id))
    if request is not None:  # the household goes back to the waiting list, once
        request.status, request.loan_id = RequestStatus.WAITING, None
        asked_again = db.session.scalars(  # meanwhile: the first request, older, stands
            select(LoanRequest).where(
                LoanRequest.household_id == request.household_id,
                LoanRequest.category == request.category,
                LoanRequest.status == RequestStatus.WAITING,
                LoanRequest.id != request.id,
            )
        )
        for duplicate in asked_again:
            duplicate.status = RequestStatus.CANCELLED
    _record(
        loan,
        "loan.cancelled",
        actor,
        note,
        request_id=request.id if request is not None else None,
    )


def attach_signed_agreement(actor, loan: Loan, document: bytes) -> None:
    """Keep the agreement the household signed (a PDF or a photo, recognised by its content)."""
    require_lender(actor, loan.lender_organisation_id)
    suffix, _media_type = uploads.recognise(document, uploads.PDF_OR_PHOTO, "document")
    loan.signed_agreement_path = uploads.store("agreements", document, str(loan.id), suffix)
    _record(loan, "loan.signed_agreement_attached", actor)
