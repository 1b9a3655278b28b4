"""Households: list, record, page, edit, waiting-list requests, export and erasure."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

from refurb.auth.access import allow
from refurb.auth.models import Organisation
from refurb.auth.roles import Role
from refurb.db_types import today as clock_today
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
from refurb.sql import containing
from refurb.territory.services import all_communes
from refurb.transaction import keep_even_if_refused, tried
from refurb.web import confirmation_page, confirmed, form_status, refusal_shown


def _digits(column):
    """The column's text without the separators people type in phone numbers."""
    for separator in (" ", ".", "-", "(", ")", "/", "+"):
        column = func.replace(column, separator, "")
    return column


def _search(statement, typed: str):
    """Households whose reference matches what was typed, or, for the household's own lenders
    only (DESIGN §6), whose contact name or phone number does."""
    words = typed.strip()
    if not words:
        return statement
    matches = [containing(Household.reference, words)]
    own = current_user.organisation_ids(Role.LENDER)
    identity = []
    if own and len(words) >= 3:  # a name: three letters at least, not a list of everyone
        identity.append(containing(Household.contact_name, words))
    digits = "".join(c for c in words if c.isascii() and c.isdigit())
    if own and len(digits) >= 4:
        # Compared without the leading 0 or +33, so 06 12… finds +33 6 12… and the reverse.
        if digits.startswith("33") and len(digits) > 9:
            digits = digits[2:]
        identity.append(_digits(Household.contact_phone).contains(digits.lstrip("0")))
    if identity:
        matches.append(and_(Household.lender_organisation_id.in_(own), or_(*identity)))
    return statement.where(or_(*matches))


@bp.route("/foyers")
@allow(*LENDER)
def households():
    typed = request.args.get("q", "")[:120]
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
            _search(
                select(Household, func.coalesce(open_loans.c.n, 0), func.coalesce(waiting.c.n, 0))
                .outerjoin(open_loans, open_loans.c.household_id == Household.id)
                .outerjoin(waiting, waiting.c.household_id == Household.id)
                .order_by(Household.id.desc())
                .limit(500),
                typed,
            ),
            Household.lender_organisation_id,
            current_user,
        )
    ).all()
    # A search shows who each household is, to its own lenders, each display logged.
    identities = (
        {h.id: privacy.identity_for(current_user, h) for h, _o, _w in rows} if typed.strip() else {}
    )
    return render_template("loans/households.html", rows=rows, typed=typed, identities=identities)


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
        form.verified_on.data = clock_today()
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
    return _household_page(household_for(current_user, household_id))


def _household_page(household, request_form=None, status: int = 200):
    """The household page; `request_form`: a waiting-list request refused, shown again as
    typed with its errors."""
    if status >= 400:  # a refused page shows the identity too: its view is logged all the same
        keep_even_if_refused()
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
        request_form=request_form or RequestForm(prefix="r", formdata=None),
        confirm_form=LoanActionForm(prefix="c"),
        today=clock_today(),
    ), status


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


@bp.route("/foyers/<int:household_id>/demandes", methods=["GET", "POST"])
@allow(*LENDER)
def add_request(household_id):
    household = household_for(current_user, household_id)
    if request.method == "GET":  # a refused request's address, reopened: the household
        return redirect(url_for(".household", household_id=household.id))
    form = RequestForm(prefix="r")
    if not form.validate_on_submit():
        return _household_page(household, form, 400)
    with refusal_shown(form, "category") as outcome:
        services.add_request(
            household,
            current_user,
            Category(form.category.data),
            form.priority.data,
            form.note.data or "",
        )
    if not outcome.ok:
        return _household_page(household, form, outcome.refusal.status)
    flash(_("Demande ajoutée à la liste d'attente."), "success")
    return redirect(url_for(".household", household_id=household.id))


@bp.route("/foyers/<int:household_id>/export.json")
@allow(*LENDER)
def export_household(household_id):
    """The household's data as a JSON file, French keys and values (accents as they are)."""
    household = household_for(current_user, household_id)
    data = privacy.export(household, current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=foyer-{household.reference}.json"},
    )


@bp.route("/foyers/<int:household_id>/donnees")
@allow(*LENDER)
def household_data(household_id):
    """The same data as a page the household can read, and print (or save as PDF)."""
    household = household_for(current_user, household_id)
    data = privacy.export(household, current_user)
    return render_template(
        "loans/household_data.html", household=household, data=data, today=clock_today()
    )


@bp.route("/foyers/<int:household_id>/effacer", methods=["POST"])
@allow(*LENDER)
def erase_household(household_id):
    household = household_for(current_user, household_id)
    if not privacy.can_see_identity(current_user, household):
        abort(403)
    form = LoanActionForm(prefix="c")
    if not form.validate_on_submit():
        abort(400)
    if not confirmed(form):
        with refusal_shown() as trial:  # an open loan refuses it now, before asking
            tried(lambda: privacy.erase_on_request(household, current_user))
        if not trial.ok:
            return redirect(url_for(".household", household_id=household.id))
        return confirmation_page(
            _("Effacer l'identité du foyer %(ref)s", ref=household.reference),
            _(
                "Le nom, le téléphone, l'e-mail et les conventions signées de ce foyer sont "
                "effacés pour de bon ; la fiche reste, anonyme, pour les statistiques. Cet "
                "effacement ne pourra pas être annulé."
            ),
            form,
            url_for(".erase_household", household_id=household.id),
            url_for(".household", household_id=household.id),
            _("Effacer identité et coordonnées"),
        )
    with refusal_shown() as outcome:
        privacy.erase_on_request(household, current_user)
    if outcome.ok:
        flash(
            _("Identité et coordonnées effacées ; la fiche reste, anonyme, pour les statistiques."),
            "success",
        )
    return redirect(url_for(".household", household_id=household.id))
