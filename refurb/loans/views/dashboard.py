"""The lender's dashboard (loans to hand over, due, overdue, to call), the waiting list and the
lender's settings."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow
from refurb.db_types import today as clock_today
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.loans import privacy
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.forms import LoanActionForm, SettingsForm
from refurb.loans.models import Household, Loan, LoanRequest, Reminder
from refurb.loans.reminders import DUE_SOON_DAYS, mark_called
from refurb.loans.scoping import reminder_for, scoped
from refurb.loans.services import settings as loan_settings
from refurb.loans.views import LENDER, bp, lender_choices
from refurb.territory.models import Commune, Epci
from refurb.web import form_status, refusal_shown


@bp.route("/attente")
@allow(*LENDER)
def waiting_list():
    queue = db.session.scalars(
        scoped(
            select(LoanRequest)
            .join(Household, Household.id == LoanRequest.household_id)
            .where(LoanRequest.status == RequestStatus.WAITING)
            .order_by(LoanRequest.priority, LoanRequest.requested_on, LoanRequest.id),
            Household.lender_organisation_id,
            current_user,
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
    today = clock_today()
    loans = db.session.scalars(
        scoped(
            select(Loan)
            .where(Loan.status.in_([LoanStatus.RESERVED, LoanStatus.ACTIVE]))
            .order_by(Loan.due_on.is_(None), Loan.due_on, Loan.id),
            Loan.lender_organisation_id,
            current_user,
        )
    ).all()
    to_call = db.session.scalars(
        scoped(
            select(Reminder)
            .join(Loan, Loan.id == Reminder.loan_id)
            .where(
                Reminder.channel == "call",
                Reminder.done_at.is_(None),
                Loan.status == LoanStatus.ACTIVE,  # a loan returned, given or lost: no call
            )
            .order_by(Reminder.created_at),
            Loan.lender_organisation_id,
            current_user,
        )
    ).all()
    # Who to call and the number: to the household's own lenders only, each display logged.
    calls = [(r, privacy.identity_for(current_user, r.loan.household)) for r in to_call]
    return render_template(
        "loans/dashboard.html",
        today=today,
        to_call=calls,
        due_soon_days=DUE_SOON_DAYS,
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
    reminder = reminder_for(current_user, reminder_id)
    if LoanActionForm(prefix="c").validate_on_submit():
        mark_called(reminder, current_user)
    return redirect(url_for(".dashboard"))


@bp.route("/prets/reglages", methods=["GET", "POST"])
@allow(*LENDER)
def settings():
    choices = lender_choices()
    if not choices:
        abort(403)
    organisation_id = request.values.get("organisation", type=int) or choices[0][0]
    if organisation_id not in {c for c, _n in choices}:
        abort(404)
    current = loan_settings.settings_for(organisation_id)
    terms = loan_settings.current_terms(organisation_id)
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
        with refusal_shown(form) as outcome:
            loan_settings.update_settings(
                current_user,
                organisation_id,
                form.version.data,
                form.loan_days.data,
                form.renewal_days.data,
                form.renewal_cap.data or 0,
                form.terms.data,
            )
        if outcome.ok:
            flash(_("Réglages enregistrés."), "success")
            return redirect(url_for(".settings", organisation=organisation_id))
    return render_template(
        "loans/settings.html",
        form=form,
        choices=choices,
        organisation_id=organisation_id,
        terms=terms,
    ), form_status(form)
