"""Reminders against a local SMTP server (no duplicates), the purge, export and erasure,
and the agreement and return receipt PDFs checked on their text."""

import socket
import subprocess
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from refurb.errors import DomainError
from refurb.history.models import Event
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.loans import privacy
from refurb.loans.documents import agreement, return_receipt
from refurb.loans.models import Household, Reminder
from refurb.loans.reminders import send_reminders
from refurb.loans.services import lending
from refurb.loans.services.settings import settings_for
from tests.conftest import TODAY, require_tool


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(app):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    controller.stop()


START = TODAY - timedelta(days=29)  # a handover a month ago


def active_loan(session, actor, household_id, device_id, start: date):
    loan = lending.reserve(
        actor, session.get(Household, household_id), session.get(Device, device_id)
    )
    lending.checkout(actor, loan, loan.version, ["chargeur"], 0, True, start)
    return loan


def test_reminders_by_email_or_to_call_never_twice(
    smtp, session_as, lender, make_household, make_device
):
    with_email = make_household().id
    without_email = make_household(contact_email="").id
    devices = [make_device(State.READY).id, make_device(State.READY).id]
    today = TODAY
    with session_as(lender) as (session, actor):
        due_soon = active_loan(session, actor, with_email, devices[0], today - timedelta(days=176))
        overdue = active_loan(
            session, actor, without_email, devices[1], today - timedelta(days=200)
        )
        session.commit()
        assert send_reminders(today) == {"email": 1, "call": 1, "failed": 0}
        assert send_reminders(today) == {"email": 0, "call": 0, "failed": 0}
        session.commit()
        (message,) = smtp.messages
        assert message.rcpt_tos == ["durand@exemple.fr"]
        assert due_soon.reference in message.content.decode("utf-8", "replace")
        calls = session.scalars(select(Reminder).where(Reminder.channel == "call")).all()
        assert [(r.loan_id, r.step) for r in calls] == [(overdue.id, "overdue")]
        due_soon.due_on = today - timedelta(days=1)  # now overdue too: a new step, one more mail
        session.commit()
        assert send_reminders(today)["email"] == 1 and len(smtp.messages) == 2
        logged = session.scalars(
            select(Event.action).where(Event.action.like("loan.reminder_%"))
        ).all()
        assert sorted(logged) == [
            "loan.reminder_due_soon",
            "loan.reminder_overdue",
            "loan.reminder_overdue",
        ]


def test_an_smtp_failure_puts_the_household_on_the_call_list(
    app, session_as, lender, make_household, make_device
):
    household_id = make_household().id
    device_id = make_device(State.READY).id
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)  # nothing listens there
    try:
        with session_as(lender) as (session, actor):
            active_loan(session, actor, household_id, device_id, TODAY - timedelta(days=190))
            assert send_reminders() == {"email": 0, "call": 1, "failed": 1}
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)


def test_the_purge_anonymises_after_24_months_only(session_as, lender, make_household, make_device):
    old, recent, busy = make_household().id, make_household().id, make_household().id
    devices = [make_device(State.READY).id for _ in range(3)]
    today = TODAY
    with session_as(lender) as (session, actor):
        for household_id, device_id, ended_days in (
            (old, devices[0], 760),
            (recent, devices[1], 600),
        ):
            loan = active_loan(session, actor, household_id, device_id, today)
            loan.start_on = today - timedelta(days=900)  # history set up, not handed over today
            lending.take_back(actor, loan, loan.version, "Bon état", [])
            loan.ended_on = today - timedelta(days=ended_days)
        active_loan(session, actor, busy, devices[2], today).start_on = today - timedelta(days=900)
        session.commit()
        assert privacy.purge(today) == 1
        session.commit()
        purged = session.get(Household, old)
        assert purged.anonymised_at and not purged.has_identity and purged.reference
        assert session.get(Household, recent).contact_name == "Mme Durand"
        assert session.get(Household, busy).contact_name == "Mme Durand"
        assert privacy.purge(today) == 0


def test_the_purge_command(app, make_household):
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert (
        result.exit_code == 0 and "0 foyer anonymisé, 0 échec de connexion oublié." in result.output
    )


def test_export_and_erasure_on_request(session_as, lender, make_household, make_device):
    household_id = make_household().id
    device_id = make_device(State.READY).id
    with session_as(lender) as (session, actor):
        household = session.get(Household, household_id)
        loan = active_loan(session, actor, household_id, device_id, TODAY)
        exported = privacy.export(household, actor)
        assert exported["Coordonnées"]["E-mail"] == "durand@exemple.fr"
        assert exported["Prêts"][0]["Référence"] == loan.reference
        with pytest.raises(DomainError) as refused:
            privacy.erase_on_request(household, actor)
        assert refused.value.code == "open_loans"
        lending.take_back(actor, loan, loan.version, "Bon état", [])
        privacy.erase_on_request(household, actor)
        assert not household.has_identity and household.anonymised_at


def test_the_agreement_and_the_return_receipt(session_as, lender, make_household, make_device):
    pdftotext = require_tool("pdftotext", "poppler-utils")
    household = make_household()
    device = make_device(State.READY, serial_number="PF1AGR77")
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household.id, device.id, START)
        loan.deposit_euros = 30
        text = subprocess.run(
            [pdftotext, "-layout", "-", "-"],
            input=agreement(
                loan,
                loan.terms,
                privacy.identity_for(actor, loan.household),
                settings_for(loan.lender_organisation_id),
            ),
            capture_output=True,
            check=True,
        ).stdout.decode()
        for expected in (
            "Convention de prêt",
            "Gers Solidaire",
            household.reference,
            "Mme Durand",
            device.tag,
            "Ordinateur portable",
            "ThinkPad T480",
            "PF1AGR77",
            "chargeur",
            f"{START:%d/%m/%Y}",
            f"{START + timedelta(days=180):%d/%m/%Y}",
            "30 €",
            "version 1",
            "reste la propriété de l'association",
            "180 jours, renouvelable 2 fois, de 90 jours",
            "Fait à ",
            f"le {START:%d/%m/%Y}",
        ):
            assert expected in text, expected
        lending.take_back(actor, loan, loan.version, "Écran rayé", ["chargeur"], True)
        receipt = subprocess.run(
            [pdftotext, "-", "-"], input=return_receipt(loan), capture_output=True, check=True
        ).stdout.decode()
        assert "Reçu de retour" in receipt and "Écran rayé" in receipt and "chargeur" in receipt
        assert "Caution versée à la remise" in receipt and "30 €" in receipt
