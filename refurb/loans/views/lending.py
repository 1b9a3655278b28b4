"""A loan's pages: reserve a device for a household, the loan page with the actions its
workflow allows, the agreement and receipts, the signed agreement."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from refurb import uploads
from refurb.auth.access import allow
from refurb.errors import NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.inventory.services.lookup import device_by_tag
from refurb.loans import privacy, workflow
from refurb.loans.documents import agreement, return_receipt
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.forms import (
    CheckoutForm,
    LoanActionForm,
    ReserveForm,
    ReturnForm,
    SignedAgreementForm,
)
from refurb.loans.scoping import household_for, loan_for, request_for
from refurb.loans.services import lending
from refurb.loans.services.settings import current_terms, settings_for
from refurb.loans.views import LENDER, bp
from refurb.loans.workflow import LoanAction
from refurb.web import flash_form_errors, form_status, pdf_response, refusal_shown


@bp.route("/prets/nouveau", methods=["GET", "POST"])
@allow(*LENDER)
def new_loan():
    loan_request = request_for(current_user, request.values.get("request", type=int))
    household = household_for(
        current_user,
        loan_request.household_id if loan_request else request.values.get("household", type=int),
    )
    if loan_request is not None and loan_request.status != RequestStatus.WAITING:
        loan_request = None
    form = ReserveForm()
    if not form.is_submitted() and request.args.get("tag"):
        form.tag.data = request.args["tag"]
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            device = device_by_tag(form.tag.data)
            loan = lending.reserve(
                current_user, household, device, loan_request, form.override_reason.data or ""
            )
        if outcome.ok:
            flash(
                _(
                    "Appareil %(tag)s réservé pour le foyer %(ref)s.",
                    tag=device.tag,
                    ref=household.reference,
                ),
                "success",
            )
            return redirect(url_for(".loan", loan_id=loan.id))
    category = loan_request.category if loan_request else None
    candidates = db.session.scalars(
        select(Device)
        .where(Device.state == State.READY, *([Device.category == category] if category else []))
        .order_by(Device.state_changed_at)
        .limit(30)
    ).all()
    return render_template(
        "loans/loan_new.html",
        form=form,
        household=household,
        loan_request=loan_request,
        candidates=candidates,
    ), form_status(form)


@bp.route("/prets/<int:loan_id>")
@allow(*LENDER)
def loan(loan_id):
    loan = loan_for(current_user, loan_id)
    data = {"version": loan.version}
    checkout_form = CheckoutForm(
        prefix="o", data={**data, "accessories": loan.device.accessories, "start_on": date.today()}
    )
    return render_template(
        "loans/loan.html",
        loan=loan,
        identity=privacy.identity_for(current_user, loan.household),
        actions=workflow.available_actions(loan, current_user),
        transitions=workflow.TRANSITIONS,
        today=date.today(),
        checkout_form=checkout_form,
        return_form=ReturnForm(prefix="t", data=data),
        action_form=LoanActionForm(prefix="a", data=data),
        signed_form=SignedAgreementForm(prefix="s"),
        settings=settings_for(loan.lender_organisation_id),
    )


def _list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# How each action of the workflow reads its form and calls its service.
ACTION_FORMS = {
    LoanAction.CHECKOUT: (CheckoutForm, "o"),
    LoanAction.RETURN: (ReturnForm, "t"),
}
DONE = {
    LoanAction.CHECKOUT: _("Appareil remis : le prêt est en cours."),
    LoanAction.RENEW: _("Prêt renouvelé."),
    LoanAction.RETURN: _("Retour enregistré : l'appareil part au diagnostic et sera effacé."),
    LoanAction.CONVERT_TO_GIFT: _("Le prêt est transformé en don."),
    LoanAction.DECLARE_LOST: _("Appareil déclaré perdu."),
    LoanAction.CANCEL: _("Réservation annulée : l'appareil est de nouveau disponible."),
}


def _perform(action: LoanAction, loan, form) -> None:
    version = form.version.data
    if action == LoanAction.CHECKOUT:
        lending.checkout(
            current_user,
            loan,
            version,
            _list(form.accessories.data),
            form.deposit_euros.data or 0,
            form.agreement_accepted.data,
            form.start_on.data,
        )
    elif action == LoanAction.RETURN:
        lending.take_back(
            current_user, loan, version, form.return_condition.data, _list(form.missing.data)
        )
    elif action == LoanAction.RENEW:
        lending.renew(current_user, loan, version)
    elif action == LoanAction.CONVERT_TO_GIFT:
        lending.convert_to_gift(current_user, loan, version)
    elif action == LoanAction.DECLARE_LOST:
        note = form.note.data or _("Déclaré perdu par l'association")
        lending.declare_lost(current_user, loan, version, note)
    elif action == LoanAction.CANCEL:
        lending.cancel(current_user, loan, version)


@bp.route("/prets/<int:loan_id>/actions/<action>", methods=["POST"])
@allow(*LENDER)
def loan_action(loan_id, action):
    """One step of the loan workflow, posted from the loan page."""
    loan = loan_for(current_user, loan_id)
    try:
        chosen = LoanAction(action)
    except ValueError:
        return redirect(url_for(".loan", loan_id=loan.id))
    form_class, prefix = ACTION_FORMS.get(chosen, (LoanActionForm, "a"))
    form = form_class(prefix=prefix)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".loan", loan_id=loan.id))
    with refusal_shown() as outcome:
        _perform(chosen, loan, form)
    if outcome.ok:
        flash(DONE[chosen], "success")
    return redirect(url_for(".loan", loan_id=loan.id))


@bp.route("/prets/<int:loan_id>/convention.pdf")
@allow(*LENDER)
def agreement_pdf(loan_id):
    loan = loan_for(current_user, loan_id)
    identity = privacy.require_identity(current_user, loan.household)
    # Before handover, the terms that will apply; after, the version accepted.
    terms = loan.terms or current_terms(loan.lender_organisation_id)
    return pdf_response(agreement(loan, terms, identity), f"convention-{loan.reference}.pdf")


@bp.route("/prets/<int:loan_id>/recu-retour.pdf")
@allow(*LENDER)
def return_receipt_pdf(loan_id):
    loan = loan_for(current_user, loan_id)
    if loan.status != LoanStatus.RETURNED:
        raise NotFound("not_found", _("Ce prêt n'a pas été rendu : il n'a pas de reçu de retour."))
    return pdf_response(return_receipt(loan), f"recu-retour-{loan.reference}.pdf")


@bp.route("/prets/<int:loan_id>/convention-signee", methods=["GET", "POST"])
@allow(*LENDER)
def signed_agreement(loan_id):
    loan = loan_for(current_user, loan_id)
    # The signed agreement carries the household's name and signature: identity rules.
    if not privacy.can_see_identity(current_user, loan.household):
        abort(403)
    if request.method == "GET":
        privacy.identity_for(current_user, loan.household)  # the display is logged
        if not loan.signed_agreement_path:
            raise NotFound("not_found", _("Aucune convention signée n'est jointe à ce prêt."))
        return uploads.send(
            "agreements", loan.signed_agreement_path, f"convention-signee-{loan.reference}"
        )
    form = SignedAgreementForm(prefix="s")
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            lending.attach_signed_agreement(current_user, loan, form.document.data.read())
        if outcome.ok:
            flash(_("Convention signée jointe au prêt."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".loan", loan_id=loan.id))
