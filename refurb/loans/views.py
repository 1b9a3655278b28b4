"""Pages of the lending associations: households, waiting list, loans, reminders, settings.

Every household and loan is looked up through `_household`/`_loan`, which answer 404 for
another organisation's records (guessed ids reveal nothing)."""

import secrets
from datetime import date, timedelta
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind, Role
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.inventory import tags
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.loans import privacy, services
from refurb.loans.enums import Criterion, LoanStatus, RequestStatus
from refurb.loans.forms import (
    CheckoutForm,
    HouseholdForm,
    LoanActionForm,
    RequestForm,
    ReserveForm,
    ReturnForm,
    SettingsForm,
    SignedAgreementForm,
)
from refurb.loans.models import Household, Loan, LoanRequest, Reminder
from refurb.loans.pdf import agreement, return_receipt
from refurb.loans.reminders import mark_called
from refurb.territory.models import Commune, Epci
from refurb.territory.services import all_communes
from refurb.web import pdf_response, show_on_form

bp = Blueprint("loans", __name__)
LENDER = (Role.LENDER,)


def my_organisations() -> set[int] | None:
    """The lender organisations the user works for; None for the coordinator (all)."""
    return None if current_user.is_admin else current_user.organisation_ids(Role.LENDER)


def _scoped(statement, column):
    mine = my_organisations()
    return statement if mine is None else statement.where(column.in_(mine))


def _household(household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    mine = my_organisations()
    if household is None or (mine is not None and household.lender_organisation_id not in mine):
        abort(404)
    return household


def _loan(loan_id: int) -> Loan:
    loan = db.session.get(Loan, loan_id)
    mine = my_organisations()
    if loan is None or (mine is not None and loan.lender_organisation_id not in mine):
        abort(404)
    return loan


def _lender_choices():
    statement = _scoped(
        select(Organisation.id, Organisation.name)
        .where(Organisation.kind == OrganisationKind.LENDER)
        .order_by(Organisation.name),
        Organisation.id,
    )
    return [(r.id, r.name) for r in db.session.execute(statement)]


def households_for_reservation(category) -> list[tuple[Household, bool]]:
    """The user's households that can borrow, those waiting for `category` first."""
    waiting = select(LoanRequest.household_id).where(
        LoanRequest.status == RequestStatus.WAITING, LoanRequest.category == category
    )
    rows = db.session.scalars(
        _scoped(
            select(Household).where(Household.anonymised_at.is_(None)),
            Household.lender_organisation_id,
        )
        .order_by(Household.id.in_(waiting).desc(), Household.reference)
        .limit(200)
    ).all()
    waiting_ids = set(db.session.scalars(waiting))
    return [(household, household.id in waiting_ids) for household in rows]


# --- Households ---------------------------------------------------------------------------------


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
        _scoped(
            select(Household, func.coalesce(open_loans.c.n, 0), func.coalesce(waiting.c.n, 0))
            .outerjoin(open_loans, open_loans.c.household_id == Household.id)
            .outerjoin(waiting, waiting.c.household_id == Household.id)
            .order_by(Household.id.desc())
            .limit(500),
            Household.lender_organisation_id,
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


@bp.route("/foyers/nouveau", methods=["GET", "POST"])
@allow(*LENDER)
def new_household():
    form = HouseholdForm()
    form.organisation_id.choices = _lender_choices()
    if request.method == "GET":
        form.verified_on.data = date.today()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            household = services.create_household(
                current_user, organisation, **_household_fields(form)
            )
        except DomainError as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Foyer %(ref)s enregistré.", ref=household.reference), "success")
            return redirect(url_for(".household", household_id=household.id))
    return render_template(
        "loans/household_form.html", form=form, household=None, communes=all_communes()
    ), (400 if form.is_submitted() else 200)


@bp.route("/foyers/<int:household_id>")
@allow(*LENDER)
def household(household_id):
    household = _household(household_id)
    show_identity = privacy.can_see_identity(current_user, household)
    if show_identity:
        privacy.log_identity_view(household, current_user)
        db.session.commit()
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
        show_identity=show_identity,
        requests=requests,
        loans=loans,
        request_form=RequestForm(prefix="r"),
        confirm_form=LoanActionForm(prefix="c"),
        today=date.today(),
    )


@bp.route("/foyers/<int:household_id>/modifier", methods=["GET", "POST"])
@allow(*LENDER)
def edit_household(household_id):
    household = _household(household_id)
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
    if form.validate_on_submit():
        try:
            services.update_household(
                household, current_user, form.version.data, **_household_fields(form)
            )
        except DomainError as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Foyer enregistré."), "success")
            return redirect(url_for(".household", household_id=household.id))
    return render_template(
        "loans/household_form.html", form=form, household=household, communes=all_communes()
    ), (400 if form.is_submitted() else 200)


@bp.route("/foyers/<int:household_id>/demandes", methods=["POST"])
@allow(*LENDER)
def add_request(household_id):
    household = _household(household_id)
    form = RequestForm(prefix="r")
    if form.validate_on_submit():
        try:
            services.add_request(
                household,
                current_user,
                Category(form.category.data),
                form.priority.data,
                form.note.data or "",
            )
        except DomainError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(_("Demande ajoutée à la liste d'attente."), "success")
    return redirect(url_for(".household", household_id=household.id))


@bp.route("/foyers/<int:household_id>/export.json")
@allow(*LENDER)
def export_household(household_id):
    household = _household(household_id)
    data = privacy.export(household, current_user)
    db.session.commit()
    response = jsonify(data)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=foyer-{household.reference}.json"
    )
    return response


@bp.route("/foyers/<int:household_id>/effacer", methods=["POST"])
@allow(*LENDER)
def erase_household(household_id):
    household = _household(household_id)
    if not LoanActionForm(prefix="c").validate_on_submit():
        abort(400)
    try:
        privacy.erase_on_request(household, current_user)
    except DomainError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(
            _("Identité et coordonnées effacées ; la fiche reste, anonyme, pour les statistiques."),
            "success",
        )
    return redirect(url_for(".household", household_id=household.id))


# --- Waiting list and dashboard -----------------------------------------------------------------


@bp.route("/attente")
@allow(*LENDER)
def waiting_list():
    queue = db.session.scalars(
        _scoped(
            select(LoanRequest)
            .join(Household, Household.id == LoanRequest.household_id)
            .where(LoanRequest.status == RequestStatus.WAITING)
            .order_by(LoanRequest.priority, LoanRequest.requested_on, LoanRequest.id),
            Household.lender_organisation_id,
        )
    ).all()
    demand = db.session.execute(
        select(LoanRequest.category, Epci.name, func.count())
        .join(Household, Household.id == LoanRequest.household_id)
        .join(Commune, Commune.insee_code == Household.commune_code)
        .join(Epci, Epci.siren == Commune.epci_siren)
        .where(LoanRequest.status == RequestStatus.WAITING)
        .group_by(LoanRequest.category, Epci.name)
        .order_by(LoanRequest.category, Epci.name)
    ).all()
    ready = dict(
        db.session.execute(
            select(Device.category, func.count())
            .where(Device.state == State.READY)
            .group_by(Device.category)
        ).all()
    )
    return render_template("loans/waiting.html", queue=queue, demand=demand, ready=ready)


@bp.route("/prets")
@allow(*LENDER)
def dashboard():
    today = date.today()
    loans = db.session.scalars(
        _scoped(
            select(Loan)
            .where(Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]))
            .order_by(Loan.due_on.is_(None), Loan.due_on, Loan.id),
            Loan.lender_organisation_id,
        )
    ).all()
    to_call = db.session.scalars(
        _scoped(
            select(Reminder)
            .join(Loan, Loan.id == Reminder.loan_id)
            .where(Reminder.channel == "call", Reminder.done_at.is_(None))
            .order_by(Reminder.created_at),
            Loan.lender_organisation_id,
        )
    ).all()
    return render_template(
        "loans/dashboard.html",
        today=today,
        to_call=to_call,
        overdue=[loan for loan in loans if loan.is_overdue(today)],
        due_soon=[
            loan
            for loan in loans
            if loan.status == LoanStatus.ACTIVE
            and not loan.is_overdue(today)
            and loan.due_on <= today + timedelta(days=14)
        ],
        reserved=[loan for loan in loans if loan.status == LoanStatus.RESERVED],
        active=[loan for loan in loans if loan.status == LoanStatus.ACTIVE],
        confirm_form=LoanActionForm(prefix="c"),
    )


@bp.route("/prets/rappels/<int:reminder_id>/appele", methods=["POST"])
@allow(*LENDER)
def reminder_called(reminder_id):
    reminder = db.get_or_404(Reminder, reminder_id)
    _loan(reminder.loan_id)
    if LoanActionForm(prefix="c").validate_on_submit():
        mark_called(reminder, current_user)
        db.session.commit()
    return redirect(url_for(".dashboard"))


# --- Loans ----------------------------------------------------------------------------------------


@bp.route("/prets/nouveau", methods=["GET", "POST"])
@allow(*LENDER)
def new_loan():
    loan_request = db.session.get(LoanRequest, request.values.get("request", type=int) or 0)
    household = _household(
        loan_request.household_id
        if loan_request
        else request.values.get("household", type=int) or 0
    )
    if loan_request is not None and loan_request.status != RequestStatus.WAITING:
        loan_request = None
    form = ReserveForm()
    if request.method == "GET" and request.args.get("tag"):
        form.tag.data = request.args["tag"]
    if form.validate_on_submit():
        try:
            device = db.session.scalar(
                select(Device).where(Device.tag == tags.parse_tag(form.tag.data))
            )
            if device is None:
                raise DomainError(
                    "unknown_device",
                    _("Aucun appareil ne porte cette étiquette."),
                    details={"tag": "unknown"},
                    status=404,
                )
            loan = services.reserve(
                current_user, household, device, loan_request, form.override_reason.data or ""
            )
        except DomainError as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
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
    ), (400 if form.is_submitted() else 200)


@bp.route("/prets/<int:loan_id>")
@allow(*LENDER)
def loan(loan_id):
    loan = _loan(loan_id)
    show_identity = privacy.can_see_identity(current_user, loan.household)
    if show_identity:
        privacy.log_identity_view(loan.household, current_user)
        db.session.commit()
    data = {"version": loan.version}
    checkout_form = CheckoutForm(
        prefix="o", data={**data, "accessories": loan.device.accessories, "start_on": date.today()}
    )
    return render_template(
        "loans/loan.html",
        loan=loan,
        show_identity=show_identity,
        today=date.today(),
        checkout_form=checkout_form,
        return_form=ReturnForm(prefix="t", data=data),
        action_form=LoanActionForm(prefix="a", data=data),
        signed_form=SignedAgreementForm(prefix="s"),
        settings=services.settings_for(loan.lender_organisation_id),
    )


def _loan_action(loan_id, form_class, prefix, do, success):
    loan = _loan(loan_id)
    form = form_class(prefix=prefix)
    if not form.validate_on_submit():
        for field in form:
            for message in field.errors:
                flash(f"{field.label.text} : {message}", "error")
        return redirect(url_for(".loan", loan_id=loan.id))
    try:
        do(loan, form)
    except DomainError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(".loan", loan_id=loan.id))


def _list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@bp.route("/prets/<int:loan_id>/remise", methods=["POST"])
@allow(*LENDER)
def checkout(loan_id):
    return _loan_action(
        loan_id,
        CheckoutForm,
        "o",
        lambda loan, f: services.checkout(
            current_user,
            loan,
            f.version.data,
            _list(f.accessories.data),
            f.deposit_euros.data or 0,
            f.agreement_accepted.data,
            f.start_on.data,
        ),
        _("Appareil remis : le prêt est en cours."),
    )


@bp.route("/prets/<int:loan_id>/renouveler", methods=["POST"])
@allow(*LENDER)
def renew(loan_id):
    return _loan_action(
        loan_id,
        LoanActionForm,
        "a",
        lambda loan, f: services.renew(current_user, loan, f.version.data),
        _("Prêt renouvelé."),
    )


@bp.route("/prets/<int:loan_id>/retour", methods=["POST"])
@allow(*LENDER)
def take_back(loan_id):
    return _loan_action(
        loan_id,
        ReturnForm,
        "t",
        lambda loan, f: services.take_back(
            current_user, loan, f.version.data, f.return_condition.data, _list(f.missing.data)
        ),
        _("Retour enregistré : l'appareil part au diagnostic et sera effacé."),
    )


@bp.route("/prets/<int:loan_id>/don", methods=["POST"])
@allow(*LENDER)
def convert_to_gift(loan_id):
    return _loan_action(
        loan_id,
        LoanActionForm,
        "a",
        lambda loan, f: services.convert_to_gift(current_user, loan, f.version.data),
        _("Le prêt est transformé en don."),
    )


@bp.route("/prets/<int:loan_id>/perte", methods=["POST"])
@allow(*LENDER)
def declare_lost(loan_id):
    return _loan_action(
        loan_id,
        LoanActionForm,
        "a",
        lambda loan, f: services.declare_lost(
            current_user, loan, f.version.data, f.note.data or _("Déclaré perdu par l'association")
        ),
        _("Appareil déclaré perdu."),
    )


@bp.route("/prets/<int:loan_id>/annuler", methods=["POST"])
@allow(*LENDER)
def cancel(loan_id):
    return _loan_action(
        loan_id,
        LoanActionForm,
        "a",
        lambda loan, f: services.cancel(current_user, loan, f.version.data),
        _("Réservation annulée : l'appareil est de nouveau disponible."),
    )


@bp.route("/prets/<int:loan_id>/convention.pdf")
@allow(*LENDER)
def agreement_pdf(loan_id):
    loan = _loan(loan_id)
    if not privacy.can_see_identity(current_user, loan.household):
        abort(403)
    # Before handover, the terms that will apply; after, the version accepted.
    terms = loan.terms or services.current_terms(loan.lender_organisation_id)
    privacy.log_identity_view(loan.household, current_user)
    db.session.commit()
    return pdf_response(agreement(loan, terms), f"convention-{loan.reference}.pdf")


@bp.route("/prets/<int:loan_id>/recu-retour.pdf")
@allow(*LENDER)
def return_receipt_pdf(loan_id):
    loan = _loan(loan_id)
    if loan.status != LoanStatus.RETURNED:
        abort(404)
    return pdf_response(return_receipt(loan), f"recu-retour-{loan.reference}.pdf")


def _signed_folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads" / "agreements"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/prets/<int:loan_id>/convention-signee", methods=["GET", "POST"])
@allow(*LENDER)
def signed_agreement(loan_id):
    loan = _loan(loan_id)
    if request.method == "GET":
        if not loan.signed_agreement_path:
            abort(404)
        return send_file(_signed_folder() / Path(loan.signed_agreement_path).name)
    form = SignedAgreementForm(prefix="s")
    if form.validate_on_submit():
        suffix = Path(form.document.data.filename or "").suffix.lower() or ".pdf"
        name = f"{loan.id}-{secrets.token_hex(8)}{suffix}"
        form.document.data.save(_signed_folder() / name)
        services.attach_signed_agreement(current_user, loan, name)
        db.session.commit()
        flash(_("Convention signée jointe au prêt."), "success")
    else:
        for message in form.document.errors:
            flash(message, "error")
    return redirect(url_for(".loan", loan_id=loan.id))


@bp.route("/prets/reglages", methods=["GET", "POST"])
@allow(*LENDER)
def settings():
    choices = _lender_choices()
    if not choices:
        abort(403)
    organisation_id = request.values.get("organisation", type=int) or choices[0][0]
    if organisation_id not in {c for c, _n in choices}:
        abort(404)
    current = services.settings_for(organisation_id)
    terms = services.current_terms(organisation_id)
    db.session.commit()
    form = SettingsForm(
        data={
            "loan_days": current.loan_days,
            "renewal_days": current.renewal_days,
            "renewal_cap": current.renewal_cap,
            "terms": terms.text,
            "version": current.version,
        }
    )
    if form.validate_on_submit():
        try:
            services.update_settings(
                current_user,
                organisation_id,
                form.version.data,
                form.loan_days.data,
                form.renewal_days.data,
                form.renewal_cap.data or 0,
                form.terms.data,
            )
        except DomainError as refusal:
            db.session.rollback()
            show_on_form(form, refusal)
        else:
            db.session.commit()
            flash(_("Réglages enregistrés."), "success")
            return redirect(url_for(".settings", organisation=organisation_id))
    return render_template(
        "loans/settings.html",
        form=form,
        choices=choices,
        organisation_id=organisation_id,
        terms=terms,
    ), (400 if form.is_submitted() else 200)
