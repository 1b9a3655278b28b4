"""Households: list, record, page, edit, waiting-list requests, export and erasure."""

from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow
from refurb.auth.models import Organisation
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.enums import Category
from refurb.loans import privacy
from refurb.loans.enums import Criterion, LoanStatus, RequestStatus
from refurb.loans.forms import HouseholdForm, LoanActionForm, RequestForm
from refurb.loans.models import Household, Loan, LoanRequest
from refurb.loans.scoping import household_for, scoped
from refurb.loans.services import households as services
from refurb.loans.views import LENDER, bp, lender_choices
from refurb.lookups import get_or_none
from refurb.territory.services import all_communes
from refurb.web import form_status, refusal_shown


@bp.route("/foyers")
@allow(*LENDER)
def households():
    open_loans = (
        select(Loan.household_id, func.count().label("n"))
        .where(Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]))
        .group_by(Loan.household_id)
        .subquery()
    )
    waiting = (
        select(LoanRequest.household_id, func.count().label("n"))
        .where(LoanRequest.status == RequestStatus.WAITING)
        .group_by(LoanRequest.household_id)
        .subquery()
    )
    rows = db.session.execute(
        scoped(
            select(Household, func.coalesce(open_loans.c.n, 0), func.coalesce(waiting.c.n, 0))
            .outerjoin(open_loans, open_loans.c.household_id == Household.id)
            .outerjoin(waiting, waiting.c.household_id == Household.id)
            .order_by(Household.id.desc())
            .limit(500),
            Household.lender_organisation_id,
            current_user,
        )
    ).all()
    return render_template("loans/households.html", rows=rows)


def _household_fields(form: HouseholdForm) -> dict:
    return {
        "commune_code": form.commune.data,
        "size": form.size.data,
        "criterion": Criterion(form.criterion.data),
        "criterion_note": form.criterion_note.data or "",
        "verified_on": form.verified_on.data,
        "referring_organisation": form.referring_organisation.data or "",
        "contact_name": form.contact_name.data or "",
        "contact_phone": form.contact_phone.data or "",
        "contact_email": form.contact_email.data or "",
        "consent_on": form.consent_on.data,
    }


def _household_form_page(form, household):
    return render_template(
        "loans/household_form.html", form=form, household=household, communes=all_communes()
    ), form_status(form)


@bp.route("/foyers/nouveau", methods=["GET", "POST"])
@allow(*LENDER)
def new_household():
    form = HouseholdForm()
    form.organisation_id.choices = lender_choices()
    if not form.is_submitted():
        form.verified_on.data = date.today()
    if form.validate_on_submit():
        organisation = get_or_none(Organisation, form.organisation_id.data)
        with refusal_shown(form) as outcome:
            household = services.create_household(
                current_user, organisation, **_household_fields(form)
            )
        if outcome.ok:
            flash(_("Foyer %(ref)s enregistré.", ref=household.reference), "success")
            return redirect(url_for(".household", household_id=household.id))
    return _household_form_page(form, None)


@bp.route("/foyers/<int:household_id>")
@allow(*LENDER)
def household(household_id):
    household = household_for(current_user, household_id)
    identity = privacy.identity_for(current_user, household)
    requests = db.session.scalars(
        select(LoanRequest)
        .where(LoanRequest.household_id == household.id)
        .order_by(LoanRequest.requested_on.desc())
    ).all()
    loans = db.session.scalars(
        select(Loan).where(Loan.household_id == household.id).order_by(Loan.id.desc())
    ).all()
    return render_template(
        "loans/household.html",
        household=household,
        identity=identity,
        requests=requests,
        loans=loans,
        request_form=RequestForm(prefix="r"),
        confirm_form=LoanActionForm(prefix="c"),
        today=date.today(),
    )


@bp.route("/foyers/<int:household_id>/modifier", methods=["GET", "POST"])
@allow(*LENDER)
def edit_household(household_id):
    household = household_for(current_user, household_id)
    if not privacy.can_see_identity(current_user, household):
        abort(403)
    form = HouseholdForm(
        obj=household,
        data={
            "commune": household.commune_code,
            "criterion": household.criterion.value,
            "organisation_id": household.lender_organisation_id,
            "version": household.version,
        },
    )
    form.organisation_id.choices = [(household.lender_organisation_id, household.lender.name)]
    if not form.is_submitted():
        privacy.identity_for(current_user, household)  # the form shows the contact: logged
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            services.update_household(
                household, current_user, form.version.data, **_household_fields(form)
            )
        if outcome.ok:
            flash(_("Foyer enregistré."), "success")
            return redirect(url_for(".household", household_id=household.id))
    return _household_form_page(form, household)


@bp.route("/foyers/<int:household_id>/demandes", methods=["POST"])
@allow(*LENDER)
def add_request(household_id):
    household = household_for(current_user, household_id)
    form = RequestForm(prefix="r")
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            services.add_request(
                household,
                current_user,
                Category(form.category.data),
                form.priority.data,
                form.note.data or "",
            )
        if outcome.ok:
            flash(_("Demande ajoutée à la liste d'attente."), "success")
    return redirect(url_for(".household", household_id=household.id))


@bp.route("/foyers/<int:household_id>/export.json")
@allow(*LENDER)
def export_household(household_id):
    household = household_for(current_user, household_id)
    response = jsonify(privacy.export(household, current_user))
    response.headers["Content-Disposition"] = (
        f"attachment; filename=foyer-{household.reference}.json"
    )
    return response


@bp.route("/foyers/<int:household_id>/effacer", methods=["POST"])
@allow(*LENDER)
def erase_household(household_id):
    household = household_for(current_user, household_id)
    if not privacy.can_see_identity(current_user, household):
        abort(403)
    if not LoanActionForm(prefix="c").validate_on_submit():
        abort(400)
    with refusal_shown() as outcome:
        privacy.erase_on_request(household, current_user)
    if outcome.ok:
        flash(
            _("Identité et coordonnées effacées ; la fiche reste, anonyme, pour les statistiques."),
            "success",
        )
    return redirect(url_for(".household", household_id=household.id))
