"""Each loan transition, allowed and refused, below HTTP; all through the device lifecycle."""

from datetime import timedelta

import pytest

from refurb.errors import DomainError
from refurb.inventory.enums import Category, State
from refurb.inventory.lifecycle import Action, Context, refusal
from refurb.inventory.models import Device
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.models import Household, LoanRequest
from refurb.loans.services import households, lending
from tests.conftest import TODAY

START = TODAY - timedelta(days=29)


def test_reserve_checkout_renew_return(session_as, lender, make_household, make_device):
    household_id = make_household().id
    device_id = make_device(State.READY).id
    with session_as(lender) as (session, actor):
        household, device = session.get(Household, household_id), session.get(Device, device_id)
        request = households.add_request(household, actor, Category.LAPTOP, priority=1)
        loan = lending.reserve(actor, household, device, request)
        assert (loan.status, device.state, request.status) == (
            LoanStatus.RESERVED,
            State.RESERVED,
            RequestStatus.SERVED,
        )
        with pytest.raises(DomainError) as refused:
            lending.checkout(actor, loan, loan.version, ["chargeur"], 0, agreement_accepted=False)
        assert refused.value.code == "agreement_required" and device.state == State.RESERVED
        lending.checkout(actor, loan, loan.version, ["chargeur", "housse"], 20, True, START)
        assert loan.status == LoanStatus.ACTIVE and device.state == State.ON_LOAN
        assert loan.due_on == START + timedelta(days=180) and loan.terms.version_number == 1
        lending.renew(actor, loan, loan.version)
        lending.renew(actor, loan, loan.version)
        with pytest.raises(DomainError) as capped:
            lending.renew(actor, loan, loan.version)
        assert capped.value.code == "renewal_cap" and loan.renewals == 2
        lending.take_back(actor, loan, loan.version, "Rayure sur le capot", ["housse"], True)
        assert loan.status == LoanStatus.RETURNED and device.state == State.DIAGNOSIS
        assert loan.missing_accessories == ["housse"]
        session.commit()


def test_a_returned_device_cannot_be_lent_before_it_is_erased_again(
    session_as, lender, make_household, make_device
):
    households = [make_household().id, make_household().id]
    device_id = make_device(State.READY).id
    with session_as(lender) as (session, actor):
        device = session.get(Device, device_id)
        loan = lending.reserve(actor, session.get(Household, households[0]), device)
        lending.checkout(actor, loan, loan.version, [], 0, True)
        lending.take_back(actor, loan, loan.version, "Bon état", [])
        with pytest.raises(DomainError) as refused:
            lending.reserve(actor, session.get(Household, households[1]), device)
        assert refused.value.code == "invalid_state"
        assert refusal(device, Action.MARK_READY, Context()).code == "functional_test_required"


def test_reserving_a_device_that_is_not_ready_is_refused(
    session_as, lender, make_household, make_device
):
    household_id = make_household().id
    device_id = make_device(State.DIAGNOSIS).id
    with session_as(lender) as (session, actor):
        with pytest.raises(DomainError) as refused:
            lending.reserve(
                actor, session.get(Household, household_id), session.get(Device, device_id)
            )
        assert refused.value.code == "invalid_state"


def test_a_second_open_loan_of_the_same_category_needs_a_reason(
    session_as, lender, make_household, make_device
):
    household_id = make_household().id
    laptops = [make_device(State.READY).id, make_device(State.READY).id]
    phone = make_device(State.READY, category=Category.SMARTPHONE).id
    with session_as(lender) as (session, actor):
        household = session.get(Household, household_id)
        lending.reserve(actor, household, session.get(Device, laptops[0]))
        lending.reserve(actor, household, session.get(Device, phone))  # another category: fine
        with pytest.raises(DomainError) as refused:
            lending.reserve(actor, household, session.get(Device, laptops[1]))
        assert refused.value.code == "second_loan"
        loan = lending.reserve(
            actor, household, session.get(Device, laptops[1]), override_reason="Deux collégiens"
        )
        assert loan.override_reason == "Deux collégiens"


def test_gift_lost_and_cancel(session_as, lender, make_household, make_device):
    household_id = make_household().id
    devices = [make_device(State.READY).id for _ in range(3)]
    with session_as(lender) as (session, actor):
        household = session.get(Household, household_id)
        loans = []
        for device_id in devices:
            loan = lending.reserve(
                actor, household, session.get(Device, device_id), override_reason="test"
            )
            loans.append(loan)
        for loan in loans[:2]:
            lending.checkout(actor, loan, loan.version, [], 0, True)
        lending.convert_to_gift(actor, loans[0], loans[0].version)
        lending.declare_lost(actor, loans[1], loans[1].version, "Perdu lors d'un déménagement")
        request = households.add_request(household, actor, Category.LAPTOP)
        request.status, request.loan_id = RequestStatus.SERVED, loans[2].id
        lending.cancel(actor, loans[2], loans[2].version)
        assert [loan.status for loan in loans] == [
            LoanStatus.CONVERTED_TO_GIFT,
            LoanStatus.LOST,
            LoanStatus.CANCELLED,
        ]
        assert [loan.device.state for loan in loans] == [State.GIVEN, State.LOST, State.READY]
        assert session.get(LoanRequest, request.id).status == RequestStatus.WAITING
        with pytest.raises(DomainError) as refused:
            lending.renew(actor, loans[0], loans[0].version)
        assert refused.value.code == "invalid_loan_state"


def test_a_lender_cannot_act_for_another_association(
    session_as, create_user, create_organisation, make_household, make_device
):
    from refurb.auth.roles import OrganisationKind, Role

    other = create_user(
        Role.LENDER, create_organisation("Garros Services", OrganisationKind.LENDER)
    )
    household_id = make_household().id
    device_id = make_device(State.READY).id
    with session_as(other) as (session, actor):
        household = session.get(Household, household_id)
        with pytest.raises(DomainError) as refused:
            lending.reserve(actor, household, session.get(Device, device_id))
        assert refused.value.code == "other_organisation"
        with pytest.raises(DomainError) as refused_request:
            households.add_request(household, actor, Category.LAPTOP)
        assert refused_request.value.code == "other_organisation"
        assert session.get(Device, device_id).state == State.READY


def test_stale_loan_versions_are_refused(session_as, lender, make_household, make_device):
    household_id = make_household().id
    device_id = make_device(State.READY).id
    with session_as(lender) as (session, actor):
        loan = lending.reserve(
            actor, session.get(Household, household_id), session.get(Device, device_id)
        )
        with pytest.raises(DomainError) as refused:
            lending.checkout(actor, loan, loan.version - 1, [], 0, True)
        assert refused.value.code == "stale_version"


def test_the_device_page_offers_what_refusal_says_a_loan_holding_it_included(
    session_as, lender, technician, make_household, make_device
):
    """available_actions asks who holds the device once for all actions: each offered action
    still carries exactly the refusal refusal() gives it."""
    from refurb.auth.models import User
    from refurb.inventory.lifecycle import available_actions

    household_id = make_household().id
    held_id, free_id = make_device(State.READY).id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        lending.reserve(actor, session.get(Household, household_id), session.get(Device, held_id))
        session.commit()
    with session_as(lender) as (session, _actor):
        workshop = session.get(User, technician.id)
        for device_id, held in ((held_id, True), (free_id, False)):
            device = session.get(Device, device_id)
            offered = available_actions(device, workshop)
            assert offered
            for action, blocked in offered:
                said = refusal(device, action, Context(actor=workshop), check_inputs=False)
                assert (blocked and blocked.code) == (said and said.code), action
                assert (blocked and blocked.message) == (said and said.message)
            assert all(b and b.code == "held_by_loan" for _a, b in offered) == held
