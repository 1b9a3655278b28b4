"""The loan rules people depend on, pinned at their boundaries: how a renewal moves the due
date (early or late, with a renewal length other than the loan's), the day a loan becomes
overdue (model, reminders, dashboard), and the retention of personal data (exactly 24 months
against one day less, a household with no loan, the purge command)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from refurb.auth.models import User
from refurb.inventory.enums import State
from refurb.loans import privacy
from refurb.loans.models import Household, Loan, Reminder
from refurb.loans.privacy import _months_before
from refurb.loans.reminders import DUE_SOON_DAYS, send_reminders
from refurb.loans.services import lending
from refurb.loans.services.settings import update_settings
from tests.conftest import TODAY, sign_in
from tests.loans.test_privacy_reminders import active_loan


@pytest.fixture
def short_renewals(in_app, lender, lender_org):
    """Loans of 180 days, renewed 30 days at a time (the renewal is not the loan's length)."""
    with in_app() as session:
        update_settings(session.get(User, lender.id), lender_org.id, 1, 180, 30, 3, "")
        session.commit()


@pytest.mark.parametrize(
    "handed_days_ago, expected_due",
    [
        (100, TODAY - timedelta(days=100) + timedelta(days=180 + 30)),  # early: from the due date
        (200, TODAY + timedelta(days=30)),  # overdue by 20 days: from today, not the past due date
        (180, TODAY + timedelta(days=30)),  # due today: the same either way
    ],
)
def test_a_renewal_adds_its_own_length_from_the_later_of_due_date_and_today(
    session_as, lender, make_household, make_device, short_renewals, handed_days_ago, expected_due
):
    household, device = make_household().id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household, device, TODAY - timedelta(handed_days_ago))
        assert loan.due_on == TODAY - timedelta(days=handed_days_ago) + timedelta(days=180)
        lending.renew(actor, loan, loan.version)
        assert loan.due_on == expected_due and loan.renewals == 1


@pytest.mark.parametrize("due_in, overdue", [(1, False), (0, False), (-1, True)])
def test_a_loan_is_overdue_the_day_after_its_due_date(
    client, session_as, lender, make_household, make_device, due_in, overdue
):
    household, device = make_household(contact_email="").id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household, device, TODAY - timedelta(days=10))
        loan.due_on = TODAY + timedelta(days=due_in)
        session.commit()
        assert loan.is_overdue(TODAY) is overdue
        send_reminders(TODAY)
        session.commit()
        steps = [r.step for r in session.query(Reminder).all()]
        reference = loan.reference
    assert steps == ["overdue" if overdue else "due_soon"]
    sign_in(client, lender.email, lender.password)
    page = client.get("/prets").get_data(as_text=True)
    late = page[page.index("En retard (") : page.index("À rendre dans les 14 jours")]
    assert (reference in late) is overdue


@pytest.mark.parametrize("due_in, reminded", [(DUE_SOON_DAYS, True), (DUE_SOON_DAYS + 1, False)])
def test_the_due_soon_reminder_starts_a_week_before(
    session_as, lender, make_household, make_device, due_in, reminded
):
    household, device = make_household(contact_email="").id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household, device, TODAY - timedelta(days=10))
        loan.due_on = TODAY + timedelta(days=due_in)
        session.commit()
        assert send_reminders(TODAY)["call"] == int(reminded)


def test_months_before_keeps_the_day_or_the_last_day_of_a_shorter_month():
    assert _months_before(date(2026, 12, 1), 24) == date(2024, 12, 1)
    assert _months_before(date(2026, 3, 31), 24) == date(2024, 3, 31)
    assert _months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert _months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert _months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def _ended(session, actor, household_id, device_id, on):
    loan = active_loan(session, actor, household_id, device_id, TODAY - timedelta(days=30))
    lending.take_back(actor, loan, loan.version, "Bon état", [])
    loan.ended_on = on


def test_the_retention_ends_exactly_24_months_after_the_last_loan(
    session_as, lender, make_household, make_device
):
    limit = _months_before(TODAY, 24)
    due, kept = make_household().id, make_household().id
    devices = [make_device(State.READY).id for _ in range(2)]
    with session_as(lender) as (session, actor):
        _ended(session, actor, due, devices[0], limit)
        _ended(session, actor, kept, devices[1], limit + timedelta(days=1))
        session.commit()
        assert privacy.purge(TODAY) == 1
        session.commit()
        assert session.get(Household, due).anonymised_at is not None
        assert session.get(Household, kept).contact_name == "Mme Durand"


def test_a_household_with_no_loan_is_kept_24_months_from_its_record(
    session_as, in_app, lender, make_household
):
    limit = _months_before(TODAY, 24)
    due, kept = make_household().id, make_household().id
    with in_app() as session:
        for household_id, day in ((due, limit), (kept, limit + timedelta(days=1))):
            moment = datetime.combine(day, time(12), UTC)
            session.execute(
                update(Household).where(Household.id == household_id).values(created_at=moment)
            )
        session.commit()
    with session_as(lender) as (session, _actor):
        assert privacy.purge(TODAY) == 1
        session.commit()
        assert session.get(Household, due).anonymised_at is not None
        assert session.get(Household, kept).anonymised_at is None


def test_the_purge_command_anonymises_the_household_due(
    app, session_as, lender, make_household, make_device
):
    due, device = make_household().id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        _ended(session, actor, due, device, _months_before(TODAY, 25))
        session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert result.exit_code == 0 and "1 foyer anonymisé" in result.output
    with session_as(lender) as (session, _actor):
        household = session.get(Household, due)
        assert household.anonymised_at is not None and not household.has_identity
        assert session.query(Loan).filter_by(household_id=due).one().household_id == due


def test_another_associations_lender_can_do_no_step_of_a_loan(
    session_as, lender, create_user, create_organisation, make_household, make_device
):
    from refurb.auth.roles import OrganisationKind, Role
    from refurb.errors import DomainError
    from refurb.loans import workflow

    other = create_user(
        Role.LENDER, create_organisation("Garros Services", OrganisationKind.LENDER)
    )
    household, device = make_household().id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        loan_id = active_loan(session, actor, household, device, TODAY - timedelta(days=5)).id
        session.commit()
    with session_as(other) as (session, stranger):
        loan = session.get(Loan, loan_id)
        assert workflow.available_actions(loan, stranger) == []
        for step in (
            lambda: lending.renew(stranger, loan, loan.version),
            lambda: lending.take_back(stranger, loan, loan.version, "Bon état", []),
            lambda: lending.convert_to_gift(stranger, loan, loan.version),
        ):
            with pytest.raises(DomainError) as refused:
                step()
            assert refused.value.code == "other_organisation"


def test_the_loan_refusals_say_which_rule_and_give_their_figures(
    session_as, lender, lender_org, make_household, make_device
):
    from refurb.errors import DomainError
    from refurb.loans.workflow import LoanAction, refusal

    household, device = make_household().id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        update_settings(actor, lender_org.id, 1, 180, 30, 1, "")
        loan = active_loan(session, actor, household, device, TODAY - timedelta(days=5))
        lending.renew(actor, loan, loan.version)
        with pytest.raises(DomainError) as capped:
            lending.renew(actor, loan, loan.version)
        assert capped.value.details == {"renewals": 1, "cap": 1}
        assert capped.value.message.replace("\u202f", " ") == (
            "Plafond de renouvellements atteint (1) : le matériel doit être rendu."
        )
        wrong = refusal(loan, LoanAction.CHECKOUT)
        assert wrong.details == {"status": "active"}
        assert wrong.message.replace("\u202f", " ").replace("\u00a0", " ") == (
            "Action impossible : « Remettre au foyer » ne s'applique pas à un prêt « En cours »."
        )
