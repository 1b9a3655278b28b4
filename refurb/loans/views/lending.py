"""A loan's pages: reserve a device for a household, the loan page with the actions its
workflow allows, the agreement and receipts, the signed agreement."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from refurb import uploads
from refurb.auth.access import allow
from refurb.db_types import today
from refurb.errors import NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory import readiness
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.inventory.services.lookup import device_by_tag
from refurb.loans import privacy, workflow
from refurb.loans.documents import agreement, gift_certificate, return_receipt
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.forms import (
    CheckoutForm,
    LoanActionForm,
    ReserveForm,
    ReturnForm,
    SignedAgreementForm,
)
from refurb.loans.models import LoanRequest
from refurb.loans.scoping import household_for, loan_for, request_for
from refurb.loans.services import lending
from refurb.loans.services.settings import current_terms, settings_for
from refurb.loans.views import LENDER, bp
from refurb.loans.workflow import LoanAction
from refurb.sql import containing
from refurb.transaction import keep_even_if_refused, tried
from refurb.web import (
    confirmation_page,
    confirmed,
    flash_step_gone,
    form_status,
    pdf_response,
    refusal_shown,
)

PICKER_SIZE = 20


def ready_devices(category: Category | None, typed: str) -> tuple[list[Device], int]:
    """Ready devices a lender may reserve, oldest ready first: the first PICKER_SIZE and how
    many match in all, filtered by category and by tag, brand or model."""
    query = select(Device).where(Device.state == State.READY)
    if category is not None:
        query = query.where(Device.category == category)
    words = typed.strip()
    if words:
        query = query.where(
            or_(*(containing(column, words) for column in (Device.tag, Device.brand, Device.model)))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    found = db.session.scalars(
        query.order_by(Device.state_changed_at, Device.id).limit(PICKER_SIZE)
    ).all()
    return found, total


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
    chosen = request.form.get("device", "")
    typed = (form.tag.data or "").strip()
    if form.is_submitted() and chosen and not typed:
        form.tag.data = chosen  # a device picked in the list rather than scanned
    if form.is_submitted() and chosen and typed and typed.upper() != chosen.upper():
        form.validate()
        form.tag.errors = [
            *form.tag.errors,
            _(
                "Vous avez choisi %(chosen)s dans la liste et tapé %(typed)s : gardez l'un des "
                "deux.",
                chosen=chosen,
                typed=typed,
            ),
        ]
    elif form.validate_on_submit():
        with refusal_shown(form, "tag") as outcome:
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
    wanted = loan_request.category if loan_request else None
    if wanted is None:  # the category the household waits for, if it waits for one
        waiting = db.session.scalar(
            select(LoanRequest.category)
            .where(
                LoanRequest.household_id == household.id,
                LoanRequest.status == RequestStatus.WAITING,
            )
            .order_by(LoanRequest.priority, LoanRequest.requested_on)
            .limit(1)
        )
        wanted = waiting
    filter_value = request.values.get("categorie", wanted.value if wanted else "")
    category = Category(filter_value) if filter_value in Category._value2member_map_ else None
    typed = request.values.get("q", "")[:80]
    candidates, total = ready_devices(category, typed)
    categories = Category.choices()
    if wanted is not None:  # the category asked for first
        categories.sort(key=lambda choice: choice[0] != wanted.value)
    return render_template(
        "loans/loan_new.html",
        form=form,
        household=household,
        loan_request=loan_request,
        candidates=candidates,
        total=total,
        categories=categories,
        category=category,
        typed=typed,
        chosen=form.tag.data or "",
    ), form_status(form)


def _forms(loan, **posted) -> dict:
    """The loan page's forms: those posted (shown again with what was typed and their
    errors, carrying the loan's current version: sent again, a step acts on what is shown),
    the others with the loan's values."""
    data = {"version": loan.version}
    forms = {
        "checkout_form": CheckoutForm(
            prefix="o",
            formdata=None,
            data={**data, "accessories": loan.device.accessories, "start_on": today()},
        ),
        "return_form": ReturnForm(prefix="t", formdata=None, data=data),
        "action_form": LoanActionForm(prefix="a", formdata=None, data=data),
        "signed_form": SignedAgreementForm(prefix="s", formdata=None),
    }
    for form in posted.values():
        if "version" in form:  # the steps (the signed agreement's upload has none)
            form.version.data = loan.version
    forms.update(posted)
    forms["action_form"].confirmed.data = ""  # each irreversible step asks again
    forms["return_form"].missing.choices = [(a, a) for a in loan.accessories]
    return forms


def _loan_page(loan, status: int = 200, **posted):
    if status >= 400:  # a refused page shows the identity too: its view is logged all the same
        keep_even_if_refused()  # (the refused step's own writes were rolled back already)
    returned_late = None
    if loan.ended_on and loan.due_on and loan.status == LoanStatus.RETURNED:
        returned_late = (loan.ended_on - loan.due_on).days
    actions = workflow.available_actions(loan, current_user)
    return render_template(
        "loans/loan.html",
        loan=loan,
        identity=privacy.identity_for(current_user, loan.household),
        actions=actions,
        confirming=[a for a in actions if workflow.TRANSITIONS[a].irreversible],
        transitions=workflow.TRANSITIONS,
        today=today(),
        returned_late=returned_late,
        settings=settings_for(loan.lender_organisation_id),
        terms=loan.terms or current_terms(loan.lender_organisation_id),
        **_forms(loan, **posted),
    ), status


@bp.route("/prets/<int:loan_id>")
@allow(*LENDER)
def loan(loan_id):
    return _loan_page(loan_for(current_user, loan_id))


def _refused(loan, chosen: LoanAction, refusal, name: str, form):
    """The loan page again, the refused step's form as typed with its error; a step the loan
    no longer offers (someone handed it over meanwhile) has no form there: said at the top."""
    if chosen not in workflow.available_actions(loan, current_user):
        flash_step_gone(refusal)
    return _loan_page(loan, refusal.status, **{name: form})


def _list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# How each action of the workflow reads its form, and the name of that form on the page.
ACTION_FORMS = {
    LoanAction.CHECKOUT: (CheckoutForm, "o", "checkout_form"),
    LoanAction.RETURN: (ReturnForm, "t", "return_form"),
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
        missing = [*form.missing.data, *_list(form.missing_other.data)]
        returned = {"yes": True, "no": False}.get(form.deposit_returned.data)
        lending.take_back(
            current_user, loan, version, form.return_condition.data, missing, returned
        )
    elif action == LoanAction.RENEW:
        lending.renew(current_user, loan, version)
    elif action == LoanAction.CONVERT_TO_GIFT:
        lending.convert_to_gift(current_user, loan, version, form.note.data or "")
    elif action == LoanAction.DECLARE_LOST:
        note = form.note.data or _("Déclaré perdu par l'association")
        lending.declare_lost(current_user, loan, version, note)
    elif action == LoanAction.CANCEL:
        lending.cancel(current_user, loan, version, form.note.data or "")


@bp.route("/prets/<int:loan_id>/actions/<action>", methods=["GET", "POST"])
@allow(*LENDER)
def loan_action(loan_id, action):
    """One step of the loan workflow, posted from the loan page. A refused step shows the loan
    page again with the form as typed; an irreversible one asks for confirmation first. The
    address of a refused page, reopened later, leads back to the loan."""
    loan = loan_for(current_user, loan_id)
    if request.method == "GET":
        return redirect(url_for(".loan", loan_id=loan.id))
    try:
        chosen = LoanAction(action)
    except ValueError:
        return redirect(url_for(".loan", loan_id=loan.id))
    form_class, prefix, name = ACTION_FORMS.get(chosen, (LoanActionForm, "a", "action_form"))
    form = form_class(prefix=prefix)
    if chosen == LoanAction.RETURN:
        form.missing.choices = [(a, a) for a in loan.accessories]
    transition = workflow.TRANSITIONS[chosen]
    if not form.validate_on_submit():
        return _loan_page(loan, 400, **{name: form})
    if transition.irreversible and not confirmed(form):
        # A refusal is said now, not after the confirmation.
        with refusal_shown(form, step=True) as trial:
            tried(lambda: _perform(chosen, loan, form))
        if not trial.ok:
            return _refused(loan, chosen, trial.refusal, name, form)
        return confirmation_page(
            _("%(action)s : prêt %(ref)s", action=transition.label, ref=loan.reference),
            transition.irreversible,
            form,
            url_for(".loan_action", loan_id=loan.id, action=chosen.value),
            url_for(".loan", loan_id=loan.id),
            transition.label,
            shown_fields=[form.note],
        )
    with refusal_shown(form, step=True) as outcome:
        _perform(chosen, loan, form)
    if not outcome.ok:
        return _refused(loan, chosen, outcome.refusal, name, form)
    flash(str(transition.done), "success")
    return redirect(url_for(".loan", loan_id=loan.id))


@bp.route("/prets/<int:loan_id>/convention.pdf")
@allow(*LENDER)
def agreement_pdf(loan_id):
    loan = loan_for(current_user, loan_id)
    if not privacy.can_see_identity(current_user, loan.household):
        abort(403)  # it carries the household's name
    if loan.start_on is None:
        raise NotFound(
            "agreement_at_handover",
            _(
                "La convention se remplit à la remise, avec les accessoires, la caution et la "
                "date de retour enregistrés : remettez d'abord l'appareil."
            ),
        )
    identity = privacy.require_identity(current_user, loan.household)
    settings = settings_for(loan.lender_organisation_id)
    return pdf_response(
        agreement(
            loan, loan.terms, identity, settings, readiness.known_defects(loan.device, french=True)
        ),
        f"convention-{loan.reference}.pdf",
    )


@bp.route("/prets/<int:loan_id>/attestation-don.pdf")
@allow(*LENDER)
def gift_certificate_pdf(loan_id):
    loan = loan_for(current_user, loan_id)
    if not privacy.can_see_identity(current_user, loan.household):
        abort(403)  # it carries the household's name
    if loan.status != LoanStatus.CONVERTED_TO_GIFT:
        raise NotFound(
            "not_found", _("Ce prêt n'a pas été transformé en don : il n'a pas d'attestation.")
        )
    identity = privacy.require_identity(current_user, loan.household)
    return pdf_response(gift_certificate(loan, identity), f"attestation-don-{loan.reference}.pdf")


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
    if not form.validate_on_submit():
        return _loan_page(loan, 400, signed_form=form)
    with refusal_shown(form, "document") as outcome:
        lending.attach_signed_agreement(current_user, loan, form.document.data.read())
    if not outcome.ok:
        return _loan_page(loan, 400, signed_form=form)
    flash(_("Convention signée jointe au prêt."), "success")
    return redirect(url_for(".loan", loan_id=loan.id))
