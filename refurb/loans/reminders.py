"""Reminders before the due date and when overdue: by e-mail when the household gave one,
otherwise on the lender's "to call" list. Each step of a loan is reminded once."""

from datetime import date, timedelta

from sqlalchemy import select

from refurb.db_types import today as clock_today
from refurb.db_types import utcnow
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Loan, Reminder
from refurb.mail import mail_configured, send_mail

DUE_SOON_DAYS = 7


def _message(loan: Loan, step: str) -> tuple[str, str]:
    due = loan.due_on.strftime("%d/%m/%Y")
    subject = (
        _("Votre prêt %(ref)s arrive à échéance le %(due)s", ref=loan.reference, due=due)
        if step == "due_soon"
        else _("Votre prêt %(ref)s est arrivé à échéance le %(due)s", ref=loan.reference, due=due)
    )
    body = _(
        "Bonjour,\n\nLe matériel prêté par %(lender)s (%(category)s, étiquette %(tag)s) "
        "est à rendre le %(due)s. Si vous en avez encore besoin, contactez l'association : "
        "le prêt peut souvent être renouvelé.\n\nPensez à sauvegarder vos documents : "
        "l'appareil est effacé à son retour.\n\n%(lender)s",
        lender=loan.lender.name,
        category=loan.device.category.label,
        tag=loan.device.tag,
        due=due,
    )
    return subject, body


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Create the reminders due today (once per loan and step); e-mail those who can be."""
    today = today or clock_today()
    counts = {"email": 0, "call": 0, "failed": 0}
    already = {
        (r.loan_id, r.step) for r in db.session.execute(select(Reminder.loan_id, Reminder.step))
    }
    loans = db.session.scalars(
        select(Loan).where(
            Loan.status == LoanStatus.ACTIVE, Loan.due_on <= today + timedelta(days=DUE_SOON_DAYS)
        )
    )
    for loan in loans:
        step = "overdue" if loan.due_on < today else "due_soon"
        if (loan.id, step) in already:
            continue
        email = loan.household.contact_email
        channel = "email" if email and mail_configured() else "call"
        details = {}
        if channel == "email":
            try:
                send_mail(email, *_message(loan, step))
            except OSError as error:  # SMTP down: call instead, and say why
                channel, details = "call", {"mail_error": str(error)[:200]}
                counts["failed"] += 1
        db.session.add(Reminder(loan_id=loan.id, step=step, channel=channel, details=details))
        record(
            "loan",
            loan.id,
            f"loan.reminder_{step}",
            organisation_id=loan.lender_organisation_id,
            details={"channel": channel},
        )
        counts[channel] += 1
    db.session.flush()
    return counts


def mark_called(reminder: Reminder, actor) -> None:
    reminder.done_at = utcnow()
    record(
        "loan",
        reminder.loan_id,
        "loan.reminder_called",
        actor=actor,
        organisation_id=reminder.loan.lender_organisation_id,
        details={"step": reminder.step},
    )
